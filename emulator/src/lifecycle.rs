//! A subscription's life over time, as Chargebee documents it: a `future` subscription starts
//! on its `start_date` (into its trial when it has a `trial_end`), a trial ends in activation,
//! an active subscription renews at each term end, counting down `remaining_billing_cycles`
//! and turning `non_renewing` when none remain, and a `non_renewing` one is cancelled at its
//! `cancelled_at`. Each step raises its invoice and events at the time it falls due, not when
//! it is noticed: moving the clock a year runs every renewal of that year in order.

use crate::billing;
use crate::calendar::{self, Unit};
use crate::crud;
use crate::events;
use crate::schedule::Anchor;
use crate::store::Store;
use serde_json::{json, Map, Value};

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

fn int(object: &Map<String, Value>, key: &str) -> Option<i64> {
    object.get(key).and_then(Value::as_i64)
}

/// When `subscription`'s next action falls due, if it has one.
fn next_action(subscription: &Map<String, Value>) -> Option<i64> {
    match text(subscription, "status")? {
        "future" => int(subscription, "start_date"),
        "in_trial" => int(subscription, "trial_end"),
        "active" => int(subscription, "current_term_end"),
        "non_renewing" => int(subscription, "cancelled_at"),
        _ => None,
    }
}

/// Stores `subscription` and schedules its next action.
pub fn save(store: &mut Store, subscription: &Map<String, Value>) {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    store.put("subscription", &id, subscription);
    if let Some(at) = next_action(subscription) {
        store.schedule.plan(&id, at);
    }
}

/// The billing period of `subscription`: its length in units, and the unit.
fn period(subscription: &Map<String, Value>) -> (i64, Unit) {
    let length = int(subscription, "billing_period").unwrap_or(1);
    let unit = text(subscription, "billing_period_unit")
        .and_then(Unit::parse)
        .unwrap_or(Unit::Month);
    (length, unit)
}

/// Starts `subscription`'s first term at `at`: it becomes `active`, its terms count from
/// `at`, and one of its billing cycles is used (when it has a number of them).
pub fn activate(store: &mut Store, subscription: &mut Map<String, Value>, at: i64) {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    store.schedule.set_anchor(&id, Anchor { at, terms: 0 });
    subscription.insert("status".into(), json!("active"));
    subscription.insert("activated_at".into(), json!(at));
    subscription
        .entry("started_at")
        .or_insert_with(|| json!(at));
    start_term(store, subscription, at);
}

/// Sets the term that starts at `at` (the anchor's next), and counts down a billing cycle:
/// with none left after this term, the subscription is `non_renewing` and cancels at its end.
fn start_term(store: &Store, subscription: &mut Map<String, Value>, at: i64) {
    let id = text(subscription, "id").unwrap_or_default();
    let anchor = store.schedule.anchor(id).unwrap_or(Anchor { at, terms: 0 });
    let (length, unit) = period(subscription);
    let end = calendar::term_end(anchor.at, anchor.terms + 1, length, unit);
    subscription.insert("current_term_start".into(), json!(at));
    subscription.insert("current_term_end".into(), json!(end));
    subscription.insert("next_billing_at".into(), json!(end));
    if let Some(remaining) = int(subscription, "remaining_billing_cycles") {
        let remaining = (remaining - 1).max(0);
        subscription.insert("remaining_billing_cycles".into(), json!(remaining));
        if remaining == 0 {
            subscription.insert("status".into(), json!("non_renewing"));
            subscription.insert("cancelled_at".into(), json!(end));
            subscription.remove("next_billing_at");
        }
    }
}

/// Stamps a change made at `at`.
fn touch(subscription: &mut Map<String, Value>, at: i64) {
    subscription.insert("updated_at".into(), json!(at));
    subscription.insert("resource_version".into(), json!(at * 1000));
}

/// Runs every action due at or before `now`, in time order, each at its own time; returns
/// the events they raised, to be delivered.
pub fn catch_up(store: &mut Store, now: i64, delivered: bool) -> Vec<Value> {
    let mut raised = Vec::new();
    while let Some((at, id)) = store.schedule.next_due(now) {
        let Some(subscription) = crud::live(store, "subscription", &id) else {
            store.schedule.forget(&id);
            continue;
        };
        // A hint that no longer matches the subscription was superseded by a later change.
        if next_action(&subscription) != Some(at) {
            continue;
        }
        raised.extend(act(store, subscription, at, delivered));
    }
    raised
}

/// Carries out `subscription`'s action due at `at`.
fn act(
    store: &mut Store,
    mut subscription: Map<String, Value>,
    at: i64,
    delivered: bool,
) -> Vec<Value> {
    let customer_id = text(&subscription, "customer_id").unwrap_or_default();
    let Some(customer) = crud::live(store, "customer", customer_id) else {
        return Vec::new();
    };
    let status = text(&subscription, "status")
        .unwrap_or_default()
        .to_string();
    let mut invoice = None;
    let kind = match status.as_str() {
        "future" => {
            match int(&subscription, "trial_end").filter(|end| *end > at) {
                Some(_) => {
                    subscription.insert("status".into(), json!("in_trial"));
                    subscription.insert("trial_start".into(), json!(at));
                    subscription.insert("started_at".into(), json!(at));
                }
                None => {
                    activate(store, &mut subscription, at);
                    invoice = Some(billing::raise_invoice(
                        store,
                        &subscription,
                        &customer,
                        at,
                        true,
                    ));
                }
            }
            "subscription_started"
        }
        "in_trial" => {
            activate(store, &mut subscription, at);
            invoice = Some(billing::raise_invoice(
                store,
                &subscription,
                &customer,
                at,
                true,
            ));
            "subscription_activated"
        }
        "active" => {
            let id = text(&subscription, "id").unwrap_or_default().to_string();
            if let Some(mut anchor) = store.schedule.anchor(&id) {
                anchor.terms += 1;
                store.schedule.set_anchor(&id, anchor);
            }
            start_term(store, &mut subscription, at);
            invoice = Some(billing::raise_invoice(
                store,
                &subscription,
                &customer,
                at,
                false,
            ));
            "subscription_renewed"
        }
        "non_renewing" => {
            subscription.insert("status".into(), json!("cancelled"));
            subscription.remove("next_billing_at");
            "subscription_cancelled"
        }
        _ => return Vec::new(),
    };
    touch(&mut subscription, at);
    save(store, &subscription);
    let mut content = Map::new();
    content.insert("subscription".into(), Value::Object(subscription));
    content.insert("customer".into(), Value::Object(customer));
    if let Some(invoice) = &invoice {
        content.insert("invoice".into(), Value::Object(invoice.clone()));
    }
    let mut raised = vec![events::put_event(
        store,
        kind.to_string(),
        content,
        at,
        delivered,
    )];
    if let Some(invoice) = invoice {
        let mut content = Map::new();
        content.insert("invoice".into(), Value::Object(invoice));
        raised.push(events::put_event(
            store,
            "invoice_generated".into(),
            content,
            at,
            delivered,
        ));
    }
    raised
}
