//! Timeouts, retries, connections and rate limiters: per client, per handle (`with_*`) and
//! per request. A call's timeout bounds everything it does: rate-limit queueing, attempts and
//! waits.

use chargebee::{Client, Error, RateLimit, RetryPolicy, SlotPastDeadline};
use chargebee_tests::{MockServer, Reply, TEST_KEY};
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A gateway client for `server` with these retries and rate limit (connection `conn-a`).
fn client(server: &MockServer, retry: RetryPolicy, rate: Option<f64>) -> Client {
    Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .connection("conn-a")
        .retry(retry)
        .rate_limit(rate)
        .build()
        .unwrap()
}

/// A server answering every request with an empty list.
async fn empty_lists() -> MockServer {
    MockServer::with_handler(Arc::new(|_| Reply::json(200, r#"{"list":[]}"#))).await
}

/// Whether a call that ran for `elapsed` was cut at `limit`: never before it, and less than
/// half a second after, which a busy two-core machine's late timers stay well within. The
/// failures this tells apart overshoot by a whole retry wait (1 s) or by a silent server's
/// 60 s.
fn cut_at(elapsed: Duration, limit: Duration) -> bool {
    elapsed >= limit && elapsed < limit + Duration::from_millis(500)
}

#[tokio::test]
async fn the_timeout_covers_attempts_waits_and_a_silent_server() {
    // Two 503s asking for a one-second wait, then a server that never answers.
    let server = MockServer::start(vec![
        Reply::json(503, "{}").header("retry-after", "1"),
        Reply::json(503, "{}").header("retry-after", "1"),
        Reply::json(200, "{}").delayed(Duration::from_secs(60)),
    ])
    .await;
    let timeout = Duration::from_millis(2500);
    let client = client(&server, RetryPolicy::default(), None).with_timeout(timeout);
    let started = Instant::now();
    let e = client.customers().list().send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            e,
            Error::Deadline {
                operation: "customer.list",
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "customer.list: no answer within the call's timeout of 2.5s (3 attempts started)"
    );
    assert!(cut_at(elapsed, timeout), "{elapsed:?}");
}

#[tokio::test]
async fn a_wait_that_would_end_past_the_timeout_is_not_taken() {
    let server = MockServer::start(vec![
        Reply::json(503, "{}").header("retry-after", "5"),
        Reply::json(200, "{}"),
    ])
    .await;
    let client = client(&server, RetryPolicy::default(), None).with_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let e = client.customers().list().send().await.unwrap_err();
    assert_eq!(e.status(), Some(503), "the last attempt's error: {e:?}");
    // At once: well before the 2 s timeout a wait of 5 s would run into.
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn time_queued_in_the_rate_limiter_counts() {
    let server = empty_lists().await;
    // One request every 400 ms.
    let client = client(&server, RetryPolicy::none(), Some(2.5));
    client.customers().list().send().await.unwrap();

    // The next slot is 400 ms away: within a 1 s timeout the call waits for it…
    let started = Instant::now();
    client
        .customers()
        .list()
        .timeout(Duration::from_secs(1))
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300), "{waited:?}");

    // …but with 300 ms the slot lies past the deadline: refused at once (not at the
    // deadline), nothing sent.
    let started = Instant::now();
    let e = client
        .customers()
        .list()
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Deadline { attempts: 0, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_request_timeout_overrides_the_clients() {
    let server =
        MockServer::start(vec![Reply::json(200, "{}").delayed(Duration::from_secs(60))]).await;
    let client = client(&server, RetryPolicy::none(), None);
    let started = Instant::now();
    let e = client
        .customers()
        .list()
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Deadline { attempts: 1, .. }), "{e:?}");
    assert!(
        cut_at(started.elapsed(), Duration::from_millis(400)),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_attempt_timeout_is_retried_within_the_call_timeout() {
    let server = MockServer::start(vec![
        Reply::json(200, "{}").delayed(Duration::from_secs(60)),
        Reply::json(200, r#"{"list":[]}"#),
    ])
    .await;
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let client = client(&server, policy, None).with_attempt_timeout(Duration::from_millis(200));
    let (_, info) = client.customers().list().send_with_info().await.unwrap();
    assert_eq!(info.attempts, 2);
}

#[tokio::test]
async fn handles_change_the_connection_and_share_the_limiter() {
    let server = empty_lists().await;
    // One request every 300 ms, for the client and every handle made from it.
    let client = client(&server, RetryPolicy::none(), Some(1.0 / 0.3));
    let other = client.with_connection("conn-b").unwrap();
    client.customers().list().send().await.unwrap();
    other.customers().list().send().await.unwrap();
    client.customers().list().send().await.unwrap();

    let requests = server.requests();
    let connections: Vec<_> = requests
        .iter()
        .map(|r| r.header("maton-connection").unwrap_or("none"))
        .collect();
    assert_eq!(connections, ["conn-a", "conn-b", "conn-a"]);
    for pair in requests.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= Duration::from_millis(250), "{gap:?}: one limiter");
    }
}

#[tokio::test]
async fn a_handle_retries_as_told_and_leaves_the_client_alone() {
    let server = MockServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(503, "{}"),
        Reply::json(200, r#"{"list":[]}"#),
    ])
    .await;
    let client = client(&server, RetryPolicy::none(), None);
    let patient = client
        .with_retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .unwrap();
    assert_eq!(
        client.customers().list().send().await.unwrap_err().status(),
        Some(503)
    );
    let (_, info) = patient.customers().list().send_with_info().await.unwrap();
    assert_eq!(info.attempts, 2);
}

#[test]
fn handles_refuse_what_could_not_be_sent() {
    let client = Client::builder().maton_api_key("k").build().unwrap();
    let e = client.with_connection("a\nb").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid client configuration: connection id `a\\nb` cannot be sent as a header"
    );
    assert!(client.with_connection("").is_err());
    let e = client
        .with_retry(RetryPolicy::default().max_attempts(0))
        .unwrap_err();
    assert!(e.to_string().contains("at least one attempt"), "{e}");
}

/// A limiter of the caller's own: counts what it is asked, and refuses when told to.
#[derive(Debug, Default)]
struct Turnstile {
    asked: AtomicUsize,
    deadlines: Mutex<Vec<Option<std::time::Instant>>>,
    refuse: AtomicBool,
}

impl RateLimit for Turnstile {
    fn acquire(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> BoxFuture<'_, Result<(), SlotPastDeadline>> {
        Box::pin(async move {
            self.asked.fetch_add(1, Ordering::SeqCst);
            self.deadlines.lock().unwrap().push(deadline);
            if self.refuse.load(Ordering::SeqCst) {
                Err(SlotPastDeadline)
            } else {
                Ok(())
            }
        })
    }
}

#[tokio::test]
async fn a_limiter_of_ones_own_is_asked_before_every_attempt() {
    let server = MockServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, r#"{"list":[]}"#),
        Reply::json(200, r#"{"list":[]}"#),
    ])
    .await;
    let turnstile = Arc::new(Turnstile::default());
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .rate_limiter(turnstile.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let before = std::time::Instant::now();
    client.customers().list().send().await.unwrap();
    // A handle shares it too.
    client
        .with_connection("conn-b")
        .unwrap()
        .customers()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(turnstile.asked.load(Ordering::SeqCst), 3);
    // Each time with the call's deadline, five seconds out.
    for deadline in turnstile.deadlines.lock().unwrap().iter() {
        let left = deadline.unwrap() - before;
        assert!(
            left > Duration::from_millis(4900) && left <= Duration::from_secs(6),
            "{left:?}"
        );
    }

    turnstile.refuse.store(true, Ordering::SeqCst);
    let e = client.customers().list().send().await.unwrap_err();
    assert!(matches!(e, Error::Deadline { attempts: 0, .. }), "{e:?}");
    assert_eq!(server.requests().len(), 3, "nothing sent without a slot");
}

#[tokio::test]
async fn enormous_timeouts_neither_panic_nor_cut_calls_short() {
    let server = empty_lists().await;
    let client = client(&server, RetryPolicy::none(), Some(1000.0));
    for timeout in [
        Duration::MAX,
        Duration::from_secs(u64::MAX / 2),
        Duration::from_secs(100 * 365 * 86_400),
    ] {
        let page = client.with_timeout(timeout).customers().list().send().await;
        assert!(page.is_ok(), "{timeout:?}: {page:?}");
        let page = client
            .with_attempt_timeout(timeout)
            .customers()
            .list()
            .timeout(timeout)
            .send()
            .await;
        assert!(page.is_ok(), "{timeout:?}: {page:?}");
    }
}

/// What a hook saw of one attempt.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    number: u32,
    method: &'static str,
    url: String,
    status: Option<u16>,
    error: Option<&'static str>,
    authorization: Option<String>,
    body_len: usize,
}

