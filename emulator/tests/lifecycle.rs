//! Subscriptions over time: the emulator's clock starts where a test puts it, and moving it
//! runs trial ends, renewals, future starts, counted-down billing cycles and scheduled
//! cancellations in order, each with its invoice and events at its own time. Every expected
//! time below is a UTC date converted to Unix seconds by hand (`date -u -d … +%s`).

use crate::support::call;

use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::time::Duration;

const DAY: i64 = 86_400;

/// An emulator whose clock stands at `now`, with the catalog of `crate::support::catalog` and a
/// yearly price `pro-usd-yearly` of 490.00 USD.
async fn emulator_at(now: i64) -> (Emulator, Client) {
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
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

    // Reminders come 6 days before the trial ends and 3 days before each renewal
    // (Chargebee's events documentation): 25 January 09:00, then 25 February, 28 March, …
    let mut expected = vec![
        ("customer_created".to_string(), created_at),
        ("subscription_created".to_string(), created_at),
        ("subscription_trial_end_reminder".to_string(), 1_769_331_600),
        ("subscription_activated".to_string(), trial_end),
        ("invoice_generated".to_string(), trial_end),
    ];
    for at in &boundaries[1..13] {
        expected.push(("subscription_renewal_reminder".to_string(), *at - 3 * DAY));
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
    // The cancellation reminder comes 6 days before: 4 May 2026, 12:00.
    assert_eq!(
        recorded[recorded.len() - 5..],
        [
            ("subscription_started".to_string(), april),
            ("invoice_generated".to_string(), april),
            ("subscription_cancellation_scheduled".to_string(), april),
            (
                "subscription_cancellation_reminder".to_string(),
                1_777_896_000
            ),
            ("subscription_cancelled".to_string(), may),
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

/// The status code and `api_error_code` of a refused call, and its `param`.
async fn refusal(
    client: &Client,
    operation: &str,
    id: &str,
    params: Value,
) -> (u16, String, Option<String>) {
    let e = client
        .call(operation, Some(id), params)
        .await
        .expect_err(operation);
    let api = e.api_error().unwrap_or_else(|| panic!("{operation}: {e}"));
    let code = api
        .api_error_code
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    (api.status, code, api.param.clone())
}

/// A monthly subscription `sub` for `ada`, created at the emulator's time.
async fn monthly(client: &Client) {
    call(
        client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
}

/// Paused now with a resume date: no renewal while paused; on the resume date a new term
/// starts from it, with its invoice.
#[tokio::test]
async fn a_pause_with_a_resume_date() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let march_20 = 1_774_008_000; // 2026-03-20T12:00:00Z
    let april_20 = 1_776_686_400; // 2026-04-20T12:00:00Z
    let may_20 = 1_779_278_400; // 2026-05-20T12:00:00Z
    emulator.clock().set(march_20).unwrap();
    let paused = call(
        &client,
        "subscription.pause",
        Some("sub"),
        json!({"pause_option": "immediately", "resume_date": april_20}),
    )
    .await;
    let sub = &paused["subscription"];
    assert_eq!(sub["status"], "paused");
    assert_eq!(sub["pause_date"], march_20);
    assert_eq!(sub["resume_date"], april_20);
    assert!(sub.get("next_billing_at").is_none());

    // 10 April, the old term end, passes without a renewal.
    emulator.clock().set(april_20 - 1).unwrap();
    assert_eq!(subscription(&client, "sub").await["status"], "paused");
    assert_eq!(invoices(&client, "sub").await.len(), 1);

    emulator.clock().set(april_20).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["current_term_start"], april_20);
    assert_eq!(sub["current_term_end"], may_20);
    assert!(sub.get("pause_date").is_none() && sub.get("resume_date").is_none());
    let april_10 = 1_775_822_400; // 2026-04-10T12:00:00Z
    assert_eq!(
        invoices(&client, "sub").await,
        [
            (start, start, april_10, true),
            (april_20, april_20, may_20, false)
        ]
    );
    let recorded = events(&client).await;
    let tail = &recorded[recorded.len() - 3..];
    assert_eq!(
        tail,
        [
            ("subscription_paused".to_string(), march_20),
            ("subscription_resumed".to_string(), april_20),
            ("invoice_generated".to_string(), april_20),
        ]
    );
}

/// Paused at the end of the term: the pause is scheduled, then begins at the term end
/// instead of the renewal; a resume call starts a new term at once.
#[tokio::test]
async fn a_pause_at_term_end_then_a_resume_now() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let april_10 = 1_775_822_400; // 2026-04-10T12:00:00Z
    let scheduled = call(
        &client,
        "subscription.pause",
        Some("sub"),
        json!({"pause_option": "end_of_term"}),
    )
    .await;
    assert_eq!(scheduled["subscription"]["status"], "active");
    assert_eq!(scheduled["subscription"]["pause_date"], april_10);

    let april_20 = 1_776_686_400; // 2026-04-20T12:00:00Z
    emulator.clock().set(april_20).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "paused");
    assert_eq!(invoices(&client, "sub").await.len(), 1, "no renewal");

    let resumed = call(
        &client,
        "subscription.resume",
        Some("sub"),
        json!({"resume_option": "immediately"}),
    )
    .await;
    let may_20 = 1_779_278_400; // 2026-05-20T12:00:00Z
    assert_eq!(resumed["subscription"]["status"], "active");
    assert_eq!(resumed["subscription"]["current_term_start"], april_20);
    assert_eq!(resumed["subscription"]["current_term_end"], may_20);
    assert_eq!(resumed["invoice"]["date"], april_20);
    let kinds: Vec<String> = events(&client).await.into_iter().map(|e| e.0).collect();
    assert_eq!(
        kinds[kinds.len() - 4..],
        [
            "subscription_pause_scheduled",
            "subscription_paused",
            "subscription_resumed",
            "invoice_generated"
        ]
    );
}

/// Paused for two billing cycles: from the end of the term, 10 April, until 10 June.
#[tokio::test]
async fn a_pause_for_billing_cycles() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let paused = call(
        &client,
        "subscription.pause",
        Some("sub"),
        json!({"pause_option": "billing_cycles", "skip_billing_cycles": 2}),
    )
    .await;
    let april_10 = 1_775_822_400; // 2026-04-10T12:00:00Z
    let june_10 = 1_781_092_800; // 2026-06-10T12:00:00Z
    assert_eq!(paused["subscription"]["pause_date"], april_10);
    assert_eq!(paused["subscription"]["resume_date"], june_10);
    emulator.clock().set(june_10).unwrap();
    let dates: Vec<i64> = invoices(&client, "sub").await.iter().map(|i| i.0).collect();
    assert_eq!(dates, [start, june_10]);
}

