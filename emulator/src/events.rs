//! Events: what changed, recorded as Chargebee records it (`event.list`, `event.retrieve`),
//! and POSTed in order to a configured webhook URL with HTTP Basic, as Chargebee delivers them.

use crate::crud;
use crate::store::Store;
use crate::webhooks::Delivery;
use chargebee_description::{Api, Operation};
use serde_json::{Map, Value};

/// The event type of an operation the store serves: `{resource}_created`, `_updated` (or
/// `_changed`) and `_deleted`, where Chargebee has such an event.
fn kept_event(api: &Api, op: &Operation) -> Option<String> {
    let resource = op.resource.as_str();
    let endings: &[&str] = match crud::verb(op)? {
        crud::Verb::Create => &["created"],
        crud::Verb::Update => &["updated", "changed"],
        crud::Verb::Delete => &["deleted"],
        crud::Verb::Retrieve | crud::Verb::List => return None,
    };
    let known = api.enums.get(EVENT_TYPES)?;
    endings
        .iter()
        .map(|ending| format!("{resource}_{ending}"))
        .find(|kind| known.contains(kind))
}

/// The enum of Chargebee's event types in the description.
const EVENT_TYPES: &str = "enums.EventType";

/// The events a successful call of `op` with answer `answer` raises: type and content keys.
fn raised(api: &Api, op: &Operation, answer: &Value) -> Vec<(String, Vec<String>)> {
    let one = |kind: &str, keys: &[&str]| {
        vec![(
            kind.to_string(),
            keys.iter().map(|k| k.to_string()).collect(),
        )]
    };
    // The content is the answer: the object, and the objects it names as stored.
    if let Some(kind) = kept_event(api, op) {
        let keys = answer.as_object().map(|a| a.keys().cloned().collect());
        return vec![(kind, keys.unwrap_or_default())];
    }
    match op.id.as_str() {
        "payment_source.create_card" => {
            one("payment_source_added", &["customer", "payment_source"])
        }
        "payment_source.delete" | "payment_source.delete_local" => {
            one("payment_source_deleted", &["customer", "payment_source"])
        }
        "invoice.collect_payment" => one(
            "payment_succeeded",
            &["transaction", "invoice", "customer", "subscription"],
        ),
        "credit_note.create" | "invoice.write_off" => {
            let mut events = one("credit_note_created", &["credit_note"]);
            events.extend(one("invoice_updated", &["invoice"]));
            events
        }
        "invoice.refund" | "invoice.record_refund" => {
            let mut events = one("credit_note_created", &["credit_note"]);
            events.extend(one(
                "payment_refunded",
                &["transaction", "invoice", "credit_note", "customer"],
            ));
            events
        }
        "credit_note.refund" | "credit_note.record_refund" => {
            let mut events = one("credit_note_updated", &["credit_note"]);
            events.extend(one(
                "payment_refunded",
                &["transaction", "credit_note", "customer"],
            ));
            events
        }
        "credit_note.void_credit_note" => {
            let mut events = one("credit_note_updated", &["credit_note"]);
            events.extend(one("invoice_updated", &["invoice"]));
            events
        }
        "credit_note.delete" => {
            let mut events = one("credit_note_deleted", &["credit_note"]);
            events.extend(one("invoice_updated", &["invoice"]));
            events
        }
        "promotional_credit.add"
        | "promotional_credit.deduct"
        | "promotional_credit.set"
        | "customer.add_promotional_credits"
        | "customer.deduct_promotional_credits"
        | "customer.set_promotional_credits" => {
            // The change's entry says whether it added or deducted.
            let kind = match &answer["promotional_credit"]["type"] {
                Value::String(kind) if kind == "decrement" => "promotional_credits_deducted",
                _ => "promotional_credits_added",
            };
            one(kind, &["customer", "promotional_credit"])
        }
        "invoice.apply_credits" | "invoice.apply_payments" => one("invoice_updated", &["invoice"]),
        "invoice.void_invoice" | "invoice.remove_payment" => one("invoice_updated", &["invoice"]),
        "invoice.remove_credit_note" => {
            let mut events = one("invoice_updated", &["invoice"]);
            events.extend(one("credit_note_updated", &["credit_note"]));
            events
        }
        "invoice.delete" => one("invoice_deleted", &["invoice"]),
        "invoice.record_payment" => {
            let mut events = one("transaction_created", &["transaction"]);
            events.extend(one("invoice_updated", &["invoice"]));
            events
        }
        "subscription.create_with_items" => {
            let mut events = one(
                "subscription_created",
                &["subscription", "customer", "invoice"],
            );
            if answer.get("invoice").is_some() {
                events.extend(one("invoice_generated", &["invoice"]));
            }
            events
        }
        "subscription.change_term_end" => match answer.get("invoice") {
            // A prorated move of the term end raises the invoice of its charges.
            Some(_) => one("invoice_generated", &["invoice"]),
            None => Vec::new(),
        },
        id if id.starts_with("subscription.") => {
            let status = answer["subscription"]["status"]
                .as_str()
                .unwrap_or_default();
            let kind = match (op.name.as_str(), status) {
                ("cancel" | "cancel_for_items", "cancelled") => "subscription_cancelled",
                ("cancel" | "cancel_for_items", _) => "subscription_cancellation_scheduled",
                ("remove_scheduled_cancellation", _) => {
                    "subscription_scheduled_cancellation_removed"
                }
                ("pause", "paused") => "subscription_paused",
                ("pause", _) => "subscription_pause_scheduled",
                ("resume", "paused") => "subscription_resumption_scheduled",
                ("resume", _) => "subscription_resumed",
                ("remove_scheduled_pause", _) => "subscription_scheduled_pause_removed",
                ("remove_scheduled_resumption", _) => "subscription_scheduled_resumption_removed",
                ("reactivate", _) => "subscription_reactivated",
                ("update_for_items", _) => match answer["subscription"]["has_scheduled_changes"] {
                    Value::Bool(true) => "subscription_changes_scheduled",
                    _ => "subscription_changed",
                },
                ("remove_scheduled_changes", _) => "subscription_scheduled_changes_removed",
                _ => return Vec::new(),
            };
            let mut events = one(kind, &["subscription", "customer", "invoice"]);
            // A change that raised a subscription's first invoice ended its trial now.
            let first = answer["invoice"]["first_invoice"] == Value::Bool(true);
            if op.name == "update_for_items" && first {
                events.extend(one(
                    "subscription_activated",
                    &["subscription", "customer", "invoice"],
                ));
            }
            if answer.get("invoice").is_some() {
                events.extend(one("invoice_generated", &["invoice"]));
            }
            events
        }
        _ => Vec::new(),
    }
}

