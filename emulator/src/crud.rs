//! The stateful resources: create, retrieve, update, delete and list keep and read objects
//! in the store. Which struct a resource is, and which fields its answers carry, come from the
//! description.

use crate::failure::Failure;
use crate::filter::matches;
use crate::params::Params;
use crate::store::Store;
use crate::synth;
use chargebee_description::{Api, Field, Operation, Type};
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

/// Resources whose create, retrieve, update, delete and list operations keep state.
pub const STATEFUL: [&str; 4] = ["customer", "item_family", "item", "item_price"];

/// Resources kept elsewhere (`billing`, `events`) whose list and retrieve are served here.
const LISTED: [&str; 3] = ["subscription", "invoice", "event"];

/// Resources kept elsewhere whose list and retrieve are not served here.
const KEPT_ELSEWHERE: [&str; 2] = ["hosted_page", "portal_session"];

/// The kept resource whose id `op`'s path takes (`customer` for `{customer_id}`), if any: an
/// id the store does not hold names nothing, whatever the operation.
pub fn path_resource(op: &Operation) -> Option<&'static str> {
    let open = op.path.find('{')?;
    let name = op.path[open + 1..].split('}').next()?.strip_suffix("_id")?;
    STATEFUL
        .iter()
        .chain(&LISTED)
        .chain(&KEPT_ELSEWHERE)
        .find(|kept| **kept == name)
        .copied()
}

/// Page size when a list names none.
const DEFAULT_LIMIT: usize = 10;

/// Whether `op` is served from the store.
fn handles(op: &Operation) -> bool {
    let resource = op.resource.as_str();
    let kept = matches!(
        op.name.as_str(),
        "create" | "retrieve" | "update" | "delete" | "list"
    );
    (STATEFUL.contains(&resource) && kept)
        || (LISTED.contains(&resource) && matches!(op.name.as_str(), "list" | "retrieve"))
}

/// Whether `op` is served from the store: one of the operations named here, answering its
/// resource.
pub fn models(api: &Api, op: &Operation) -> bool {
    handles(op) && resource_struct(api, op).is_some()
}

/// The qualified struct name of `op`'s resource (`customer.Customer`).
fn resource_struct<'a>(api: &Api, op: &'a Operation) -> Option<&'a str> {
    op.returns.iter().find_map(|f| match &f.ty {
        Type::Struct(s) if api.structs[s].object.as_deref() == Some(op.resource.as_str()) => {
            Some(s.as_str())
        }
        _ => None,
    })
}

/// Serves a stateful operation; `now` stamps what it creates or changes.
pub fn run(
    api: &Api,
    store: &mut Store,
    op: &Operation,
    id: Option<&str>,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let Some(name) = resource_struct(api, op) else {
        return Err(Failure::not_emulated(&op.id));
    };
    let resource = op.resource.as_str();
    let def = &api.structs[name];
    let existing = |store: &Store, id: Option<&str>| -> Result<Map<String, Value>, Failure> {
        let id = id.unwrap_or_default();
        store
            .get(resource, id)
            .ok_or_else(|| Failure::not_found(resource, id))
    };
    let object = match op.name.as_str() {
        "create" => {
            let id = match params.values.get("id").and_then(Value::as_str) {
                Some(id) if store.get(resource, id).is_some() => {
                    return Err(Failure::duplicate(resource, id))
                }
                Some(id) => id.to_string(),
                None => store.new_id(resource),
            };
            let mut object = Map::new();
            object.insert("id".into(), json!(id));
            merge(api, &def.fields, &params.values, &mut object);
            let time = now;
            for (field, value) in [
                ("created_at", json!(time)),
                ("updated_at", json!(time)),
                ("resource_version", json!(time * 1000)),
            ] {
                if def.fields.iter().any(|f| f.name == field) {
                    object.insert(field.into(), value);
                }
            }
            for f in &def.fields {
                if f.required && !object.contains_key(&f.name) {
                    // Amounts and counts start at zero; other kinds take a synthesized value.
                    let value = match f.ty {
                        Type::I32 | Type::I64 | Type::F64 => Some(json!(0)),
                        _ => synth::value(api, &f.ty, &f.name, 1),
                    };
                    if let Some(v) = value {
                        object.insert(f.name.clone(), v);
                    }
                }
            }
            if let Some(tag) = &def.object {
                object.insert("object".into(), json!(tag));
            }
            store.put(resource, &id, &object);
            object
        }
        "retrieve" => existing(store, id)?,
        "update" => {
            let mut object = existing(store, id)?;
            merge(api, &def.fields, &params.values, &mut object);
            let time = now;
            if object.contains_key("updated_at") {
                object.insert("updated_at".into(), json!(time));
            }
            if object.contains_key("resource_version") {
                object.insert("resource_version".into(), json!(time * 1000));
            }
            store.put(resource, id.unwrap_or_default(), &object);
            object
        }
        "delete" => {
            let mut object = existing(store, id)?;
            store.remove(resource, id.unwrap_or_default());
            if def.fields.iter().any(|f| f.name == "deleted") {
                object.insert("deleted".into(), json!(true));
            }
            if let Some(status) = def.fields.iter().find(|f| f.name == "status") {
                if let Type::Enum(e) = &status.ty {
                    if api.enums[e].iter().any(|v| v == "deleted") {
                        object.insert("status".into(), json!("deleted"));
                    }
                }
            }
            object
        }
        "list" => return list(api, store, op, name, params),
        _ => return Err(Failure::not_emulated(&op.id)),
    };
    Ok(envelope(api, store, op, name, object))
}

