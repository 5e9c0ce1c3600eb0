//! Checks the spec as written and resolves it into the [`Api`] model, collecting every error
//! (with file and line) before giving up, so one run shows all that is wrong.

use crate::error::SpecError;
use crate::load::LoadedFile;
use crate::model::*;
use crate::names;
use crate::names::{ENUMS, OBJECTS};
use crate::spec::{FieldSpec, FilterSpec, ObjectSpec, OperationSpec, TypeExpr};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// Validates all files together and resolves them, or returns every error found.
pub fn validate(files: &[LoadedFile]) -> Result<Api, Vec<SpecError>> {
    let mut v = Validator::default();
    let mut shared: BTreeMap<String, EnumDef> = BTreeMap::new();
    let mut default_features: Vec<(String, &LoadedFile)> = Vec::new();
    let mut resources: HashMap<String, String> = HashMap::new();
    let mut object_names: BTreeSet<String> = BTreeSet::new();

    for file in files {
        let at = |path: &[&str]| (file, file.lines.line(path));
        default_features.extend(file.spec.default_features.iter().map(|f| (f.clone(), file)));
        for (path, line) in &file.lines.duplicates {
            v.error(file, *line, format!("duplicate key `{}`", path.join(".")));
        }
        for (path, line) in &file.lines.bare_optional_keys {
            let key = path.last().map_or("", String::as_str);
            v.error(
                file,
                *line,
                format!("write the key `{key}` quoted (`\"{key}\"`): YAML 1.1 parsers such as PyYAML refuse a bare `?` key inside `{{…}}`"),
            );
        }
        for (text, line) in &file.lines.yaml11_booleans {
            v.error(
                file,
                *line,
                format!("write `{text}` quoted (`\"{text}\"`): YAML 1.1 parsers such as PyYAML read a bare `{text}` as a boolean"),
            );
        }
        for (name, values) in &file.spec.enums {
            let (f, line) = at(&["enums", name]);
            if !names::is_pascal(name) {
                v.error(
                    f,
                    line,
                    format!("enum name `{name}` is not a PascalCase Rust type name"),
                );
            } else if shared.contains_key(name) {
                v.error(f, line, format!("enum `{name}` is declared twice"));
            } else if let Some(def) = v.enum_def(f, line, name, values, None) {
                shared.insert(name.clone(), def);
            }
        }
        for name in file.spec.objects.keys() {
            let (f, line) = at(&["objects", name]);
            if !names::is_pascal(name) {
                v.error(
                    f,
                    line,
                    format!("parameter object name `{name}` is not a PascalCase Rust type name"),
                );
            } else if !object_names.insert(name.clone()) {
                v.error(
                    f,
                    line,
                    format!("parameter object `{name}` is declared twice"),
                );
            }
        }
        match &file.spec.resource {
            Some(name) if !names::is_pascal(name) => {
                let (f, line) = at(&["resource"]);
                v.error(
                    f,
                    line,
                    format!("resource name `{name}` is not a PascalCase Rust type name"),
                );
            }
            Some(name) if resources.insert(name.clone(), names::snake(name)).is_some() => {
                let (f, line) = at(&["resource"]);
                v.error(
                    f,
                    line,
                    format!("resource `{name}` is declared in more than one file"),
                );
            }
            Some(_) => {}
            None if !file.spec.fields.is_empty() || !file.spec.operations.is_empty() => {
                v.error(
                    file,
                    1,
                    "fields or operations given without `resource:`".to_string(),
                );
            }
            None => {}
        }
    }

    let scope = GlobalScope {
        shared: &shared,
        resources: &resources,
        objects: &object_names,
    };
    let mut param_objects = Vec::new();
    for file in files {
        for (name, spec) in &file.spec.objects {
            if let Some(object) = v.param_object(file, &scope, name, spec) {
                param_objects.push(object);
            }
        }
    }
    param_objects.sort_by(|a: &StructDef, b| a.name.cmp(&b.name));
    let mut out = Vec::new();
    let mut accessors: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in files {
        if file.spec.resource.is_some() {
            if let Some(resource) = v.resource(file, &scope) {
                if let Some((accessor, _)) = &resource.accessor {
                    if accessors
                        .insert(accessor.clone(), file.path.clone())
                        .is_some()
                    {
                        let line = file.lines.line(&["accessor"]);
                        v.error(
                            file,
                            line,
                            format!("accessor `{accessor}` is used by two resources"),
                        );
                    }
                }
                out.push(resource);
            }
        }
    }
    for (feature, file) in &default_features {
        if !out.iter().any(|r| &r.module == feature) {
            let line = file.lines.line(&["default_features"]);
            v.error(
                file,
                line,
                format!("default feature `{feature}` is not a resource module"),
            );
        }
    }
    if !v.errors.is_empty() {
        return Err(v.errors);
    }
    v.errors.extend(crate::described::check(files));
    if !v.errors.is_empty() {
        return Err(v.errors);
    }
    let event_contents = crate::event_content::event_contents(files, &shared, &out)?;
    out.sort_by(|a, b| a.module.cmp(&b.module));
    mark_holder_fields(&mut out);
    let mut default_features: Vec<String> = default_features.into_iter().map(|(f, _)| f).collect();
    default_features.sort();
    default_features.dedup();
    Ok(Api {
        param_objects,
        operator_sets: Vec::new(),
        enums: shared.into_values().collect(),
        resources: out,
        default_features,
        event_contents,
    })
}