/// Records `{resource}_deleted` (where Chargebee has that event) for an object a delete
/// removed with the one it was called for; returns it when it is to be delivered.
pub fn record_removed(
    api: &Api,
    store: &mut Store,
    removed: &crud::Removed,
    now: i64,
    delivered: bool,
) -> Option<Delivery> {
    let kind = format!("{}_deleted", removed.resource);
    if !api.enums.get(EVENT_TYPES)?.contains(&kind) {
        return None;
    }
    let mut content = Map::new();
    content.insert(
        removed.resource.to_string(),
        Value::Object(removed.object.clone()),
    );
    put_event(store, kind, content, now, delivered)
}

/// Stores an event of type `kind` that occurred at `now`; returns its delivery when it is
/// to be `delivered`.
pub fn put_event(
    store: &mut Store,
    kind: String,
    content: Map<String, Value>,
    now: i64,
    delivered: bool,
) -> Option<Delivery> {
    let parts: Vec<(String, Box<str>)> = content
        .iter()
        .map(|(key, value)| (key.clone(), crate::store::text(value)))
        .collect();
    let parts: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (k.as_str(), &**v)).collect();
    put_event_text(store, &kind, &parts, now, Source::Api, delivered)
}

/// What caused an event (its `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A call of the API.
    Api,
    /// Time passing: a renewal, a trial's end, a reminder, anything the clock runs.
    ScheduledJob,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::ScheduledJob => "scheduled_job",
        }
    }
}

/// Stores an event of type `kind` that occurred at `now`, its content given as keys and the
/// JSON text of each value (objects as the store keeps them, copied rather than serialized
/// again); returns its first delivery when it is to be `delivered`. Keys are written in the
/// order a serialized object has them.
pub fn put_event_text(
    store: &mut Store,
    kind: &str,
    content: &[(&str, &str)],
    now: i64,
    source: Source,
    delivered: bool,
) -> Option<Delivery> {
    let id = store.new_id("event");
    let quoted = |text: &str| serde_json::to_string(text).expect("text serializes");
    let status = if delivered {
        "scheduled"
    } else {
        "not_configured"
    };
    // The text is written into one allocation of its exact size: events are the most
    // numerous objects, and shrinking a larger buffer would copy each.
    let tail = format!(
        r#"}},"event_type":{},"id":{},"object":"event","occurred_at":{now},"source":"{}","webhook_status":"{status}"}}"#,
        quoted(kind),
        quoted(&id),
        source.name(),
    );
    const HEAD: &str = r#"{"api_version":"v2","content":{"#;
    let keys: Vec<String> = content.iter().map(|(key, _)| quoted(key)).collect();
    let size = HEAD.len()
        + content.len().saturating_sub(1)
        + keys.iter().map(String::len).sum::<usize>()
        + content
            .iter()
            .map(|(_, value)| value.len() + 1)
            .sum::<usize>()
        + tail.len();
    let mut text = String::with_capacity(size);
    text.push_str(HEAD);
    for (i, (key, (_, value))) in keys.iter().zip(content).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(key);
        text.push(':');
        text.push_str(value);
    }
    text.push_str(&tail);
    debug_assert_eq!(text.len(), size, "the size is exact");
    let delivery = delivered.then(|| Delivery {
        event_id: id.clone(),
        text: text.clone(),
        attempt: 1,
    });
    store.put_text("event", &id, text.into_boxed_str(), None);
    delivery
}