/// A cancelled subscription is reactivated into a new term from now, with its invoice; a
/// scheduled cancellation removed lets the subscription renew.
#[tokio::test]
async fn reactivation_and_a_removed_cancellation() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({}),
    )
    .await;
    let march_20 = 1_774_008_000; // 2026-03-20T12:00:00Z
    let april_20 = 1_776_686_400; // 2026-04-20T12:00:00Z
    emulator.clock().set(march_20).unwrap();
    let reactivated = call(&client, "subscription.reactivate", Some("sub"), json!({})).await;
    let sub = &reactivated["subscription"];
    assert_eq!(sub["status"], "active");
    assert_eq!(
        (&sub["current_term_start"], &sub["current_term_end"]),
        (&json!(march_20), &json!(april_20))
    );
    assert!(sub.get("cancelled_at").is_none());
    assert_eq!(reactivated["invoice"]["date"], march_20);

    call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({"cancel_option": "end_of_term"}),
    )
    .await;
    let kept = call(
        &client,
        "subscription.remove_scheduled_cancellation",
        Some("sub"),
        json!({}),
    )
    .await;
    assert_eq!(kept["subscription"]["status"], "active");
    assert_eq!(kept["subscription"]["next_billing_at"], april_20);
    emulator.clock().set(april_20).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["status"], "active", "renewed, not cancelled");
    assert_eq!(sub["current_term_start"], april_20);
    let kinds: Vec<String> = events(&client).await.into_iter().map(|e| e.0).collect();
    assert!(
        kinds.ends_with(&[
            "subscription_cancelled".to_string(),
            "subscription_reactivated".into(),
            "invoice_generated".into(),
            "subscription_cancellation_scheduled".into(),
            "subscription_scheduled_cancellation_removed".into(),
            "subscription_renewal_reminder".into(),
            "subscription_renewed".into(),
            "invoice_generated".into(),
        ]),
        "{kinds:?}"
    );
}

