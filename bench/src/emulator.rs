//! The emulator under load: customer retrieves per second through the client, against the
//! same calls answered by the minimal server; the heap that 100,000 stored customers take,
//! and a filtered, sorted page over them; the heap of about 100,000 objects spread over 20
//! resources.

use crate::measure::HeapWatch;
use crate::{server, Row};
use chargebee::customer::ListSortField;
use chargebee::{Client, Sort, StringFilter};
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

pub async fn storage() -> Vec<Row> {
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
    let stored = Row {
        name: "emulator: 100,000 customers stored",
        value: format!("{:.0} MB heap", heap as f64 / 1e6),
        baseline: format!("{:.0} creates/s", count as f64 / elapsed.as_secs_f64()),
        ratio: heap as f64 / 200e6,
        target: "≤ 200 MB (ratio to it)",
    };
    vec![stored, filtered_page(&client).await]
}

/// The median time of a filtered, sorted 100-row page over the stored customers (emails
/// starting `user9`: 11,111 of 100,000 match), against the first page of the same list
/// unfiltered and unsorted.
async fn filtered_page(client: &Client) -> Row {
    let filtered = || async {
        let page = client
            .customers()
            .list()
            .email(StringFilter::starts_with("user9"))
            .sort_by(Sort::desc(ListSortField::CreatedAt))
            .limit(100)
            .send()
            .await
            .unwrap();
        assert_eq!(page.list.len(), 100);
    };
    let plain = || async {
        let page = client.customers().list().limit(100).send().await.unwrap();
        assert_eq!(page.list.len(), 100);
    };
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..21 {
        let start = Instant::now();
        filtered().await;
        ours.push(start.elapsed());
        let start = Instant::now();
        plain().await;
        base.push(start.elapsed());
    }
    ours.sort();
    base.sort();
    let (ours, base) = (ours[10], base[10]);
    Row {
        name: "emulator: filtered sorted page",
        value: format!("{:.1} ms", ours.as_secs_f64() * 1e3),
        baseline: format!("unfiltered page {:.1} ms", base.as_secs_f64() * 1e3),
        ratio: ours.as_secs_f64() / base.as_secs_f64(),
        target: "≤ 20 ms over 100,000",
    }
}

/// The resources `mixed_storage` fills besides those kept generically: created through
/// their own operations, with what they create (invoices, events) stored too.
const BILLING_CREATES: [&str; 3] = [
    "subscription.create_with_items",
    "hosted_page.checkout_new_for_items",
    "portal_session.create",
];

/// The heap of about 100,000 objects over 20 resources: each kept resource, subscriptions
/// (with their invoices), hosted pages and portal sessions created through their operations
/// with every parameter they take, and the events those creates record.
pub async fn mixed_storage() -> Row {
    let per_resource = 3_030;
    let api = chargebee_description::Api::embedded();
    let emulator = Emulator::start_with(unlimited(), 0)
        .await
        .expect("emulator starts");
    let client = emulator.direct_client();
    // An alert refers to a subscription: created last.
    let kept = chargebee_emulator::KEPT_RESOURCES
        .iter()
        .filter(|r| **r != "alert")
        .map(|r| api.operation(&format!("{r}.create")).unwrap().id.as_str());
    let creates: Vec<&str> = kept
        .chain(BILLING_CREATES)
        .chain(["alert.create"])
        .collect();
    let watch = HeapWatch::start();
    // The first object of each kind takes the id every reference names.
    for i in 0..per_resource {
        for id in &creates {
            let op = api.operation(id).unwrap();
            let params = params_naming(api, op, &format!("{}-{i}", op.resource), i == 0);
            let path_id = op.path_parameter().is_some().then_some(SEED);
            client
                .call(&op.id, path_id, params)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        }
    }
    let heap = watch.live();
    drop(watch);
    let state = emulator.state();
    let collections = state["collections"].as_object().unwrap();
    let objects: usize = collections
        .values()
        .map(|c| c.as_array().map_or(0, Vec::len))
        .sum();
    Row {
        name: "emulator: objects over resources",
        value: format!("{:.0} MB heap", heap as f64 / 1e6),
        baseline: format!("{objects} objects, {} resources", collections.len()),
        ratio: heap as f64 / 300e6,
        target: "≤ 300 MB for 100,000 (ratio to it)",
    }
}

/// The id of the first object of each resource, which every later one refers to.
const SEED: &str = "seed";

/// `op`'s sample parameters, with its own `id` (`seed` for the first of each resource) and
/// every reference naming a seed object.
fn params_naming(
    api: &chargebee_description::Api,
    op: &chargebee_description::Operation,
    id: &str,
    first: bool,
) -> serde_json::Value {
    let mut params = api.sample_params(op);
    // A subscription starts now: the samples' fixed times are in the past.
    for time in ["start_date", "trial_end"] {
        params.as_object_mut().unwrap().remove(time);
    }
    // Prices and quantities in whole units, per unit: decimals are not emulated.
    if op.resource == "item_price" {
        let fields = params.as_object_mut().unwrap();
        for decimal in ["price_in_decimal", "free_quantity_in_decimal", "tiers"] {
            fields.remove(decimal);
        }
        fields.insert("pricing_model".into(), serde_json::json!("per_unit"));
    }
    let items = params.get_mut("subscription_items");
    if let Some(entries) = items.and_then(serde_json::Value::as_array_mut) {
        for entry in entries.iter_mut().filter_map(|e| e.as_object_mut()) {
            entry.remove("quantity_in_decimal");
            entry.remove("unit_price_in_decimal");
        }
    }
    for (key, value) in params.as_object_mut().unwrap() {
        if key == "id" {
            *value = serde_json::json!(if first { SEED } else { id });
        } else if key == "entity_type" {
            *value = serde_json::json!("customer");
        } else if op.id == "item.create" && key == "type" {
            // A plan, so the seed price can start a subscription.
            *value = serde_json::json!("plan");
        } else if key == "subscription_items" {
            // A subscription takes one plan item price: the seed's.
            if let Some(entries) = value.as_array_mut() {
                entries.truncate(1);
            }
            refer_to_seeds(key, value);
        } else {
            refer_to_seeds(key, value);
        }
    }
    params
}

