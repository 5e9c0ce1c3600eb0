//! Compares the spec with the machine-readable reference of the API (`chargebee-api.json`):
//! every operation (method, path, subdomain, body, idempotency, paging, each parameter with
//! its type, nesting, required flag and enum values, filters with their operators, sort
//! fields, each response key) and every resource (each field of it and of its nested types,
//! with type and required flag, and every enum value). What differs is listed, so the same
//! report serves as a drift report when a newer reference comes out.

use crate::model::{
    Api, EnumDef, Field, FilterKind, HttpMethod, Operation, PathPart, Resource, StructDef, Type,
    TypeRef,
};
use crate::names;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Fields the spec makes optional on purpose although the reference marks them required.
const OPTIONAL_ON_PURPOSE: &[(&str, &str)] = &[("HostedPage", "content")];
/// Resources whose every field the spec makes optional on purpose (a holder of whichever
/// resources an event or page carries).
const ALL_OPTIONAL: &[&str] = &["Content"];

/// Covered and total counts of one kind of item.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub covered: usize,
    pub total: usize,
}

impl Tally {
    fn count(&mut self, ok: bool) {
        self.total += 1;
        if ok {
            self.covered += 1;
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Default)]
pub struct Report {
    pub operations: Tally,
    pub parameters: Tally,
    pub resources: Tally,
    pub fields: Tally,
    pub enum_values: Tally,
    /// Each difference, as `where: what`.
    pub problems: Vec<String>,
}

impl Report {
    /// Whether the spec covers everything the reference lists.
    pub fn complete(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, t) in [
            ("operations", self.operations),
            ("parameters", self.parameters),
            ("resources", self.resources),
            ("fields", self.fields),
            ("enum values", self.enum_values),
        ] {
            writeln!(f, "{name:<12} covered {}/{}", t.covered, t.total)?;
        }
        if self.problems.is_empty() {
            write!(f, "nothing missing or different")
        } else {
            writeln!(f, "{} missing or different:", self.problems.len())?;
            for p in &self.problems {
                writeln!(f, "  {p}")?;
            }
            Ok(())
        }
    }
}

/// Compares `api` with the reference document.
pub fn compare(api: &Api, reference: &Value) -> Report {
    let index = Index::new(api);
    let mut c = Checker {
        reference,
        index: &index,
        types: Value::Null,
        report: Report::default(),
    };
    c.resources();
    c.operations();
    c.report
}

/// Lookups into the model by module and type name.
struct Index<'a> {
    resources: HashMap<&'a str, &'a Resource>,
    /// By (module, name); shared enums under the module `enums`.
    enums: HashMap<(String, String), &'a EnumDef>,
    structs: HashMap<(String, String), &'a StructDef>,
    operations: HashMap<(HttpMethod, String), (&'a Resource, &'a Operation)>,
}

impl<'a> Index<'a> {
    fn new(api: &'a Api) -> Self {
        let mut index = Index {
            resources: HashMap::new(),
            enums: HashMap::new(),
            structs: HashMap::new(),
            operations: HashMap::new(),
        };
        for e in &api.enums {
            index.enums.insert(("enums".into(), e.name.clone()), e);
        }
        for r in &api.resources {
            index.resources.insert(r.name.as_str(), r);
            for e in &r.enums {
                index.enums.insert((r.module.clone(), e.name.clone()), e);
            }
            for s in r.nested.iter().chain(&r.param_objects) {
                index.structs.insert((r.module.clone(), s.name.clone()), s);
            }
            for op in &r.operations {
                index
                    .operations
                    .insert((op.method, normal_path(&op.path)), (r, op));
            }
        }
        index
    }

    /// Wire values of the enum `r` names, seen from `module`.
    fn enum_values(&self, module: &str, r: &TypeRef) -> Option<Vec<&'a str>> {
        let key = (
            r.module.as_deref().unwrap_or(module).to_string(),
            r.name.clone(),
        );
        self.enums
            .get(&key)
            .map(|e| e.variants.iter().map(|(_, w)| w.as_str()).collect())
    }

    fn struct_def(&self, module: &str, r: &TypeRef) -> Option<&'a StructDef> {
        let key = (
            r.module.as_deref().unwrap_or(module).to_string(),
            r.name.clone(),
        );
        self.structs.get(&key).copied()
    }
}

