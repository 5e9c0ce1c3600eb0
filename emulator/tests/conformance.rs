//! Every Chargebee operation of the description, called through the typed client
//! (`Client::call` reads the parameters into the operation's params type and decodes the answer
//! into its response type) with every parameter it takes: the emulator accepts each request
//! and answers with every key the operation's answer requires.

use chargebee_description::{Api, Base};
use chargebee_emulator::Emulator;
use serde_json::json;

#[tokio::test]
async fn every_chargebee_operation_round_trips_through_the_typed_client() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let (mut answered, mut not_found) = (0, 0);
    let mut failures = Vec::new();
    for op in api.operations.iter().filter(|o| o.base == Base::Chargebee) {
        let id = op.path.contains('{').then_some("sample_id");
        let params = api.sample_params(op);
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
