//! `Client::call` puts on the wire exactly the bytes the typed builder puts there, and hands
//! back the typed answer as JSON.

use chargebee::customer::CreateBillingAddressParams;
use chargebee::StringFilter;
use chargebee_tests::{gateway_client, MockServer, Reply};
use serde_json::{json, Value};

fn customer_answer() -> String {
    json!({"customer": {"id": "cus_1", "email": "ada@example.com", "object": "customer", "cf_tier": "gold"}}).to_string()
}

#[tokio::test]
async fn a_dynamic_create_sends_what_the_typed_one_sends() {
    let server = MockServer::start(vec![
        Reply::json(200, customer_answer()),
        Reply::json(200, customer_answer()),
    ])
    .await;
    let client = gateway_client(&server);
    let mut address = CreateBillingAddressParams::new();
    address.city = Some("London".into());
    let typed = client
        .customers()
        .create()
        .email("ada@example.com")
        .net_term_days(30)
        .billing_address(address)
        .custom_field("cf_tier", "gold")
        .idempotency_key("k1")
        .send()
        .await
        .unwrap();
    let params = json!({
        "email": "ada@example.com",
        "net_term_days": 30,
        "billing_address": {"city": "London"},
        "cf_tier": "gold",
    });
    let dynamic = client.call("customer.create", None, params).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].line, requests[1].line);
    assert_eq!(
        requests[0].header("content-type"),
        requests[1].header("content-type")
    );
    assert_eq!(requests[0].body_text(), requests[1].body_text());
    assert_eq!(dynamic, serde_json::to_value(&typed).unwrap());
    assert_eq!(
        dynamic["customer"]["cf_tier"], "gold",
        "extra keys come back too"
    );
}

#[tokio::test]
async fn a_dynamic_list_sends_the_typed_query() {
    let page = json!({"list": [], "next_offset": null}).to_string();
    let server =
        MockServer::start(vec![Reply::json(200, page.clone()), Reply::json(200, page)]).await;
    let client = gateway_client(&server);
    client
        .customers()
        .list()
        .limit(5)
        .email(StringFilter::is("a@b.c"))
        .send()
        .await
        .unwrap();
    let answer: Value = client
        .call(
            "customer.list",
            None,
            json!({"limit": 5, "email": {"is": "a@b.c"}}),
        )
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].line, requests[1].line);
    assert!(
        requests[1].line.contains("email%5Bis%5D=a%40b.c"),
        "{}",
        requests[1].line
    );
    assert_eq!(answer["list"], json!([]));
}

#[tokio::test]
async fn bad_dynamic_calls_are_refused_before_sending() {
    let server = MockServer::start(vec![]).await;
    let client = gateway_client(&server);
    for (operation, id, params, named) in [
        ("customer.create", None, json!({"emial": "x"}), "emial"),
        (
            "customer.create",
            None,
            json!({"net_term_days": "thirty"}),
            "net_term_days",
        ),
        ("customer.create", Some("cus_1"), json!({}), "takes no id"),
        ("customer.retrieve", None, json!({}), "needs the id"),
        (
            "customer.retrieve",
            Some("cus_1"),
            json!({"x": 1}),
            "takes no parameters",
        ),
        ("customer", None, json!({}), "customer"),
        ("spaceship.launch", None, json!({}), "spaceship.launch"),
    ] {
        let e = client.call(operation, id, params).await.unwrap_err();
        assert!(e.to_string().contains(named), "{operation}: {e}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}
