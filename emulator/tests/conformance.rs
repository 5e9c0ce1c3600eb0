//! Every Chargebee operation of the description, called through the typed client
//! (`Client::call` reads the parameters into the operation's params type and decodes the answer
//! into its response type) with every parameter it takes: the emulator accepts each request
//! and answers with every key the operation's answer requires.

use chargebee_description::{Api, Base, Field, Type};
use chargebee_emulator::Emulator;
use serde_json::{json, Map, Value};

/// A value of `ty` that the parameter's checks accept, in the JSON shape params types read.
fn sample(api: &Api, ty: &Type, max_length: Option<u32>, depth: usize) -> Value {
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
        Type::Enum(e) => json!(api.enums[e].last().cloned().unwrap()),
        Type::Struct(s) => object(api, &api.structs[s].fields, depth + 1),
        Type::List(inner) => json!([
            sample(api, inner, max_length, depth),
            sample(api, inner, max_length, depth)
        ]),
    }
}

/// Every field (below depth 4, the required ones only).
fn object(api: &Api, fields: &[Field], depth: usize) -> Value {
    let mut out = Map::new();
    for f in fields {
        if depth < 4 || f.required {
            out.insert(f.name.clone(), sample(api, &f.ty, f.max_length, depth));
        }
    }
    Value::Object(out)
}

#[tokio::test]
async fn every_chargebee_operation_round_trips_through_the_typed_client() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let (mut answered, mut not_found) = (0, 0);
    let mut failures = Vec::new();
    for op in api.operations.iter().filter(|o| o.base == Base::Chargebee) {
        let id = op.path.contains('{').then_some("sample_id");
        let params = object(api, &op.params, 0);
        match client.call(&op.id, id, params).await {
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
                answered += 1;
            }
            // Kept state: an id that was never created answers 404, as Chargebee does.
            Err(e) if e.is_not_found() => not_found += 1,
            Err(e) => failures.push(format!("{}: {e}", op.id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        answered + not_found,
        471,
        "every Chargebee operation of the spec"
    );
    assert!(
        answered > 440,
        "most operations answer ({answered}; {not_found} not found)"
    );
}

#[tokio::test]
async fn dynamic_calls_refuse_what_the_params_type_refuses() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let e = client
        .call("customer.create", None, json!({"nickname": "x"}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nickname"), "{e}");
    let e = client
        .call("customer.retrieve", None, json!({}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("id"), "{e}");
    let e = client
        .call("customer.fly", None, json!({}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("customer.fly"), "{e}");
}
