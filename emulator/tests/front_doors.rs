//! The gateway, direct and control front doors: keys, connections, the gateway's rate limit,
//! and requests refused as Chargebee refuses them, each naming the parameter at fault.

use chargebee::{Error, GatewayErrorKind, HttpMethod, RetryPolicy};
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};

fn gateway_kind(e: &Error) -> Option<GatewayErrorKind> {
    match e {
        Error::Gateway { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// The `param` of a Chargebee error, with its message.
fn refused(e: &Error) -> (String, String) {
    let api = e
        .api_error()
        .unwrap_or_else(|| panic!("not a Chargebee error: {e}"));
    assert_eq!(api.status, 400, "{e}");
    (
        api.param.clone().unwrap_or_default(),
        api.message.clone().unwrap_or_default(),
    )
}

#[tokio::test]
async fn the_gateway_checks_its_key_and_connection() {
    let emulator = Emulator::start().await.unwrap();
    let wrong = emulator
        .client_builder()
        .maton_api_key("wrong")
        .build()
        .unwrap();
    let e = wrong.customers().list().send().await.unwrap_err();
    assert_eq!(
        gateway_kind(&e),
        Some(GatewayErrorKind::Unauthorized),
        "{e}"
    );

    let unknown = emulator
        .client_builder()
        .connection("conn_nope")
        .build()
        .unwrap();
    let e = unknown.customers().list().send().await.unwrap_err();
    assert_eq!(
        gateway_kind(&e),
        Some(GatewayErrorKind::NoConnection),
        "{e}"
    );

    let named = emulator
        .client_builder()
        .connection("conn_emulator")
        .build()
        .unwrap();
    named.customers().list().send().await.unwrap();
}

#[tokio::test]
async fn connections_are_managed_and_the_gateway_needs_an_active_one() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let listed = client
        .connections()
        .list()
        .send()
        .await
        .unwrap()
        .connections;
    let ids: Vec<&str> = listed
        .iter()
        .filter_map(|c| c.connection_id.as_deref())
        .collect();
    assert_eq!(ids, ["conn_emulator"]);

    let created = client
        .connections()
        .create("chargebee")
        .send()
        .await
        .unwrap()
        .connection;
    let url = created.url.clone().unwrap_or_default();
    assert!(
        url.starts_with(&emulator.url()),
        "authorization URL on the emulator: {url}"
    );
    let id = created
        .connection_id
        .clone()
        .expect("a new connection has an id");
    let fetched = client.connections().retrieve(&id).send().await.unwrap();
    assert_eq!(fetched.connection.connection_id, created.connection_id);

    client
        .connections()
        .delete("conn_emulator")
        .send()
        .await
        .unwrap();
    let e = client.customers().list().send().await.unwrap_err();
    assert_eq!(
        gateway_kind(&e),
        Some(GatewayErrorKind::NoConnection),
        "only a pending one is left: {e}"
    );
}

#[tokio::test]
async fn the_gateway_allows_ten_requests_per_second() {
    let emulator = Emulator::start().await.unwrap();
    let unlimited = emulator
        .client_builder()
        .rate_limit(None)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut limited = None;
    // A burst of 10 passes; a few more within the same second cannot all be refilled in time.
    for _ in 0..30 {
        if let Err(e) = unlimited.customers().list().send().await {
            limited = Some(e);
            break;
        }
    }
    let e = limited.expect("a burst past 10 requests within a second is refused");
    assert_eq!(gateway_kind(&e), Some(GatewayErrorKind::RateLimited), "{e}");

    // The client's own limiter (10 per second by default) keeps it from happening.
    let fresh = Emulator::start().await.unwrap();
    let client = fresh
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..15 {
        client.customers().list().send().await.unwrap();
    }
}

#[tokio::test]
async fn direct_calls_need_the_configured_key() {
    let config = Config {
        chargebee_api_key: Some("site-key".into()),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    emulator
        .direct_client()
        .customers()
        .list()
        .send()
        .await
        .unwrap();
    let wrong = chargebee::Client::builder()
        .direct("emulator", "other")
        .base_url(emulator.url())
        .build()
        .unwrap();
    let e = wrong.customers().list().send().await.unwrap_err();
    assert!(e.api_error().is_some_and(|a| a.is_unauthorized()), "{e}");
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_parameter() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let create = |params: Value| {
        client
            .raw(HttpMethod::Post, "/customers")
            .params(params)
            .send::<Value>()
    };

    let (param, message) = refused(&create(json!({"nickname": "x"})).await.unwrap_err());
    assert_eq!(param, "nickname");
    assert!(message.contains("not a parameter"), "{message}");

    let (param, _) = refused(&create(json!({"net_term_days": "soon"})).await.unwrap_err());
    assert_eq!(param, "net_term_days");
    // One past the largest 64-bit integer: refused with the range, not wrapped or rounded.
    let (param, message) = refused(
        &create(json!({"net_term_days": "9223372036854775808"}))
            .await
            .unwrap_err(),
    );
    assert_eq!(param, "net_term_days");
    assert!(
        message.ends_with(
            "`9223372036854775808` is not between -9223372036854775808 and 9223372036854775807"
        ),
        "{message}"
    );
    let (param, _) = refused(&create(json!({"cf_": "x"})).await.unwrap_err());
    assert_eq!(param, "cf_", "`cf_` alone names no custom field");

    let (param, message) = refused(
        &create(json!({"auto_collection": "sometimes"}))
            .await
            .unwrap_err(),
    );
    assert_eq!(param, "auto_collection");
    assert!(
        message.contains("on, off"),
        "names the allowed values: {message}"
    );

    let long = format!("{}@example.com", "a".repeat(80));
    let (param, message) = refused(
        &client
            .customers()
            .create()
            .email(long)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(param, "email");
    assert!(message.contains("70"), "{message}");

    let (param, _) = refused(
        &create(json!({"billing_address": {"planet": "Mars"}}))
            .await
            .unwrap_err(),
    );
    assert_eq!(param, "billing_address[planet]");

    let (param, _) = refused(&create(json!({"tier": "gold"})).await.unwrap_err());
    assert_eq!(
        param, "tier",
        "an extra key without the cf_ prefix is not a custom field"
    );

    let e = client
        .raw(HttpMethod::Post, "/item_families")
        .params(json!({"id": "f"}))
        .send::<Value>()
        .await
        .unwrap_err();
    let (param, message) = refused(&e);
    assert_eq!(param, "name");
    assert!(message.contains("cannot be blank"), "{message}");

    let e = client
        .raw(HttpMethod::Get, "/customers")
        .params(json!({"email[lt]": "x"}))
        .send::<Value>()
        .await
        .unwrap_err();
    let (param, message) = refused(&e);
    assert_eq!(param, "email[lt]");
    assert!(
        message.contains("is_not"),
        "lists the allowed operators: {message}"
    );

    let e = client
        .raw(HttpMethod::Get, "/customers")
        .params(json!({"limit": 500}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(refused(&e).0, "limit");

    let e = client
        .raw(HttpMethod::Get, "/customers")
        .params(json!({"offset": "forged"}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(refused(&e).0, "offset");
}

#[tokio::test]
async fn keys_no_client_could_send_are_refused_at_start() {
    for config in [
        Config {
            maton_api_key: String::new(),
            ..Config::default()
        },
        Config {
            chargebee_api_key: Some("line\nbreak".into()),
            ..Config::default()
        },
    ] {
        let e = Emulator::start_with(config, 0)
            .await
            .err()
            .expect("refused");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    }
}

/// A path an operation serves, called with a method no operation serves there, is 405
/// `http_method_not_supported`; a path nothing serves stays 404.
#[tokio::test]
async fn a_known_path_with_another_method_is_405() {
    let emulator = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}/api/v2{path}", emulator.url()))
            .basic_auth("site-key", Some(""))
            .send()
    };
    for (method, path, status, code) in [
        (
            reqwest::Method::PUT,
            "/customers",
            405,
            "http_method_not_supported",
        ),
        (
            reqwest::Method::GET,
            "/customers/c1/delete",
            405,
            "http_method_not_supported",
        ),
        (
            reqwest::Method::DELETE,
            "/customers/c1",
            405,
            "http_method_not_supported",
        ),
        (
            reqwest::Method::GET,
            "/spaceships",
            404,
            "resource_not_found",
        ),
        (
            reqwest::Method::PUT,
            "/spaceships",
            404,
            "resource_not_found",
        ),
    ] {
        let response = call(method.clone(), path).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["api_error_code"], code, "{method} {path}: {body}");
        assert_eq!(body["http_status_code"], status, "{method} {path}");
    }
}
