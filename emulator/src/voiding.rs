//! Taking an invoice back, as Chargebee documents it: voiding keeps it as `voided`
//! (`invoice.void_invoice`, only a `payment_due`, `posted` or `not_paid` invoice); deleting
//! keeps it only as `deleted: true`, listed with `include_deleted` (`invoice.delete`). Either
//! is refused while the invoice holds money: a successful payment, an adjustment or a
//! refundable credit note. The subscription no longer owes what the invoice asked, and its
//! dunning stops.
//!
//! The amounts of a voided invoice stay as they were: Chargebee documents only its status.
//! The site setting that issues a credit note for a voided invoice is off, as it is by
//! default.

use crate::crud;
use crate::dunning;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text, touch};
use crate::invoices;
use crate::lifecycle;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 2] = ["invoice.void_invoice", "invoice.delete"];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Voids or deletes invoice `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let voiding = op.name == "void_invoice";
    let taken: &[&str] = if voiding { &["void_reason_code"] } else { &[] };
    only_taken(&op.id, &params.values, taken, false, None)?;
    let mut invoice = crud::find(store, "invoice", id)?;
    let status = text(&invoice, "status").unwrap_or_default().to_string();
    if voiding && !["payment_due", "posted", "not_paid"].contains(&status.as_str()) {
        return Err(Failure::invalid_state(format!(
            "invoice {id} is {status}: only a payment_due, posted or not_paid invoice can be \
             voided"
        )));
    }
    let action = if voiding { "voided" } else { "deleted" };
    if let Some(holding) = money_held(&invoice) {
        return Err(Failure::invalid_state(format!(
            "invoice {id} cannot be {action}: it has {holding}; remove it first"
        )));
    }
    // What the invoice asked is no longer owed.
    if matches!(status.as_str(), "payment_due" | "not_paid") {
        let subscription_id = text(&invoice, "subscription_id").unwrap_or_default();
        if let Some(mut subscription) = crud::live(store, "subscription", subscription_id) {
            let due = int(&invoice, "amount_due").unwrap_or(0);
            invoices::settle(&mut subscription, due, true);
            touch(&mut subscription, now);
            lifecycle::save(store, &subscription);
        }
    }
    dunning::stop(&mut invoice);
    if voiding {
        invoice.insert("status".into(), json!("voided"));
        invoice.insert("voided_at".into(), json!(now));
        if let Some(code) = params.values.get("void_reason_code") {
            invoice.insert("void_reason_code".into(), code.clone());
        }
    } else {
        invoice.insert("deleted".into(), json!(true));
    }
    touch(&mut invoice, now);
    store.put("invoice", id, &invoice);
    Ok(json!({ "invoice": invoice }))
}

/// What money `invoice` holds that keeps it from being voided or deleted, if any.
fn money_held(invoice: &Map<String, Value>) -> Option<&'static str> {
    let entries = |key: &str| {
        invoice
            .get(key)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let status_in = |key: &str, field: &str, statuses: &[&str]| {
        entries(key)
            .iter()
            .any(|entry| statuses.iter().any(|s| entry[field] == *s))
    };
    if status_in("linked_payments", "txn_status", &["success", "in_progress"]) {
        Some("a successful payment")
    } else if int(invoice, "amount_adjusted").unwrap_or(0) != 0
        || status_in("adjustment_credit_notes", "cn_status", &["adjusted"])
    {
        Some("an adjustment credit note")
    } else if status_in(
        "issued_credit_notes",
        "cn_status",
        &["refund_due", "refunded"],
    ) {
        Some("a refundable credit note")
    } else {
        None
    }
}
