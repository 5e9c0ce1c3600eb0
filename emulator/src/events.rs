//! Events: what changed, recorded as Chargebee records it (`event.list`, `event.retrieve`),
//! and POSTed in order to a configured webhook URL with HTTP Basic, as Chargebee delivers them.

use crate::store::Store;
use crate::Webhook;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

/// The events a successful call of `op` with answer `answer` raises: type and content keys.
fn raised(op: &Operation, answer: &Value) -> Vec<(String, Vec<&'static str>)> {
    let resource = op.resource.as_str();
    let one = |kind: String, keys: Vec<&'static str>| vec![(kind, keys)];
    let key: Option<&'static str> = match resource {
        "customer" => Some("customer"),
        "item_family" => Some("item_family"),
        "item" => Some("item"),
        "item_price" => Some("item_price"),
        _ => None,
    };
    match (op.id.as_str(), key) {
        (_, Some(key)) => match op.name.as_str() {
            "create" => one(format!("{resource}_created"), vec![key]),
            "update" if resource == "customer" => one("customer_changed".into(), vec![key]),
            "update" => one(format!("{resource}_updated"), vec![key]),
            "delete" => one(format!("{resource}_deleted"), vec![key]),
            _ => Vec::new(),
        },
        ("subscription.create_with_items", None) => {
            let mut events = one(
                "subscription_created".into(),
                vec!["subscription", "customer", "invoice"],
            );
            if answer.get("invoice").is_some() {
                events.push(("invoice_generated".into(), vec!["invoice"]));
            }
            events
        }
        ("subscription.cancel_for_items" | "subscription.cancel", None) => {
            let kind = match answer["subscription"]["status"].as_str() {
                Some("cancelled") => "subscription_cancelled",
                _ => "subscription_cancellation_scheduled",
            };
            one(kind.into(), vec!["subscription", "customer"])
        }
        _ => Vec::new(),
    }
}

/// Records the events a call raised and returns them, to be delivered.
pub fn record(
    store: &mut Store,
    op: &Operation,
    answer: &Value,
    now: i64,
    delivered: bool,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (kind, keys) in raised(op, answer) {
        let mut content = Map::new();
        for key in keys {
            if let Some(value) = answer.get(key) {
                content.insert(key.to_string(), value.clone());
            }
        }
        let id = store.new_id("event");
        let event = json!({
            "id": id,
            "occurred_at": now,
            "source": "api",
            "object": "event",
            "api_version": "v2",
            "event_type": kind,
            "webhook_status": if delivered { "scheduled" } else { "not_configured" },
            "content": content,
        });
        let Value::Object(map) = &event else {
            unreachable!("built as an object")
        };
        store.put("event", &id, map);
        out.push(event);
    }
    out
}

/// Starts the task that POSTs events to `webhook`, one at a time in the order sent.
pub fn deliverer(webhook: Webhook) -> mpsc::UnboundedSender<Value> {
    let (send, mut receive) = mpsc::unbounded_channel::<Value>();
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        while let Some(event) = receive.recv().await {
            // A receiver that fails is the user's code under test; the emulator carries on.
            let _ = http
                .post(&webhook.url)
                .basic_auth(&webhook.username, Some(&webhook.password))
                .json(&event)
                .send()
                .await;
        }
    });
    send
}
