//! Coupon codes, as Chargebee documents them: unique codes grouped in a coupon set, each
//! standing for the set's coupon and redeemable once. `coupon_code.create` adds a code to the
//! set its `coupon_set_name` names for its `coupon_id` (creating the set when there is none
//! of that name), `coupon_set.add_coupon_codes` adds several to a set, a code is
//! `not_redeemed` until a subscription is created with it in `coupon_ids` (then `redeemed`),
//! and `archive` makes an unused code `archived`; `delete_unused_coupon_codes` removes a set's
//! `not_redeemed` codes. The set counts its codes (`total_count`, `redeemed_count`,
//! `archived_count`). Codes are kept under their `code`; `retrieve` and `list` read them.

use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text};
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "coupon_code.create",
    "coupon_code.archive",
    "coupon_set.add_coupon_codes",
    "coupon_set.delete_unused_coupon_codes",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one coupon code operation (`id`: the code or set its path names).
pub fn run(op: &Operation, store: &mut Store, id: &str, params: &Params) -> Result<Value, Failure> {
    let values = &params.values;
    match op.name.as_str() {
        "create" => {
            only_taken(
                &op.id,
                values,
                &["coupon_id", "coupon_set_name", "code"],
                false,
                None,
            )?;
            let required =
                |key: &str| text(values, key).ok_or_else(|| Failure::param(key, "cannot be blank"));
            let coupon = required("coupon_id")?;
            let name = required("coupon_set_name")?;
            let code = required("code")?;
            crud::find(store, "coupon", coupon)
                .map_err(|_| Failure::missing("coupon", coupon, "coupon_id"))?;
            unused(store, code, "code")?;
            let set = match named_set(store, name) {
                Some(set) if text(&set, "coupon_id") != Some(coupon) => {
                    return Err(Failure::param(
                        "coupon_set_name",
                        format!("names a coupon set of another coupon than {coupon}"),
                    ))
                }
                Some(set) => set,
                None => new_set(store, coupon, name),
            };
            let kept = add(store, &set, code);
            Ok(json!({ "coupon_code": kept }))
        }
        "archive" => {
            only_taken(&op.id, values, &[], false, None)?;
            let mut code = crud::find(store, "coupon_code", id)?;
            let status = text(&code, "status").unwrap_or_default();
            if status != "not_redeemed" {
                return Err(Failure::invalid_state(format!(
                    "coupon code {id} is {status}: only a code not redeemed can be archived"
                )));
            }
            code.insert("status".into(), json!("archived"));
            store.put("coupon_code", id, &code);
            count(store, &set_of(&code), "archived_count", 1);
            Ok(json!({ "coupon_code": code }))
        }
        "add_coupon_codes" => {
            only_taken(&op.id, values, &["code"], false, None)?;
            let codes: Vec<&str> = values
                .get("code")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if codes.is_empty() {
                return Err(Failure::param("code[0]", "cannot be blank"));
            }
            // Every code is checked before any is added: none is added when one is refused.
            for (i, code) in codes.iter().enumerate() {
                let param = format!("code[{i}]");
                unused(store, code, &param)?;
                if codes[..i].contains(code) {
                    return Err(Failure::param(&param, "repeats a code sent before it"));
                }
            }
            let set = crud::find(store, "coupon_set", id)?;
            for code in codes {
                add(store, &set, code);
            }
            Ok(json!({ "coupon_set": crud::find(store, "coupon_set", id)? }))
        }
        "delete_unused_coupon_codes" => {
            only_taken(&op.id, values, &[], false, None)?;
            crud::find(store, "coupon_set", id)?;
            let unused: Vec<String> = store
                .owned("coupon_code", "coupon_set_id", id)
                .into_iter()
                .filter(|code| {
                    crud::live(store, "coupon_code", code)
                        .is_some_and(|c| text(&c, "status") == Some("not_redeemed"))
                })
                .collect();
            for code in &unused {
                store.remove("coupon_code", code);
            }
            let removed = unused.len() as i64;
            count(store, id, "total_count", -removed);
            Ok(json!({ "coupon_set": crud::find(store, "coupon_set", id)? }))
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// Refuses, naming `param`, a code another coupon code already has.
fn unused(store: &Store, code: &str, param: &str) -> Result<(), Failure> {
    if store.get("coupon_code", code).is_some() {
        return Err(Failure::param(
            param,
            format!("{code} is already a coupon code"),
        ));
    }
    Ok(())
}

/// The coupon set named `name`, if any.
fn named_set(store: &Store, name: &str) -> Option<Map<String, Value>> {
    store
        .all("coupon_set")
        .into_iter()
        .find(|set| text(set, "name") == Some(name) && set.get("deleted") != Some(&json!(true)))
}

/// A new coupon set `name` of coupon `coupon`, stored.
fn new_set(store: &mut Store, coupon: &str, name: &str) -> Map<String, Value> {
    let id = store.new_id("coupon_set");
    let set = json!({
        "id": id,
        "coupon_id": coupon,
        "name": name,
        "total_count": 0,
        "redeemed_count": 0,
        "archived_count": 0,
        "object": "coupon_set",
    });
    let set = set.as_object().cloned().unwrap_or_default();
    store.put("coupon_set", &id, &set);
    set
}

/// Adds `code`, not redeemed, to `set` and counts it; returns the code as stored.
fn add(store: &mut Store, set: &Map<String, Value>, code: &str) -> Map<String, Value> {
    let kept = json!({
        "code": code,
        "status": "not_redeemed",
        "coupon_id": set.get("coupon_id"),
        "coupon_set_id": set.get("id"),
        "coupon_set_name": set.get("name"),
        "object": "coupon_code",
    });
    let kept = kept.as_object().cloned().unwrap_or_default();
    store.put("coupon_code", code, &kept);
    count(store, &set_of(&kept), "total_count", 1);
    kept
}

/// Adds `by` to the `field` count of coupon set `id`.
fn count(store: &mut Store, id: &str, field: &str, by: i64) {
    if let Some(mut set) = crud::live(store, "coupon_set", id) {
        let counted = int(&set, field).unwrap_or(0) + by;
        set.insert(field.into(), json!(counted));
        store.put("coupon_set", id, &set);
    }
}

/// The id of the coupon set coupon code `code` belongs to.
fn set_of(code: &Map<String, Value>) -> String {
    text(code, "coupon_set_id").unwrap_or_default().to_string()
}

/// Refuses, naming `param`, coupon code `code` unless it can be redeemed (`not_redeemed`).
pub fn redeemable(store: &Store, code: &str, param: &str) -> Result<(), Failure> {
    let status = crud::live(store, "coupon_code", code)
        .and_then(|c| text(&c, "status").map(str::to_string))
        .unwrap_or_default();
    if status != "not_redeemed" {
        return Err(Failure::param(
            param,
            format!("names a coupon code that is {status}"),
        ));
    }
    Ok(())
}

/// Coupon code `code`, checked [`redeemable`], redeemed by a subscription: `redeemed`,
/// counted in its set.
pub fn redeem(store: &mut Store, code: &str) {
    if let Some(mut kept) = crud::live(store, "coupon_code", code) {
        kept.insert("status".into(), json!("redeemed"));
        store.put("coupon_code", code, &kept);
        count(store, &set_of(&kept), "redeemed_count", 1);
    }
}

/// The coupon id coupon code `code` stands for, if it is one.
pub fn coupon_of(store: &Store, code: &str) -> Option<String> {
    crud::live(store, "coupon_code", code).and_then(|c| text(&c, "coupon_id").map(str::to_string))
}