/// Makes every `…_id` (and nested `id`) in `value`, the parameter `key`, name the seed
/// objects.
fn refer_to_seeds(key: &str, value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(_) if key == "id" || key.ends_with("_id") => {
            *value = serde_json::json!(SEED);
        }
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                refer_to_seeds(key, value);
            }
        }
        serde_json::Value::Array(entries) => {
            for entry in entries {
                refer_to_seeds(key, entry);
            }
        }
        _ => {}
    }
}

/// A year of renewals: 10,000 monthly subscriptions created through the client, then the
/// emulator's clock moved 365 days, which renews each 12 times (120,000 renewals, each with
/// its invoice and two events). The time and peak heap of the move, beside the time the
/// 10,000 creates took.
pub async fn renewals() -> Row {
    let year = year_of_renewals(false).await;
    assert_eq!(
        year.invoices,
        10_000 * 13,
        "a first invoice and 12 renewals each"
    );
    year.row("emulator: a year of 10,000 renewals", "≤ 2 s, ≤ 1 GB peak")
}

/// The same year collected from cards: every customer adds a test card before subscribing,
/// one in twenty a card that declines, so each invoice is charged when it is raised and the
/// declined first invoices go through dunning (three retries three days apart) to
/// `not_paid` and the subscription's cancellation.
pub async fn collected_renewals() -> Row {
    let year = year_of_renewals(true).await;
    // 9,500 subscriptions raise 13 invoices; 500 raise one and are cancelled by dunning.
    assert_eq!(year.invoices, 9_500 * 13 + 500, "declined ones cancelled");
    year.row(
        "emulator: a year of 10,000 renewals from cards, 5% declining",
        "≤ 4 s",
    )
}

/// What a year of renewals measured.
struct Year {
    created: std::time::Duration,
    moved: std::time::Duration,
    peak: usize,
    invoices: usize,
}

impl Year {
    fn row(&self, name: &'static str, target: &'static str) -> Row {
        Row {
            name,
            value: format!(
                "{:.2} s, {:.0} MB peak",
                self.moved.as_secs_f64(),
                self.peak as f64 / 1e6
            ),
            baseline: format!("10,000 creates {:.2} s", self.created.as_secs_f64()),
            ratio: self.moved.as_secs_f64() / self.created.as_secs_f64(),
            target,
        }
    }
}

/// Creates 10,000 monthly subscriptions (`cards`: each customer with a test card, every
/// twentieth one that declines) and moves the clock a year.
async fn year_of_renewals(cards: bool) -> Year {
    let count = 10_000;
    // 2026-03-10T12:00:00Z; 365 days later is 2027-03-10, the twelfth renewal.
    let config = Config {
        now: Some(1_773_144_000),
        ..unlimited()
    };
    let emulator = Emulator::start_with(config, 0)
        .await
        .expect("emulator starts");
    let client = emulator.direct_client();
    client
        .item_families()
        .create("saas", "SaaS")
        .send()
        .await
        .unwrap();
    client
        .items()
        .create("pro", "Pro", chargebee::enums::ItemType::Plan, "saas")
        .send()
        .await
        .unwrap();
    client
        .item_prices()
        .create("pro-monthly", "Pro monthly", "pro")
        .price(4_900)
        .currency_code("USD")
        .period(1)
        .period_unit(chargebee::enums::PeriodUnit::Month)
        .send()
        .await
        .unwrap();
    let start = Instant::now();
    let callers = (0..CALLERS).map(|caller| {
        let client = client.clone();
        tokio::spawn(async move {
            for i in (caller..count).step_by(CALLERS) {
                let customer = format!("cus-{i}");
                client.customers().create().id(&customer).send().await?;
                if cards {
                    let number = if i % 20 == 0 {
                        "4000000000000341"
                    } else {
                        "4111111111111111"
                    };
                    let card = serde_json::json!({"customer_id": customer,
                        "card": {"number": number, "expiry_month": 12, "expiry_year": 2099}});
                    client
                        .call("payment_source.create_card", None, card)
                        .await?;
                }
                client
                    .subscriptions()
                    .create_with_items(&customer)
                    .subscription_items(vec![
                        chargebee::subscription::CreateWithItemsSubscriptionItemsParams::new(
                            "pro-monthly",
                        ),
                    ])
                    .send()
                    .await?;
            }
            Ok::<_, chargebee::Error>(())
        })
    });
    for joined in try_join_all(callers).await.expect("callers finish") {
        joined.expect("creates succeed");
    }
    let created = start.elapsed();
    let watch = HeapWatch::start();
    let start = Instant::now();
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(365 * 86_400));
    let moved = start.elapsed();
    let peak = watch.peak();
    drop(watch);
    let state = emulator.state();
    let invoices = state["collections"]["invoice"]
        .as_array()
        .map_or(0, Vec::len);
    Year {
        created,
        moved,
        peak,
        invoices,
    }
}