/// Records the events a call raised; returns those to be delivered.
pub fn record(
    api: &Api,
    store: &mut Store,
    op: &Operation,
    answer: &Value,
    now: i64,
    delivered: bool,
) -> Vec<Delivery> {
    let mut out = Vec::new();
    // A change of promotional credits made on the customer answers the customer alone; the
    // change's entry is the latest one kept.
    let with_entry;
    let answer = match answer["customer"]["id"].as_str() {
        Some(customer) if op.resource == "customer" && op.name.ends_with("promotional_credits") => {
            with_entry = {
                let mut answer = answer.clone();
                if let Some(entry) = crate::promotions::latest(store, customer) {
                    answer["promotional_credit"] = Value::Object(entry);
                }
                answer
            };
            &with_entry
        }
        _ => answer,
    };
    let kinds = raised(api, op, answer);
    let raised_invoice = kinds.iter().any(|(kind, _)| kind == "invoice_generated");
    for (kind, keys) in kinds {
        let mut content = Map::new();
        for key in keys {
            if let Some(value) = answer
                .get(&key)
                .cloned()
                .or_else(|| named(store, answer, &key))
            {
                content.insert(key, value);
            }
        }
        out.extend(put_event(store, kind, content, now, delivered));
    }
    // Invoices this call raised together (unbilled charges invoiced now).
    let raised_together = answer.get("invoices").and_then(Value::as_array);
    for invoice in raised_together.into_iter().flatten() {
        let mut content = Map::new();
        content.insert("invoice".into(), invoice.clone());
        out.extend(put_event(
            store,
            "invoice_generated".into(),
            content,
            now,
            delivered,
        ));
    }
    // Credit notes this call issued (a prorated change's credits).
    let notes = answer.get("credit_notes").and_then(Value::as_array);
    for note in notes.into_iter().flatten() {
        let mut content = Map::new();
        content.insert("credit_note".into(), note.clone());
        out.extend(put_event(
            store,
            "credit_note_created".into(),
            content,
            now,
            delivered,
        ));
    }
    // An invoice this call raised and charged: the charge's event follows. The charge is
    // the transaction made for this invoice, after any earlier payments it took.
    let payments = answer["invoice"]["linked_payments"].as_array();
    let charge = payments
        .and_then(|p| p.last())
        .and_then(|p| p["txn_id"].as_str());
    if let (true, Some(transaction_id)) = (raised_invoice, charge) {
        let transaction = store
            .get("transaction", transaction_id)
            .filter(|t| t["linked_invoices"][0]["invoice_id"] == answer["invoice"]["id"])
            .and_then(|_| store.text_of("transaction", transaction_id))
            .map(str::to_string);
        if let Some(transaction) = transaction {
            let texts: Vec<(&str, Box<str>)> = ["customer", "invoice", "subscription"]
                .into_iter()
                .filter_map(|key| Some((key, crate::store::text(answer.get(key)?))))
                .collect();
            let mut content: Vec<(&str, &str)> = texts.iter().map(|(k, v)| (*k, &**v)).collect();
            content.push(("transaction", transaction.as_str()));
            let succeeded = answer["invoice"]["status"] == "paid";
            out.extend(put_event_text(
                store,
                payment_event(succeeded),
                &content,
                now,
                Source::Api,
                delivered,
            ));
        }
    }
    out
}

/// The live `resource` an object of `answer` names by `{resource}_id` (or
/// `reference_{resource}_id`), as stored: the customer and subscription of an answer that
/// carries only an invoice and a transaction, a credit note's invoice.
fn named(store: &Store, answer: &Value, resource: &str) -> Option<Value> {
    let keys = [format!("{resource}_id"), format!("reference_{resource}_id")];
    let id = answer.as_object()?.values().find_map(|object| {
        keys.iter()
            .find_map(|key| object.get(key.as_str())?.as_str())
    })?;
    crud::live(store, resource, id).map(Value::Object)
}

/// The event of a charge that `succeeded` or failed.
pub fn payment_event(succeeded: bool) -> &'static str {
    if succeeded {
        "payment_succeeded"
    } else {
        "payment_failed"
    }
}
