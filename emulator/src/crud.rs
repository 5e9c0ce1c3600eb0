//! The kept resources: create, retrieve, update, delete and list keep and read objects in the
//! store, the same way for every resource named here. Which struct a resource is, and which
//! fields its answers carry, come from the description; what a new object holds where its
//! parameters are silent comes from `defaults`.

use crate::defaults;
use crate::failure::Failure;
use crate::filter::{matches, top_key};
use crate::params::Params;
use crate::store::{Column, Store};
use chargebee_description::{Api, Field, Operation, Type};
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

/// Resources whose create, retrieve, update, delete and list operations are kept in the
/// store and do nothing else (no billing); each after those it can refer to.
pub const KEPT: [&str; 15] = [
    "customer",
    "item_family",
    "item",
    "price_variant",
    "item_price",
    "plan",
    "addon",
    "coupon",
    "coupon_set",
    "feature",
    "differential_price",
    "attached_item",
    "webhook_endpoint",
    "comment",
    "alert",
];

/// Resources kept elsewhere (`billing`, `events`) whose list and retrieve are served here.
pub const LISTED: [&str; 9] = [
    "coupon_code",
    "subscription",
    "invoice",
    "credit_note",
    "unbilled_charge",
    "promotional_credit",
    "event",
    "transaction",
    "payment_source",
];

/// Resources of [`LISTED`] whose delete is served here too.
const DELETED_HERE: [&str; 1] = ["subscription"];

/// Resources kept elsewhere whose list and retrieve are not served here.
const KEPT_ELSEWHERE: [&str; 2] = ["hosted_page", "portal_session"];

/// Whether `resource` is kept in the store, here or elsewhere.
fn is_kept(resource: &str) -> bool {
    KEPT.iter()
        .chain(&LISTED)
        .chain(&KEPT_ELSEWHERE)
        .any(|kept| *kept == resource)
}

/// The kept resource an id parameter or path placeholder names: `customer` for
/// `customer_id`, `item` for `parent_item_id`.
fn referenced(name: &str) -> Option<&str> {
    let resource = name.strip_suffix("_id")?;
    [
        resource,
        resource.strip_prefix("parent_").unwrap_or(resource),
    ]
    .into_iter()
    .find(|r| is_kept(r))
}

/// The kept resource whose id `op`'s path takes (`customer` for `{customer_id}`, `item` for
/// `{parent_item_id}`), if any: an id the store does not hold names nothing, whatever the
/// operation.
pub fn path_resource(op: &Operation) -> Option<&str> {
    referenced(op.path_parameter()?)
}

/// The object `id` of `resource`, unless the store does not hold it or keeps it only as
/// deleted.
pub fn live(store: &Store, resource: &str, id: &str) -> Option<Map<String, Value>> {
    store.get(resource, id).filter(|o| !is_deleted(o))
}

/// [`live`], or Chargebee's 404 for `id`.
pub fn find(store: &Store, resource: &str, id: &str) -> Result<Map<String, Value>, Failure> {
    live(store, resource, id).ok_or_else(|| Failure::not_found(resource, id))
}

/// Whether the store holds `id` of `resource` and it is not deleted.
pub fn holds(store: &Store, resource: &str, id: &str) -> bool {
    live(store, resource, id).is_some()
}

/// Whether an object is kept only as deleted (`deleted: true` or `status: deleted`): lists
/// show it with `include_deleted`, every other operation answers 404.
fn is_deleted(object: &Map<String, Value>) -> bool {
    marked_deleted(|field| object.get(field))
}

/// [`is_deleted`] for an object whose top-level fields `get` reads.
fn marked_deleted<'a>(get: impl Fn(&str) -> Option<&'a Value>) -> bool {
    get("deleted") == Some(&Value::Bool(true))
        || get("status").and_then(Value::as_str) == Some("deleted")
}

/// What deleting an object of a resource deletes with it, as Chargebee documents: a
/// customer's subscriptions, invoices, credit notes and payment sources (those whose
/// `customer_id` names it); a subscription's invoices, credit notes, transactions and usages.
const CASCADES: [(&str, &[&str]); 2] = [
    (
        "customer",
        &["subscription", "invoice", "credit_note", "payment_source"],
    ),
    (
        "subscription",
        &["invoice", "credit_note", "transaction", "usage"],
    ),
];

/// An object a delete removed along with the one it was called for.
pub struct Removed {
    pub resource: &'static str,
    pub object: Map<String, Value>,
}

