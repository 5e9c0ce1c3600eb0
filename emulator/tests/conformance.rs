//! Every Chargebee operation of the description, called through the typed client: by default
//! what the emulator does not model answers `not_emulated`; with synthesis on, every
//! operation answers with every key its answer requires.

use chargebee_description::{Api, Base};
use chargebee_emulator::{Config, Emulator, Synthesis};
use serde_json::json;

/// How many Chargebee operations the README says answer `not_emulated`: the number in its
/// line "**Not emulated**: N of the 471 Chargebee operations …".
fn not_emulated_in_the_readme() -> usize {
    let readme = include_str!("../../README.md");
    let line = readme
        .lines()
        .find(|l| l.contains("**Not emulated**"))
        .expect("the README has a **Not emulated** line");
    let after = line.split("**Not emulated**:").nth(1).unwrap_or_default();
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"))
}

/// By default an operation the emulator does not model answers HTTP 501 `not_emulated`,
/// naming itself and the opt-in, never a made-up success; what it models answers, or 404 for
/// an id it never created. The README's count of operations not emulated is the code's.
#[tokio::test]
async fn operations_not_modeled_answer_not_emulated_by_default() {
    let api = Api::embedded();
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let (mut modeled, mut not_emulated) = (Vec::new(), Vec::new());
    for op in api.operations.iter().filter(|o| o.base == Base::Chargebee) {
        let id = op.path.contains('{').then_some("sample_id");
        match client.call(&op.id, id, api.sample_params(op)).await {
            Ok(_) => modeled.push(op.id.as_str()),
            Err(e) if e.is_not_found() => modeled.push(op.id.as_str()),
            Err(e) => {
                let error = e.api_error().unwrap_or_else(|| panic!("{}: {e}", op.id));
                assert!(error.is_not_emulated(), "{}: {e}", op.id);
                assert_eq!(error.status, 501, "{}", op.id);
                let message = error.message.as_deref().unwrap_or_default();
                assert!(
                    message.starts_with(&format!("{} is not emulated", op.id))
                        && message.contains(&format!("--synthesize-op {}", op.id)),
                    "{message}"
                );
                not_emulated.push(op.id.as_str());
            }
        }
    }
    println!("modeled ({}): {}", modeled.len(), modeled.join(" "));
    assert_eq!(modeled.len() + not_emulated.len(), 471);
    assert_eq!(
        not_emulated.len(),
        not_emulated_in_the_readme(),
        "README.md's count of operations not emulated"
    );
    // Opting in one operation synthesizes that one only.
    let config = Config {
        synthesize: Synthesis::Operations(["coupon.create".to_string()].into()),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    let coupon = api.sample_params(api.operation("coupon.create").unwrap());
    assert!(client.call("coupon.create", None, coupon).await.is_ok());
    let e = client
        .call("coupon.retrieve", Some("sample_id"), json!({}))
        .await
        .unwrap_err();
    assert!(e.api_error().is_some_and(|a| a.is_not_emulated()), "{e}");
}

/// With synthesis switched on, every Chargebee operation of the description round-trips
/// through the typed client (`Client::call` reads the parameters into the operation's params
/// type and decodes the answer into its response type) with every parameter it takes: the
/// emulator accepts each request and answers with every key the operation's answer requires.
#[tokio::test]
async fn every_chargebee_operation_round_trips_through_the_typed_client() {
    let api = Api::embedded();
    let config = Config {
        synthesize: Synthesis::All,
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
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