/// The answer's keys: the object under its resource's key, and each other resource the
/// object names by id (`customer` for `customer_id`) as stored; one not stored is left out.
fn envelope(
    api: &Api,
    store: &Store,
    op: &Operation,
    name: &str,
    object: Map<String, Value>,
) -> Value {
    let mut out = Map::new();
    let related = |tag: &str| {
        let id = object.get(&format!("{tag}_id"))?.as_str()?;
        store.get(tag, id)
    };
    for f in &op.returns {
        if matches!(&f.ty, Type::Struct(s) if s == name) {
            out.insert(f.name.clone(), Value::Object(object.clone()));
            continue;
        }
        let stored = match &f.ty {
            Type::Struct(s) => api.structs[s].object.as_deref().and_then(related),
            _ => None,
        };
        // A related object that is not stored is left out, never made up.
        if let Some(other) = stored {
            out.insert(f.name.clone(), Value::Object(other));
        }
    }
    Value::Object(out)
}

/// Copies parameters that name a field of the resource (custom fields too) into `object`;
/// nested objects are merged key by key.
fn merge(
    api: &Api,
    fields: &[Field],
    params: &Map<String, Value>,
    object: &mut Map<String, Value>,
) {
    for (key, value) in params {
        if key.starts_with("cf_") {
            object.insert(key.clone(), value.clone());
            continue;
        }
        let Some(field) = fields.iter().find(|f| &f.name == key) else {
            continue;
        };
        match (&field.ty, value) {
            (Type::Struct(s), Value::Object(inner)) => {
                let def = &api.structs[s];
                let slot = object
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(target) = slot {
                    merge(api, &def.fields, inner, target);
                    if let Some(tag) = &def.object {
                        target.insert("object".into(), json!(tag));
                    }
                }
            }
            (ty, value) if fits(ty, value) => {
                object.insert(key.clone(), value.clone());
            }
            // A parameter named like a field but shaped otherwise (ids where the resource
            // holds objects) is not stored.
            _ => {}
        }
    }
}