/// Removes what deleting `id` of `resource` deletes with it, in each resource's creation
/// order.
fn cascade(store: &mut Store, resource: &str, id: &str) -> Vec<Removed> {
    let mut removed = Vec::new();
    let key = format!("{resource}_id");
    for (_, children) in CASCADES.iter().filter(|(owner, _)| *owner == resource) {
        for child in children.iter() {
            // The owner's field is read from the index, as a list reads it.
            for child_id in store.owned(child, &key, id) {
                if let Some(object) = store.remove(child, &child_id) {
                    removed.push(Removed {
                        resource: child,
                        object,
                    });
                }
            }
        }
    }
    removed
}

/// Page size when a list names none.
const DEFAULT_LIMIT: usize = 10;

/// What a kept operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Create,
    Retrieve,
    Update,
    Delete,
    List,
}

/// The verb of `op` when the store serves it: any of the five for a resource of [`KEPT`]
/// (a coupon's `create_for_items` and `update_for_items` are its create and update), list and
/// retrieve for one of [`LISTED`], delete for one of [`DELETED_HERE`]; a scoped list
/// (`invoices_for_subscription`) is a list.
pub fn verb(op: &Operation) -> Option<Verb> {
    let resource = op.resource.as_str();
    let verb = match op.name.as_str() {
        "create" | "create_for_items" => Verb::Create,
        "retrieve" => Verb::Retrieve,
        "update" | "update_for_items" => Verb::Update,
        "delete" => Verb::Delete,
        "list" => Verb::List,
        name if is_scoped_list(op, name) => Verb::List,
        _ => return None,
    };
    let served = KEPT.contains(&resource)
        || (LISTED.contains(&resource) && matches!(verb, Verb::Retrieve | Verb::List))
        || (DELETED_HERE.contains(&resource) && verb == Verb::Delete);
    served.then_some(verb)
}

/// Whether `op` lists a resource's objects that belong to the one its path names:
/// `subscriptions_for_customer` at `/customers/{customer_id}/subscriptions`.
fn is_scoped_list(op: &Operation, name: &str) -> bool {
    let parent = op.path_parameter().and_then(|p| p.strip_suffix("_id"));
    op.pages() && parent.is_some_and(|parent| name == format!("{}s_for_{parent}", op.resource))
}

