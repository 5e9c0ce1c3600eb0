//! One process of a fleet for `tests/fleet_rate_limit.rs`: `FLEET_TASKS` tasks each list
//! customers `FLEET_CALLS` times through the gateway at `FLEET_BASE_URL` with the key
//! `FLEET_KEY`, with no retries, limited through the Redis at `FLEET_REDIS_URL` (or alone in
//! this process when it is unset). Prints `<ok> <rate limited> <first sent> <last answered>`
//! (times in microseconds since the Unix epoch) and fails on any other error.

use chargebee::{Client, RetryPolicy};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn micros_now() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_micros()
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

#[tokio::main]
async fn main() {
    let tasks: usize = var("FLEET_TASKS").parse().expect("FLEET_TASKS is a number");
    let calls: usize = var("FLEET_CALLS").parse().expect("FLEET_CALLS is a number");
    let mut builder = Client::builder()
        .maton_api_key(var("FLEET_KEY"))
        .base_url(var("FLEET_BASE_URL"))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(120));
    if let Ok(redis) = std::env::var("FLEET_REDIS_URL") {
        builder = builder.shared_rate_limit(redis, "chargebee-tests:fleet");
    }
    let client = builder.build().expect("a valid client");
    let first = micros_now();
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut ok, mut limited) = (0, 0);
                for _ in 0..calls {
                    match client.customers().list().limit(1).send().await {
                        Ok(_) => ok += 1,
                        Err(e) if e.is_rate_limited() => limited += 1,
                        Err(e) => panic!("unexpected error: {e}"),
                    }
                }
                (ok, limited)
            })
        })
        .collect();
    let (mut ok, mut limited) = (0, 0);
    for worker in workers {
        let (o, l) = worker.await.expect("the task ran to its end");
        ok += o;
        limited += l;
    }
    println!("{ok} {limited} {first} {}", micros_now());
}
