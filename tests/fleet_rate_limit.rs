//! One rate limit for a fleet: four processes of eight tasks each share the gateway's 10
//! requests per second through a real Redis, against the emulator's gateway, which answers
//! 429 past 10 per second per key. Without the shared limit the same fleet draws 429s.
//! Also: the shared limit honours a call's timeout, and falls back to a local limit (with a
//! warning) when Redis cannot be reached.

use chargebee::{Client, Error, RetryPolicy};
use chargebee_emulator::Emulator;
use chargebee_tests::captured_logs::CapturedLogs;
use chargebee_tests::redis_server::RedisServer;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

const PROCESSES: usize = 4;
const TASKS: usize = 8;
const CALLS: usize = 2;

/// What a fleet's run came to, summed over its processes.
struct FleetRun {
    ok: usize,
    limited: usize,
    /// Calls per second, from the first start to the last answer of any process.
    rate: f64,
}

/// Runs the fleet against `emulator`, limited through `redis` or each process alone.
async fn run_fleet(emulator: &Emulator, redis: Option<&str>) -> FleetRun {
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_fleet-worker"));
            command
                .env("FLEET_BASE_URL", format!("{}/chargebee", emulator.url()))
                .env("FLEET_KEY", chargebee_emulator::DEFAULT_MATON_API_KEY)
                .env("FLEET_TASKS", TASKS.to_string())
                .env("FLEET_CALLS", CALLS.to_string())
                .env_remove("FLEET_REDIS_URL")
                .stdout(Stdio::piped());
            if let Some(url) = redis {
                command.env("FLEET_REDIS_URL", url);
            }
            command.spawn().expect("the worker starts")
        })
        .collect();
    let (mut ok, mut limited, mut first, mut last) = (0, 0, u128::MAX, 0);
    for child in children {
        let output = child.wait_with_output().await.expect("the worker ends");
        assert!(output.status.success(), "a worker failed: {output:?}");
        let text = String::from_utf8(output.stdout).expect("UTF-8");
        let figures: Vec<u128> = text
            .split_whitespace()
            .map(|n| n.parse().expect("a number"))
            .collect();
        ok += figures[0] as usize;
        limited += figures[1] as usize;
        first = first.min(figures[2]);
        last = last.max(figures[3]);
    }
    let seconds = (last - first) as f64 / 1e6;
    FleetRun {
        ok,
        limited,
        rate: (ok + limited) as f64 / seconds,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_sharing_redis_stays_under_the_gateway_limit() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let emulator = Emulator::start().await.unwrap();
    let calls = PROCESSES * TASKS * CALLS;

    // Alone, each process keeps to 10 per second: together they send 40, and draw 429s.
    let alone = run_fleet(&emulator, None).await;
    assert_eq!(alone.ok + alone.limited, calls);
    assert!(
        alone.limited > 0,
        "the fleet without Redis drew no 429: the test proves nothing"
    );

    // The emulator's allowance refills at 10 per second; let it fill up again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let shared = run_fleet(&emulator, Some(&redis.url())).await;
    assert_eq!(
        (shared.ok, shared.limited),
        (calls, 0),
        "every call got through, none drew 429"
    );
    // 64 calls in slots 100 ms apart: 6.3 s from the first slot to the last, plus the
    // last answer; within 10% of 10 per second.
    assert!(
        (9.0..=11.0).contains(&shared.rate),
        "{:.2} per second",
        shared.rate
    );
    eprintln!(
        "fleet of {PROCESSES} x {TASKS}: alone {:.1}/s with {} of {calls} answered 429; \
         shared {:.2}/s with none",
        alone.rate, alone.limited, shared.rate
    );
}

#[tokio::test]
async fn calls_go_on_at_the_local_rate_when_redis_stops() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let emulator = Emulator::start().await.unwrap();
    let client = emulator
        .client_builder()
        .rate_limit(Some(5.0))
        .retry(RetryPolicy::none())
        .shared_rate_limit(redis.url(), "stopping")
        .build()
        .unwrap();
    for _ in 0..3 {
        client.customers().list().send().await.unwrap();
    }
    drop(redis);
    let started = Instant::now();
    for _ in 0..4 {
        client.customers().list().send().await.unwrap();
    }
    // Four calls at 5 per second, limited locally: at least three gaps of 200 ms.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn a_shared_slot_past_the_timeout_is_refused_at_once() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let emulator = Emulator::start().await.unwrap();
    let client = |key: &str| {
        emulator
            .client_builder()
            .rate_limit(Some(1.0))
            .retry(RetryPolicy::none())
            .shared_rate_limit(redis.url(), key)
            .build()
            .unwrap()
    };
    // Two clients (as two processes would) naming one key share one slot per second.
    let (first, second) = (client("deadline"), client("deadline"));
    first.customers().list().send().await.unwrap();
    let started = Instant::now();
    let e = second
        .customers()
        .list()
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Deadline { attempts: 0, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_millis(300));
    // The refused slot was not taken: the next call waits for the one a second after the first.
    second.customers().list().send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );

    // Another key is another limit: no wait.
    let started = Instant::now();
    client("other").customers().list().send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn without_redis_the_process_limits_itself_and_warns_once() {
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber(tracing::Level::WARN));

    let emulator = Emulator::start().await.unwrap();
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client: Client = emulator
        .client_builder()
        .rate_limit(Some(5.0))
        .shared_rate_limit(format!("redis://127.0.0.1:{closed}"), "fallback")
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..4 {
        client.customers().list().send().await.unwrap();
    }
    // Four calls at 5 per second, limited locally: three gaps of 200 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    let text = logs.text();
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(
        warnings[0].contains("shared rate limit: Redis failed"),
        "{text}"
    );
    assert!(warnings[0].contains("key=fallback"), "{text}");
}

#[test]
fn a_shared_limit_needs_a_rate_and_a_usable_url() {
    let e = Client::builder()
        .maton_api_key("k")
        .rate_limit(None)
        .shared_rate_limit("redis://127.0.0.1:1", "k")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("needs a rate"), "{e}");
    let e = Client::builder()
        .maton_api_key("k")
        .shared_rate_limit("http://user:hunter2@example.com", "k")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("Redis URL cannot be used"), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    let e = Client::builder()
        .maton_api_key("k")
        .shared_rate_limit("redis://127.0.0.1:1", "")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("key is empty"), "{e}");
}