/// Whether `op` is served from the store: one of the operations named here, answering its
/// resource.
pub fn models(api: &Api, op: &Operation) -> bool {
    verb(op).is_some() && resource_struct(api, op).is_some()
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

/// Whether deleting an object of `resource` keeps it, marked deleted: its list takes
/// `include_deleted`.
fn keeps_deleted(api: &Api, resource: &str) -> bool {
    api.operation(&format!("{resource}.list"))
        .is_some_and(|list| list.params.iter().any(|p| p.name == "include_deleted"))
}

/// Refuses a parameter naming a kept object the store does not hold (`item_id` of an item
/// price, `coupon_id` of a coupon set; a comment's `entity_id` of its `entity_type`), with
/// Chargebee's 404 naming the parameter.
fn check_references(store: &Store, resource: &str, params: &Params) -> Result<(), Failure> {
    for (key, value) in &params.values {
        let (Some(target), Some(id)) = (referenced(key), value.as_str()) else {
            continue;
        };
        if target != resource && !holds(store, target, id) {
            return Err(Failure::missing(target, id, key));
        }
    }
    let entity = params.values.get("entity_type").and_then(Value::as_str);
    let entity_id = params.values.get("entity_id").and_then(Value::as_str);
    if let (Some(target), Some(id)) = (entity, entity_id) {
        if is_kept(target) && !holds(store, target, id) {
            return Err(Failure::missing(target, id, "entity_id"));
        }
    }
    Ok(())
}

/// Serves a kept operation; `now` stamps what it creates or changes. Returns the answer and
/// what a delete removed with the object.
pub fn run(
    api: &Api,
    store: &mut Store,
    op: &Operation,
    id: Option<&str>,
    params: &Params,
    now: i64,
) -> Result<(Value, Vec<Removed>), Failure> {
    let (Some(verb), Some(name)) = (verb(op), resource_struct(api, op)) else {
        return Err(Failure::not_emulated(&op.id));
    };
    let resource = op.resource.as_str();
    let def = &api.structs[name];
    let has_field = |field: &str| def.fields.iter().any(|f| f.name == field);
    // The path's id names the object itself, or (`/items/{parent_item_id}/attached_items`)
    // the object it belongs to.
    let own_id = op
        .path_parameter()
        .is_some_and(|p| p == format!("{resource}_id"));
    let parent = op
        .path_parameter()
        .filter(|_| !own_id)
        .zip(id)
        .filter(|(field, _)| has_field(field));
    let existing = |store: &Store| find(store, resource, id.unwrap_or_default());
    let stamp = |object: &mut Map<String, Value>| {
        for (field, value) in [
            ("updated_at", json!(now)),
            ("modified_at", json!(now)),
            ("resource_version", json!(now * 1000)),
        ] {
            if has_field(field) {
                object.insert(field.into(), value);
            }
        }
    };
    let object = match verb {
        Verb::Create => {
            check_references(store, resource, params)?;
            let id = match params.values.get("id").and_then(Value::as_str) {
                Some(id) if store.get(resource, id).is_some() => {
                    return Err(Failure::duplicate(resource, id))
                }
                Some(id) => id.to_string(),
                None => store.new_id(resource),
            };
            let mut object = Map::new();
            object.insert("id".into(), json!(id));
            if let Some((field, parent_id)) = parent {
                object.insert(field.to_string(), json!(parent_id));
            }
            merge(api, &def.fields, &params.values, &mut object);
            if has_field("created_at") {
                object.insert("created_at".into(), json!(now));
            }
            stamp(&mut object);
            defaults::fill(resource, &mut object, has_field, |r, id| live(store, r, id));
            if let Some(tag) = &def.object {
                object.insert("object".into(), json!(tag));
            }
            store.put(resource, &id, &object);
            object
        }
        Verb::Retrieve => existing(store)?,
        Verb::Update => {
            let mut object = existing(store)?;
            check_references(store, resource, params)?;
            merge(api, &def.fields, &params.values, &mut object);
            stamp(&mut object);
            store.put(resource, id.unwrap_or_default(), &object);
            object
        }
        Verb::Delete => {
            let mut object = existing(store)?;
            if has_field("deleted") {
                object.insert("deleted".into(), json!(true));
            }
            if let Some(Type::Enum(e)) = def
                .fields
                .iter()
                .find(|f| f.name == "status")
                .map(|f| &f.ty)
            {
                if api.enums[e].iter().any(|v| v == "deleted") {
                    object.insert("status".into(), json!("deleted"));
                }
            }
            let id = id.unwrap_or_default();
            if keeps_deleted(api, resource) && is_deleted(&object) {
                stamp(&mut object);
                store.put(resource, id, &object);
            } else {
                store.remove(resource, id);
            }
            let removed = cascade(store, resource, id);
            return Ok((envelope(api, store, op, name, object), removed));
        }
        Verb::List => return Ok((list(api, store, op, name, params, parent)?, Vec::new())),
    };
    Ok((envelope(api, store, op, name, object), Vec::new()))
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
        live(store, tag, id)
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
        if chargebee::is_custom_field(key) {
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
            (ty, value) => {
                // A parameter named like a field but shaped otherwise (ids where the resource
                // holds objects) is not stored.
                if let Some(value) = shaped(api, ty, value) {
                    object.insert(key.clone(), value);
                }
            }
        }
    }
}

/// `value` as a field of type `ty` holds it, or `None` when it has another shape: list
/// entries that are objects keep the keys their struct names, and text holding JSON (a JSON
/// parameter such as a coupon's `currencies`) is read as that JSON where the field is a list or
/// an object.
fn shaped(api: &Api, ty: &Type, value: &Value) -> Option<Value> {
    match (ty, value) {
        (Type::Json, _) | (_, Value::Null) => Some(value.clone()),
        (Type::List(_) | Type::Struct(_), Value::String(text)) => {
            let parsed: Value = serde_json::from_str(text).ok()?;
            (!parsed.is_string())
                .then(|| shaped(api, ty, &parsed))
                .flatten()
        }
        (Type::Struct(s), Value::Object(inner)) => {
            let def = &api.structs[s];
            let mut entry = Map::new();
            merge(api, &def.fields, inner, &mut entry);
            if let Some(tag) = &def.object {
                entry.insert("object".into(), json!(tag));
            }
            Some(Value::Object(entry))
        }
        (Type::List(inner), Value::Array(items)) => items
            .iter()
            .map(|item| shaped(api, inner, item))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        (Type::String | Type::Enum(_), Value::String(_)) | (Type::Bool, Value::Bool(_)) => {
            Some(value.clone())
        }
        (Type::I32 | Type::I64 | Type::Timestamp, Value::Number(n)) if n.is_i64() => {
            Some(value.clone())
        }
        (Type::F64, Value::Number(_)) => Some(value.clone()),
        _ => None,
    }
}

