//! Reading the fields of a stored object or of a call's parameters (JSON objects), and
//! stamping an object's change.

use crate::failure::Failure;
use serde_json::{json, Map, Value};

/// The text field `key` of `object`, if it is text.
pub fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// The whole-number field `key` of `object`, if it is one.
pub fn int(object: &Map<String, Value>, key: &str) -> Option<i64> {
    object.get(key).and_then(Value::as_i64)
}

/// The time parameter `key` of `values`, when given; one not after `now` is a 400 naming it.
pub fn future_time(
    values: &Map<String, Value>,
    key: &str,
    now: i64,
) -> Result<Option<i64>, Failure> {
    match int(values, key) {
        Some(at) if at <= now => Err(Failure::param(key, "must be in the future")),
        at => Ok(at),
    }
}

/// Refuses, by name, the first parameter of `values` outside `taken` (custom fields `cf_*`
/// pass when `custom_fields`): `operation` does not model it, and dropping it would be a
/// success Chargebee does not give. `within` names the object the parameters sit in
/// (`transaction` for `transaction[amount]`).
pub fn only_taken(
    operation: &str,
    values: &Map<String, Value>,
    taken: &[&str],
    custom_fields: bool,
    within: Option<&str>,
) -> Result<(), Failure> {
    let allowed = |key: &&String| {
        taken.contains(&key.as_str()) || (custom_fields && chargebee::is_custom_field(key))
    };
    match values.keys().find(|key| !allowed(key)) {
        Some(key) => {
            let named = match within {
                Some(object) => format!("`{object}[{key}]`"),
                None => format!("`{key}`"),
            };
            Err(Failure::not_emulated_option(
                operation,
                &named,
                "leave it out: the emulator does not model it",
            ))
        }
        None => Ok(()),
    }
}

/// The nested object `key` of `values` (`transaction` for `transaction[amount]`), empty when
/// none was sent.
pub fn object<'a>(values: &'a Map<String, Value>, key: &str) -> &'a Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    values
        .get(key)
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// Appends `entries` to the list `key` of `object`, starting it when there is none.
pub fn append(object: &mut Map<String, Value>, key: &str, entries: Vec<Value>) {
    match object.get_mut(key).and_then(Value::as_array_mut) {
        Some(list) => list.extend(entries),
        None => {
            object.insert(key.into(), Value::Array(entries));
        }
    }
}

/// Stamps a change of `object` made at `at`: `updated_at`, and `resource_version` in
/// milliseconds.
pub fn touch(object: &mut Map<String, Value>, at: i64) {
    object.insert("updated_at".into(), json!(at));
    object.insert("resource_version".into(), json!(at * 1000));
}
