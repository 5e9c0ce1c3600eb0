//! `Client::call` puts on the wire exactly the bytes the typed builder puts there, and hands
//! back the typed answer as JSON.

use chargebee::objects::CreateBillingAddressParams;
use chargebee::StringFilter;
use chargebee_tests::{gateway_client, MockServer, Reply};
use futures::{StreamExt, TryStreamExt};
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

#[tokio::test]
async fn a_dynamic_stream_follows_every_page_and_stops_on_a_repeated_offset() {
    let page = |ids: &[&str], next: Option<&str>| {
        let list: Vec<Value> = ids
            .iter()
            .map(|id| json!({"customer": {"id": id}}))
            .collect();
        Reply::json(200, json!({"list": list, "next_offset": next}).to_string())
    };
    let server = MockServer::start(vec![
        page(&["c1", "c2"], Some("o1")),
        page(&["c3"], Some("o2")),
        page(&["c4"], None),
    ])
    .await;
    let client = gateway_client(&server);
    let entries: Vec<Value> = client
        .dynamic("customer.list")
        .params(json!({"limit": 2}))
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| e["customer"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4"]);
    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    assert!(
        lines[1].contains("offset=o1") && lines[2].contains("offset=o2"),
        "{lines:?}"
    );

    // A server that hands back an offset already followed ends the stream.
    let server = MockServer::start(vec![
        page(&["c1"], Some("o1")),
        page(&["c2"], Some("o2")),
        page(&["c3"], Some("o1")),
    ])
    .await;
    let client = gateway_client(&server);
    let results: Vec<_> = client.dynamic("customer.list").stream().collect().await;
    assert_eq!(results.len(), 4);
    match &results[3] {
        Err(chargebee::Error::RepeatedOffset { operation, offset }) => {
            assert_eq!((*operation, offset.as_str()), ("customer.list", "o1"));
        }
        other => panic!("expected a repeated offset, got {other:?}"),
    }
}

#[tokio::test]
async fn a_dynamic_stream_or_key_the_operation_cannot_take_sends_nothing() {
    let server = MockServer::start(vec![]).await;
    let client = gateway_client(&server);
    let results: Vec<_> = client
        .dynamic("customer.create")
        .params(json!({"email": "a@b.c"}))
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let e = results[0].as_ref().unwrap_err();
    assert!(e.to_string().contains("not a list operation"), "{e}");

    let e = client
        .dynamic("customer.list")
        .idempotency_key("k1")
        .send()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("customer.list takes no idempotency key"),
        "{e}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// A dry run needs no runtime and no server: it only builds the request.
#[test]
fn dry_runs_show_the_request_with_the_key_redacted() {
    let client = chargebee::Client::builder()
        .maton_api_key("secret-maton-key")
        .connection("conn_7")
        .build()
        .unwrap();
    let request = client
        .dynamic("customer.update")
        .id("cus_1")
        .params(json!({"email": "ada@example.com"}))
        .idempotency_key("k1")
        .dry_run()
        .unwrap();
    assert_eq!(request.operation, "customer.update");
    assert_eq!(request.method, chargebee::HttpMethod::Post);
    assert_eq!(
        request.url,
        "https://gateway.maton.ai/chargebee/api/v2/customers/cus_1"
    );
    assert_eq!(request.header("authorization"), Some("Bearer <redacted>"));
    assert_eq!(request.header("maton-connection"), Some("conn_7"));
    assert_eq!(request.header("chargebee-idempotency-key"), Some("k1"));
    assert_eq!(request.body.as_deref(), Some("email=ada%40example.com"));
    let text = request.to_string();
    assert!(!text.contains("secret-maton-key"), "{text}");
    assert!(
        text.ends_with("\n\nemail=ada%40example.com\n"),
        "the body follows a blank line: {text}"
    );

    let direct = chargebee::Client::builder()
        .direct("acme", "secret_cb_key")
        .build()
        .unwrap();
    let raw = direct
        .raw(chargebee::HttpMethod::Get, "/brand_new")
        .params(json!({"a": 1}))
        .dry_run()
        .unwrap();
    assert_eq!(raw.url, "https://acme.chargebee.com/api/v2/brand_new?a=1");
    assert_eq!(raw.header("authorization"), Some("Basic <redacted>"));
    assert_eq!(raw.body, None);
    let bad = direct.raw(chargebee::HttpMethod::Get, "no-slash").dry_run();
    assert!(bad.is_err());
}

/// The body or query a dry run of `operation` with `params` would send.
fn sent(operation: &str, params: serde_json::Value) -> String {
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .build()
        .unwrap();
    let mut call = client.dynamic(operation).params(params);
    if operation == "subscription.create_with_items" {
        call = call.id("cus_1").idempotency_key("k1");
    }
    let request = call
        .dry_run()
        .unwrap_or_else(|e| panic!("{operation}: {e}"));
    match request.body {
        Some(body) => body,
        None => request
            .url
            .split_once('?')
            .map_or(String::new(), |(_, query)| query.to_string()),
    }
}

/// Parameters in the shapes the official SDKs write them: `null` anywhere (a list, a filter
/// group, a filter operator, an object's field) is absent; a string given to a JSON parameter
/// is that JSON's text, sent unchanged; the one-key sort `sort_by[asc]` is `sort_by: {asc}`.
#[test]
fn parameters_read_as_the_official_sdks_write_them() {
    let cases = [
        (
            "subscription.create_with_items",
            json!({"subscription_items": [{"item_price_id": "basic-USD", "quantity": null}],
                   "coupon_ids": null, "shipping_address": null, "meta_data": null,
                   "discounts": null, "contract_term": {"action_at_term_end": null}}),
            "subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD",
        ),
        (
            "customer.list",
            json!({"relationship": null, "id": null, "email": {"is": null},
                   "created_at": {"after": null, "before": 1706745600}, "sort_by": null}),
            "created_at%5Bbefore%5D=1706745600",
        ),
        (
            "customer.list",
            json!({"relationship": {"parent_id": null, "payment_owner_id": {"is": "c1"}}}),
            "relationship%5Bpayment_owner_id%5D%5Bis%5D=c1",
        ),
        (
            "customer.create",
            json!({"meta_data": "{\"plan\":{\"seats\":3}}"}),
            "meta_data=%7B%22plan%22%3A%7B%22seats%22%3A3%7D%7D",
        ),
        (
            "customer.create",
            json!({"meta_data": {"plan": {"seats": 3}}}),
            "meta_data=%7B%22plan%22%3A%7B%22seats%22%3A3%7D%7D",
        ),
        (
            "customer.list",
            json!({"sort_by[asc]": "created_at"}),
            "sort_by%5Basc%5D=created_at",
        ),
        (
            "customer.list",
            json!({"sort_by[desc]": "updated_at"}),
            "sort_by%5Bdesc%5D=updated_at",
        ),
        (
            "customer.list",
            json!({"sort_by": {"desc": "updated_at"}}),
            "sort_by%5Bdesc%5D=updated_at",
        ),
    ];
    for (operation, params, expected) in cases {
        assert_eq!(sent(operation, params.clone()), expected, "{params}");
    }
}

/// A refusal names the key path of the value at fault, nested objects and filters included,
/// and a sort given in both shapes is a key given twice.
#[tokio::test]
async fn refusals_name_the_key_path() {
    let server = MockServer::start(vec![]).await;
    let client = gateway_client(&server);
    for (operation, params, named) in [
        (
            "customer.create",
            json!({"billing_address": {"city": 5}}),
            "at `billing_address.city`: invalid type: integer `5`, expected a string",
        ),
        (
            "subscription.create_with_items",
            json!({"subscription_items": [{"item_price_id": "a", "quantity": "two"}]}),
            "at `subscription_items[0].quantity`",
        ),
        (
            "customer.list",
            json!({"relationship": {"parent_id": {"is": 5}}}),
            "at `relationship.parent_id`: filter `parent_id`, operator `is`",
        ),
        (
            "customer.list",
            json!({"sort_by": {"asc": "created_at"}, "sort_by[desc]": "updated_at"}),
            "duplicate field `sort_by`",
        ),
        (
            "customer.list",
            json!({"sort_by[asc]": "email"}),
            "at `sort_by[asc]`: unknown variant `email`",
        ),
    ] {
        let id = (operation == "subscription.create_with_items").then_some("cus_1");
        let e = client.call(operation, id, params).await.unwrap_err();
        assert!(e.to_string().contains(named), "{operation}: {e}");
    }
    // The path and whether the field is absent come as fields, a missing field's path its own.
    for (params, path, missing) in [
        (
            json!({"subscription_items": [{"item_price_id": "a"}, {"quantity": 2}]}),
            "subscription_items[1].item_price_id",
            true,
        ),
        (
            json!({"subscription_items": [{"item_price_id": "a", "quantity": "two"}]}),
            "subscription_items[0].quantity",
            false,
        ),
    ] {
        let e = client
            .call("subscription.create_with_items", Some("cus_1"), params)
            .await
            .unwrap_err();
        match &e {
            chargebee::Error::InvalidParams {
                operation,
                path: at,
                missing: absent,
                ..
            } => assert_eq!(
                (operation.as_str(), at.as_str(), *absent),
                ("subscription.create_with_items", path, missing)
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.kind(), "invalid_argument");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}