/// A page of stored objects: those of the path's parent (`parent`: field and id), equal to
/// each plain parameter naming a field (a comment list's `entity_id`), matching every filter,
/// and deleted ones only with `include_deleted=true`; sorted (newest first unless `sort_by`
/// says; objects that sort alike keep their creation order), and cut after the `offset`
/// cursor and at `limit`.
fn list(
    api: &Api,
    store: &mut Store,
    op: &Operation,
    name: &str,
    params: &Params,
    parent: Option<(&str, &str)>,
) -> Result<Value, Failure> {
    let resource = op.resource.as_str();
    let def = &api.structs[name];
    let include_deleted = params.values.get("include_deleted") == Some(&Value::Bool(true));
    let mut equal: Vec<(&str, &Value)> = params
        .values
        .iter()
        .filter(|(key, value)| {
            !value.is_object() && !value.is_array() && def.fields.iter().any(|f| &f.name == *key)
        })
        .map(|(key, value)| (key.as_str(), value))
        .collect();
    let parent_id = parent.map(|(field, id)| (field, json!(id)));
    if let Some((field, id)) = &parent_id {
        equal.push((field, id));
    }
    let sort = params.sort.as_ref();
    // Rows are chosen on the indexed fields; only the page's objects are parsed.
    let mut fields = vec!["deleted", "status"];
    fields.extend(equal.iter().map(|(field, _)| *field));
    fields.extend(params.filters.iter().map(|c| top_key(&c.field)));
    fields.extend(sort.map(|(field, _)| field.as_str()));
    store.index(resource, &fields);
    let store: &Store = store;
    let view = store.view(resource);
    let columns: Vec<(&str, Column)> = fields.iter().map(|f| (*f, view.column(f))).collect();
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    let ascending = sort.map(|(_, ascending)| *ascending);
    let after = match &params.offset {
        None => None,
        Some(offset) => Some(
            Place::decode(offset, sort.is_some())
                .ok_or_else(|| Failure::param("offset", "is not an offset this list gave"))?,
        ),
    };
    // A list without `sort_by` is newest first, the order rows are read in here: its scan
    // starts after the offset and stops one row past the page. A sorted list reads every row.
    let rows: Box<dyn Iterator<Item = (u64, &str)>> = match sort {
        None => Box::new(view.rows_newest_first()),
        Some(_) => Box::new(view.rows()),
    };
    let mut found = Vec::new();
    for (position, id) in rows {
        let get = |field: &str| {
            columns
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, column)| column.get(position))
        };
        let mut keep = include_deleted || !marked_deleted(get);
        keep &= equal
            .iter()
            .all(|(field, value)| get(field) == Some(*value));
        for condition in &params.filters {
            keep &= matches(get, condition)?;
        }
        if !keep {
            continue;
        }
        let key = sort.map(|(field, _)| get(field).and_then(Value::as_f64).unwrap_or(f64::MIN));
        let place = Place { key, position };
        if sort.is_none() {
            if after.is_some_and(|after| place.order(&after, None) != Ordering::Greater) {
                continue;
            }
            found.push((place, id));
            if found.len() > limit {
                break;
            }
        } else {
            found.push((place, id));
        }
    }
    let start = match (sort, after) {
        (Some(_), after) => {
            found.sort_by(|(a, _), (b, _)| a.order(b, ascending));
            after.map_or(0, |after| {
                found.partition_point(|(place, _)| {
                    place.order(&after, ascending) != Ordering::Greater
                })
            })
        }
        (None, _) => 0,
    };
    let page = &found[start..found.len().min(start + limit)];
    let entries: Vec<Value> = page
        .iter()
        .filter_map(|(_, id)| view.object(id))
        .map(|object| envelope(api, store, op, name, object))
        .collect();
    let mut answer = json!({ "list": entries });
    if start + limit < found.len() {
        if let Some((last, _)) = page.last() {
            answer["next_offset"] = json!(last.encode());
        }
    }
    Ok(answer)
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
