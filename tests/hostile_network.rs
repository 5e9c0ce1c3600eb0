//! Servers and proxies that try to move credentials elsewhere: redirects are reported, never
//! followed, and proxies are used only when configured, and only for https.

use chargebee::Error;
use chargebee_tests::{direct_client, gateway_client, MockServer, Reply};

#[tokio::test]
async fn redirects_are_reported_and_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere =
            MockServer::start(vec![Reply::json(200, r#"{"customer":{"id":"stolen"}}"#)]).await;
        let location = format!("{}/api/v2/customers?secret=1", elsewhere.url());
        let server =
            MockServer::start(vec![Reply::json(status, "").header("location", &location)]).await;
        let client = direct_client(&server);
        let e = client
            .customers()
            .create()
            .email("a@b.c")
            .send()
            .await
            .unwrap_err();
        match &e {
            Error::Redirect {
                status: s, target, ..
            } => {
                assert_eq!(*s, status);
                assert_eq!(target.as_deref(), Some("127.0.0.1"), "the host only");
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
        assert!(!e.to_string().contains("secret"), "{e}");
        assert_eq!(
            server.requests().len(),
            1,
            "HTTP {status}: sent once, not retried"
        );
        assert!(
            elsewhere.requests().is_empty(),
            "HTTP {status}: the other origin got nothing"
        );
    }
    let server =
        MockServer::start(vec![Reply::json(302, "").header("location", "/elsewhere")]).await;
    let e = gateway_client(&server)
        .customers()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Redirect { target: Some(t), .. } if t == "same host"),
        "{e:?}"
    );
}

#[test]
fn a_bad_proxy_is_refused_without_repeating_it() {
    let e = chargebee::Client::builder()
        .maton_api_key("k")
        .proxy("::user:pa55@")
        .build()
        .unwrap_err();
    assert!(!e.to_string().contains("pa55"), "{e}");
    let e = chargebee::Client::builder()
        .maton_api_key("k")
        .proxy("ftp://proxy.example")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("ftp"), "{e}");
}

#[tokio::test]
async fn an_endless_retry_after_with_an_endless_ceiling_does_not_panic() {
    let server = MockServer::start(vec![
        Reply::json(503, "{}").header("retry-after", "18446744073709551615")
    ])
    .await;
    let policy = chargebee::RetryPolicy::default().max_delay(std::time::Duration::MAX);
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .base_url(server.url())
        .retry(policy)
        .rate_limit(None)
        .build()
        .unwrap();
    let e = client.customers().list().send().await.unwrap_err();
    assert_eq!(
        e.status(),
        Some(503),
        "the wait would pass the call's timeout, so it is not taken"
    );
}

#[test]
fn rates_too_small_to_represent_are_refused_at_build() {
    for rate in [1e-300, 1e-19, 1e-6] {
        let e = chargebee::Client::builder()
            .maton_api_key("k")
            .rate_limit(Some(rate))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("one request a day"), "{rate}: {e}");
    }
    chargebee::Client::builder()
        .maton_api_key("k")
        .rate_limit(Some(1.0 / 3600.0))
        .build()
        .unwrap();
}

#[test]
fn a_call_outside_a_tokio_runtime_is_an_error() {
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .build()
        .unwrap();
    let e = futures::executor::block_on(client.customers().list().send()).unwrap_err();
    assert!(e.to_string().contains("Tokio runtime"), "{e}");
}

#[test]
fn a_key_given_as_the_site_is_not_repeated() {
    let e = chargebee::Client::builder()
        .direct("live_9f8e7d6c5b4a_secret", "acme")
        .build()
        .unwrap_err();
    assert!(!e.to_string().contains("9f8e7d6c5b4a"), "{e}");
}

#[tokio::test]
async fn server_text_cannot_forge_lines_or_leak_the_key() {
    let key = "live_key_4b9c";
    let basic = "bGl2ZV9rZXlfNGI5Yzo="; // Base64 of "live_key_4b9c:"
    let echo =
        format!("you sent authorization: Basic {basic} for {key}\r\nlevel=INFO forged\x1b[2J");
    let chargebee_shaped = serde_json::json!({
        "message": format!("bad key {key}\nforged line"),
        "api_error_code": "api_authentication_failed",
        "http_status_code": 401,
        "echo": [echo.clone()],
    });
    let server = MockServer::start(vec![
        Reply::raw(418, "text/plain", echo.clone()),
        Reply::json(401, chargebee_shaped.to_string()),
    ])
    .await;
    let client = chargebee::Client::builder()
        .direct("acme", key)
        .base_url(server.url())
        .retry(chargebee::RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..2 {
        let e = client.customers().list().send().await.unwrap_err();
        let shown = e.to_string();
        assert!(!shown.contains(key) && !shown.contains(basic), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(
            !shown.chars().any(char::is_control),
            "control characters escaped: {shown:?}"
        );
        if let Some(api) = e.api_error() {
            assert!(!api.message.as_deref().unwrap_or_default().contains(key));
            assert!(
                !api.extra["echo"].to_string().contains(basic),
                "extra keys are cleaned too"
            );
        }
    }
}
