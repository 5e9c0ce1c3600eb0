//! Payments and credits taken back off an invoice, as Chargebee documents them.
//!
//! - `invoice.remove_payment` (`transaction[id]`, a successful payment the invoice lists in
//!   `linked_payments`; refused while the invoice has a `refunded` or `refund_due` note):
//!   what the payment took off the invoice is due again, the payment's `amount_unused` and
//!   the customer's `excess_payments` grow by it.
//! - `invoice.remove_credit_note` (`credit_note[id]`, a refundable note allocated to the
//!   invoice, not voided, on an invoice neither `voided` nor `pending`; at most the invoice's
//!   refundable amount: what it was paid plus the refundable credits allocated to it, less
//!   the refundable notes issued for it): the allocation is due again, the note's
//!   `amount_available` (`refund_due` again) and the customer's `refundable_credits` grow by
//!   it. Taking an adjustment note off is refused by name: what such a note becomes with
//!   nothing allocated is not documented.
//!
//! A `paid` invoice becomes `posted` when its due date is to come, else `not_paid` when it is
//! collected automatically and `payment_due` when it is not; any other status stays.

use crate::credit_notes;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::invoices;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 2] = ["invoice.remove_payment", "invoice.remove_credit_note"];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one removal from invoice `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let values = &params.values;
    match op.name.as_str() {
        "remove_payment" => {
            only_taken(&op.id, values, &["transaction"], false, None)?;
            let named = named_id(&op.id, values, "transaction")?;
            remove_payment(store, id, named, now)
        }
        "remove_credit_note" => {
            only_taken(&op.id, values, &["credit_note"], false, None)?;
            let named = named_id(&op.id, values, "credit_note")?;
            remove_credit_note(op, store, id, named, now)
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// The `{key}[id]` sent to `operation`.
fn named_id<'a>(
    operation: &str,
    values: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a str, Failure> {
    let object = fields::object(values, key);
    only_taken(operation, object, &["id"], false, Some(key))?;
    text(object, "id").ok_or_else(|| Failure::param(&format!("{key}[id]"), "cannot be blank"))
}

/// The status `invoice` takes when part of it is due again at `now`.
fn reopened_status(store: &Store, invoice: &Map<String, Value>, now: i64) -> String {
    let status = text(invoice, "status").unwrap_or_default();
    if status != "paid" {
        return status.to_string();
    }
    if int(invoice, "due_date").is_some_and(|due| due > now) {
        return "posted".to_string();
    }
    let setting = |resource: &str, key: &str| {
        let id = text(invoice, key).unwrap_or_default();
        crud::live(store, resource, id)
            .and_then(|object| text(&object, "auto_collection").map(str::to_string))
    };
    let collection = setting("subscription", "subscription_id")
        .or_else(|| setting("customer", "customer_id"))
        .unwrap_or_else(|| "on".to_string());
    match collection.as_str() {
        "off" => "payment_due".to_string(),
        _ => "not_paid".to_string(),
    }
}

/// `remove_payment`: transaction `transaction_id` taken off invoice `id`.
fn remove_payment(
    store: &mut Store,
    id: &str,
    transaction_id: &str,
    now: i64,
) -> Result<Value, Failure> {
    let mut invoice = crud::find(store, "invoice", id)?;
    let refunding = invoice
        .get("issued_credit_notes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|n| matches!(n["cn_status"].as_str(), Some("refunded" | "refund_due")));
    if refunding {
        return Err(Failure::invalid_state(format!(
            "invoice {id} has refundable credit notes issued: a payment cannot be removed"
        )));
    }
    let entries = invoice
        .get("linked_payments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(entry) = entries.iter().find(|p| p["txn_id"] == transaction_id) else {
        return Err(Failure::param(
            "transaction[id]",
            format!("is not a payment of invoice {id}"),
        ));
    };
    if entry["txn_status"] != "success" {
        return Err(Failure::invalid_state(format!(
            "transaction {transaction_id} did not succeed: there is no payment to remove"
        )));
    }
    let amount = entry["applied_amount"].as_i64().unwrap_or(0);
    let kept: Vec<Value> = entries
        .iter()
        .filter(|p| p["txn_id"] != transaction_id)
        .cloned()
        .collect();
    invoice.insert("linked_payments".into(), Value::Array(kept));
    let paid = int(&invoice, "amount_paid").unwrap_or(0) - amount;
    invoice.insert("amount_paid".into(), json!(paid));
    let status = reopened_status(store, &invoice, now);
    invoices::reopen(store, &mut invoice, amount, &status, now);
    touch(&mut invoice, now);
    store.put("invoice", id, &invoice);

    let mut transaction = crud::find(store, "transaction", transaction_id)?;
    let unused = int(&transaction, "amount_unused").unwrap_or(0) + amount;
    transaction.insert("amount_unused".into(), json!(unused));
    if let Some(linked) = transaction
        .get_mut("linked_invoices")
        .and_then(Value::as_array_mut)
    {
        linked.retain(|l| l["invoice_id"] != id);
    }
    touch(&mut transaction, now);
    store.put("transaction", transaction_id, &transaction);
    let customer_id = text(&invoice, "customer_id").unwrap_or_default();
    if let Some(mut customer) = crud::live(store, "customer", customer_id) {
        let excess = int(&customer, "excess_payments").unwrap_or(0) + amount;
        customer.insert("excess_payments".into(), json!(excess));
        touch(&mut customer, now);
        store.put("customer", customer_id, &customer);
    }
    Ok(json!({ "invoice": invoice, "transaction": transaction }))
}

/// `remove_credit_note`: note `note_id`'s allocation taken off invoice `id`.
fn remove_credit_note(
    op: &Operation,
    store: &mut Store,
    id: &str,
    note_id: &str,
    now: i64,
) -> Result<Value, Failure> {
    let mut invoice = crud::find(store, "invoice", id)?;
    let status = text(&invoice, "status").unwrap_or_default();
    if matches!(status, "voided" | "pending") {
        return Err(Failure::invalid_state(format!(
            "invoice {id} is {status}: no credit note can be removed from it"
        )));
    }
    let mut note = crud::live(store, "credit_note", note_id)
        .ok_or_else(|| Failure::missing("credit_note", note_id, "credit_note[id]"))?;
    if text(&note, "status") == Some("voided") {
        return Err(Failure::invalid_state(format!(
            "credit note {note_id} is voided"
        )));
    }
    if text(&note, "type") != Some("refundable") {
        return Err(Failure::not_emulated_option(
            &op.id,
            "removing an adjustment credit note",
            "void the adjustment note instead (`credit_note.void_credit_note`)",
        ));
    }
    let allocations = note
        .get("allocations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let amount: i64 = allocations
        .iter()
        .filter(|a| a["invoice_id"] == id)
        .filter_map(|a| a["allocated_amount"].as_i64())
        .sum();
    if amount == 0 {
        return Err(Failure::param(
            "credit_note[id]",
            format!("is not allocated to invoice {id}"),
        ));
    }
    let refundable =
        credit_notes::refundable(&invoice) + int(&invoice, "credits_applied").unwrap_or(0);
    if amount > refundable {
        return Err(Failure::invalid_state(format!(
            "credit note {note_id} allocates {amount} to invoice {id}, more than its \
             refundable amount, {refundable}"
        )));
    }
    let applied = int(&invoice, "credits_applied").unwrap_or(0) - amount;
    invoice.insert("credits_applied".into(), json!(applied));
    if let Some(entries) = invoice
        .get_mut("applied_credits")
        .and_then(Value::as_array_mut)
    {
        entries.retain(|e| e["cn_id"] != note_id);
    }
    let status = reopened_status(store, &invoice, now);
    invoices::reopen(store, &mut invoice, amount, &status, now);
    touch(&mut invoice, now);
    store.put("invoice", id, &invoice);

    let kept: Vec<Value> = allocations
        .into_iter()
        .filter(|a| a["invoice_id"] != id)
        .collect();
    note.insert("allocations".into(), Value::Array(kept));
    let allocated = int(&note, "amount_allocated").unwrap_or(0) - amount;
    let available = int(&note, "amount_available").unwrap_or(0) + amount;
    note.insert("amount_allocated".into(), json!(allocated));
    note.insert("amount_available".into(), json!(available));
    if text(&note, "status") == Some("refunded") {
        note.insert("status".into(), json!("refund_due"));
        note.remove("refunded_at");
        credit_notes::show_status(store, &note, "refund_due", now);
    }
    touch(&mut note, now);
    store.put("credit_note", note_id, &note);
    let customer_id = text(&note, "customer_id").unwrap_or_default().to_string();
    credit_notes::add_credits(store, &customer_id, amount, now);
    Ok(json!({ "invoice": invoice, "credit_note": note }))
}