/// A hook keeping what it sees.
#[derive(Default)]
struct Watch(Mutex<Vec<Seen>>);

impl chargebee::Hook for Watch {
    fn attempted(&self, attempt: &chargebee::Attempt<'_>) {
        let headers = attempt.headers();
        let authorization = headers
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.clone());
        for (_, value) in &headers {
            assert!(!value.contains(TEST_KEY), "a hook saw the key: {value}");
        }
        self.0.lock().unwrap().push(Seen {
            number: attempt.number,
            method: attempt.method.as_str(),
            url: attempt.url.to_string(),
            status: attempt.status,
            error: attempt.error.map(Error::kind),
            authorization,
            body_len: attempt.body_len,
        });
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_with_credentials_redacted() {
    let customer = chargebee_tests::fixture("customer").to_string();
    let server = MockServer::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, format!(r#"{{"customer": {customer}}}"#)),
    ])
    .await;
    let watch = Arc::new(Watch::default());
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
        .rate_limit(None)
        .hook(watch.clone())
        .build()
        .unwrap();
    client
        .customers()
        .create()
        .id("cus_1")
        .send()
        .await
        .unwrap();
    let seen = watch.0.lock().unwrap().clone();
    let url = format!("{}/api/v2/customers", server.url());
    let body_len = server.requests()[0].body.len();
    assert!(body_len > 0);
    let attempt = |number, status, error| Seen {
        number,
        method: "POST",
        url: url.clone(),
        status: Some(status),
        error,
        authorization: Some("Bearer <redacted>".into()),
        body_len,
    };
    assert_eq!(
        seen,
        [attempt(1, 503, Some("gateway")), attempt(2, 200, None)]
    );
}

