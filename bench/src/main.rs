//! `bench/run.sh [group]` (or `cargo run --release -p chargebee-bench -- [group]`): measures
//! the client against its baselines in one run and prints a table of figures and ratios.
//! `group` is one of `generation`, `decode`, `encode`, `requests`, `pagination`, `emulator`,
//! `renewals`, `cli`; without it, every group runs.
//!
//! 1. generation: load + validate + emit the whole spec, against loading the YAML alone;
//! 2. decoding: a 100-entry customer page into the generated types, against a minimal
//!    hand-written struct (target ratio ≤ 1.0) and against `serde_json::Value`; and a page of
//!    100 events whose content holds the same customer and card, against that customer page
//!    (an embedded resource is read as JSON first, to keep it when it lacks its `id`);
//! 3. encoding: a 20-item `subscription_for_items` form, against writing it by hand;
//! 4. request overhead: requests/s over keep-alive HTTP on 127.0.0.1, against raw reqwest
//!    (and the same with a no-op hook and a subscriber keeping every span at info level), and
//!    sequential `send_blocking()` calls against the same calls awaited (target ≥ 0.9)
//!    sending the same request and decoding the same type (target ratio ≥ 0.9);
//! 5. pagination: entries/s streaming 100,000 entries (1,000 pages of 100), and the peak heap
//!    of that stream against a stream of 10,000 (it must not grow with the entry count);
//! 6. emulator: customer retrieves/s through the client (target ≥ 5,000), against a server
//!    answering a fixed body; the heap 100,000 stored customers take (target ≤ 200 MB); a
//!    filtered, sorted page over them (target ≤ 20 ms), against the unfiltered first page;
//!    and the heap of about 100,000 objects over 20 resources (target ≤ 300 MB);
//! 7. renewals: 10,000 monthly subscriptions moved a year on the emulator's clock (120,000
//!    renewals with their invoices and events; target ≤ 2 s and ≤ 1 GB peak heap), beside
//!    the time their creates took; and the same year collected from test cards, one in
//!    twenty declining into dunning and cancellation (target ≤ 4 s);
//! 8. cli: the release `chargebee` binary's `--help` start-up (target ≤ 15 ms) against
//!    spawning `true`, one call against a local emulator (target ≤ 25 ms), an MCP
//!    `tools/list` round trip (target ≤ 10 ms, answer ≤ 16 KB), and its stripped size
//!    (target ≤ 30 MB).

mod baseline;
mod cli;
mod emulator;
mod measure;
mod server;

use chargebee::objects::AddressParams;
use chargebee::subscription::{CreateWithItemsParams, CreateWithItemsSubscriptionItemsParams};
use chargebee::{customer, Client, Page};
use futures::TryStreamExt;
use measure::{compare, median_time, CountingAlloc};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const CUSTOMER: &str = include_str!("../../tests/fixtures/customer.json");
const CARD: &str = include_str!("../../tests/fixtures/card.json");

