//! Answers made up from the description for operations the emulator keeps no state for:
//! every field present, with deterministic values of the right type.

use chargebee_description::{Api, Field, Operation, Type};
use serde_json::{json, Map, Value};

/// Timestamp every synthesized time field holds: 2024-01-01T00:00:00Z.
pub const EPOCH: i64 = 1_704_067_200;

/// Resources nested deeper than this are left out (resources refer to each other).
const MAX_DEPTH: usize = 3;

/// The answer of `op`: its return keys filled in, wrapped in a one-entry page when it is a
/// list.
pub fn answer(api: &Api, op: &Operation) -> Value {
    let entry = fields(api, &op.returns, 0);
    if op.paginated {
        json!({ "list": [entry] })
    } else {
        entry
    }
}

/// An object of struct `name` (qualified), with its `object` key when it has one.
pub fn object(api: &Api, name: &str, depth: usize) -> Value {
    let def = &api.structs[name];
    let mut out = fields(api, &def.fields, depth);
    if let (Some(tag), Value::Object(map)) = (&def.object, &mut out) {
        map.insert("object".into(), json!(tag));
    }
    out
}

fn fields(api: &Api, fields: &[Field], depth: usize) -> Value {
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = value(api, &f.ty, &f.name, depth) {
            out.insert(f.name.clone(), v);
        }
    }
    Value::Object(out)
}

/// A value of type `ty` for a field called `name`; `None` when nesting is too deep.
pub fn value(api: &Api, ty: &Type, name: &str, depth: usize) -> Option<Value> {
    Some(match ty {
        Type::String => json!(format!("{name}_1")),
        Type::Bool => json!(false),
        Type::I32 | Type::I64 => json!(1),
        Type::F64 => json!(1.5),
        Type::Timestamp => json!(EPOCH),
        Type::Json => json!({}),
        Type::Enum(e) => json!(api.enums[e].first().cloned().unwrap_or_default()),
        Type::Struct(s) if depth < MAX_DEPTH => object(api, s, depth + 1),
        Type::Struct(_) => return None,
        Type::List(inner) => json!([value(api, inner, name, depth)?]),
    })
}
