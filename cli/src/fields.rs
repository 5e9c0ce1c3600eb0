//! Keeping only some fields of an answer (`--fields`, and `call_operation`'s `fields`):
//! dotted paths such as `customer.id`, applied to each entry of a list.

use serde_json::{json, Map, Value};

/// `answer` with only the dotted `paths` kept (in each entry of a list, whose `next_offset`
/// stays); all of it when `paths` is empty.
pub fn select(answer: Value, paths: &[&str]) -> Value {
    if paths.is_empty() {
        return answer;
    }
    match answer.get("list").and_then(Value::as_array) {
        Some(list) => {
            let mut out =
                json!({"list": list.iter().map(|entry| pick(entry, paths)).collect::<Vec<_>>()});
            if let Some(next) = answer.get("next_offset") {
                out["next_offset"] = next.clone();
            }
            out
        }
        None => pick(&answer, paths),
    }
}

/// `value` with only the dotted `paths` kept; a path it does not have is left out.
pub fn pick(value: &Value, paths: &[&str]) -> Value {
    let mut out = Map::new();
    for path in paths {
        let keys: Vec<&str> = path.split('.').collect();
        let Some(found) = keys.iter().try_fold(value, |v, k| v.get(k)) else {
            continue;
        };
        put(&mut out, &keys, found.clone());
    }
    Value::Object(out)
}

/// Puts `value` at `keys` of `out`, making the objects on the way.
fn put(out: &mut Map<String, Value>, keys: &[&str], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut target = out;
    for key in parents {
        let entry = target
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(inner) = entry else {
            // Kept whole by a shorter path already.
            return;
        };
        target = inner;
    }
    target.insert(last.to_string(), value);
}

#[cfg(test)]
mod tests {
    use super::select;
    use serde_json::json;

    #[test]
    fn only_the_paths_named_are_kept_in_each_entry() {
        let page = json!({"list": [{"customer": {"id": "a", "email": "a@x", "card_status": "valid"}},
                                    {"customer": {"id": "b"}}],
                          "next_offset": "2"});
        assert_eq!(
            select(page, &["customer.id", "customer.email", "card.last4"]),
            json!({"list": [{"customer": {"id": "a", "email": "a@x"}}, {"customer": {"id": "b"}}],
                   "next_offset": "2"})
        );
        let one =
            json!({"customer": {"id": "a", "billing_address": {"city": "Paris", "zip": "75001"}}});
        assert_eq!(
            select(one.clone(), &["customer", "customer.billing_address.city"]),
            one,
            "a shorter path keeps the whole object"
        );
        assert_eq!(select(one.clone(), &[]), one);
    }
}