struct GlobalScope<'a> {
    shared: &'a BTreeMap<String, EnumDef>,
    resources: &'a HashMap<String, String>,
    /// The named parameter objects.
    objects: &'a BTreeSet<String>,
}

/// What a type name means inside one resource's module.
#[derive(Default)]
struct LocalScope {
    module: String,
    /// The resource's name, put before type names that are taken.
    resource: String,
    /// Nested types: spec name → Rust name.
    nested: BTreeMap<String, String>,
    /// Inline enums: name as derived from the spec → Rust name.
    enums: BTreeMap<String, String>,
}

#[derive(Default)]
struct Validator {
    errors: Vec<SpecError>,
}

/// Where an inline type is being declared, to name it.
struct Owner<'a> {
    /// Prefix of inline type names (`""` on the resource, `Create` on its parameters).
    prefix: &'a str,
    /// Whether inline `object`s are allowed (parameters only).
    params: bool,
}

impl Validator {
    fn error(&mut self, file: &LoadedFile, line: usize, message: String) {
        self.errors.push(SpecError {
            file: file.path.clone(),
            line,
            message,
        });
    }

    fn enum_def(
        &mut self,
        file: &LoadedFile,
        line: usize,
        name: &str,
        values: &[String],
        doc: Option<String>,
    ) -> Option<EnumDef> {
        if values.is_empty() {
            self.error(file, line, format!("enum `{name}` has no values"));
            return None;
        }
        let mut variants: Vec<(String, String)> = Vec::new();
        for value in values {
            match names::variant(value) {
                None => self.error(
                    file,
                    line,
                    format!("enum `{name}`: value `{value}` gives no Rust variant name"),
                ),
                Some(v) if v == names::UNKNOWN_VARIANT => self.error(
                    file,
                    line,
                    format!("enum `{name}`: value `{value}` clashes with the catch-all variant"),
                ),
                Some(v) if variants.iter().any(|(seen, _)| *seen == v) => self.error(
                    file,
                    line,
                    format!("enum `{name}`: values give the variant `{v}` twice"),
                ),
                Some(v) => variants.push((v, value.clone())),
            }
        }
        Some(EnumDef {
            name: name.to_string(),
            doc,
            variants,
        })
    }

