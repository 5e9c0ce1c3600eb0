//! Passes over the validated [`Api`] that give each shape one type.
//!
//! Today:
//! - an inline enum whose wire values are those of a shared enum (`spec/enums.yaml`) becomes
//!   that shared enum, wherever it is used (fields, nested objects, parameters, parameter
//!   objects, filters), and is not emitted;
//! - an operation whose answer (response, or page entry) has the fields of an earlier
//!   operation's answer in the same module answers with that type, under an alias;
//! - a parameter object with the fields of an earlier one in the same module is an alias of
//!   it.

use crate::model::{Api, EnumDef, Field, FilterKind, Resource, Type, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// The module shared enums are emitted in.
const SHARED: &str = "enums";

/// Replaces every inline enum equal to a shared enum (the same set of wire values) by the
/// shared one. When several shared enums have the same values, the first by name is used.
pub fn merge_shared_enums(api: &mut Api) {
    let mut shared: BTreeMap<BTreeSet<&str>, &str> = BTreeMap::new();
    for def in &api.enums {
        shared.entry(values(def)).or_insert(def.name.as_str());
    }
    // (module, inline name) → shared name.
    let mut renamed: BTreeMap<(String, String), String> = BTreeMap::new();
    for res in &mut api.resources {
        res.enums.retain(|def| match shared.get(&values(def)) {
            Some(name) => {
                renamed.insert((res.module.clone(), def.name.clone()), name.to_string());
                false
            }
            None => true,
        });
    }
    if !renamed.is_empty() {
        for res in &mut api.resources {
            retarget(res, &renamed);
        }
    }
}

/// Gives every operation whose answer has the same fields as an earlier operation's answer in
/// its module (wire keys, types, whether required, docs) that operation's answer type.
pub fn merge_answers(api: &mut Api) {
    for res in &mut api.resources {
        let mut first: Vec<(&[Field], String)> = Vec::new();
        let mut merged: Vec<Option<String>> = Vec::new();
        for op in &res.operations {
            match first
                .iter()
                .find(|(fields, _)| same_fields(fields, &op.returns))
            {
                Some((_, name)) => merged.push(Some(name.clone())),
                None => {
                    first.push((&op.returns, op.answer_type()));
                    merged.push(None);
                }
            }
        }
        for (op, same) in res.operations.iter_mut().zip(merged) {
            op.same_answer_as = same;
        }
    }
}

/// Marks every parameter object with the fields (and the custom fields) of an earlier one in
/// its module as the same as that one.
pub fn merge_param_objects(api: &mut Api) {
    for res in &mut api.resources {
        let objects = &mut res.param_objects;
        for i in 1..objects.len() {
            let (earlier, rest) = objects.split_at_mut(i);
            let object = &mut rest[0];
            object.same_as = earlier
                .iter()
                .find(|e| {
                    e.same_as.is_none()
                        && e.custom_fields == object.custom_fields
                        && same_fields(&e.fields, &object.fields)
                })
                .map(|e| e.name.clone());
        }
    }
}

/// Whether two lists of fields are the same, in the same order.
fn same_fields(a: &[Field], b: &[Field]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.wire == y.wire
                && x.ident == y.ident
                && x.ty == y.ty
                && x.required == y.required
                && x.doc == y.doc
                && x.max_length == y.max_length
                && x.empty_when_absent == y.empty_when_absent
        })
}

/// The wire values of an enum, as a set.
fn values(def: &EnumDef) -> BTreeSet<&str> {
    def.variants.iter().map(|(_, wire)| wire.as_str()).collect()
}

