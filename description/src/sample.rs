//! Values synthesized from the description, by one set of rules: parameters for tests that
//! call every operation, and the placeholder answers the emulator gives when asked to. Each
//! value is deterministic and passes every check the spec states (type, enum, length) and
//! Chargebee's formats (an `email` is an address); a resource carries its `object` key.

use crate::{Api, Field, FilterKind, Operand, Operation, Type};
use serde_json::{json, Map, Value};

/// The value of every `email` parameter.
const SAMPLE_EMAIL: &str = "sample@example.com";

impl Api {
    /// Parameters for `op` in the official SDKs' JSON shape: every parameter (objects to
    /// three levels, then their required fields; lists of two entries), each filter with its
    /// first operator, the first sort field ascending, and `limit` for a paged list.
    pub fn sample_params(&self, op: &Operation) -> Value {
        let Value::Object(mut params) = self.sample_object(&op.params, 0) else {
            return Value::Null;
        };
        for filter in &op.filters {
            let Some(operator) = filter.ops.first() else {
                continue;
            };
            let mut path: Vec<&str> = filter.path().collect();
            path.push(operator.as_str());
            let value = match operator.operand() {
                Operand::Presence => json!(true),
                Operand::List | Operand::Pair => json!([
                    self.filter_sample(&filter.kind),
                    self.filter_sample(&filter.kind)
                ]),
                Operand::One => self.filter_sample(&filter.kind),
            };
            insert(&mut params, &path, value);
        }
        if let Some(field) = op.sort_by.first() {
            params.insert("sort_by".into(), json!({ "asc": field }));
        }
        if op.pages() {
            params.insert("limit".into(), json!(2));
        }
        Value::Object(params)
    }

    /// An answer for `op` made of sample values: its keys filled in as parameters are (every
    /// field to three levels of objects, then the required ones), wrapped in a one-entry page
    /// when it is a list.
    pub fn sample_answer(&self, op: &Operation) -> Value {
        let entry = self.sample_object(&op.returns, 0);
        if op.paginated {
            json!({ "list": [entry] })
        } else {
            entry
        }
    }

    /// A value of `ty` that a parameter's checks accept.
    fn sample_value(&self, ty: &Type, max_length: Option<u32>, depth: usize) -> Value {
        match ty {
            Type::String => {
                let text = "sample-text";
                let max = max_length
                    .map_or(text.len(), |m| m as usize)
                    .clamp(1, text.len());
                json!(text[..max])
            }
            Type::Bool => json!(true),
            Type::I32 | Type::I64 => json!(3),
            Type::F64 => json!(2.5),
            Type::Timestamp => json!(1_704_067_200),
            Type::Json => json!({"note": "sample"}),
            Type::Enum(e) => json!(self.enums.get(e).and_then(|v| v.last())),
            Type::Struct(s) => match self.structs.get(s) {
                Some(s) => {
                    let mut object = self.sample_object(&s.fields, depth + 1);
                    if let (Some(tag), Value::Object(map)) = (&s.object, &mut object) {
                        map.insert("object".into(), json!(tag));
                    }
                    object
                }
                None => json!({}),
            },
            Type::List(inner) => json!([
                self.sample_value(inner, max_length, depth),
                self.sample_value(inner, max_length, depth)
            ]),
        }
    }

    /// Every field (below depth 4, the required ones only).
    fn sample_object(&self, fields: &[Field], depth: usize) -> Value {
        let mut out = Map::new();
        for f in fields {
            if depth < 4 || f.required {
                let value = if f.name == "email" && f.ty == Type::String {
                    json!(SAMPLE_EMAIL)
                } else {
                    self.sample_value(&f.ty, f.max_length, depth)
                };
                out.insert(f.name.clone(), value);
            }
        }
        Value::Object(out)
    }

    fn filter_sample(&self, kind: &FilterKind) -> Value {
        match kind {
            FilterKind::String => json!("sample"),
            FilterKind::Number => json!(3),
            FilterKind::Timestamp | FilterKind::Date => json!(1_704_067_200),
            FilterKind::Boolean => json!(true),
            FilterKind::Enum(e) => json!(self.enums.get(e).and_then(|v| v.first())),
        }
    }
}

/// Puts `value` at `path` of nested objects, making the objects on the way.
fn insert(params: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut object = params;
    for key in parents {
        let entry = object
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else { return };
        object = inner;
    }
    object.insert(last.to_string(), value);
}

#[cfg(test)]
mod tests {
    use crate::Api;
    use serde_json::json;

    #[test]
    fn a_sample_answer_has_every_key_with_the_parameters_rules() {
        let api = Api::embedded();
        let answer = api.sample_answer(api.operation("customer.retrieve").unwrap());
        let customer = &answer["customer"];
        assert_eq!(customer["object"], "customer");
        assert_eq!(customer["id"], "sample-text");
        assert_eq!(customer["email"], "sample@example.com");
        assert_eq!(customer["created_at"], 1_704_067_200);
        assert_eq!(customer["deleted"], true);
        // Lists of two entries; an enum's last value (auto_collection: on, off).
        assert_eq!(customer["auto_collection"], "off");
        assert_eq!(customer["payment_method"]["object"], "payment_method");
        let page = api.sample_answer(api.operation("customer.list").unwrap());
        assert_eq!(page["list"].as_array().map(Vec::len), Some(1));
        assert_eq!(page["list"][0]["customer"]["object"], json!("customer"));
    }
}