/// Transitions a state does not allow answer 409 `invalid_state_for_request` and change
/// nothing; a scheduled option without its date is a 400 naming it.
#[tokio::test]
async fn transitions_a_state_does_not_allow_are_refused() {
    let start = 1_773_144_000;
    let (_emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let state = (409, "invalid_state_for_request".to_string(), None);
    for operation in [
        "subscription.resume",
        "subscription.reactivate",
        "subscription.remove_scheduled_cancellation",
        "subscription.remove_scheduled_pause",
        "subscription.remove_scheduled_resumption",
    ] {
        assert_eq!(
            refusal(&client, operation, "sub", json!({})).await,
            state,
            "{operation} on an active subscription"
        );
    }
    assert_eq!(
        refusal(
            &client,
            "subscription.pause",
            "sub",
            json!({"pause_option": "specific_date"})
        )
        .await,
        (400, "param_wrong_value".into(), Some("pause_date".into()))
    );
    let before = subscription(&client, "sub").await;
    call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({}),
    )
    .await;
    for operation in ["subscription.pause", "subscription.cancel_for_items"] {
        assert_eq!(
            refusal(&client, operation, "sub", json!({})).await,
            state,
            "{operation} on a cancelled subscription"
        );
    }
    assert_eq!(before["status"], "active");
    assert_eq!(subscription(&client, "sub").await["status"], "cancelled");
}

/// The typed client's waiter drives the emulator's time machine as it would Chargebee's:
/// travel, then poll until the travel has succeeded.
#[tokio::test]
async fn the_client_waits_for_the_time_machine() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = emulator_at(now).await;
    monthly(&client).await;
    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    let travelling = client
        .time_machines()
        .travel_forward("delorean")
        .destination_time(chargebee::Timestamp(may))
        .send()
        .await
        .unwrap()
        .time_machine;
    assert_eq!(
        travelling.time_travel_status,
        Some(chargebee::time_machine::TimeTravelStatus::InProgress)
    );
    let polling = chargebee::Polling {
        interval: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
    };
    let arrived = client
        .time_machines()
        .wait_for_travel("delorean", polling)
        .await
        .unwrap();
    assert_eq!(arrived.destination_time, Some(chargebee::Timestamp(may)));
    assert_eq!(invoices(&client, "sub").await.len(), 3);
}

/// A travel made to fail (`FaultKind::TravelFails`) is accepted as in progress, then says
/// `failed` with its reason; the clock has not moved, nothing fell due, and the client's
/// waiter ends in `Error::TimeTravel`. The next travel succeeds and clears the reason.
#[tokio::test]
async fn a_failed_travel_leaves_the_clock_and_the_waiter_says_why() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(now).await;
    monthly(&client).await;
    emulator.inject(chargebee_emulator::Fault::new(
        chargebee_emulator::FaultKind::TravelFails,
        1,
    ));
    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    let accepted = call(
        &client,
        "time_machine.travel_forward",
        Some("delorean"),
        json!({"destination_time": may}),
    )
    .await;
    assert_eq!(
        accepted["time_machine"]["time_travel_status"],
        "in_progress"
    );
    assert!(accepted["time_machine"].get("failure_reason").is_none());
    let polling = chargebee::Polling {
        interval: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
    };
    let failed = client
        .time_machines()
        .wait_for_travel("delorean", polling)
        .await
        .unwrap_err();
    match failed {
        chargebee::Error::TimeTravel {
            status,
            failure_reason,
            ..
        } => {
            assert_eq!(status, "failed");
            let reason = failure_reason.unwrap();
            assert!(reason.contains("injected fault"), "{reason}");
        }
        other => panic!("expected a failed travel, got {other}"),
    }
    assert_eq!(emulator.clock().now(), now, "the clock stayed");
    assert_eq!(invoices(&client, "sub").await.len(), 1, "nothing fell due");

    call(
        &client,
        "time_machine.travel_forward",
        Some("delorean"),
        json!({"destination_time": may}),
    )
    .await;
    let arrived = client
        .time_machines()
        .wait_for_travel("delorean", polling)
        .await
        .unwrap();
    assert_eq!(arrived.failure_reason, None);
    assert_eq!(emulator.clock().now(), may);
    assert_eq!(invoices(&client, "sub").await.len(), 3);
}