#[tokio::test]
async fn a_caller_http_client_sends_and_a_redirect_it_follows_is_refused() {
    use reqwest::header::{HeaderMap, HeaderValue};
    let server = MockServer::start(vec![
        Reply::json(200, r#"{"list": []}"#),
        Reply::json(302, "{}").header("location", "/elsewhere"),
        Reply::json(200, r#"{"list": []}"#),
    ])
    .await;
    let mut headers = HeaderMap::new();
    headers.insert("x-shared-pool", HeaderValue::from_static("app"));
    let shared = reqwest::Client::builder()
        .default_headers(headers.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let build = |http: reqwest::Client| {
        Client::builder()
            .maton_api_key(TEST_KEY)
            .base_url(server.url())
            .rate_limit(None)
            .http_client(http)
    };
    let client = build(shared.clone()).build().unwrap();
    client.customers().list().send().await.unwrap();
    assert_eq!(server.requests()[0].header("x-shared-pool"), Some("app"));

    // The caller's client follows the redirect; the answer from elsewhere is refused.
    let following = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = build(following).build().unwrap();
    let refused = client.customers().list().send().await.unwrap_err();
    assert_eq!(refused.kind(), "redirect", "{refused}");
    assert_eq!(
        server.requests().len(),
        3,
        "the redirect was followed, then refused"
    );

    // The builder's own proxy and connect timeout are refused beside it.
    for builder in [
        build(shared.clone()).proxy("http://proxy.internal:3128"),
        build(shared.clone()).connect_timeout(Duration::from_secs(1)),
    ] {
        let refused = builder.build().unwrap_err();
        assert!(
            matches!(&refused, Error::Config(m) if m.contains("http_client")),
            "{refused}"
        );
    }
}

#[tokio::test]
async fn each_call_is_one_span_with_http_client_fields() {
    use chargebee_tests::spans::CollectedSpans;
    let not_found = r#"{"message": "no such customer", "type": "invalid_request",
        "api_error_code": "resource_not_found", "http_status_code": 404}"#;
    let server = MockServer::start(vec![
        Reply::json(200, r#"{"list": []}"#),
        Reply::json(404, not_found),
        Reply::json(503, "{}"),
        Reply::json(200, r#"{"list": []}"#),
        Reply::json(200, r#"{"list": []}"#).delayed(Duration::from_secs(2)),
    ])
    .await;
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
        .rate_limit(None)
        .build()
        .unwrap();
    let spans = CollectedSpans::default();
    let _guard = tracing::subscriber::set_default(spans.subscriber());
    client.customers().list().send().await.unwrap();
    client
        .customers()
        .retrieve("cus_9")
        .send()
        .await
        .unwrap_err();
    client.customers().list().send().await.unwrap();
    client
        .with_timeout(Duration::from_millis(200))
        .customers()
        .list()
        .send()
        .await
        .unwrap_err();
    let closed = spans.closed();
    assert_eq!(closed.len(), 4, "{closed:#?}");
    let fields = |i: usize, names: &[&str]| -> Vec<Option<String>> {
        names
            .iter()
            .map(|name| closed[i].field(name).map(str::to_string))
            .collect()
    };
    let names = [
        "otel.name",
        "http.request.method",
        "url.path",
        "chargebee.attempts",
        "http.response.status_code",
        "error.type",
        "chargebee.idempotency_key_present",
    ];
    let some = |text: &str| Some(text.to_string());
    // A list that succeeds.
    assert_eq!(
        fields(0, &names),
        [
            some("customer.list"),
            some("GET"),
            some("/customers"),
            some("1"),
            some("200"),
            None,
            some("false")
        ]
    );
    // Chargebee's error: the path is the template, without the id.
    assert_eq!(
        fields(1, &names),
        [
            some("customer.retrieve"),
            some("GET"),
            some("/customers/{customer_id}"),
            some("1"),
            some("404"),
            some("api"),
            some("false")
        ]
    );
    // A retry, then success: two attempts, the retry an event inside the call's span.
    assert_eq!(fields(2, &names[3..6]), [some("2"), some("200"), None]);
    assert!(closed[2].events >= 3, "{:?}", closed[2]);
    // The call's deadline: no status.
    assert_eq!(fields(3, &names[3..6]), [some("1"), None, some("deadline")]);
    for span in &closed {
        assert_eq!(span.name, "chargebee.call");
        for value in span.fields.values() {
            assert!(!value.contains(TEST_KEY), "{span:?}");
        }
    }
}

#[test]
fn blocking_sends_run_the_everyday_flows_from_synchronous_code() {
    use chargebee::enums::{ItemType, PeriodUnit};
    use chargebee::subscription::CreateWithItemsSubscriptionItemsParams;
    // The emulator needs a runtime; the calls below are made from this plain thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(chargebee_emulator::Emulator::start())
        .unwrap();
    let client = emulator.direct_client();
    client
        .item_families()
        .create("saas", "SaaS")
        .send_blocking()
        .unwrap();
    client
        .items()
        .create("pro", "Pro", ItemType::Plan, "saas")
        .send_blocking()
        .unwrap();
    client
        .item_prices()
        .create("pro-monthly", "Pro monthly", "pro")
        .price(4_900)
        .currency_code("USD")
        .period(1)
        .period_unit(PeriodUnit::Month)
        .send_blocking()
        .unwrap();
    let customer = client
        .customers()
        .create()
        .email("ada@example.com")
        .send_blocking()
        .unwrap()
        .customer;
    let (created, info) = client
        .subscriptions()
        .create_with_items(&customer.id)
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-monthly",
        )])
        .send_with_info_blocking()
        .unwrap();
    assert_eq!(info.status, 200);
    assert_eq!(created.invoice.unwrap().total, Some(4_900));
    let listed = client.customers().list().send_blocking().unwrap();
    assert_eq!(listed.list.len(), 1);
    let gone = client
        .customers()
        .retrieve("cus_nobody")
        .send_blocking()
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // Inside an async runtime it is refused: it would stall that runtime's thread.
    let inside = runtime
        .block_on(async { client.customers().list().send_blocking() })
        .unwrap_err();
    assert!(
        matches!(&inside, Error::Config(m) if m.contains("send_blocking inside an async runtime")),
        "{inside}"
    );
}
