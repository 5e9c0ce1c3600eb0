//! Client construction: environment, builder checks, and keys kept out of output.

use chargebee::{Client, Error};
use chargebee_tests::{gateway_client, MockServer, Reply, TEST_KEY};

#[test]
fn from_env_reads_the_gateway_or_direct_credentials_and_explains_when_missing() {
    // The only test in this binary that touches the environment.
    for name in ["MATON_API_KEY", "CHARGEBEE_SITE", "CHARGEBEE_API_KEY"] {
        std::env::remove_var(name);
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("MATON_API_KEY is not set")
            && m.contains("CHARGEBEE_SITE and CHARGEBEE_API_KEY")),
        "{err}"
    );
    // The direct variables, as the command line reads them.
    std::env::set_var("CHARGEBEE_SITE", "acme-test");
    std::env::set_var("CHARGEBEE_API_KEY", "direct-secret");
    let direct = format!("{:?}", Client::from_env().unwrap());
    assert!(direct.contains("direct (acme-test)"), "{direct}");
    assert!(
        direct.contains("https://acme-test.chargebee.com/api/v2"),
        "{direct}"
    );
    assert!(!direct.contains("direct-secret"), "{direct}");
    // The Maton key comes first, unless the direct client is asked for; blanks are unset.
    std::env::set_var("MATON_API_KEY", "secret-from-env");
    let client = Client::from_env().unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains("gateway.maton.ai/chargebee/api/v2"),
        "{shown}"
    );
    assert!(!shown.contains("secret-from-env"), "{shown}");
    let direct = format!("{:?}", Client::from_env_direct().unwrap());
    assert!(direct.contains("direct (acme-test)"), "{direct}");
    std::env::set_var("CHARGEBEE_API_KEY", "  ");
    let err = Client::from_env_direct().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("must both be set")),
        "{err}"
    );
    let builder = chargebee::ClientBuilder::from_env().unwrap();
    let built = builder
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    assert!(format!("{built:?}").contains("timeout: 5s"), "{built:?}");
    for name in ["MATON_API_KEY", "CHARGEBEE_SITE", "CHARGEBEE_API_KEY"] {
        std::env::remove_var(name);
    }
}

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
