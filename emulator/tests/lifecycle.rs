//! Subscriptions over time: the emulator's clock starts where a test puts it, and moving it
//! runs trial ends, renewals, future starts, counted-down billing cycles and scheduled
//! cancellations in order, each with its invoice and events at its own time. Every expected
//! time below is a UTC date converted to Unix seconds by hand (`date -u -d … +%s`).

mod support;

use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::time::Duration;

/// An emulator whose clock stands at `now`, with the catalog of `support::catalog` and a
/// yearly price `pro-usd-yearly` of 490.00 USD.
async fn emulator_at(now: i64) -> (Emulator, Client) {
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    support::catalog(&client).await;
    call(
        &client,
        "item_price.create",
        None,
        json!({"id": "pro-usd-yearly", "name": "Pro yearly", "item_id": "pro", "price": 49_000,
               "currency_code": "USD", "period": 1, "period_unit": "year"}),
    )
    .await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    (emulator, client)
}

async fn call(client: &Client, operation: &str, id: Option<&str>, params: Value) -> Value {
    client
        .call(operation, id, params)
        .await
        .unwrap_or_else(|e| panic!("{operation}: {e}"))
}

async fn subscription(client: &Client, id: &str) -> Value {
    call(client, "subscription.retrieve", Some(id), json!({})).await["subscription"].clone()
}

/// Every invoice of subscription `id`, oldest first: (date, line's date_from, date_to,
/// first_invoice).
async fn invoices(client: &Client, id: &str) -> Vec<(i64, i64, i64, bool)> {
    let page = call(
        client,
        "invoice.list",
        None,
        json!({"limit": 100, "subscription_id": {"is": id}}),
    )
    .await;
    let mut rows: Vec<(i64, i64, i64, bool)> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let invoice = &entry["invoice"];
            let line = &invoice["line_items"][0];
            (
                invoice["date"].as_i64().unwrap(),
                line["date_from"].as_i64().unwrap(),
                line["date_to"].as_i64().unwrap(),
                invoice["first_invoice"].as_bool().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Every event, in the order they were recorded: (type, occurred_at).
async fn events(client: &Client) -> Vec<(String, i64)> {
    let page = call(client, "event.list", None, json!({"limit": 100})).await;
    let mut rows: Vec<(String, i64)> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let event = &entry["event"];
            (
                event["event_type"].as_str().unwrap().to_string(),
                event["occurred_at"].as_i64().unwrap(),
            )
        })
        .collect();
    // The list shows the newest first.
    rows.reverse();
    rows
}

/// Monthly terms keep the activation's day, or the month's last day: a 14-day trial from
/// 17 January 2026, 09:00, activates on 31 January, then renews on 28 February, 31 March,
/// 30 April, … and 31 January 2027: one invoice per term, each event at its own time.
#[tokio::test]
async fn a_trial_then_twelve_monthly_renewals() {
    let created_at = 1_768_640_400; // 2026-01-17T09:00:00Z
    let (emulator, client) = emulator_at(created_at).await;
    let trial_end = 1_769_850_000; // 2026-01-31T09:00:00Z
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "trial_end": trial_end,
               "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["subscription"]["status"], "in_trial");
    assert_eq!(created["subscription"]["trial_start"], created_at);
    assert!(
        created.get("invoice").is_none(),
        "a trial raises no invoice"
    );

    // Term boundaries: the activation, then the 12 renewals, then the next term's end.
    let boundaries: [i64; 14] = [
        1_769_850_000, // 2026-01-31T09:00:00Z
        1_772_269_200, // 2026-02-28
        1_774_947_600, // 2026-03-31
        1_777_539_600, // 2026-04-30
        1_780_218_000, // 2026-05-31
        1_782_810_000, // 2026-06-30
        1_785_488_400, // 2026-07-31
        1_788_166_800, // 2026-08-31
        1_790_758_800, // 2026-09-30
        1_793_437_200, // 2026-10-31
        1_796_029_200, // 2026-11-30
        1_798_707_600, // 2026-12-31
        1_801_386_000, // 2027-01-31
        1_803_805_200, // 2027-02-28
    ];
    // One second before the trial ends nothing has happened.
    emulator.clock().set(trial_end - 1).unwrap();
    assert_eq!(subscription(&client, "sub").await["status"], "in_trial");

    emulator.clock().set(boundaries[12]).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["activated_at"], trial_end);
    assert_eq!(sub["current_term_start"], boundaries[12]);
    assert_eq!(sub["current_term_end"], boundaries[13]);
    assert_eq!(sub["next_billing_at"], boundaries[13]);

    let expected: Vec<(i64, i64, i64, bool)> = (0..13)
        .map(|n| (boundaries[n], boundaries[n], boundaries[n + 1], n == 0))
        .collect();
    assert_eq!(invoices(&client, "sub").await, expected);

    let mut expected = vec![
        ("customer_created".to_string(), created_at),
        ("subscription_created".to_string(), created_at),
        ("subscription_activated".to_string(), trial_end),
        ("invoice_generated".to_string(), trial_end),
    ];
    for at in &boundaries[1..13] {
        expected.push(("subscription_renewed".to_string(), *at));
        expected.push(("invoice_generated".to_string(), *at));
    }
    let recorded = events(&client).await;
    // The catalog's events come first.
    let recorded = &recorded[recorded.len() - expected.len()..];
    assert_eq!(recorded, expected);
}

