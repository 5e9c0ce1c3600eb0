//! The emulator under load: customer retrieves per second through the client, against the
//! same calls answered by the minimal server; and the heap that 100,000 stored customers take.

use crate::measure::HeapWatch;
use crate::{server, Row};
use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use futures::future::try_join_all;
use std::sync::Arc;
use std::time::Instant;

/// Concurrent callers in the throughput and fill runs.
const CALLERS: usize = 4;

/// Retrieves per second of `customer_id` through `client`, `per_caller` calls by each caller.
async fn retrieves_per_second(client: &Client, customer_id: &str, per_caller: usize) -> f64 {
    let start = Instant::now();
    let callers = (0..CALLERS).map(|_| {
        let client = client.clone();
        let id = customer_id.to_string();
        tokio::spawn(async move {
            for _ in 0..per_caller {
                client.customers().retrieve(&id).send().await?;
            }
            Ok::<_, chargebee::Error>(())
        })
    });
    for joined in try_join_all(callers).await.expect("callers finish") {
        joined.expect("retrieves succeed");
    }
    (CALLERS * per_caller) as f64 / start.elapsed().as_secs_f64()
}

fn unlimited() -> Config {
    Config {
        rate_limit: false,
        ..Config::default()
    }
}

pub async fn throughput(customer_json: &'static str) -> Row {
    let emulator = Emulator::start_with(unlimited(), 0)
        .await
        .expect("emulator starts");
    let client = emulator.direct_client();
    let id = client
        .customers()
        .create()
        .email("bench@example.com")
        .send()
        .await
        .unwrap()
        .customer
        .id;
    let body = format!(r#"{{"customer":{customer_json}}}"#).into_bytes();
    let url = server::start(Arc::new(move |_: &str| body.clone())).await;
    let fixed = Client::builder()
        .direct("bench", "key")
        .base_url(&url)
        .build()
        .unwrap();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        ours.push(retrieves_per_second(&client, &id, 1000).await);
        theirs.push(retrieves_per_second(&fixed, "cus_1", 1000).await);
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    let (ours, theirs) = (ours[2], theirs[2]);
    Row {
        name: "emulator: customer retrieves/s",
        value: format!("{ours:.0} req/s"),
        baseline: format!("fixed-answer server {theirs:.0} req/s"),
        ratio: ours / theirs,
        target: "≥ 5,000 req/s",
    }
}

pub async fn storage() -> Row {
    let count = 100_000;
    let emulator = Emulator::start_with(unlimited(), 0)
        .await
        .expect("emulator starts");
    let client = emulator.direct_client();
    let watch = HeapWatch::start();
    let start = Instant::now();
    let callers = (0..CALLERS).map(|caller| {
        let client = client.clone();
        tokio::spawn(async move {
            for i in (caller..count).step_by(CALLERS) {
                client
                    .customers()
                    .create()
                    .email(format!("user{i}@example.com"))
                    .first_name("Bench")
                    .send()
                    .await?;
            }
            Ok::<_, chargebee::Error>(())
        })
    });
    for joined in try_join_all(callers).await.expect("callers finish") {
        joined.expect("creates succeed");
    }
    let elapsed = start.elapsed();
    let heap = watch.live();
    drop(watch);
    let page = client.customers().list().limit(1).send().await.unwrap();
    assert_eq!(page.list.len(), 1, "the customers are stored");
    Row {
        name: "emulator: 100,000 customers stored",
        value: format!("{:.0} MB heap", heap as f64 / 1e6),
        baseline: format!("{:.0} creates/s", count as f64 / elapsed.as_secs_f64()),
        ratio: heap as f64 / 200e6,
        target: "≤ 200 MB (ratio to it)",
    }
}
