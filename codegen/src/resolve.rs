//! Passes over the validated [`Api`] that give each shape one type.
//!
//! Today: an inline enum whose wire values are those of a shared enum (`spec/enums.yaml`)
//! becomes that shared enum, wherever it is used (fields, nested objects, parameters,
//! parameter objects, filters), and is not emitted.

use crate::model::{Api, EnumDef, FilterKind, Resource, Type, TypeRef};
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
    use crate::model::{Field, StructDef};

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