/// Points every reference to a key of `renamed`, from this module or another, at the shared
/// enum it names.
fn retarget(res: &mut Resource, renamed: &BTreeMap<(String, String), String>) {
    let here = res.module.clone();
    let fix_ref = |r: &mut TypeRef| {
        let module = r.module.clone().unwrap_or_else(|| here.clone());
        if let Some(name) = renamed.get(&(module, r.name.clone())) {
            *r = TypeRef {
                module: Some(SHARED.to_string()),
                name: name.clone(),
            };
        }
    };
    fn fix_type(ty: &mut Type, fix_ref: &dyn Fn(&mut TypeRef)) {
        match ty {
            Type::Enum(r) => fix_ref(r),
            Type::List(inner) => fix_type(inner, fix_ref),
            _ => {}
        }
    }
    let nested = res.nested.iter_mut().flat_map(|s| s.fields.iter_mut());
    let objects = res
        .param_objects
        .iter_mut()
        .flat_map(|s| s.fields.iter_mut());
    let operations = res
        .operations
        .iter_mut()
        .flat_map(|o| o.params.iter_mut().chain(o.returns.iter_mut()));
    for field in res
        .fields
        .iter_mut()
        .chain(nested)
        .chain(objects)
        .chain(operations)
    {
        fix_type(&mut field.ty, &fix_ref);
    }
    for filter in res.operations.iter_mut().flat_map(|o| o.filters.iter_mut()) {
        if let FilterKind::Enum(r) = &mut filter.kind {
            fix_ref(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Base, Body, Method, Operation, PathPart, StructDef};

    fn enum_def(name: &str, wires: &[&str]) -> EnumDef {
        EnumDef {
            name: name.into(),
            doc: None,
            variants: wires
                .iter()
                .map(|w| (w.to_uppercase(), w.to_string()))
                .collect(),
        }
    }

    fn field(ty: Type) -> Field {
        Field {
            wire: "f".into(),
            ident: "f".into(),
            ty,
            required: false,
            doc: None,
            max_length: None,
            empty_when_absent: false,
        }
    }

    fn local(name: &str) -> Type {
        Type::Enum(TypeRef {
            module: None,
            name: name.into(),
        })
    }

    fn operation(pascal: &str, paginated: bool, returns: Vec<Field>) -> Operation {
        Operation {
            name: pascal.to_lowercase(),
            pascal: pascal.into(),
            id: format!("widget.{}", pascal.to_lowercase()),
            method: Method::Get,
            path: vec![PathPart::Literal("/widgets".into())],
            base: Base::Chargebee,
            body: Body::Query,
            subdomain: None,
            idempotent: false,
            paginated,
            custom_fields: false,
            doc: None,
            params: Vec::new(),
            filters: Vec::new(),
            sort_by: Vec::new(),
            returns,
            same_answer_as: None,
        }
    }

    fn answer_field(wire: &str, required: bool) -> Field {
        Field {
            wire: wire.into(),
            ident: wire.into(),
            ty: Type::Struct(TypeRef {
                module: None,
                name: "Widget".into(),
            }),
            required,
            ..field(Type::String)
        }
    }

    /// An API of one resource, `widget`, with these parameter objects and operations.
    fn widget_api(param_objects: Vec<StructDef>, operations: Vec<Operation>) -> Api {
        Api {
            enums: Vec::new(),
            resources: vec![Resource {
                name: "Widget".into(),
                module: "widget".into(),
                source: String::new(),
                doc: None,
                extra_keys: false,
                fields: Vec::new(),
                nested: Vec::new(),
                enums: Vec::new(),
                param_objects,
                accessor: None,
                operations,
            }],
            default_features: Vec::new(),
        }
    }

    #[test]
    fn an_answer_with_the_fields_of_an_earlier_one_takes_its_type() {
        let widget = || vec![answer_field("widget", true)];
        let mut api = widget_api(
            Vec::new(),
            vec![
                operation("Create", false, widget()),
                operation("List", true, widget()),
                operation("Archive", false, vec![answer_field("widget", false)]),
                operation("Retrieve", false, widget()),
                operation("Search", true, vec![answer_field("widget", false)]),
            ],
        );
        merge_answers(&mut api);
        let same: Vec<Option<&str>> = api.resources[0]
            .operations
            .iter()
            .map(|op| op.same_answer_as.as_deref())
            .collect();
        assert_eq!(
            same,
            [
                None,
                Some("CreateResponse"),
                None,
                Some("CreateResponse"),
                Some("ArchiveResponse"),
            ],
            "a field required in one answer and optional in another makes two types"
        );
    }

    #[test]
    fn a_parameter_object_with_the_fields_of_an_earlier_one_is_the_same() {
        let object = |name: &str, fields: Vec<Field>, custom_fields: bool| StructDef {
            name: name.into(),
            doc: None,
            fields,
            custom_fields,
            same_as: None,
        };
        let address = || vec![answer_field("city", false), answer_field("zip", true)];
        let mut api = widget_api(
            vec![
                object("CreateAddressParams", address(), false),
                object("UpdateAddressParams", address(), false),
                object("MoveAddressParams", address(), true),
                object("CopyAddressParams", address()[..1].to_vec(), false),
                object("ShipAddressParams", address(), true),
            ],
            Vec::new(),
        );
        merge_param_objects(&mut api);
        let same: Vec<Option<&str>> = api.resources[0]
            .param_objects
            .iter()
            .map(|s| s.same_as.as_deref())
            .collect();
        assert_eq!(
            same,
            [
                None,
                Some("CreateAddressParams"),
                None,
                None,
                Some("MoveAddressParams"),
            ],
            "taking custom fields, or a field fewer, makes another type"
        );
    }

    #[test]
    fn an_inline_enum_equal_to_a_shared_one_becomes_it() {
        let mut api = Api {
            enums: vec![enum_def("AutoCollection", &["on", "off"])],
            resources: vec![Resource {
                name: "Widget".into(),
                module: "widget".into(),
                source: String::new(),
                doc: None,
                extra_keys: false,
                fields: vec![field(local("WidgetCollection"))],
                nested: vec![StructDef {
                    same_as: None,
                    name: "Part".into(),
                    doc: None,
                    fields: vec![field(Type::List(Box::new(local("WidgetCollection"))))],
                    custom_fields: false,
                }],
                enums: vec![
                    enum_def("WidgetCollection", &["off", "on"]),
                    enum_def("WidgetMode", &["on", "off", "auto"]),
                ],
                param_objects: Vec::new(),
                accessor: None,
                operations: Vec::new(),
            }],
            default_features: Vec::new(),
        };
        merge_shared_enums(&mut api);
        let res = &api.resources[0];
        let shared = Type::Enum(TypeRef {
            module: Some("enums".into()),
            name: "AutoCollection".into(),
        });
        assert_eq!(res.fields[0].ty, shared);
        assert_eq!(res.nested[0].fields[0].ty, Type::List(Box::new(shared)));
        let left: Vec<&str> = res.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            left,
            ["WidgetMode"],
            "a different value set stays its own enum"
        );
    }
}
