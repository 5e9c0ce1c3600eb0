//! Tests that change the process's environment (credentials, proxy variables). They run in a
//! binary of their own, one at a time: a variable set here would reach every client another
//! test builds at the same moment.

use chargebee::{Client, Error};
use chargebee_tests::{gateway_client, MockServer, Reply};

/// The variables HTTP libraries read a proxy from.
const PROXY_VARIABLES: [&str; 5] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
];

/// Held by each test for as long as it has variables set.
static ENVIRONMENT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[test]
fn from_env_reads_the_gateway_or_direct_credentials_and_explains_when_missing() {
    let _guard = ENVIRONMENT.blocking_lock();
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

#[tokio::test]
async fn proxies_in_the_environment_are_ignored_unless_asked_for() {
    let _guard = ENVIRONMENT.lock().await;
    let proxy = MockServer::start(vec![]).await;
    let server = MockServer::start(vec![
        Reply::json(200, r#"{"list":[]}"#),
        Reply::json(200, r#"{"list":[]}"#),
        Reply::json(200, r#"{"list":[]}"#),
    ])
    .await;
    for name in PROXY_VARIABLES {
        std::env::set_var(name, proxy.url());
    }
    let plain = gateway_client(&server);
    plain.customers().list().send().await.unwrap();
    // Asked for, the proxy still never sees plain http: only https goes through it.
    let from_env = chargebee::Client::builder()
        .maton_api_key("k")
        .base_url(server.url())
        .proxy_from_env()
        .rate_limit(None)
        .build()
        .unwrap();
    from_env.customers().list().send().await.unwrap();
    let explicit = chargebee::Client::builder()
        .maton_api_key("k")
        .base_url(server.url())
        .proxy(proxy.url())
        .rate_limit(None)
        .build()
        .unwrap();
    explicit.customers().list().send().await.unwrap();
    for name in PROXY_VARIABLES {
        std::env::remove_var(name);
    }
    assert!(
        proxy.requests().is_empty(),
        "the proxy saw: {:?}",
        proxy.requests()
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn https_goes_through_the_proxy_asked_for() {
    let _guard = ENVIRONMENT.lock().await;
    let proxy = MockServer::start(vec![Reply::json(502, "")]).await;
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .proxy(proxy.url())
        .retry(chargebee::RetryPolicy::none())
        .rate_limit(None)
        .build()
        .unwrap();
    // The proxy refuses the tunnel, so the call fails; what matters is what it was asked.
    client.customers().list().send().await.unwrap_err();
    let asked = proxy.only_request();
    assert_eq!(
        asked.line, "CONNECT gateway.maton.ai:443 HTTP/1.1",
        "a tunnel, nothing readable"
    );
    assert!(
        asked.header("authorization").is_none(),
        "the key stays inside the tunnel"
    );
}