    /// A named parameter object, read as a parameter object of the `objects` module: its
    /// fields may name shared enums and named parameter objects only.
    fn param_object(
        &mut self,
        file: &LoadedFile,
        global: &GlobalScope,
        name: &str,
        spec: &ObjectSpec,
    ) -> Option<StructDef> {
        if !names::is_pascal(name) {
            return None;
        }
        let errors_before = self.errors.len();
        let mut reader = ModuleReader {
            validator: self,
            file,
            global,
            local: LocalScope {
                module: OBJECTS.to_string(),
                ..LocalScope::default()
            },
            enums: Vec::new(),
            objects: Vec::new(),
        };
        let owner = Owner {
            prefix: name,
            params: true,
        };
        let fields = reader.fields(&spec.fields, &owner, &["objects", name, "fields"]);
        for field in &fields {
            let what = match field.ty.named().map(|r| r.module.as_deref()) {
                // Only an inline `enum` or `object` is of the object's own module.
                Some(None) => "declares an inline type",
                Some(Some(m)) if m != ENUMS && m != OBJECTS => "names a type of a resource",
                _ => continue,
            };
            let line = file.lines.line(&["objects", name, "fields", &field.wire]);
            self.error(
                file,
                line,
                format!("parameter object `{name}`: `{}` {what}; name a shared enum or a parameter object", field.wire),
            );
        }
        (self.errors.len() == errors_before).then(|| StructDef {
            same_as: None,
            name: name.to_string(),
            doc: spec.doc.clone(),
            fields,
            custom_fields: spec.custom_fields,
        })
    }

    fn resource(&mut self, file: &LoadedFile, global: &GlobalScope) -> Option<Resource> {
        let spec = &file.spec;
        let name = spec.resource.clone()?;
        let errors_before = self.errors.len();
        let mut res = Resource {
            module: names::snake(&name),
            name,
            source: file
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            doc: spec.doc.clone(),
            extra_keys: spec.extra_keys,
            fields: Vec::new(),
            nested: Vec::new(),
            shared_nested: Vec::new(),
            enums: Vec::new(),
            param_objects: Vec::new(),
            accessor: None,
            operations: Vec::new(),
        };
        let local = LocalScope {
            module: res.module.clone(),
            resource: res.name.clone(),
            ..LocalScope::default()
        };
        let mut reader = ModuleReader {
            validator: self,
            file,
            global,
            local,
            enums: Vec::new(),
            objects: Vec::new(),
        };
        for (nested, _) in &spec.nested {
            if names::is_pascal(nested) {
                reader
                    .local
                    .nested
                    .insert(nested.clone(), names::type_name(nested, &res.name));
            } else {
                let line = file.lines.line(&["nested", nested]);
                reader.error(
                    line,
                    format!("nested type name `{nested}` is not a PascalCase Rust type name"),
                );
            }
        }
        let top = Owner {
            prefix: "",
            params: false,
        };
        res.fields = reader.fields(&spec.fields, &top, &["fields"]);
        if res.extra_keys && res.fields.iter().any(|f| f.wire == "extra") {
            reader.error(
                file.lines.line(&["fields", "extra"]),
                "a field named `extra` clashes with the extra keys".into(),
            );
        }
        for (nested, nspec) in &spec.nested {
            let owner = Owner {
                prefix: nested,
                params: false,
            };
            let fields = reader.fields(&nspec.fields, &owner, &["nested", nested, "fields"]);
            res.nested.push(StructDef {
                same_as: None,
                name: names::type_name(nested, &res.name),
                doc: nspec.doc.clone(),
                fields,
                custom_fields: false,
            });
        }
        if !spec.operations.is_empty() {
            let accessor = spec
                .accessor
                .clone()
                .unwrap_or_else(|| names::plural(&res.module));
            if !names::is_snake(&accessor) {
                reader.error(
                    file.lines.line(&["accessor"]),
                    format!("accessor `{accessor}` is not a snake_case method name"),
                );
            }
            let handle = names::pascal(&accessor);
            res.accessor = Some((accessor, handle));
        } else if spec.accessor.is_some() {
            reader.error(
                file.lines.line(&["accessor"]),
                "accessor given for a resource without operations".into(),
            );
        }
        for (op_name, op) in &spec.operations {
            if let Some(op) = reader.operation(&res.module, op_name, op) {
                res.operations.push(op);
            }
        }
        res.enums = reader.enums;
        res.param_objects = reader.objects;
        self.check_type_names(file, &res);
        (self.errors.len() == errors_before).then_some(res)
    }

