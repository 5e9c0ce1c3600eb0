//! Dunning: an invoice whose automatic charge failed is charged again to the customer's
//! primary card after each of the site's retry delays ([`Dunning`]), on the emulator's
//! clock. A retry that succeeds pays the invoice; when the retries run out, the invoice is
//! `not_paid` and, when the site says so, its subscription is cancelled with
//! `cancel_reason: not_paid`. The invoice shows where it stands: `dunning_status`
//! (`in_progress`, `success`, `exhausted`, or `stopped` when paid another way),
//! `next_retry_at`, and each attempt in `dunning_attempts`.
//!
//! [`Dunning`]: crate::Dunning

use crate::fields::{int, text, touch};
use crate::gateway::{self, Charged};
use crate::invoices;
use crate::store::Store;
use serde_json::{json, Map, Value};

const DAY: i64 = 86_400;

/// The dunning fields of an invoice whose charge at `now` (`charged`, the attempt 0) failed:
/// the first retry is due after the site's first delay.
pub fn start(
    store: &mut Store,
    invoice_id: &str,
    charged: &Charged,
    amount: i64,
    now: i64,
) -> Map<String, Value> {
    let delay = store.dunning.retry_after_days.first().copied().unwrap_or(0);
    let next = now + i64::from(delay) * DAY;
    store.schedule.plan_invoice(invoice_id, next);
    let mut fields = Map::new();
    fields.insert("dunning_status".into(), json!("in_progress"));
    fields.insert("next_retry_at".into(), json!(next));
    fields.insert(
        "dunning_attempts".into(),
        json!([attempt(0, Some(charged), amount, now)]),
    );
    fields
}

/// One entry of `dunning_attempts`.
fn attempt(number: usize, charged: Option<&Charged>, amount: i64, at: i64) -> Value {
    let mut entry = json!({
        "attempt": number,
        "dunning_type": "auto_collect",
        "created_at": at,
        "txn_status": if charged.is_some_and(|c| c.succeeded) { "success" } else { "failure" },
        "txn_amount": amount,
    });
    if let Some(charged) = charged {
        entry["transaction_id"] = json!(charged.transaction_id);
    }
    entry
}

/// What a retry did, for the events it raises.
pub struct Retried {
    /// The charge, when the customer had a card to charge.
    pub charged: Option<Charged>,
    /// Whether the retries ran out and the subscription was cancelled.
    pub cancelled: bool,
}

/// Retries invoice `invoice`'s charge at `at`, when its next retry is due then; changes
/// `subscription` (its dues, and its cancellation when the retries run out) for the caller
/// to save. `None` when no retry was due (a stale hint).
pub fn retry(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    subscription: Option<&mut Map<String, Value>>,
    at: i64,
) -> Option<Retried> {
    let due = text(invoice, "status") == Some("payment_due")
        && text(invoice, "dunning_status") == Some("in_progress")
        && int(invoice, "next_retry_at") == Some(at);
    if !due {
        return None;
    }
    let mut attempts = invoice
        .get("dunning_attempts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let number = attempts.len();
    let delays = store.dunning.retry_after_days.clone();
    let amount = int(invoice, "amount_due").unwrap_or(0);
    let id = text(invoice, "id").unwrap_or_default().to_string();
    // Attempt `number` is a retry only while the site has that many; past them, none is made.
    let charged = if number <= delays.len() {
        let customer_id = text(invoice, "customer_id").unwrap_or_default();
        let card = crate::crud::live(store, "customer", customer_id)
            .and_then(|customer| gateway::card_of(store, &customer));
        card.map(|card| {
            let null = Value::Null;
            let bill = gateway::Bill {
                invoice_id: &id,
                customer_id: invoice.get("customer_id").unwrap_or(&null),
                subscription_id: invoice.get("subscription_id").unwrap_or(&null),
                currency_code: invoice.get("currency_code"),
                amount,
                date: int(invoice, "date").unwrap_or(at),
                total: int(invoice, "total").unwrap_or(amount),
                due: amount,
                status: "payment_due",
            };
            gateway::charge(store, &card, &bill, at)
        })
    } else {
        None
    };
    if number <= delays.len() {
        attempts.push(attempt(number, charged.as_ref(), amount, at));
    }
    invoice.insert("dunning_attempts".into(), Value::Array(attempts));
    if let Some(charged) = &charged {
        let payment = invoices::LinkedPayment {
            transaction_id: &charged.transaction_id,
            succeeded: charged.succeeded,
            applied: if charged.succeeded { amount } else { 0 },
            amount,
            date: at,
        };
        payment.link(invoice, at);
    }
    let succeeded = charged.as_ref().is_some_and(|c| c.succeeded);
    let mut cancelled = false;
    if succeeded {
        let paid = int(invoice, "amount_paid").unwrap_or(0) + amount;
        invoice.insert("amount_paid".into(), json!(paid));
        invoice.insert("amount_due".into(), json!(0));
        invoice.insert("status".into(), json!("paid"));
        invoice.insert("paid_at".into(), json!(at));
        invoice.insert("dunning_status".into(), json!("success"));
        invoice.remove("next_retry_at");
        if let Some(subscription) = subscription {
            invoices::settle(subscription, amount, true);
            touch(subscription, at);
        }
    } else if let Some(delay) = delays.get(number) {
        let next = at + i64::from(*delay) * DAY;
        invoice.insert("next_retry_at".into(), json!(next));
        store.schedule.plan_invoice(&id, next);
    } else {
        invoice.insert("status".into(), json!("not_paid"));
        invoice.insert("dunning_status".into(), json!("exhausted"));
        invoice.remove("next_retry_at");
        let cancel = store.dunning.cancel_subscription;
        if let (true, Some(subscription)) = (cancel, subscription) {
            let live = matches!(
                text(subscription, "status"),
                Some("active" | "non_renewing" | "paused")
            );
            if live {
                subscription.insert("status".into(), json!("cancelled"));
                subscription.insert("cancelled_at".into(), json!(at));
                subscription.insert("cancel_reason".into(), json!("not_paid"));
                for gone in ["next_billing_at", "pause_date", "resume_date"] {
                    subscription.remove(gone);
                }
                touch(subscription, at);
                cancelled = true;
            }
        }
    }
    touch(invoice, at);
    store.put("invoice", &id, invoice);
    Some(Retried { charged, cancelled })
}

/// Ends `invoice`'s dunning because it was paid another way (a recorded payment).
pub fn stop(invoice: &mut Map<String, Value>) {
    if text(invoice, "dunning_status") == Some("in_progress") {
        invoice.insert("dunning_status".into(), json!("stopped"));
        invoice.remove("next_retry_at");
    }
}
