//! Reading the fields of a stored object (a JSON object as the store parses it).

use serde_json::{Map, Value};

/// The text field `key` of `object`, if it is text.
pub fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// The whole-number field `key` of `object`, if it is one.
pub fn int(object: &Map<String, Value>, key: &str) -> Option<i64> {
    object.get(key).and_then(Value::as_i64)
}