    /// Every type a resource module declares must have its own name.
    fn check_type_names(&mut self, file: &LoadedFile, res: &Resource) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut names: Vec<String> = vec![res.name.clone()];
        names.extend(res.nested.iter().map(|s| s.name.clone()));
        names.extend(res.enums.iter().map(|e| e.name.clone()));
        names.extend(res.param_objects.iter().map(|s| s.name.clone()));
        if let Some((_, handle)) = &res.accessor {
            names.push(handle.clone());
        }
        for op in &res.operations {
            names.extend(op.type_names());
        }
        for n in names {
            *seen.entry(n).or_default() += 1;
        }
        for (n, count) in seen {
            if count > 1 {
                self.error(
                    file,
                    1,
                    format!(
                        "module `{}` would declare the type `{n}` {count} times",
                        res.module
                    ),
                );
            }
        }
    }
}

/// Reads one resource's spec file into its module: the scope its type names resolve in, and
/// the inline enums and parameter objects its fields and filters declare, in spec order.
struct ModuleReader<'a> {
    validator: &'a mut Validator,
    file: &'a LoadedFile,
    global: &'a GlobalScope<'a>,
    local: LocalScope,
    enums: Vec<EnumDef>,
    objects: Vec<StructDef>,
}

impl ModuleReader<'_> {
    fn error(&mut self, line: usize, message: String) {
        self.validator.error(self.file, line, message);
    }

    fn enum_def(
        &mut self,
        line: usize,
        name: &str,
        values: &[String],
        doc: Option<String>,
    ) -> Option<EnumDef> {
        self.validator.enum_def(self.file, line, name, values, doc)
    }

    fn fields(
        &mut self,
        specs: &IndexMap<String, FieldSpec>,
        owner: &Owner,
        at: &[&str],
    ) -> Vec<Field> {
        let mut out = Vec::new();
        for (wire, spec) in specs {
            let mut path = at.to_vec();
            path.push(wire);
            let line = self.file.lines.line(&path);
            if !names::is_snake(wire) {
                self.error(
                    line,
                    format!("field name `{wire}` is not a snake_case Rust name"),
                );
                continue;
            }
            let stem = format!("{}{}", owner.prefix, names::pascal(wire));
            let Some(ty) = self.field_type(&spec.ty, spec, &stem, owner, &path) else {
                continue;
            };
            if spec.values.is_some() && !matches!(spec.ty.innermost(), TypeExpr::Enum) {
                self.error(
                    line,
                    format!("`values` given for `{wire}`, which is not an inline enum"),
                );
            }
            if spec.fields.is_some() && !matches!(spec.ty.innermost(), TypeExpr::Object) {
                self.error(
                    line,
                    format!("`fields` given for `{wire}`, which is not an inline object"),
                );
            }
            if spec.custom_fields && !matches!(spec.ty.innermost(), TypeExpr::Object) {
                self.error(
                    line,
                    format!("`custom_fields` given for `{wire}`, which is not an inline object"),
                );
            }
            out.push(Field {
                wire: wire.clone(),
                ident: names::field_ident(wire),
                ty,
                required: spec.required,
                doc: spec.doc.clone(),
                max_length: spec.max_length,
                empty_when_absent: false,
            });
        }
        out
    }

    fn field_type(
        &mut self,
        ty: &TypeExpr,
        spec: &FieldSpec,
        stem: &str,
        owner: &Owner,
        path: &[&str],
    ) -> Option<Type> {
        let line = self.file.lines.line(path);
        Some(match ty {
            TypeExpr::List(inner) => {
                Type::List(Box::new(self.field_type(inner, spec, stem, owner, path)?))
            }
            TypeExpr::Enum => {
                let Some(values) = &spec.values else {
                    self.error(line, "inline `enum` needs `values`".into());
                    return None;
                };
                let rust_name = names::type_name(stem, &self.local.resource);
                let def = self.enum_def(line, &rust_name, values, None)?;
                self.local.enums.insert(stem.to_string(), rust_name.clone());
                self.enums.push(def);
                Type::Enum(TypeRef {
                    module: None,
                    name: rust_name,
                })
            }
            TypeExpr::Object => {
                if !owner.params {
                    self.error(
                        line,
                        "inline `object` is only for parameters; declare a nested type".into(),
                    );
                    return None;
                }
                let Some(fields) = &spec.fields else {
                    self.error(line, "inline `object` needs `fields`".into());
                    return None;
                };
                let mut fields_path = path.to_vec();
                fields_path.push("fields");
                let inner = Owner {
                    prefix: stem,
                    params: true,
                };
                let fields = self.fields(fields, &inner, &fields_path);
                let name = format!("{stem}Params");
                let doc = spec
                    .doc
                    .clone()
                    .or_else(|| param_object_doc(self.file.spec.resource.as_deref(), path));
                self.objects.push(StructDef {
                    same_as: None,
                    name: name.clone(),
                    doc,
                    fields,
                    custom_fields: spec.custom_fields,
                });
                Type::Struct(TypeRef { module: None, name })
            }
            TypeExpr::Named(name) => match self
                .param_object(name)
                .filter(|_| owner.params)
                .or_else(|| self.named_type(name))
            {
                Some(t) => t,
                None => {
                    self.error(line, format!("unknown type `{name}`: not a built-in type, resource, nested type, shared enum or parameter object"));
                    return None;
                }
            },
            scalar => scalar_type(scalar)?,
        })
    }

    /// A named parameter object: `NoteParams` or `objects.NoteParams`.
    fn param_object(&self, name: &str) -> Option<Type> {
        let name = name.strip_prefix("objects.").unwrap_or(name);
        self.global.objects.contains(name).then(|| {
            Type::Struct(TypeRef {
                module: Some(OBJECTS.into()),
                name: name.into(),
            })
        })
    }

    /// Resolves a type name: a nested type or enum of this module, a shared enum, a resource,
    /// `Resource.Nested`, or `enums.Name` for a shared enum a local type hides.
    fn named_type(&self, name: &str) -> Option<Type> {
        let (global, local) = (self.global, &self.local);
        if let Some(rust) = local.nested.get(name) {
            return Some(Type::Struct(TypeRef {
                module: None,
                name: rust.clone(),
            }));
        }
        if let Some(rust) = local.enums.get(name) {
            return Some(Type::Enum(TypeRef {
                module: None,
                name: rust.clone(),
            }));
        }
        if global.shared.contains_key(name) {
            return Some(Type::Enum(TypeRef {
                module: Some("enums".into()),
                name: name.into(),
            }));
        }
        let here = |module: &String| (*module != local.module).then(|| module.clone());
        if let Some(module) = global.resources.get(name) {
            return Some(Type::Struct(TypeRef {
                module: here(module),
                name: name.into(),
            }));
        }
        if let Some(shared) = name.strip_prefix("enums.") {
            return global.shared.contains_key(shared).then(|| {
                Type::Enum(TypeRef {
                    module: Some("enums".into()),
                    name: shared.into(),
                })
            });
        }
        let (resource, nested) = name.split_once('.')?;
        let module = global.resources.get(resource)?;
        Some(Type::Struct(TypeRef {
            module: here(module),
            name: names::type_name(nested, resource),
        }))
    }

    fn operation(&mut self, module: &str, name: &str, spec: &OperationSpec) -> Option<Operation> {
        let at = |key: &'static str| -> [&str; 3] { ["operations", name, key] };
        let errors_before = self.validator.errors.len();
        if !names::is_snake(name) {
            self.error(
                self.file.lines.line(&["operations", name]),
                format!("operation name `{name}` is not a snake_case method name"),
            );
            return None;
        }
        let pascal = names::pascal(name);
        let method = HttpMethod::parse(&spec.method).unwrap_or_else(|| {
            self.error(
                self.file.lines.line(&at("method")),
                format!("method `{}` is not GET, POST or DELETE", spec.method),
            );
            HttpMethod::Get
        });
        let path = self.path(&spec.path, &at("path"));
        let base = match spec.base.as_deref() {
            None | Some("chargebee") => ApiBase::Chargebee,
            Some("control") => ApiBase::Control,
            Some(other) => {
                self.error(
                    self.file.lines.line(&at("base")),
                    format!("base `{other}` is not `chargebee` or `control`"),
                );
                ApiBase::Chargebee
            }
        };
        let body = match (method, spec.body.as_deref()) {
            (HttpMethod::Post, None | Some("form")) => BodyKind::Form,
            (HttpMethod::Post, Some("json")) => BodyKind::Json,
            (_, None) => BodyKind::Query,
            (_, Some(other)) => {
                self.error(
                    self.file.lines.line(&at("body")),
                    format!("body `{other}` is not allowed here: only POST takes `form` or `json`"),
                );
                BodyKind::Query
            }
        };
        if let Some(sub) = &spec.subdomain {
            if sub.is_empty() || !sub.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                let line = self.file.lines.line(&at("subdomain"));
                self.error(line, format!("subdomain `{sub}` is not a host label"));
            }
        }
        let owner = Owner {
            prefix: &pascal,
            params: true,
        };
        let params = self.fields(&spec.params, &owner, &["operations", name, "params"]);
        // Parameters and filters both become setters, which must not shadow builder methods.
        let setters = params
            .iter()
            .map(|p| ("params", p.wire.clone(), p.wire.clone()))
            .chain(
                spec.filters
                    .keys()
                    .map(|k| ("filters", k.clone(), k.replace('.', "_"))),
            );
        for (section, key, setter) in setters {
            if names::BUILDER_METHODS.contains(&setter.as_str()) {
                let line = self.file.lines.line(&["operations", name, section, &key]);
                self.error(
                    line,
                    format!("`{key}` would clash with a request builder method"),
                );
            }
        }
        for p in &params {
            let reserved = spec.paginated
                && method == HttpMethod::Get
                && (p.wire == "limit" || p.wire == "offset");
            if reserved || Some(p.wire.as_str()) == path.iter().find_map(param_name) {
                let line = self
                    .file
                    .lines
                    .line(&["operations", name, "params", &p.wire]);
                self.error(
                    line,
                    format!(
                        "parameter `{}` is already provided by the operation",
                        p.wire
                    ),
                );
            }
        }
        if spec.custom_fields && params.iter().any(|p| p.wire == "custom_fields") {
            let line = self
                .file
                .lines
                .line(&["operations", name, "params", "custom_fields"]);
            self.error(
                line,
                "a parameter named `custom_fields` clashes with the operation's custom fields"
                    .into(),
            );
        }
        let filters = self.filters(name, &pascal, &spec.filters, &params);
        let mut sort_by = Vec::new();
        for field in &spec.sort_by {
            if !names::is_snake(field) {
                self.error(
                    self.file.lines.line(&at("sort_by")),
                    format!("sort field `{field}` is not a snake_case name"),
                );
            } else {
                sort_by.push((names::pascal(field), field.clone()));
            }
        }
        let pages = spec.paginated && method == HttpMethod::Get;
        if !sort_by.is_empty() && !pages {
            self.error(
                self.file.lines.line(&at("sort_by")),
                "`sort_by` is only for paginated GET operations".into(),
            );
        }
        let returns = self.returns(name, &spec.returns);
        (self.validator.errors.len() == errors_before).then(|| Operation {
            id: format!("{}.{}", module, name),
            name: name.to_string(),
            pascal,
            method,
            path,
            base,
            body,
            subdomain: spec.subdomain.clone(),
            idempotent: spec.idempotent,
            paginated: spec.paginated,
            custom_fields: spec.custom_fields,
            // `described` refuses an operation without these.
            doc: spec.doc.clone().unwrap_or_default(),
            catalog: spec.catalog.unwrap_or(chargebee_description::Catalog::Both),
            destructive: spec.destructive.unwrap_or_default(),
            examples: spec.examples.clone(),
            params,
            filters,
            sort_by,
            returns,
            same_answer_as: None,
        })
    }

    fn path(&mut self, path: &str, at: &[&str]) -> Vec<PathPart> {
        let line = self.file.lines.line(at);
        if !path.starts_with('/') {
            self.error(line, format!("path `{path}` does not start with `/`"));
        }
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.error(line, format!("path `{path}` has an unclosed `{{`"));
                return parts;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_string()));
            }
            let param = &rest[open + 1..open + close];
            if !names::is_snake(param) {
                self.error(
                    line,
                    format!("path parameter `{param}` is not a snake_case name"),
                );
            }
            parts.push(PathPart::Param(param.to_string()));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        if parts
            .iter()
            .filter(|p| matches!(p, PathPart::Param(_)))
            .count()
            > 1
        {
            self.error(line, format!("path `{path}` has more than one parameter"));
        }
        parts
    }

    fn filters(
        &mut self,
        op: &str,
        pascal: &str,
        specs: &IndexMap<String, FilterSpec>,
        params: &[Field],
    ) -> Vec<Filter> {
        let mut out = Vec::new();
        for (wire, spec) in specs {
            let line = self.file.lines.line(&["operations", op, "filters", wire]);
            let segments: Vec<&str> = wire.split('.').collect();
            if segments.len() > 2 || !segments.iter().all(|s| names::is_snake(s)) {
                self.error(
                    line,
                    format!("filter name `{wire}` is not `field` or `group.field` in snake_case"),
                );
                continue;
            }
            let ident = segments.join("_");
            let (key, group, field) = match segments.as_slice() {
                [group, field] => (
                    format!("{group}[{field}]"),
                    Some(group.to_string()),
                    field.to_string(),
                ),
                _ => (wire.clone(), None, wire.clone()),
            };
            if params.iter().any(|p| p.wire == ident) {
                self.error(line, format!("`{wire}` is both a parameter and a filter"));
                continue;
            }
            if let Some(group) = group
                .as_ref()
                .filter(|g| params.iter().any(|p| p.wire == **g))
            {
                self.error(line, format!("filter group `{group}` is also a parameter"));
                continue;
            }
            let enum_stem = names::pascal(&ident);
            let kind = match (spec.kind.as_str(), &spec.enum_type, &spec.values) {
                ("string", None, None) => FilterKind::String,
                ("number", None, None) => FilterKind::Number,
                ("timestamp", None, None) => FilterKind::Timestamp,
                ("date", None, None) => FilterKind::Date,
                ("boolean", None, None) => FilterKind::Boolean,
                ("enum", Some(name), None) => match self.named_type(name) {
                    Some(Type::Enum(r)) => FilterKind::Enum(r),
                    _ => {
                        self.error(
                            line,
                            format!("`{name}` is not an enum of this resource or a shared enum"),
                        );
                        continue;
                    }
                },
                ("enum", None, Some(values)) => {
                    let name = format!("{pascal}{enum_stem}");
                    let Some(def) = self.enum_def(line, &name, values, None) else {
                        continue;
                    };
                    self.local.enums.insert(name.clone(), name.clone());
                    self.enums.push(def);
                    FilterKind::Enum(TypeRef { module: None, name })
                }
                ("enum", _, _) => {
                    self.error(
                        line,
                        "an `enum` filter needs exactly one of `enum` or `values`".into(),
                    );
                    continue;
                }
                (k @ ("string" | "number" | "timestamp" | "date" | "boolean"), _, _) => {
                    self.error(
                        line,
                        format!("`enum` and `values` are only for `enum` filters, not `{k}`"),
                    );
                    continue;
                }
                (other, _, _) => {
                    self.error(line, format!("filter kind `{other}` is not string, number, timestamp, date, boolean or enum"));
                    continue;
                }
            };
            let mut ops = Vec::new();
            for o in &spec.ops {
                match FilterOperator::parse(o) {
                    Some(op) if kind.operators().contains(&op) => ops.push(op),
                    _ => self.error(
                        line,
                        format!("operator `{o}` does not exist for `{}` filters", spec.kind),
                    ),
                }
            }
            out.push(Filter {
                wire: key,
                group,
                field,
                ident: names::field_ident(&ident),
                kind,
                ops,
                operators: String::new(),
            });
        }
        out
    }

    fn returns(&mut self, op: &str, specs: &IndexMap<String, TypeExpr>) -> Vec<Field> {
        let mut out = Vec::new();
        for (key, ty) in specs {
            let line = self.file.lines.line(&["operations", op, "returns", key]);
            let (wire, required) = match key.strip_suffix('?') {
                Some(w) => (w, false),
                None => (key.as_str(), true),
            };
            if !names::is_snake(wire) {
                self.error(
                    line,
                    format!("response key `{wire}` is not a snake_case name"),
                );
                continue;
            }
            match self.response_type(ty) {
                Some(t) => out.push(response_field(wire, t, required)),
                None => self.error(line, format!("response `{wire}`: unknown type `{ty}`")),
            }
        }
        out
    }

    /// A response value's type: built-in, named, or a list of either (no inline types).
    fn response_type(&self, ty: &TypeExpr) -> Option<Type> {
        match ty {
            TypeExpr::List(inner) => self.response_type(inner).map(|t| Type::List(Box::new(t))),
            TypeExpr::Named(name) => self.named_type(name),
            TypeExpr::Enum | TypeExpr::Object => None,
            scalar => scalar_type(scalar),
        }
    }
}