/// Yearly from 29 February 2028: 28 February in the years without one, 29 February 2032.
#[tokio::test]
async fn yearly_terms_from_a_leap_day() {
    let leap_day = 1_835_395_200; // 2028-02-29T00:00:00Z
    let (emulator, client) = emulator_at(leap_day).await;
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-yearly"}]}),
    )
    .await;
    let ends = [
        1_866_931_200, // 2029-02-28
        1_898_467_200, // 2030-02-28
        1_930_003_200, // 2031-02-28
        1_961_625_600, // 2032-02-29
        1_993_161_600, // 2033-02-28
    ];
    emulator.clock().set(ends[3]).unwrap();
    let got = invoices(&client, "sub").await;
    let starts = [leap_day, ends[0], ends[1], ends[2], ends[3]];
    let expected: Vec<(i64, i64, i64, bool)> = (0..5)
        .map(|n| (starts[n], starts[n], ends[n], n == 0))
        .collect();
    assert_eq!(got, expected);
}

/// Three billing cycles: two left after the first term, one after the first renewal, none
/// after the second, which makes the subscription `non_renewing` until it cancels at the end
/// of its third term, 10 June 2026.
#[tokio::test]
async fn billing_cycles_run_out() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "billing_cycles": 3,
               "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["subscription"]["remaining_billing_cycles"], 2);
    assert!(created["subscription"].get("billing_cycles").is_none());

    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    let june = 1_781_092_800; // 2026-06-10T12:00:00Z
    emulator.clock().set(april).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(
        (&sub["status"], &sub["remaining_billing_cycles"]),
        (&json!("active"), &json!(1))
    );
    emulator.clock().set(may).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "non_renewing");
    assert_eq!(sub["remaining_billing_cycles"], 0);
    assert_eq!(sub["cancelled_at"], june);
    assert!(sub.get("next_billing_at").is_none());

    emulator.clock().set(june + 86_400 * 100).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "cancelled");
    assert_eq!(sub["cancelled_at"], june);
    let dates: Vec<i64> = invoices(&client, "sub").await.iter().map(|i| i.0).collect();
    assert_eq!(
        dates,
        [start, april, may],
        "no invoice after the last cycle"
    );
    let recorded = events(&client).await;
    assert_eq!(
        recorded.last().unwrap(),
        &("subscription_cancelled".to_string(), june)
    );
}

/// A future start date makes a `future` subscription that starts, and is invoiced, then; a
/// cancellation scheduled for the end of the term happens at that end.
#[tokio::test]
async fn a_future_start_and_a_cancellation_at_term_end() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(now).await;
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "start_date": april,
               "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["subscription"]["status"], "future");
    assert!(created.get("invoice").is_none());

    emulator
        .clock()
        .advance(Duration::from_secs((april - now) as u64));
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "active");
    assert_eq!(
        (&sub["current_term_start"], &sub["current_term_end"]),
        (&json!(april), &json!(may))
    );
    assert_eq!(invoices(&client, "sub").await, [(april, april, may, true)]);

    let scheduled = call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({"cancel_option": "end_of_term"}),
    )
    .await;
    assert_eq!(scheduled["subscription"]["status"], "non_renewing");
    emulator.clock().set(may).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "cancelled");
    assert_eq!(invoices(&client, "sub").await.len(), 1, "no renewal");
    let recorded = events(&client).await;
    let tail: Vec<&str> = recorded[recorded.len() - 4..]
        .iter()
        .map(|(kind, _)| kind.as_str())
        .collect();
    assert_eq!(
        tail,
        [
            "subscription_started",
            "invoice_generated",
            "subscription_cancellation_scheduled",
            "subscription_cancelled"
        ]
    );
}

