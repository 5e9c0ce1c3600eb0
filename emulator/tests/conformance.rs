//! Every Chargebee operation of the description, called through the client's transport with
//! every parameter it takes, is accepted by the emulator and answered with every key the
//! operation's answer requires.

use chargebee::HttpMethod;
use chargebee_description::{Api, Base, Body, Field, Method, Type};
use chargebee_emulator::Emulator;
use serde_json::{json, Map, Value};

/// A value of `ty` that the parameter's checks accept.
fn sample(api: &Api, ty: &Type, max_length: Option<u32>, depth: usize, json_body: bool) -> Value {
    match ty {
        Type::String => {
            let text = "sample-text";
            let max = max_length
                .map_or(text.len(), |m| m as usize)
                .min(text.len());
            json!(text[..max.max(1)])
        }
        Type::Bool => json!(true),
        Type::I32 | Type::I64 => json!(3),
        Type::F64 => json!(2.5),
        Type::Timestamp => json!(1_704_067_200),
        // A form carries a JSON value as one JSON-encoded string, as the typed client sends it.
        Type::Json if json_body => json!({"note": "sample"}),
        Type::Json => json!(r#"{"note":"sample"}"#),
        Type::Enum(e) => json!(api.enums[e].last().cloned().unwrap()),
        Type::Struct(s) => object(api, &api.structs[s].fields, depth + 1, json_body),
        Type::List(inner) => json!([
            sample(api, inner, max_length, depth, json_body),
            sample(api, inner, max_length, depth, json_body)
        ]),
    }
}

fn object(api: &Api, fields: &[Field], depth: usize, json_body: bool) -> Value {
    let mut out = Map::new();
    for f in fields {
        if depth < 4 || f.required {
            out.insert(
                f.name.clone(),
                sample(api, &f.ty, f.max_length, depth, json_body),
            );
        }
    }
    Value::Object(out)
}

#[tokio::test]
async fn every_chargebee_operation_round_trips() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let mut served = 0;
    let mut failures = Vec::new();
    for op in api.operations.iter().filter(|o| o.base == Base::Chargebee) {
        let path = match op.path.find('{') {
            Some(start) => {
                let end = op.path[start..].find('}').unwrap() + start;
                format!("{}sample_id{}", &op.path[..start], &op.path[end + 1..])
            }
            None => op.path.clone(),
        };
        let method = match op.method {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Delete => HttpMethod::Delete,
        };
        let params = object(api, &op.params, 0, op.body == Body::Json);
        let mut request = client.raw(method, &path).params(params);
        if op.body == Body::Json {
            request = request.json_body();
        }
        match request.send::<Value>().await {
            Ok(answer) => {
                // A kept resource's list is empty until something is created.
                let entry = if op.paginated {
                    &answer["list"][0]
                } else {
                    &answer
                };
                for f in op.returns.iter().filter(|f| f.required && !entry.is_null()) {
                    if entry.get(&f.name).is_none() {
                        failures.push(format!("{}: answer lacks `{}`: {answer}", op.id, f.name));
                    }
                }
                served += 1;
            }
            // Kept state: an id that was never created answers 404, as Chargebee does.
            Err(e) if e.is_not_found() => served += 1,
            Err(e) => failures.push(format!("{}: {e}", op.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(served, 471, "every Chargebee operation of the spec");
}