struct Row {
    name: &'static str,
    value: String,
    baseline: String,
    ratio: f64,
    target: &'static str,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // `run.sh decode` (or any other group name) runs one group only.
    let only = std::env::args().nth(1);
    let wanted = |group: &str| only.as_deref().is_none_or(|o| o == group);
    let mut rows = Vec::new();
    // Decoding and encoding first: generation leaves a large, fragmented heap behind.
    if wanted("decode") {
        let (decode_vs_hand, decode_vs_value) = decoding();
        rows.extend([decode_vs_hand, decode_vs_value, event_decoding()]);
    }
    if wanted("encode") {
        rows.push(encoding());
    }
    if wanted("generation") {
        rows.insert(0, generation());
    }
    if wanted("requests") {
        let (plain, observed) = runtime.block_on(request_overhead());
        rows.extend([plain, observed, blocking_overhead(&runtime)]);
    }
    if wanted("pagination") {
        rows.push(runtime.block_on(pagination()));
    }
    if wanted("emulator") {
        rows.push(runtime.block_on(emulator::throughput(CUSTOMER)));
        rows.extend(runtime.block_on(emulator::storage()));
        rows.push(runtime.block_on(emulator::mixed_storage()));
    }
    if wanted("cli") {
        rows.extend(runtime.block_on(cli::rows()));
    }
    if wanted("renewals") {
        rows.push(runtime.block_on(emulator::renewals()));
        rows.push(runtime.block_on(emulator::collected_renewals()));
    }
    println!(
        "{:<34} {:>16} {:>34} {:>8}  target",
        "benchmark", "value", "baseline", "ratio"
    );
    for r in rows {
        println!(
            "{:<34} {:>16} {:>34} {:>7.2}x  {}",
            r.name, r.value, r.baseline, r.ratio, r.target
        );
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn generation() -> Row {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = chargebee_codegen::load::load_dir(&spec).expect("spec loads");
    let operations: usize = files.iter().map(|f| f.spec.operations.len()).sum();
    let full = median_time(7, 1, || {
        chargebee_codegen::generate(&spec).expect("spec generates")
    });
    let load = median_time(7, 1, || {
        chargebee_codegen::load::load_dir(&spec).expect("spec loads")
    });
    Row {
        name: "generation: whole spec",
        value: format!("{:.1} ms", full.as_secs_f64() * 1e3),
        baseline: format!("load YAML only {:.1} ms", load.as_secs_f64() * 1e3),
        ratio: full.as_secs_f64() / load.as_secs_f64(),
        target: Box::leak(
            format!(
                "{:.0} µs per operation ({operations} ops)",
                full.as_secs_f64() * 1e6 / operations as f64
            )
            .into_boxed_str(),
        ),
    }
}

fn customer_page(entries: usize, next: Option<&str>) -> String {
    let entry = format!(r#"{{"customer":{CUSTOMER},"card":{CARD}}}"#);
    let list = vec![entry; entries].join(",");
    match next {
        Some(n) => format!(r#"{{"list":[{list}],"next_offset":"{n}"}}"#),
        None => format!(r#"{{"list":[{list}]}}"#),
    }
}

fn decoding() -> (Row, Row) {
    let body = customer_page(100, Some("next")).into_bytes();
    let generated = || serde_json::from_slice::<Page<customer::ListEntry>>(&body).unwrap();
    let (generated_time, by_hand) = compare(31, 40, generated, || {
        serde_json::from_slice::<baseline::Page>(&body).unwrap()
    });
    let (_, value) = compare(11, 40, generated, || {
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()
    });
    let generated = generated_time;
    let size = format!("{} KB", body.len() / 1024);
    (
        Row {
            name: "decode 100-entry page (generated)",
            value: micros(generated),
            baseline: format!("hand struct {} ({size})", micros(by_hand)),
            ratio: generated.as_secs_f64() / by_hand.as_secs_f64(),
            target: "≤ 1.0x",
        },
        Row {
            name: "decode 100-entry page (generated)",
            value: micros(generated),
            baseline: format!("serde_json::Value {}", micros(value)),
            ratio: generated.as_secs_f64() / value.as_secs_f64(),
            target: "",
        },
    )
}

fn event_page(entries: usize) -> String {
    let entry = format!(
        r#"{{"event":{{"id":"ev_1","occurred_at":1767225600,"event_type":"customer_changed","content":{{"customer":{CUSTOMER},"card":{CARD}}}}}}}"#
    );
    format!(r#"{{"list":[{}]}}"#, vec![entry; entries].join(","))
}

fn event_decoding() -> Row {
    let events = event_page(100).into_bytes();
    let customers = customer_page(100, None).into_bytes();
    let (event_time, customer_time) = compare(
        31,
        40,
        || serde_json::from_slice::<Page<chargebee::event::ListEntry>>(&events).unwrap(),
        || serde_json::from_slice::<Page<customer::ListEntry>>(&customers).unwrap(),
    );
    Row {
        name: "decode 100-event page (generated)",
        value: micros(event_time),
        baseline: format!("same objects unembedded {}", micros(customer_time)),
        ratio: event_time.as_secs_f64() / customer_time.as_secs_f64(),
        target: "",
    }
}

fn subscription_params(items: usize) -> CreateWithItemsParams {
    let mut params = CreateWithItemsParams::new();
    params.billing_cycles = Some(12);
    params.coupon_ids = vec!["WELCOME".into()];
    params.meta_data = Some(serde_json::json!({"source": "bench"}));
    params.shipping_address = Some(
        AddressParams::new()
            .first_name("Ada")
            .city("London")
            .country("GB"),
    );
    params.subscription_items = (0..items)
        .map(|i| {
            CreateWithItemsSubscriptionItemsParams::new(format!("price-{i}-USD-monthly"))
                .quantity(i as i64 + 1)
                .unit_price(1500)
        })
        .collect();
    params
}

fn encoding() -> Row {
    let params = subscription_params(20);
    assert_eq!(
        params.to_form().expect("no custom field is set"),
        baseline::subscription_form(20),
        "both sides encode the same form"
    );
    let (generated, by_hand) = compare(
        31,
        1000,
        || params.to_form(),
        || baseline::subscription_form(20),
    );
    Row {
        name: "encode 20-item subscription form",
        value: micros(generated),
        baseline: format!("by hand {}", micros(by_hand)),
        ratio: generated.as_secs_f64() / by_hand.as_secs_f64(),
        target: "",
    }
}

/// A hook that does nothing: what watching attempts costs the client itself.
struct NoOpHook;

impl chargebee::Hook for NoOpHook {
    fn attempted(&self, _attempt: &chargebee::Attempt<'_>) {}
}

async fn request_overhead() -> (Row, Row) {
    let body = format!(r#"{{"customer":{CUSTOMER},"card":{CARD}}}"#).into_bytes();
    let url = server::start(Arc::new(move |_: &str| body.clone())).await;
    let builder = || {
        Client::builder()
            .maton_api_key("bench-key")
            .base_url(&url)
            .rate_limit(None)
    };
    let client = builder().build().unwrap();
    let watched = builder().hook(Arc::new(NoOpHook)).build().unwrap();
    // The baseline gets the client's own defaults (timeouts, user agent), so the ratio shows
    // what this crate's layer costs, not what a timeout costs inside reqwest.
    let raw = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .user_agent("chargebee-rust/0.1.0")
        .build()
        .unwrap();
    let target = format!("{url}/api/v2/customers/cus_1");
    // Rounds alternate between the two, and the median round counts, so drift in the
    // machine's speed touches both sides alike.
    let n = 500;
    let (mut ours, mut theirs, mut observed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..15 {
        let start = Instant::now();
        for _ in 0..n {
            client.customers().retrieve("cus_1").send().await.unwrap();
        }
        ours.push(n as f64 / start.elapsed().as_secs_f64());
        // The same calls with a no-op hook, under a subscriber that keeps every span at the
        // usual production level (info: the call's span, not the attempts' debug events).
        {
            use tracing_subscriber::layer::SubscriberExt;
            let subscriber =
                tracing_subscriber::registry().with(tracing_subscriber::filter::LevelFilter::INFO);
            let _spans = tracing::subscriber::set_default(subscriber);
            let start = Instant::now();
            for _ in 0..n {
                watched.customers().retrieve("cus_1").send().await.unwrap();
            }
            observed.push(n as f64 / start.elapsed().as_secs_f64());
        }
        let start = Instant::now();
        for _ in 0..n {
            let bytes = raw
                .get(&target)
                .bearer_auth("bench-key")
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            serde_json::from_slice::<customer::RetrieveResponse>(&bytes).unwrap();
        }
        theirs.push(n as f64 / start.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ours, theirs, observed) = (
        median(&mut ours),
        median(&mut theirs),
        median(&mut observed),
    );
    (
        Row {
            name: "requests/s, keep-alive, 127.0.0.1",
            value: format!("{ours:.0} req/s"),
            baseline: format!("raw reqwest {theirs:.0} req/s"),
            ratio: ours / theirs,
            target: "≥ 0.9x",
        },
        Row {
            name: "requests/s, a hook and a span each",
            value: format!("{observed:.0} req/s"),
            baseline: format!("raw reqwest {theirs:.0} req/s"),
            ratio: observed / theirs,
            target: "within 0.03 of the row above",
        },
    )
}

/// Sequential calls through `send_blocking()` from a plain thread, against the same calls
/// awaited on the bench's runtime, over keep-alive HTTP on 127.0.0.1.
fn blocking_overhead(runtime: &tokio::runtime::Runtime) -> Row {
    let body = format!(r#"{{"customer":{CUSTOMER},"card":{CARD}}}"#).into_bytes();
    let url = runtime.block_on(server::start(Arc::new(move |_: &str| body.clone())));
    let client = || {
        Client::builder()
            .maton_api_key("bench-key")
            .base_url(&url)
            .rate_limit(None)
            .build()
            .unwrap()
    };
    // A client each, so each keeps its connections on the runtime that drives them.
    let (blocking, awaited) = (client(), client());
    let n = 500;
    let (mut blocked, mut async_rates) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let start = Instant::now();
        for _ in 0..n {
            blocking
                .customers()
                .retrieve("cus_1")
                .send_blocking()
                .unwrap();
        }
        blocked.push(n as f64 / start.elapsed().as_secs_f64());
        let start = Instant::now();
        runtime.block_on(async {
            for _ in 0..n {
                awaited.customers().retrieve("cus_1").send().await.unwrap();
            }
        });
        async_rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (blocked, awaited) = (median(&mut blocked), median(&mut async_rates));
    Row {
        name: "blocking requests/s, sequential",
        value: format!("{blocked:.0} req/s"),
        baseline: format!("async {awaited:.0} req/s"),
        ratio: blocked / awaited,
        target: "≥ 0.9x",
    }
}

/// A server holding `pages` pages of 100 customers, `next_offset` being the next page number.
async fn page_server(pages: usize) -> String {
    let full = customer_page(100, None);
    let list = Arc::new(full[..full.len() - 1].to_string());
    server::start(Arc::new(move |target: &str| {
        let page: usize = target
            .split("offset=")
            .nth(1)
            .and_then(|o| o.split('&').next()?.parse().ok())
            .unwrap_or(0);
        if page + 1 < pages {
            format!(r#"{list},"next_offset":"{}"}}"#, page + 1).into_bytes()
        } else {
            format!("{list}}}").into_bytes()
        }
    }))
    .await
}

/// Streams every entry from a `pages`-page server: (entries, time, peak heap growth).
async fn stream_pages(pages: usize) -> (usize, Duration, usize) {
    let url = page_server(pages).await;
    let client = Client::builder()
        .maton_api_key("bench-key")
        .base_url(&url)
        .rate_limit(None)
        .build()
        .unwrap();
    let watch = measure::HeapWatch::start();
    let start = Instant::now();
    let entries = client
        .customers()
        .list()
        .limit(100)
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    (entries, start.elapsed(), watch.peak())
}

async fn pagination() -> Row {
    let (small_entries, _, small_peak) = stream_pages(100).await;
    let (entries, elapsed, peak) = stream_pages(1000).await;
    assert_eq!((small_entries, entries), (10_000, 100_000));
    Row {
        name: "stream 100,000 entries",
        value: format!(
            "{:.0}k entries/s",
            entries as f64 / elapsed.as_secs_f64() / 1e3
        ),
        baseline: format!(
            "peak heap {} KB vs {} KB for 10,000",
            peak / 1024,
            small_peak / 1024
        ),
        ratio: peak as f64 / small_peak as f64,
        target: "peak ratio ≈ 1 (no growth)",
    }
}