/// Whether a parameter value has the JSON shape of a resource field of type `ty`.
fn fits(ty: &Type, value: &Value) -> bool {
    match (ty, value) {
        (Type::Json, _) | (_, Value::Null) => true,
        (Type::String | Type::Enum(_), Value::String(_)) => true,
        (Type::Bool, Value::Bool(_)) => true,
        (Type::I32 | Type::I64 | Type::Timestamp, Value::Number(n)) => n.is_i64(),
        (Type::F64, Value::Number(_)) => true,
        (Type::List(inner), Value::Array(items)) => items.iter().all(|item| fits(inner, item)),
        (Type::Struct(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// A page of stored objects: filtered, sorted (newest first unless `sort_by` says; objects
/// that sort alike keep their creation order), and cut after the `offset` cursor and at
/// `limit`.
fn list(
    api: &Api,
    store: &Store,
    op: &Operation,
    name: &str,
    params: &Params,
) -> Result<Value, Failure> {
    let resource = op.resource.as_str();
    let sort = params.sort.as_ref();
    let mut found = Vec::new();
    for stored in store.positioned(resource) {
        let mut keep = true;
        for condition in &params.filters {
            keep &= matches(&stored.object, condition)?;
        }
        if keep {
            let key = sort.map(|(field, _)| sort_key(&stored.object, field));
            let place = Place {
                key,
                position: stored.position,
            };
            found.push((place, stored.object));
        }
    }
    let ascending = sort.map(|(_, ascending)| *ascending);
    found.sort_by(|(a, _), (b, _)| a.order(b, ascending));
    let start = match &params.offset {
        None => 0,
        Some(offset) => {
            let after = Place::decode(offset, sort.is_some())
                .ok_or_else(|| Failure::param("offset", "is not an offset this list gave"))?;
            found.partition_point(|(place, _)| place.order(&after, ascending) != Ordering::Greater)
        }
    };
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    let page = &found[start..found.len().min(start + limit)];
    let entries: Vec<Value> = page
        .iter()
        .map(|(_, o)| envelope(api, store, op, name, o.clone()))
        .collect();
    let mut answer = json!({ "list": entries });
    if start + limit < found.len() {
        if let Some((last, _)) = page.last() {
            answer["next_offset"] = json!(last.encode());
        }
    }
    Ok(answer)
}

/// The value an object sorts by under `field`: a number, or the lowest when absent.
fn sort_key(object: &Map<String, Value>, field: &str) -> f64 {
    object
        .get(field)
        .and_then(Value::as_f64)
        .unwrap_or(f64::MIN)
}

/// Where an object stands in a list: its sort value (under `sort_by`) and its creation
/// position. `next_offset` names the last row of a page this way, so the next page starts
/// after that place whatever was created or deleted in between: no row is skipped or
/// repeated.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Place {
    key: Option<f64>,
    position: u64,
}

impl Place {
    /// The list order: newest first, or by the sort value (`ascending` or not) and then in
    /// creation order.
    fn order(&self, other: &Place, ascending: Option<bool>) -> Ordering {
        match ascending {
            None => other.position.cmp(&self.position),
            Some(ascending) => {
                let by_key = self
                    .key
                    .unwrap_or(f64::MIN)
                    .total_cmp(&other.key.unwrap_or(f64::MIN));
                let by_key = if ascending { by_key } else { by_key.reverse() };
                by_key.then(self.position.cmp(&other.position))
            }
        }
    }

    /// The `next_offset` text: opaque to callers, a JSON array of strings.
    fn encode(&self) -> String {
        let mut parts = vec![self.position.to_string()];
        parts.extend(self.key.map(|k| k.to_string()));
        parts.push(OFFSET_TAG.to_string());
        Value::from(parts).to_string()
    }

    /// The place an offset names, for a list sorted by a value (`sorted`) or not.
    fn decode(offset: &str, sorted: bool) -> Option<Place> {
        let parts: Vec<String> = serde_json::from_str(offset).ok()?;
        match (parts.as_slice(), sorted) {
            ([position, tag], false) if tag == OFFSET_TAG => Some(Place {
                key: None,
                position: position.parse().ok()?,
            }),
            ([position, key, tag], true) if tag == OFFSET_TAG => Some(Place {
                key: Some(key.parse().ok()?),
                position: position.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// The last part of every offset the emulator gives.
const OFFSET_TAG: &str = "emulator";

#[cfg(test)]
mod tests {
    use super::Place;

    #[test]
    fn offsets_round_trip_and_refuse_others() {
        let plain = Place {
            key: None,
            position: 20,
        };
        assert_eq!(Place::decode(&plain.encode(), false), Some(plain));
        let sorted = Place {
            key: Some(1704067200.0),
            position: 3,
        };
        assert_eq!(Place::decode(&sorted.encode(), true), Some(sorted));
        assert_eq!(Place::decode(&sorted.encode(), false), None, "sort dropped");
        assert_eq!(Place::decode(&plain.encode(), true), None, "sort added");
        assert_eq!(Place::decode("20", false), None);
        assert_eq!(Place::decode("[\"1\",\"2\"]", false), None);
    }
}