/// Whether a parameter schema takes keys it does not name (custom fields).
fn takes_extra_keys(schema: &Value) -> bool {
    !matches!(
        schema.get("additionalProperties"),
        None | Some(Value::Null) | Some(Value::Bool(false))
    )
}

/// A path with its parameter names blanked: `/customers/{}`.
fn normal_path(parts: &[PathPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            PathPart::Literal(s) => s.clone(),
            PathPart::Param(_) => "{}".to_string(),
        })
        .collect()
}

fn normal_reference_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

struct Checker<'a> {
    reference: &'a Value,
    index: &'a Index<'a>,
    /// The input and response types of the resource whose operation is being checked.
    types: Value,
    report: Report,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

impl Checker<'_> {
    fn problem(&mut self, at: &str, what: String) {
        self.report.problems.push(format!("{at}: {what}"));
    }

    fn resources(&mut self) {
        let resources = self.reference["resources"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let sorted: BTreeMap<_, _> = resources.into_iter().collect();
        for (name, def) in &sorted {
            let Some(res) = self.index.resources.get(name.as_str()).copied() else {
                self.report.resources.count(false);
                self.problem(name, "resource missing".into());
                continue;
            };
            self.report.resources.count(true);
            let all_optional = ALL_OPTIONAL.contains(&name.as_str());
            self.fields(
                name,
                &res.module,
                &items(def, "fields"),
                &res.fields,
                all_optional,
                true,
            );
            let nested = def["nested"].as_object().cloned().unwrap_or_default();
            for (nested_name, nested_def) in nested.iter().collect::<BTreeMap<_, _>>() {
                let at = format!("{name}.{nested_name}");
                let rust = names::type_name(nested_name, name);
                match res.nested.iter().find(|s| s.name == rust) {
                    Some(s) => self.fields(
                        &at,
                        &res.module,
                        &items(nested_def, "fields"),
                        &s.fields,
                        all_optional,
                        true,
                    ),
                    None => {
                        self.report.fields.count(false);
                        self.problem(&at, "nested type missing".into());
                    }
                }
            }
        }
        let enums = self.reference["global_enums"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (name, values) in enums.iter().collect::<BTreeMap<_, _>>() {
            let short = name.strip_suffix("Enum").unwrap_or(name);
            let ours = self.index.enum_values(
                "",
                &TypeRef {
                    module: Some("enums".into()),
                    name: short.into(),
                },
            );
            self.enum_values(name, values, ours);
        }
    }

    fn enum_values(&mut self, at: &str, values: &Value, ours: Option<Vec<&str>>) {
        for v in values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let ok = ours.as_ref().is_some_and(|o| o.contains(&v));
            self.report.enum_values.count(ok);
            if !ok {
                self.problem(at, format!("enum value `{v}` missing"));
            }
        }
    }

    /// Compares reference fields with spec fields; `model` counts them as resource fields.
    fn fields(
        &mut self,
        at: &str,
        module: &str,
        reference: &[Value],
        ours: &[Field],
        all_optional: bool,
        model: bool,
    ) {
        for rf in reference {
            let name = text(rf, "name");
            let at = format!("{at}.{name}");
            let Some(field) = ours.iter().find(|f| f.wire == name) else {
                self.tally(model, false);
                self.problem(&at, "field missing".into());
                continue;
            };
            let mut required = rf["required"].as_bool().unwrap_or(false);
            let owner = at.split('.').next().unwrap_or_default();
            if all_optional
                || OPTIONAL_ON_PURPOSE
                    .iter()
                    .any(|(r, f)| *r == owner && *f == name)
            {
                required = false;
            }
            let ok = self.same_type(&at, module, &rf["type"], &field.ty, None);
            let required_ok = field.required == required;
            if !required_ok {
                self.problem(
                    &at,
                    format!(
                        "required is {} in the spec, {required} in the reference",
                        field.required
                    ),
                );
            }
            self.tally(model, ok && required_ok);
        }
    }

    fn tally(&mut self, model: bool, ok: bool) {
        if model {
            self.report.fields.count(ok);
        } else {
            self.report.parameters.count(ok);
        }
    }

    /// Whether a reference type and a spec type agree; records why not. `schema` is the
    /// parameter's JSON Schema, which tells integers from floats where the type does not.
    fn same_type(
        &mut self,
        at: &str,
        module: &str,
        rt: &Value,
        ty: &Type,
        schema: Option<&Value>,
    ) -> bool {
        let kind = text(rt, "kind");
        let ok = match (kind.as_str(), ty) {
            ("string", Type::String) | ("boolean", Type::Bool) | ("any", Type::Json) => true,
            ("number", Type::I32 | Type::I64 | Type::Timestamp) => {
                float_number(rt, schema) != Some(true)
            }
            ("number", Type::F64) => float_number(rt, schema) != Some(false),
            ("enum", Type::Enum(r)) => {
                let ours = self.index.enum_values(module, r);
                let before = self.report.problems.len();
                self.enum_values(at, &rt["values"], ours);
                self.report.problems.len() == before
            }
            ("array", Type::List(inner)) => {
                let inner_schema = schema.and_then(|s| s.get("items"));
                return self.same_type(at, module, &rt["of"], inner, inner_schema);
            }
            ("ref", _) => return self.same_ref(at, module, &text(rt, "name"), ty, schema),
            ("intersection", Type::Struct(r)) => r.name == "Content",
            _ => false,
        };
        if !ok {
            self.problem(
                at,
                format!(
                    "type differs: reference {}, spec {}",
                    short(rt),
                    describe(ty)
                ),
            );
        }
        ok
    }

    fn same_ref(
        &mut self,
        at: &str,
        module: &str,
        name: &str,
        ty: &Type,
        schema: Option<&Value>,
    ) -> bool {
        let global = self.reference["global_enums"].get(name).cloned();
        let ok = match (global, ty) {
            (Some(values), Type::Enum(r)) => {
                let ours = self.index.enum_values(module, r);
                let before = self.report.problems.len();
                self.enum_values(at, &values, ours);
                self.report.problems.len() == before
            }
            (Some(_), _) => false,
            (None, Type::Struct(r)) => {
                if let Some((resource, nested)) = name.split_once('.') {
                    r.name == names::type_name(nested, resource)
                } else if name == "ContentFor" {
                    r.name == "Content"
                } else if name.ends_with("InputParam") {
                    return self.same_object(at, module, name, r, schema);
                } else {
                    r.name == name
                }
            }
            _ => false,
        };
        if !ok {
            self.problem(
                at,
                format!("type differs: reference {name}, spec {}", describe(ty)),
            );
        }
        ok
    }

    /// An input object: its fields must match those of the reference's input type.
    fn same_object(
        &mut self,
        at: &str,
        module: &str,
        name: &str,
        r: &TypeRef,
        schema: Option<&Value>,
    ) -> bool {
        let resource_type = self.types.get(name).cloned();
        let Some(def) = self.index.struct_def(module, r) else {
            self.problem(at, format!("parameter object `{}` missing", r.name));
            return false;
        };
        let Some(reference) = resource_type else {
            self.problem(at, format!("reference input type `{name}` not found"));
            return false;
        };
        let before = self.report.problems.len();
        let props = schema.and_then(|s| s.get("properties"));
        for rf in items(&reference, "fields") {
            let fname = text(&rf, "name");
            let fat = format!("{at}[{fname}]");
            let Some(field) = def.fields.iter().find(|f| f.wire == fname) else {
                self.problem(&fat, "parameter missing".into());
                continue;
            };
            let fschema = props
                .and_then(|p| p.get(&fname))
                .map(|s| s.get("items").unwrap_or(s));
            self.same_type(&fat, module, &rf["type"], &field.ty, fschema);
            if field.required != rf["required"].as_bool().unwrap_or(false) {
                self.problem(&fat, "required flag differs".into());
            }
        }
        self.report.problems.len() == before
    }

    fn operations(&mut self) {
        let mut ops = items(self.reference, "operations");
        ops.sort_by_key(|o| (text(o, "resource"), text(o, "name")));
        for o in &ops {
            let at = format!("{}.{}", text(o, "resource"), text(o, "name"));
            let method = HttpMethod::parse(&text(o, "http_method")).unwrap_or(HttpMethod::Delete);
            let key = (method, normal_reference_path(&text(o, "path")));
            let Some((res, op)) = self.index.operations.get(&key).copied() else {
                self.report.operations.count(false);
                self.problem(
                    &at,
                    format!(
                        "operation {} {} missing",
                        text(o, "http_method"),
                        text(o, "path")
                    ),
                );
                continue;
            };
            let before = self.report.problems.len();
            self.operation(&at, o, res, op);
            self.report
                .operations
                .count(self.report.problems.len() == before);
        }
    }

    fn operation(&mut self, at: &str, o: &Value, res: &Resource, op: &Operation) {
        let subdomain = o["subdomain"].as_str();
        if op.subdomain.as_deref() != subdomain {
            self.problem(
                at,
                format!(
                    "subdomain: spec {:?}, reference {subdomain:?}",
                    op.subdomain
                ),
            );
        }
        let json = o["json_body"].as_bool().unwrap_or(false);
        if json != (op.body == crate::model::BodyKind::Json) {
            self.problem(at, format!("JSON body: reference {json}"));
        }
        if o["idempotent"].as_bool().unwrap_or(false) != op.idempotent {
            self.problem(at, "idempotent flag differs".into());
        }
        if o["is_list"].as_bool().unwrap_or(false) != op.paginated {
            self.problem(at, "paging differs".into());
        }
        let open = takes_extra_keys(&o["params_schema"]);
        if open != op.custom_fields {
            self.problem(at, format!("custom fields: reference {open}"));
        }
        let owner = &self.reference["resources"][text(o, "resource_type")];
        self.types = owner["types"].clone();
        let schema = o
            .get("params_schema")
            .and_then(|s| s.get("properties"))
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(input) = o["input"].get("type").and_then(Value::as_str) {
            for rf in items(&owner["types"][input], "fields") {
                self.parameter(at, &res.module, op, &rf, &schema, &owner["types"]);
            }
        }
        if let Some(response) = o["response"].as_str() {
            let mut fields = items(&owner["types"][response], "fields");
            if op.paginated {
                let entry = fields.iter().find(|f| text(f, "name") == "list").cloned();
                fields = entry
                    .map(|e| items(&e["type"]["of"], "fields"))
                    .unwrap_or_default();
            }
            for rf in fields.iter().filter(|f| text(f, "name") != "next_offset") {
                let name = text(rf, "name");
                let rat = format!("{at} returns {name}");
                match op.returns.iter().find(|f| f.wire == name) {
                    Some(f) => {
                        self.same_type(&rat, &res.module, &rf["type"], &f.ty, None);
                        if f.required != rf["required"].as_bool().unwrap_or(false) {
                            self.problem(&rat, "required flag differs".into());
                        }
                    }
                    None => self.problem(&rat, "response key missing".into()),
                }
            }
        }
    }

    fn parameter(
        &mut self,
        at: &str,
        module: &str,
        op: &Operation,
        rf: &Value,
        schema: &Value,
        types: &Value,
    ) {
        let name = text(rf, "name");
        let pat = format!("{at}({name})");
        let before = self.report.problems.len();
        let kind = text(&rf["type"], "kind");
        if op.pages() && (name == "limit" || name == "offset") {
        } else if let Some(direction) = name.strip_prefix("sort_by[") {
            let direction = direction.trim_end_matches(']');
            let values = &schema["sort_by"]["properties"][direction]["enum"];
            for v in values
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !op.sort_by.iter().any(|(_, w)| w == v) {
                    self.problem(&pat, format!("sort field `{v}` missing"));
                }
            }
        } else if kind == "filter" {
            self.filter(
                &pat,
                module,
                op,
                &name,
                &text(&rf["type"], "name"),
                &schema[&name],
            );
        } else if kind == "ref" && is_filter_group(types, &text(&rf["type"], "name")) {
            let group = schema[&name].get("items").unwrap_or(&schema[&name]).clone();
            for g in items(&types[text(&rf["type"], "name")], "fields") {
                let gname = text(&g, "name");
                let wire = format!("{name}[{gname}]");
                self.filter(
                    &pat,
                    module,
                    op,
                    &wire,
                    &text(&g["type"], "name"),
                    &group["properties"][&gname],
                );
            }
        } else {
            match op.params.iter().find(|p| p.wire == name) {
                Some(p) => {
                    let ps = schema.get(&name);
                    self.same_type(&pat, module, &rf["type"], &p.ty, ps);
                    if let Type::Struct(r) = &p.ty {
                        let ours = self
                            .index
                            .struct_def(module, r)
                            .is_some_and(|d| d.custom_fields);
                        let open = ps.is_some_and(takes_extra_keys);
                        if ours != open {
                            self.problem(&pat, format!("custom fields: reference {open}"));
                        }
                    }
                    if p.required != rf["required"].as_bool().unwrap_or(false) {
                        self.problem(&pat, "required flag differs".into());
                    }
                }
                None => self.problem(&pat, "parameter missing".into()),
            }
        }
        self.report
            .parameters
            .count(self.report.problems.len() == before);
    }

    #[allow(clippy::too_many_arguments)]
    fn filter(
        &mut self,
        at: &str,
        module: &str,
        op: &Operation,
        wire: &str,
        kind: &str,
        schema: &Value,
    ) {
        let Some(f) = op.filters.iter().find(|f| f.wire == wire) else {
            self.problem(at, format!("filter `{wire}` missing"));
            return;
        };
        let kind_ok = matches!(
            (kind, &f.kind),
            ("String", FilterKind::String)
                | ("Number", FilterKind::Number)
                | ("Timestamp", FilterKind::Timestamp)
                | ("Date", FilterKind::Date)
                | ("Boolean", FilterKind::Boolean)
                | ("Enum", FilterKind::Enum(_))
        );
        if !kind_ok {
            self.problem(
                at,
                format!("filter `{wire}` kind differs: reference {kind}"),
            );
        }
        for operator in schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if !f.ops.iter().any(|o| o.as_str() == operator) {
                self.problem(at, format!("filter `{wire}` lacks operator `{operator}`"));
            }
        }
        if let FilterKind::Enum(r) = &f.kind {
            let values = schema["properties"]["is"]
                .get("enum")
                .or_else(|| schema["properties"]["in"].get("enum"));
            if let Some(values) = values {
                let ours = self.index.enum_values(module, r);
                self.enum_values(at, values, ours);
            }
        }
    }
}