/// A start date in the past is refused, naming it: backdating is off on the emulated site.
#[tokio::test]
async fn a_start_date_in_the_past_is_refused() {
    let now = 1_773_144_000;
    let (_emulator, client) = emulator_at(now).await;
    let refused = client
        .call(
            "subscription.create_with_items",
            Some("ada"),
            json!({"start_date": now - 1,
                   "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
        )
        .await
        .unwrap_err();
    let api = refused.api_error().expect("Chargebee's error JSON");
    assert_eq!(api.param.as_deref(), Some("start_date"));
    let listed = call(&client, "subscription.list", None, json!({})).await;
    assert_eq!(listed["list"], json!([]), "nothing was kept");
}

/// The time machine over HTTP: travel answers `in_progress`, so does the first retrieve,
/// then retrieves answer `succeeded`,
/// and the renewals on the way have happened; travelling back is refused; starting afresh
/// clears the customer data, keeps the catalog and puts the clock at the genesis time.
#[tokio::test]
async fn the_time_machine_travels_and_starts_afresh() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(now).await;
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let machine = call(
        &client,
        "time_machine.retrieve",
        Some("delorean"),
        json!({}),
    )
    .await;
    assert_eq!(
        machine["time_machine"],
        json!({"name": "delorean", "time_travel_status": "succeeded", "genesis_time": now,
               "destination_time": now, "object": "time_machine"})
    );

    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    let travelled = call(
        &client,
        "time_machine.travel_forward",
        Some("delorean"),
        json!({"destination_time": may}),
    )
    .await;
    assert_eq!(
        travelled["time_machine"]["time_travel_status"],
        "in_progress"
    );
    assert_eq!(travelled["time_machine"]["destination_time"], may);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let machine = call(
            &client,
            "time_machine.retrieve",
            Some("delorean"),
            json!({}),
        )
        .await;
        seen.push(machine["time_machine"]["time_travel_status"].clone());
    }
    assert_eq!(
        seen,
        ["in_progress", "succeeded", "succeeded"],
        "a poll, then done"
    );
    assert_eq!(emulator.clock().now(), may);
    assert_eq!(
        invoices(&client, "sub").await.len(),
        3,
        "two renewals on the way"
    );

    let back = client
        .call(
            "time_machine.travel_forward",
            Some("delorean"),
            json!({"destination_time": may - 1}),
        )
        .await
        .unwrap_err();
    let api = back.api_error().expect("Chargebee's error JSON");
    assert_eq!(api.param.as_deref(), Some("destination_time"));
    let unknown = client
        .call("time_machine.retrieve", Some("tardis"), json!({}))
        .await
        .unwrap_err();
    assert!(
        unknown.api_error().is_some_and(|e| e.is_not_found()),
        "{unknown}"
    );

    let genesis = 1_767_225_600; // 2026-01-01T00:00:00Z
    let afresh = call(
        &client,
        "time_machine.start_afresh",
        Some("delorean"),
        json!({"genesis_time": genesis}),
    )
    .await;
    assert_eq!(afresh["time_machine"]["genesis_time"], genesis);
    assert_eq!(emulator.clock().now(), genesis);
    let customers = call(&client, "customer.list", None, json!({})).await;
    assert_eq!(customers["list"], json!([]));
    let gone = client
        .call("subscription.retrieve", Some("sub"), json!({}))
        .await
        .unwrap_err();
    assert!(gone.api_error().is_some_and(|e| e.is_not_found()));
    let price = call(
        &client,
        "item_price.retrieve",
        Some("pro-usd-monthly"),
        json!({}),
    )
    .await;
    assert_eq!(price["item_price"]["price"], 4_900, "the catalog stays");
    let created = call(&client, "customer.create", None, json!({"id": "ada"})).await;
    assert_eq!(created["customer"]["created_at"], genesis);
}