/// The same calls from the same start time give the same state, byte for byte: ids, times
/// and the order of everything kept follow from the calls alone (and the idempotency keys
/// they carry).
#[tokio::test]
async fn runs_from_the_same_start_are_identical() {
    let mut states = Vec::new();
    for _ in 0..2 {
        let start = 1_773_144_000; // 2026-03-10T12:00:00Z
        let (emulator, client) = emulator_at(start).await;
        for customer in ["bob", "cy"] {
            call(&client, "customer.create", None, json!({"id": customer})).await;
        }
        for customer in ["ada", "bob", "cy"] {
            call(
                &client,
                "subscription.create_with_items",
                Some(customer),
                json!({"trial_end": start + 86_400 * 7,
                       "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
            )
            .await;
        }
        emulator.clock().advance(Duration::from_secs(86_400 * 100));
        call(
            &client,
            "customer.create",
            None,
            json!({"email": "late@example.com"}),
        )
        .await;
        // The client gives every create a random idempotency key, which the state keeps with
        // its answer: the answers are compared without the keys.
        let mut state = emulator.state();
        let replays = state.as_object_mut().unwrap().remove("replays").unwrap();
        let mut answers: Vec<String> = replays
            .as_object()
            .unwrap()
            .values()
            .map(|answer| answer.to_string())
            .collect();
        answers.sort();
        states.push((serde_json::to_string(&state).unwrap(), answers));
    }
    assert_eq!(states[0], states[1]);
    assert!(states[0].0.contains("subscription_renewed"));
    assert_eq!(states[0].1.len(), 11, "every create's answer is kept");
}

/// Deleting a subscription deletes its invoices, as Chargebee documents, each with its event
/// after `subscription_deleted`; nothing renews after.
#[tokio::test]
async fn a_deleted_subscription_takes_its_invoices_and_stops_renewing() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    emulator.clock().set(april).unwrap();
    assert_eq!(invoices(&client, "sub").await.len(), 2);

    let deleted = call(&client, "subscription.delete", Some("sub"), json!({})).await;
    assert_eq!(deleted["subscription"]["id"], "sub");
    let gone = client
        .call("subscription.retrieve", Some("sub"), json!({}))
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert_eq!(invoices(&client, "sub").await, []);

    let june = 1_781_092_800; // 2026-06-10T12:00:00Z
    emulator.clock().set(june).unwrap();
    assert_eq!(invoices(&client, "sub").await, []);
    let kinds: Vec<String> = events(&client).await.into_iter().map(|e| e.0).collect();
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["subscription_deleted", "invoice_deleted", "invoice_deleted"]
    );
}

/// A new term end moves the billing date: renewals count from it. Moving it earlier with
/// proration credits the term's invoice, which is not paid here, so the call turns
/// proration off; a trial's end moves the same way.
#[tokio::test]
async fn a_changed_term_end_moves_the_billing_date() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let march_25 = 1_774_440_000; // 2026-03-25T12:00:00Z
    let (status, code, _) = refusal(
        &client,
        "subscription.change_term_end",
        "sub",
        json!({"term_ends_at": march_25}),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (501, "not_emulated"),
        "credits with the term's invoice unpaid"
    );
    let changed = call(
        &client,
        "subscription.change_term_end",
        Some("sub"),
        json!({"term_ends_at": march_25, "prorate": false}),
    )
    .await;
    assert_eq!(changed["subscription"]["current_term_end"], march_25);
    assert_eq!(changed["subscription"]["next_billing_at"], march_25);

    let april_25 = 1_777_118_400; // 2026-04-25T12:00:00Z
    let may_25 = 1_779_710_400; // 2026-05-25T12:00:00Z
    emulator.clock().set(april_25).unwrap();
    let dates: Vec<(i64, i64, i64)> = invoices(&client, "sub")
        .await
        .iter()
        .map(|i| (i.0, i.1, i.2))
        .collect();
    let april_10 = 1_775_822_400; // 2026-04-10T12:00:00Z
    assert_eq!(
        dates,
        [
            (start, start, april_10),
            (march_25, march_25, april_25),
            (april_25, april_25, may_25)
        ],
        "the first invoice keeps the term it was raised for"
    );
    let (status, code, param) = refusal(
        &client,
        "subscription.change_term_end",
        "sub",
        json!({"term_ends_at": april_25, "prorate": false}),
    )
    .await;
    assert_eq!(
        (status, code.as_str(), param.as_deref()),
        (400, "param_wrong_value", Some("term_ends_at")),
        "a time not in the future"
    );
}