/// Whether a reference number is a float (`Some(true)`), an integer (`Some(false)`), or not
/// said, from its `number_kind` or, for parameters, its JSON Schema type.
fn float_number(rt: &Value, schema: Option<&Value>) -> Option<bool> {
    match rt.get("number_kind").and_then(Value::as_str) {
        Some("float") => return Some(true),
        Some("int") => return Some(false),
        _ => {}
    }
    match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("number") => Some(true),
        Some("integer") => Some(false),
        _ => None,
    }
}

fn is_filter_group(types: &Value, name: &str) -> bool {
    let fields = items(&types[name], "fields");
    !fields.is_empty() && fields.iter().all(|f| text(&f["type"], "kind") == "filter")
}

fn short(rt: &Value) -> String {
    match text(rt, "kind").as_str() {
        "ref" => text(rt, "name"),
        "array" => format!("array of {}", short(&rt["of"])),
        "number" => format!(
            "number ({})",
            rt.get("number_kind")
                .and_then(Value::as_str)
                .unwrap_or("any")
        ),
        k => k.to_string(),
    }
}

fn describe(ty: &Type) -> String {
    match ty {
        Type::Enum(r) | Type::Struct(r) => r.name.clone(),
        Type::List(inner) => format!("list<{}>", describe(inner)),
        other => format!("{other:?}").to_lowercase(),
    }
}
