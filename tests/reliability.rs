//! Reliability against a fault-injecting local server: retries, idempotency keys, the rate
//! limiter, timeouts, and hostile answers. Every loop here is bounded in count and time.

use chargebee::{Client, Error, GatewayErrorKind, RetryPolicy};
use chargebee_tests::captured_logs::CapturedLogs;
use chargebee_tests::{fixture, Fault, MockServer, Recorded, Reply, TEST_KEY};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Retries with short delays, so tests stay fast.
fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(50))
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .control_base_url(server.url())
        .retry(retry)
        .rate_limit(None)
        .build()
        .unwrap()
}

fn customer_ok() -> Reply {
    Reply::json(200, json!({"customer": fixture("customer")}).to_string())
}

fn connection_ok() -> Reply {
    Reply::json(
        200,
        json!({"connection": fixture("connection")}).to_string(),
    )
}

#[tokio::test]
async fn a_503_then_success_is_retried() {
    let server = MockServer::start(vec![Reply::json(503, "{}"), customer_ok()]).await;
    let (_, info) = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send_with_info()
        .await
        .unwrap();
    assert_eq!((info.attempts, info.status), (2, 200));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_reset_before_the_answer_is_retried_for_reads() {
    let server = MockServer::start(vec![Reply::reset(), customer_ok()]).await;
    let (_, info) = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send_with_info()
        .await
        .unwrap();
    assert_eq!(info.attempts, 2);
}

#[tokio::test]
async fn retry_after_seconds_are_honoured() {
    let server = MockServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "1"),
        customer_ok(),
    ])
    .await;
    let started = Instant::now();
    let policy = quick_retries(3).max_delay(Duration::from_secs(5));
    client(&server, policy)
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    let requests = server.requests();
    let gap = requests[1].at - requests[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "retried after {gap:?}, not after Retry-After"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn a_rate_limit_that_outlasts_the_retries_says_how_often_it_was_tried_and_how_long_to_wait() {
    // Chargebee's own error body for the first two answers, the gateway's for the last: the
    // error is the last answer's, with the attempts of the whole call.
    let chargebee_429 = || {
        Reply::json(
            429,
            r#"{"message":"slow down","type":"invalid_request","api_error_code":"api_request_limit_exceeded","http_status_code":429}"#,
        )
        .header("retry-after", "0")
    };
    let server = MockServer::start(vec![
        chargebee_429(),
        chargebee_429(),
        Reply::json(429, r#"{"error":"too many"}"#).header("retry-after", "7"),
    ])
    .await;
    let err = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Gateway {
                kind: GatewayErrorKind::RateLimited,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));

    // One attempt, Chargebee's error, no header.
    let server = MockServer::start(vec![Reply::json(
        429,
        r#"{"message":"slow down","api_error_code":"api_request_limit_exceeded"}"#,
    )])
    .await;
    let err = client(&server, RetryPolicy::none())
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.api_error().is_some() && err.is_rate_limited(),
        "{err:?}"
    );
    assert_eq!((err.attempts(), err.retry_after()), (Some(1), None));
}

