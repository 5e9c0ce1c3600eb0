//! Client construction: builder checks, URLs, and keys kept out of output (reading the
//! environment is in `environment.rs`).

use chargebee::{Client, Error};
use chargebee_tests::{gateway_client, MockServer, Reply, TEST_KEY};

#[test]
fn builder_refuses_bad_settings_with_a_reason() {
    let cases: Vec<(Result<Client, Error>, &str)> = vec![
        (Client::builder().build(), "no credentials"),
        (Client::builder().maton_api_key("  ").build(), "empty"),
        (
            Client::builder().direct("acme/evil", "k").build(),
            "not a Chargebee site",
        ),
        (
            Client::builder()
                .maton_api_key("k")
                .base_url("not-a-url")
                .build(),
            "not a URL",
        ),
        (
            Client::builder()
                .maton_api_key("k")
                .base_url("http://example.com")
                .build(),
            "plain http",
        ),
        (
            Client::builder()
                .maton_api_key("k")
                .base_url("ftp://127.0.0.1")
                .build(),
            "scheme",
        ),
        (
            Client::builder()
                .maton_api_key("k")
                .connection("bad\nid")
                .build(),
            "connection id",
        ),
    ];
    for (result, expected) in cases {
        let err = result.unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{err} should mention {expected}"
        );
    }
}

/// URLs a parser would quietly clean up, or that carry credentials, are refused at `build()`
/// with what is wrong, for both roots, and the error repeats neither the URL nor its secrets.
#[test]
fn urls_are_taken_as_written_or_refused() {
    let cases = [
        (" https://proxy.example", "whitespace around it"),
        ("https://proxy.example\n", "whitespace around it"),
        ("https://proxy.example/\tchargebee", "control character"),
        ("https://proxy.exa\r\nmple", "control character"),
        ("https://proxy.example/a b", "whitespace"),
        ("http://evil%2f@127.0.0.1", "user name or password"),
        (
            "https://user:hunter2@proxy.example",
            "user name or password",
        ),
        ("https://:hunter2@proxy.example", "user name or password"),
    ];
    for (url, expected) in cases {
        for control in [false, true] {
            let builder = Client::builder().maton_api_key("k");
            let builder = if control {
                builder.control_base_url(url)
            } else {
                builder.base_url(url)
            };
            let err = builder.build().unwrap_err();
            let message = err.to_string();
            assert!(matches!(err, Error::Config(_)), "{url:?}: {message}");
            assert!(message.contains(expected), "{url:?}: {message}");
            let what = if control {
                "control base URL"
            } else {
                "base URL"
            };
            assert!(message.contains(what), "{url:?}: {message}");
            assert!(!message.contains("hunter2"), "{message}");
            assert!(!message.contains("evil"), "{message}");
        }
    }
}

/// With only the Chargebee root replaced, control calls are refused before anything is sent
/// (the key would otherwise reach the real control API); Chargebee calls still work.
#[tokio::test]
async fn a_replaced_chargebee_root_alone_refuses_control_calls() {
    let server = MockServer::start(vec![Reply::json(
        200,
        r#"{"customer":{"id":"cus_1","object":"customer"}}"#,
    )])
    .await;
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .retry(chargebee::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.connections().list().send().await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Config(_)), "{message}");
    assert!(message.contains("connection.list"), "{message}");
    assert!(message.contains("ctrl.maton.ai"), "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");
    assert!(!message.contains(TEST_KEY), "{message}");
    assert!(client.dynamic("connection.list").dry_run().is_err());
    let customer = client.customers().retrieve("cus_1").send().await.unwrap();
    assert_eq!(customer.customer.id, "cus_1");
    assert_eq!(
        server.requests().len(),
        1,
        "only the Chargebee call was sent"
    );
}

#[test]
fn direct_mode_targets_the_site() {
    let client = Client::builder()
        .direct("acme-test", "cb_key")
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains("https://acme-test.chargebee.com/api/v2"),
        "{shown}"
    );
    assert!(!shown.contains("cb_key"), "{shown}");
}

#[tokio::test]
async fn key_never_appears_in_errors() {
    let server = MockServer::start(vec![
        Reply::json(401, r#"{"error":"bad key"}"#),
        Reply::raw(200, "text/plain", "nope"),
    ])
    .await;
    let client = gateway_client(&server);
    for _ in 0..2 {
        let err = client
            .customers()
            .retrieve("cus_1")
            .send()
            .await
            .unwrap_err();
        assert!(!format!("{err} {err:?}").contains(TEST_KEY));
    }
    assert!(!format!("{client:?}").contains(TEST_KEY));
}