/// What a parameter object is, from where the spec declares it
/// (`operations.create.params.billing_address`): "The `billing_address` parameter of
/// `customer.create`."; `None` outside an operation.
fn param_object_doc(resource: Option<&str>, path: &[&str]) -> Option<String> {
    let ["operations", op, "params", keys @ ..] = path else {
        return None;
    };
    let keys: Vec<&str> = keys.iter().copied().filter(|k| *k != "fields").collect();
    let module = names::snake(resource?);
    Some(format!(
        "The `{}` parameter of `{module}.{op}`.",
        keys.join(".")
    ))
}

fn response_field(wire: &str, ty: Type, required: bool) -> Field {
    Field {
        wire: wire.into(),
        ident: names::field_ident(wire),
        ty,
        required,
        doc: None,
        max_length: None,
        empty_when_absent: false,
    }
}

/// Marks every required field whose type is a holder resource (an event's `content`) as
/// decoding empty when absent.
fn mark_holder_fields(resources: &mut [Resource]) {
    let holders: Vec<(String, String)> = resources
        .iter()
        .filter(|r| r.is_holder())
        .map(|r| (r.module.clone(), r.name.clone()))
        .collect();
    for res in resources.iter_mut() {
        let here = res.module.clone();
        let is_holder = |ty: &Type| {
            matches!(ty, Type::Struct(r) if holders.iter().any(|(module, name)| {
                *name == r.name && r.module.as_ref().unwrap_or(&here) == module
            }))
        };
        for field in res.all_fields_mut() {
            field.empty_when_absent = field.required && is_holder(&field.ty);
        }
    }
}

/// The type of a built-in `type:` (`string`, `timestamp`, …); `None` for any other form.
fn scalar_type(ty: &TypeExpr) -> Option<Type> {
    Some(match ty {
        TypeExpr::String => Type::String,
        TypeExpr::Bool => Type::Bool,
        TypeExpr::I32 => Type::I32,
        TypeExpr::I64 => Type::I64,
        TypeExpr::F64 => Type::F64,
        TypeExpr::Timestamp => Type::Timestamp,
        TypeExpr::Json => Type::Json,
        TypeExpr::Enum | TypeExpr::Object | TypeExpr::Named(_) | TypeExpr::List(_) => return None,
    })
}

fn param_name(part: &PathPart) -> Option<&str> {
    match part {
        PathPart::Param(p) => Some(p),
        PathPart::Literal(_) => None,
    }
}
