//! The API as data (`description/api.json`): what the emulator serves and the command line
//! offers, written from the model the client is generated from, as the spec lowers it: before
//! the passes that choose how the Rust code shares types, so it keeps Chargebee's shapes (a
//! customer's `billing_address` is `customer.BillingAddress`).

use super::structs::{nested_object_tag, resource_object_tag};
use crate::model::{self, Api, FilterKind, Type, TypeRef};
use crate::names::OBJECTS;
use chargebee_description as d;
use std::collections::BTreeMap;

/// The description of `api`.
pub fn describe(api: &Api) -> d::Api {
    let mut out = d::Api {
        operations: Vec::new(),
        structs: BTreeMap::new(),
        enums: BTreeMap::new(),
        event_content: api
            .event_contents
            .iter()
            .map(|e| (e.event_type.clone(), e.keys.clone()))
            .collect(),
    };
    for e in &api.enums {
        out.enums.insert(format!("enums.{}", e.name), values(e));
    }
    for object in &api.param_objects {
        out.structs.insert(
            qualify(OBJECTS, &object.name),
            param_object(OBJECTS, object),
        );
    }
    for res in &api.resources {
        let m = res.module.as_str();
        for e in &res.enums {
            out.enums.insert(qualify(m, &e.name), values(e));
        }
        out.structs.insert(
            qualify(m, &res.name),
            d::Struct {
                fields: fields(m, &res.fields),
                object: resource_object_tag(res).map(str::to_string),
                custom_fields: false,
                doc: res.doc.clone(),
            },
        );
        for nested in &res.nested {
            out.structs.insert(
                qualify(m, &nested.name),
                d::Struct {
                    fields: fields(m, &nested.fields),
                    object: Some(nested_object_tag(nested)),
                    custom_fields: false,
                    doc: None,
                },
            );
        }
        for params in &res.param_objects {
            out.structs
                .insert(qualify(m, &params.name), param_object(m, params));
        }
        for op in &res.operations {
            out.operations.push(operation(m, op));
        }
    }
    out.operations.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The description as committed: pretty JSON with a final newline.
pub fn render(api: &d::Api) -> String {
    let mut text = serde_json::to_string_pretty(api).expect("plain data serializes");
    text.push('\n');
    text
}

/// A parameter object declared in `module`.
fn param_object(module: &str, object: &model::StructDef) -> d::Struct {
    d::Struct {
        fields: fields(module, &object.fields),
        object: None,
        custom_fields: object.custom_fields,
        doc: None,
    }
}

fn values(e: &model::EnumDef) -> Vec<String> {
    e.variants.iter().map(|(_, wire)| wire.clone()).collect()
}

fn qualify(module: &str, name: &str) -> String {
    format!("{module}.{name}")
}

fn reference(module: &str, r: &TypeRef) -> String {
    qualify(r.module.as_deref().unwrap_or(module), &r.name)
}

fn ty(module: &str, t: &Type) -> d::Type {
    match t {
        Type::String => d::Type::String,
        Type::Bool => d::Type::Bool,
        Type::I32 => d::Type::I32,
        Type::I64 => d::Type::I64,
        Type::F64 => d::Type::F64,
        Type::Timestamp => d::Type::Timestamp,
        Type::Json => d::Type::Json,
        Type::Enum(r) => d::Type::Enum(reference(module, r)),
        Type::Struct(r) => d::Type::Struct(reference(module, r)),
        Type::List(inner) => d::Type::List(Box::new(ty(module, inner))),
    }
}

fn fields(module: &str, fields: &[model::Field]) -> Vec<d::Field> {
    fields
        .iter()
        .map(|f| d::Field {
            name: f.wire.clone(),
            ty: ty(module, &f.ty),
            required: f.required,
            max_length: f.max_length,
        })
        .collect()
}

fn operation(module: &str, op: &model::Operation) -> d::Operation {
    d::Operation {
        id: op.id.clone(),
        resource: module.to_string(),
        name: op.name.clone(),
        method: op.method,
        path: op.path_template(),
        base: op.base,
        body: op.body,
        subdomain: op.subdomain.clone(),
        idempotent: op.idempotent,
        paginated: op.paginated,
        custom_fields: op.custom_fields,
        params: fields(module, &op.params),
        filters: op
            .filters
            .iter()
            .map(|f| d::Filter {
                wire: f.wire.clone(),
                kind: match &f.kind {
                    FilterKind::String => d::FilterKind::String,
                    FilterKind::Number => d::FilterKind::Number,
                    FilterKind::Timestamp => d::FilterKind::Timestamp,
                    FilterKind::Date => d::FilterKind::Date,
                    FilterKind::Boolean => d::FilterKind::Boolean,
                    FilterKind::Enum(r) => d::FilterKind::Enum(reference(module, r)),
                },
                ops: f.ops.clone(),
            })
            .collect(),
        sort_by: op.sort_by.iter().map(|(_, wire)| wire.clone()).collect(),
        returns: fields(module, &op.returns),
        doc: op.doc.clone(),
        catalog: op.catalog,
        destructive: op.destructive,
        examples: op.examples.clone(),
    }
}
