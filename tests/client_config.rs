//! Client construction: environment, builder checks, and keys kept out of output.

use chargebee::{Client, Error};
use chargebee_tests::{gateway_client, MockServer, Reply, TEST_KEY};

#[test]
fn from_env_reads_the_maton_key_and_explains_when_missing() {
    // The only test in this binary that touches the environment.
    std::env::remove_var("MATON_API_KEY");
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("MATON_API_KEY is not set")),
        "{err}"
    );
    std::env::set_var("MATON_API_KEY", "secret-from-env");
    let client = Client::from_env().unwrap();
    let shown = format!("{client:?}");
    assert!(
        shown.contains("gateway.maton.ai/chargebee/api/v2"),
        "{shown}"
    );
    assert!(!shown.contains("secret-from-env"), "{shown}");
    std::env::remove_var("MATON_API_KEY");
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
                .base_url("not a url")
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