/// Net D: for a customer invoiced without automatic collection and with `net_term_days`,
/// each invoice is `posted` with its due date that many days after it, and `payment_due`
/// from then on; with automatic collection and a valid card it would be paid instead.
#[tokio::test]
async fn net_d_invoices_are_posted_until_due() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    call(
        &client,
        "customer.create",
        None,
        json!({"id": "net", "auto_collection": "off", "net_term_days": 30}),
    )
    .await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("net"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let due = 1_775_736_000; // 2026-04-09T12:00:00Z, 30 days on
    assert_eq!(created["invoice"]["status"], "posted");
    assert_eq!(created["invoice"]["due_date"], due);
    let first = created["invoice"]["id"].as_str().unwrap().to_string();
    let status = |client: Client, id: String| async move {
        call(&client, "invoice.retrieve", Some(&id), json!({})).await["invoice"]["status"].clone()
    };
    let dues = |client: Client| async move {
        let sub = subscription(&client, "sub").await;
        (
            sub["due_invoices_count"].clone(),
            sub["total_dues"].clone(),
            sub["due_since"].clone(),
        )
    };
    emulator.clock().set(due - 1).unwrap();
    assert_eq!(status(client.clone(), first.clone()).await, "posted");
    assert_eq!(
        dues(client.clone()).await,
        (json!(0), Value::Null, Value::Null),
        "not due yet"
    );
    emulator.clock().set(due).unwrap();
    assert_eq!(status(client.clone(), first.clone()).await, "payment_due");
    assert_eq!(
        dues(client.clone()).await,
        (json!(1), json!(4_900), json!(due))
    );

    // The renewal on 10 April is posted in turn, due on 10 May.
    emulator.clock().set(1_775_822_400).unwrap();
    let page = call(
        &client,
        "invoice.list",
        None,
        json!({"subscription_id": {"is": "sub"}, "status": {"is": "posted"}}),
    )
    .await;
    let posted = page["list"].as_array().unwrap();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["invoice"]["date"], 1_775_822_400); // 2026-04-10T12:00:00Z
    assert_eq!(posted[0]["invoice"]["due_date"], 1_778_414_400); // 2026-05-10T12:00:00Z
}

/// Changes to the items: scheduled for the term end, shown by
/// `retrieve_with_scheduled_changes`, applied at the term end before the renewal, whose
/// invoice bills the new quantity; at once without proration; a scheduled change removed.
#[tokio::test]
async fn item_changes_now_and_at_the_term_end() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let three = json!({"subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}],
                       "end_of_term": true});
    let scheduled = call(&client, "subscription.update_for_items", Some("sub"), three).await;
    let sub = &scheduled["subscription"];
    assert_eq!(sub["has_scheduled_changes"], true);
    assert_eq!(sub["changes_scheduled_at"], april);
    assert_eq!(sub["subscription_items"][0]["quantity"], 1, "not yet");
    let future = call(
        &client,
        "subscription.retrieve_with_scheduled_changes",
        Some("sub"),
        json!({}),
    )
    .await;
    assert_eq!(
        future["subscription"]["subscription_items"][0]["quantity"],
        3
    );
    assert_eq!(future["subscription"]["mrr"], 14_700);

    emulator.clock().set(april).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["subscription_items"][0]["quantity"], 3);
    assert_eq!(sub["has_scheduled_changes"], false);
    let page = call(
        &client,
        "invoice.list",
        None,
        json!({"subscription_id": {"is": "sub"}, "date": {"on": april}}),
    )
    .await;
    assert_eq!(page["list"][0]["invoice"]["total"], 14_700, "3 × 49.00");
    let recorded = events(&client).await;
    assert_eq!(
        recorded[recorded.len() - 5..],
        [
            ("subscription_changes_scheduled".to_string(), start),
            // 7 April 2026, 12:00: 3 days before the renewal.
            ("subscription_renewal_reminder".to_string(), 1_775_563_200),
            ("subscription_changed".to_string(), april),
            ("subscription_renewed".to_string(), april),
            ("invoice_generated".to_string(), april),
        ]
    );

    // At once, prorated: refused, since the renewal's invoice is due, not paid, and so has
    // nothing to credit; without proration the items change alone.
    let two = json!({"subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 2}]});
    let (status, code, _) =
        refusal(&client, "subscription.update_for_items", "sub", two.clone()).await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));
    let mut now = two.clone();
    now["prorate"] = json!(false);
    let changed = call(&client, "subscription.update_for_items", Some("sub"), now).await;
    assert_eq!(
        changed["subscription"]["subscription_items"][0]["quantity"],
        2
    );
    assert_eq!(changed["subscription"]["mrr"], 9_800);
    assert!(changed.get("invoice").is_none());

    // A scheduled change removed leaves the items as they are at the term end.
    let mut later = two;
    later["subscription_items"][0]["quantity"] = json!(5);
    later["end_of_term"] = json!(true);
    call(&client, "subscription.update_for_items", Some("sub"), later).await;
    let removed = call(
        &client,
        "subscription.remove_scheduled_changes",
        Some("sub"),
        json!({}),
    )
    .await;
    assert_eq!(removed["subscription"]["has_scheduled_changes"], false);
    let (status, code, _) = refusal(
        &client,
        "subscription.retrieve_with_scheduled_changes",
        "sub",
        json!({}),
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "invalid_state_for_request"));
    emulator.clock().set(1_778_414_400).unwrap(); // 2026-05-10T12:00:00Z
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["subscription_items"][0]["quantity"], 2);
}