#[tokio::test]
async fn retry_after_is_clamped_to_the_longest_delay() {
    let server = MockServer::start(vec![
        Reply::json(429, "{}").header("retry-after", "3600"),
        customer_ok(),
    ])
    .await;
    let started = Instant::now();
    client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_body_past_the_timeout_is_a_timeout() {
    let server = MockServer::start(vec![
        customer_ok().fault(Fault::StallBody(Duration::from_secs(3)))
    ])
    .await;
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.customers().retrieve("c").send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "customer.retrieve"
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_truncated_body_is_retried_for_reads() {
    let server = MockServer::start(vec![customer_ok().fault(Fault::Truncate), customer_ok()]).await;
    let (r, info) = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send_with_info()
        .await
        .unwrap();
    assert_eq!(r.customer.id, "cus_16CHqXU2pL1gH3Xz");
    assert_eq!(info.attempts, 2);
}

#[tokio::test]
async fn truncated_json_with_a_whole_body_is_a_decode_error_not_retried() {
    let server = MockServer::start(vec![Reply::json(200, r#"{"customer": {"id": "cus"#)]).await;
    let err = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_html_502_is_a_gateway_failure_after_the_retries() {
    let handler = Arc::new(|_: &Recorded| {
        Reply::raw(502, "text/html", "<html><body>Bad Gateway</body></html>")
    });
    let server = MockServer::with_handler(handler).await;
    let err = client(&server, quick_retries(3))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Gateway {
            kind: GatewayErrorKind::Failure,
            status: 502,
            body,
            ..
        } => assert!(body.contains("Bad Gateway")),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_post_without_idempotency_is_not_replayed_after_a_503_or_a_reset() {
    for first in [Reply::json(503, "{}"), Reply::reset()] {
        let server = MockServer::start(vec![first, connection_ok()]).await;
        let err = client(&server, quick_retries(3))
            .connections()
            .create("chargebee")
            .send()
            .await
            .unwrap_err();
        assert!(
            err.status() == Some(503) || matches!(err, Error::Transport { .. }),
            "{err:?}"
        );
        assert_eq!(
            server.requests().len(),
            1,
            "a non-idempotent POST must not be sent twice"
        );
    }
}

#[tokio::test]
async fn a_post_without_idempotency_is_retried_after_a_429() {
    let server = MockServer::start(vec![Reply::json(429, "{}"), connection_ok()]).await;
    client(&server, quick_retries(3))
        .connections()
        .create("chargebee")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn one_idempotency_key_per_call_the_same_on_every_retry() {
    let server = MockServer::start(vec![
        Reply::json(503, "{}"),
        Reply::reset(),
        customer_ok().header("chargebee-idempotency-replayed", "true"),
    ])
    .await;
    let (_, info) = client(&server, quick_retries(4))
        .customers()
        .create()
        .send_with_info()
        .await
        .unwrap();
    let keys: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("chargebee-idempotency-key").unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(info.idempotency_key.as_deref(), Some(keys[0].as_str()));
    assert!(info.replayed);
    assert_eq!(info.attempts, 3);

    let server = MockServer::start(vec![customer_ok()]).await;
    let (_, info) = client(&server, quick_retries(1))
        .customers()
        .create()
        .idempotency_key("order-1234")
        .send_with_info()
        .await
        .unwrap();
    assert_eq!(
        server.only_request().header("chargebee-idempotency-key"),
        Some("order-1234")
    );
    assert!(!info.replayed);
}

#[tokio::test]
async fn reads_carry_no_idempotency_key() {
    let server = MockServer::start(vec![customer_ok()]).await;
    client(&server, quick_retries(1))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.only_request().header("chargebee-idempotency-key"),
        None
    );
}

/// A server that applies each idempotency key once, replays repeats, and injects faults
/// into 30% of the requests: a reset before processing, a reset after processing, or a 503.
struct FlakyLedger {
    requests: AtomicUsize,
    applied: Mutex<HashMap<String, usize>>,
    faults: AtomicUsize,
    replays: AtomicUsize,
}

impl FlakyLedger {
    fn answer(&self, request: &Recorded) -> Reply {
        let n = self.requests.fetch_add(1, Ordering::SeqCst);
        // A fixed pseudo-random sequence, so a failure reproduces.
        let roll = (n.wrapping_mul(2_654_435_761) >> 7) % 10;
        let Some(key) = request
            .header("chargebee-idempotency-key")
            .map(str::to_string)
        else {
            return Reply::json(
                400,
                r#"{"message":"no key","api_error_code":"missing_key"}"#,
            );
        };
        if roll == 0 {
            self.faults.fetch_add(1, Ordering::SeqCst);
            return Reply::reset();
        }
        if roll == 1 {
            self.faults.fetch_add(1, Ordering::SeqCst);
            return Reply::json(503, "{}");
        }
        let first = {
            let mut applied = self.applied.lock().unwrap();
            let count = applied.entry(key).or_insert(0);
            *count += 1;
            *count == 1
        };
        if !first {
            self.replays.fetch_add(1, Ordering::SeqCst);
        }
        if roll == 2 {
            self.faults.fetch_add(1, Ordering::SeqCst);
            return Reply::reset();
        }
        let reply = customer_ok();
        if first {
            reply
        } else {
            reply.header("chargebee-idempotency-replayed", "true")
        }
    }
}

#[tokio::test]
async fn a_thousand_creates_under_30_percent_faults_apply_exactly_once() {
    let ledger = Arc::new(FlakyLedger {
        requests: AtomicUsize::new(0),
        applied: Mutex::new(HashMap::new()),
        faults: AtomicUsize::new(0),
        replays: AtomicUsize::new(0),
    });
    let handler_ledger = ledger.clone();
    let server =
        MockServer::with_handler(Arc::new(move |r: &Recorded| handler_ledger.answer(r))).await;
    let client = client(&server, quick_retries(12));
    let calls = 1000;
    let results: Vec<_> = futures::stream::iter(0..calls)
        .map(|_| {
            let client = client.clone();
            async move {
                client
                    .customers()
                    .create()
                    .email("a@b.c")
                    .send_with_info()
                    .await
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} calls failed, first: {:?}",
        failed.len(),
        failed.first()
    );
    let keys: std::collections::HashSet<_> = results
        .iter()
        .map(|r| r.as_ref().unwrap().1.idempotency_key.clone().unwrap())
        .collect();
    assert_eq!(keys.len(), calls, "one key per logical call");
    // The ledger applies a key the first time it arrives and replays it after that, so one
    // ledger entry per call means no retry ever came with a fresh key (a duplicate charge).
    let applied = ledger.applied.lock().unwrap().clone();
    assert_eq!(
        applied.len(),
        calls,
        "every call was applied once, under its own key"
    );
    assert!(applied.keys().all(|k| keys.contains(k)));
    let replayed_answers = results
        .iter()
        .filter(|r| r.as_ref().unwrap().1.replayed)
        .count();
    let faults = ledger.faults.load(Ordering::SeqCst);
    let requests = ledger.requests.load(Ordering::SeqCst);
    assert!(
        faults * 100 / requests >= 20,
        "{faults} faults in {requests} requests"
    );
    println!(
        "{calls} calls, {requests} requests, {faults} faults injected, {} repeats of an applied key \
         answered as replays, {replayed_answers} calls saw a replayed answer, {} ledger entries",
        ledger.replays.load(Ordering::SeqCst),
        applied.len()
    );
}

#[tokio::test]
async fn a_429_storm_gives_up_at_the_attempt_cap() {
    let handler = Arc::new(|_: &Recorded| {
        Reply::json(
            429,
            r#"{"message":"slow down","api_error_code":"api_request_limit_exceeded"}"#,
        )
        .header("retry-after", "0")
    });
    let server = MockServer::with_handler(handler).await;
    let started = Instant::now();
    let err = client(&server, quick_retries(5))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(server.requests().len(), 5);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_storm_gives_up_before_the_call_timeout() {
    let handler = Arc::new(|_: &Recorded| Reply::json(429, "{}").header("retry-after", "1"));
    let server = MockServer::with_handler(handler).await;
    let policy = RetryPolicy::default()
        .max_attempts(1000)
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(100));
    let started = Instant::now();
    let err = client(&server, policy)
        .with_timeout(Duration::from_secs(1))
        .customers()
        .retrieve("c")
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Gateway {
                kind: GatewayErrorKind::RateLimited,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // Retried (a loaded machine makes fewer attempts), each after its clamped wait.
    let attempts = server.requests().len();
    assert!((2..=12).contains(&attempts), "{attempts} attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limiter_holds_ten_per_second_across_eight_tasks() {
    let server = MockServer::start(vec![]).await;
    // The gateway default: 10 requests per second, shared by every clone.
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let window = Duration::from_secs(3);
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                while started.elapsed() < window {
                    let _ = client.customers().retrieve("x").send().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let times: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    let first = *times.iter().min().unwrap();
    let in_window = times.iter().filter(|&&t| t - first < window).count();
    let rate = in_window as f64 / window.as_secs_f64();
    println!("limiter: {in_window} requests in {window:?} = {rate:.2}/s");
    // Never over the limit, whatever the load; under load fewer requests go out, so the lower
    // bound only says the eight tasks are not starved.
    assert!(
        (6.0..=11.0).contains(&rate),
        "measured {rate:.2} requests/s"
    );
}

#[tokio::test]
async fn a_huge_body_is_refused_not_read() {
    let big = json!({"customer": fixture("customer"), "padding": "x".repeat(100_000)}).to_string();
    let server = MockServer::start(vec![Reply::json(200, big)]).await;
    let client = Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .max_response_bytes(16 * 1024)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.customers().retrieve("c").send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 16384,
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn odd_answers_are_errors_never_panics() {
    let replies = vec![
        Reply::raw(200, "application/json", ""),
        Reply::raw(200, "text/html", "<html>hello</html>"),
        Reply::raw(200, "application/json", "[1,2,3]"),
        Reply::raw(200, "application/json", r#"{"customer": 7}"#),
        Reply::raw(200, "application/json", vec![0xff, 0xfe, 0x00, 0x7b]),
        Reply::raw(404, "application/json", r#"{"message": 5}"#),
        Reply::raw(418, "application/xml", "<teapot/>"),
        Reply::raw(
            200,
            "application/json",
            json!({"customer": fixture("customer")}).to_string(),
        ),
    ];
    let n = replies.len();
    let server = MockServer::start(replies).await;
    let client = client(&server, RetryPolicy::none());
    let mut outcomes = Vec::new();
    for _ in 0..n {
        outcomes.push(
            client
                .customers()
                .retrieve("c")
                .send()
                .await
                .map(|r| r.customer.id),
        );
    }
    let kinds: Vec<String> = outcomes
        .iter()
        .map(|o| match o {
            Ok(_) => "ok".into(),
            Err(Error::Decode { .. }) => "decode".into(),
            Err(Error::Http { status, .. }) => format!("http {status}"),
            Err(e) => format!("{e:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        ["decode", "decode", "decode", "decode", "decode", "http 404", "http 418", "ok"]
    );
}

#[tokio::test]
async fn the_key_never_shows_in_logs() {
    let logs = CapturedLogs::default();
    // This thread's subscriber: the test's runtime runs the client on this thread only.
    let _subscriber = tracing::subscriber::set_default(logs.subscriber(tracing::Level::TRACE));
    // A gateway that reflects the request and tries to forge log lines.
    let hostile =
        format!("bad gateway\r\nINFO forged: paid\u{1b}[2K authorization: Bearer {TEST_KEY}");
    let server = MockServer::start(vec![
        Reply::raw(503, "text/plain", hostile),
        Reply::json(401, "{}"),
    ])
    .await;
    let _ = client(&server, quick_retries(2))
        .customers()
        .retrieve("c")
        .send()
        .await;
    let text = logs.text();
    let retrying: Vec<&str> = text.lines().filter(|l| l.contains("forged")).collect();
    assert_eq!(retrying.len(), 1, "the logs were captured: {text}");
    assert!(retrying[0].contains("retrying"), "{text}");
    assert!(
        retrying[0].contains(r"bad gateway\r\nINFO forged: paid\u{1b}[2K"),
        "{text}"
    );
    assert!(retrying[0].contains("Bearer <redacted>"), "{text}");
    assert!(!text.contains(TEST_KEY), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(
        !text.lines().any(|l| l.starts_with("INFO forged")),
        "no forged line: {text}"
    );
}

/// The time machine waiter polls `retrieve` until the travel has an outcome: `succeeded`
/// returns the machine, `failed` is `Error::TimeTravel` with Chargebee's failure fields, and
/// no outcome within the timeout is `Error::Deadline` counting the polls.
#[tokio::test]
async fn the_time_machine_waiter_polls_until_an_outcome() {
    let machine = |status: &str, extra: serde_json::Value| {
        let mut body = json!({"name": "delorean", "time_travel_status": status,
                              "genesis_time": 1_767_225_600, "destination_time": 1_769_904_000,
                              "object": "time_machine"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Reply::json(200, json!({ "time_machine": body }).to_string())
    };
    let polling = chargebee::Polling {
        interval: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
    };

    let server = MockServer::start(vec![
        machine("in_progress", json!({})),
        machine("in_progress", json!({})),
        machine("succeeded", json!({})),
    ])
    .await;
    let done = client(&server, RetryPolicy::none())
        .time_machines()
        .wait_for_travel("delorean", polling)
        .await
        .unwrap();
    assert_eq!(
        done.destination_time,
        Some(chargebee::Timestamp(1_769_904_000))
    );
    let lines: Vec<String> = server.requests().iter().map(|r| r.line.clone()).collect();
    assert_eq!(lines, ["GET /api/v2/time_machines/delorean HTTP/1.1"; 3]);

    let server = MockServer::start(vec![
        machine("in_progress", json!({})),
        machine(
            "failed",
            json!({"failure_code": "internal_error", "failure_reason": "travel stopped",
                   "error_json": "{\"api_error_code\":\"internal_error\"}"}),
        ),
    ])
    .await;
    let failed = client(&server, RetryPolicy::none())
        .time_machines()
        .wait_for_travel("delorean", polling)
        .await
        .unwrap_err();
    match &failed {
        Error::TimeTravel {
            machine,
            status,
            failure_code,
            failure_reason,
            error_json,
        } => {
            assert_eq!(machine, "delorean");
            assert_eq!(status, "failed");
            assert_eq!(failure_code.as_deref(), Some("internal_error"));
            assert_eq!(failure_reason.as_deref(), Some("travel stopped"));
            assert_eq!(
                error_json.as_deref(),
                Some("{\"api_error_code\":\"internal_error\"}")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        failed.to_string(),
        "time machine delorean: travel failed (internal_error): travel stopped"
    );

    let server = MockServer::with_handler(Arc::new(move |_: &Recorded| {
        machine("in_progress", json!({}))
    }))
    .await;
    let started = Instant::now();
    let waited = client(&server, RetryPolicy::none())
        .time_machines()
        .wait_for_travel(
            "delorean",
            chargebee::Polling {
                interval: Duration::from_millis(20),
                timeout: Duration::from_millis(200),
            },
        )
        .await
        .unwrap_err();
    let Error::Deadline {
        attempts, timeout, ..
    } = waited
    else {
        panic!("{waited:?}")
    };
    assert_eq!(timeout, Duration::from_millis(200));
    assert_eq!(attempts as usize, server.requests().len());
    assert!(attempts >= 3, "{attempts} polls");
    assert!(started.elapsed() < Duration::from_secs(2));

    // A poll that the deadline cuts short ends the wait with the wait's own timeout.
    let server = MockServer::with_handler(Arc::new(move |_: &Recorded| {
        machine("in_progress", json!({})).delayed(Duration::from_millis(150))
    }))
    .await;
    let waited = client(&server, RetryPolicy::none())
        .time_machines()
        .wait_for_travel(
            "delorean",
            chargebee::Polling {
                interval: Duration::from_millis(5),
                timeout: Duration::from_millis(250),
            },
        )
        .await
        .unwrap_err();
    let Error::Deadline {
        attempts, timeout, ..
    } = waited
    else {
        panic!("{waited:?}")
    };
    assert_eq!((timeout, attempts), (Duration::from_millis(250), 2));
}

/// The export waiter polls `retrieve` until the file is ready: `completed` returns the
/// export with its download, `failed` is `Error::ExportFailed`.
#[tokio::test]
async fn the_export_waiter_polls_until_the_file_is_ready() {
    let export = |status: &str, download: bool| {
        let mut body = json!({"id": "exp_1", "operation_type": "customers", "status": status,
                              "mime_type": "zip", "created_at": 1_767_225_600,
                              "object": "export"});
        if download {
            body["download"] = json!({"download_url": "https://files.example/exp_1.zip",
                                      "valid_till": 1_767_229_200, "object": "download"});
        }
        Reply::json(200, json!({ "export": body }).to_string())
    };
    let polling = chargebee::Polling {
        interval: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
    };
    let server =
        MockServer::start(vec![export("in_process", false), export("completed", true)]).await;
    let ready = client(&server, RetryPolicy::none())
        .exports()
        .wait_for_download("exp_1", polling)
        .await
        .unwrap();
    let download = ready.download.expect("a completed export has its download");
    assert_eq!(
        download.download_url.as_deref(),
        Some("https://files.example/exp_1.zip")
    );
    let lines: Vec<String> = server.requests().iter().map(|r| r.line.clone()).collect();
    assert_eq!(lines, ["GET /api/v2/exports/exp_1 HTTP/1.1"; 2]);

    let server = MockServer::start(vec![export("failed", false)]).await;
    let failed = client(&server, RetryPolicy::none())
        .exports()
        .wait_for_download("exp_1", polling)
        .await
        .unwrap_err();
    assert!(
        matches!(&failed, Error::ExportFailed { export } if export == "exp_1"),
        "{failed:?}"
    );
    assert_eq!(failed.to_string(), "export exp_1: failed");
}