/// A switch to a yearly price at the term end bills yearly from then: the next term ends a
/// year after the change.
#[tokio::test]
async fn a_switch_to_yearly_at_the_term_end() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-yearly"}],
               "replace_items_list": true, "end_of_term": true}),
    )
    .await;
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    emulator.clock().set(april).unwrap();
    let sub = subscription(&client, "sub").await;
    assert_eq!(sub["billing_period_unit"], "year");
    assert_eq!(sub["current_term_start"], april);
    assert_eq!(sub["current_term_end"], 1_807_358_400); // 2027-04-10T12:00:00Z
    assert_eq!(
        sub["subscription_items"][0]["item_price_id"],
        "pro-usd-yearly"
    );
}

/// Charges a reactivation asks to leave unbilled would be lost, since the emulator keeps a
/// reactivation's charges unbilled nowhere: such a call is refused by name and changes
/// nothing.
#[tokio::test]
async fn charges_left_unbilled_are_refused_by_name() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({}),
    )
    .await;
    let (status, code, _) = refusal(
        &client,
        "subscription.reactivate",
        "sub",
        json!({"invoice_immediately": false}),
    )
    .await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));
    assert_eq!(subscription(&client, "sub").await["status"], "cancelled");
}

/// Every event about subscription `id`, in order: (type, occurred_at, source).
async fn events_of(client: &Client, id: &str) -> Vec<(String, i64, String)> {
    let page = call(client, "event.list", None, json!({"limit": 100})).await;
    let mut rows: Vec<(String, i64, String)> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["event"])
        .filter(|event| event["content"]["subscription"]["id"] == id)
        .map(|event| {
            (
                event["event_type"].as_str().unwrap().to_string(),
                event["occurred_at"].as_i64().unwrap(),
                event["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.reverse();
    rows
}

/// A renewal reminder comes once, 3 days ahead, and only for a renewal that will happen: a
/// term end moved to 2 days away gets none (it would be back-dated), a term that ends in a
/// pause gets none. Reminders come from the scheduler (`source: scheduled_job`).
#[tokio::test]
async fn reminders_come_once_and_only_ahead_of_what_happens() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "resting", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    call(
        &client,
        "subscription.pause",
        Some("resting"),
        json!({"pause_option": "end_of_term"}),
    )
    .await;
    let march_12 = 1_773_316_800; // 2026-03-12T12:00:00Z
    call(
        &client,
        "subscription.change_term_end",
        Some("sub"),
        json!({"term_ends_at": march_12, "prorate": false}),
    )
    .await;
    let april_10 = 1_775_822_400; // 2026-04-10T12:00:00Z
    let april_12 = 1_775_995_200; // 2026-04-12T12:00:00Z
    let may_12 = 1_778_587_200; // 2026-05-12T12:00:00Z
    emulator.clock().set(may_12 - 1).unwrap();

    let api = |kind: &str| (kind.to_string(), start, "api".to_string());
    let job = |kind: &str, at: i64| (kind.to_string(), at, "scheduled_job".to_string());
    assert_eq!(
        events_of(&client, "sub").await,
        [
            // Chargebee documents no event for a moved term end.
            api("subscription_created"),
            job("subscription_renewed", march_12),
            // 9 April 12:00 and 9 May 12:00: 3 days before 12 April and 12 May.
            job("subscription_renewal_reminder", 1_775_736_000),
            job("subscription_renewed", april_12),
            job("subscription_renewal_reminder", 1_778_328_000),
        ]
    );
    assert_eq!(
        events_of(&client, "resting").await,
        [
            api("subscription_created"),
            api("subscription_pause_scheduled"),
            job("subscription_paused", april_10),
        ]
    );
}

/// `update_for_items` with a `trial_end`: a later time moves the trial's end (and its
/// reminder); `0` ends the trial now, activating the subscription with its first invoice for
/// the items as changed; a time before now is refused by name, as is a new trial end for an
/// active subscription.
#[tokio::test]
async fn a_trial_moved_then_ended_now() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (emulator, client) = emulator_at(start).await;
    let march_24 = 1_774_353_600; // 2026-03-24T12:00:00Z
    let march_31 = 1_774_958_400; // 2026-03-31T12:00:00Z
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "trial_end": march_24,
               "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let moved = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        json!({"trial_end": march_31}),
    )
    .await;
    assert_eq!(moved["subscription"]["status"], "in_trial");
    assert_eq!(moved["subscription"]["trial_end"], march_31);

    let march_20 = 1_774_008_000; // 2026-03-20T12:00:00Z
    emulator.clock().set(march_20).unwrap();
    let backdated = client
        .call(
            "subscription.update_for_items",
            Some("sub"),
            json!({"trial_end": march_20 - 1}),
        )
        .await
        .unwrap_err();
    assert!(backdated.to_string().contains("backdating"), "{backdated}");

    let ended = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        json!({"trial_end": 0,
               "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 2}]}),
    )
    .await;
    let sub = &ended["subscription"];
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["trial_end"], march_20);
    assert_eq!(sub["activated_at"], march_20);
    assert_eq!(sub["current_term_start"], march_20);
    assert_eq!(
        sub["current_term_end"], 1_776_686_400,
        "2026-04-20T12:00:00Z"
    );
    assert_eq!(ended["invoice"]["total"], 9_800, "2 × 49.00");
    assert_eq!(ended["invoice"]["first_invoice"], true);
    assert_eq!(
        invoices(&client, "sub").await,
        [(march_20, march_20, 1_776_686_400, true)]
    );

    let refused = refusal(
        &client,
        "subscription.update_for_items",
        "sub",
        json!({"trial_end": march_31}),
    )
    .await;
    assert_eq!(refused, (409, "invalid_state_for_request".into(), None));
    // The first trial-end reminder was due 18 March, before the move to 31 March; the moved
    // end's, 25 March, comes after the trial ended now: neither is raised.
    let kinds: Vec<String> = events_of(&client, "sub")
        .await
        .into_iter()
        .map(|(kind, _, _)| kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "subscription_created",
            "subscription_changed",
            "subscription_changed",
            "subscription_activated",
        ]
    );
}

/// A transition's option the emulator does not carry out is refused by name, and changes
/// nothing; the one value that says what the emulator does is taken.
#[tokio::test]
async fn transition_options_not_modeled_are_refused_by_name() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = emulator_at(start).await;
    monthly(&client).await;
    let (status, code, _) = refusal(
        &client,
        "subscription.cancel_for_items",
        "sub",
        json!({"credit_option_for_current_term_charges": "prorate"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));
    let (status, _, _) = refusal(
        &client,
        "subscription.pause",
        "sub",
        json!({"pause_option": "immediately", "invoice_dunning_handling": "stop"}),
    )
    .await;
    assert_eq!(status, 501);
    assert_eq!(subscription(&client, "sub").await["status"], "active");
    let cancelled = call(
        &client,
        "subscription.cancel_for_items",
        Some("sub"),
        json!({"credit_option_for_current_term_charges": "none",
               "cancel_reason_code": "Too expensive"}),
    )
    .await;
    assert_eq!(cancelled["subscription"]["status"], "cancelled");
}
