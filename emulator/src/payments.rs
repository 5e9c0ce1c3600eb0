//! Payments against invoices, as Chargebee documents recording one
//! (`invoice.record_payment`): the invoice must be `payment_due`, `posted` or `not_paid`; a
//! successful payment lowers its `amount_due` (the invoice turns `paid` at zero) and what
//! exceeds the amount due goes to the customer's `excess_payments`; a failed one changes
//! nothing but is kept. Every payment is a transaction (`transaction.retrieve`,
//! `transaction.list`) linked to the invoice it paid.

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
const SERVED: [&str; 1] = ["invoice.record_payment"];

/// The `transaction[…]` fields a recorded payment takes; any other is refused by name.
const TAKEN: [&str; 8] = [
    "amount",
    "payment_method",
    "reference_number",
    "id_at_gateway",
    "status",
    "date",
    "error_code",
    "error_text",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one payment operation on invoice `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    match op.name.as_str() {
        "record_payment" => record(op, store, id, &params.values, now),
        other => Err(Failure::no_route("serve", other)),
    }
}

/// `record_payment`: a payment received outside Chargebee, applied to invoice `id`.
fn record(
    op: &Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    only_taken(&op.id, values, &["transaction"], false, None)?;
    let empty = Map::new();
    let sent = values
        .get("transaction")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    only_taken(&op.id, sent, &TAKEN, false, Some("transaction"))?;
    let mut invoice = crud::find(store, "invoice", id)?;
    let status = text(&invoice, "status").unwrap_or_default().to_string();
    if !["payment_due", "posted", "not_paid"].contains(&status.as_str()) {
        return Err(Failure::invalid_state(format!(
            "invoice {id} is {status}: a payment can be recorded only against a payment_due, \
             posted or not_paid invoice"
        )));
    }
    let due = int(&invoice, "amount_due").unwrap_or(0);
    let amount = int(sent, "amount").unwrap_or(due);
    let date = int(sent, "date").unwrap_or(now);
    if date > now {
        return Err(Failure::param("transaction[date]", "is in the future"));
    }
    let succeeded = match text(sent, "status").unwrap_or("success") {
        "success" => true,
        "failure" => false,
        other => {
            return Err(Failure::not_emulated_option(
                &op.id,
                &format!("transaction[status] `{other}`"),
                "record a success or a failure",
            ))
        }
    };
    let applied = if succeeded { amount.min(due) } else { 0 };
    let unused = if succeeded { amount - applied } else { 0 };
    let customer_id = text(&invoice, "customer_id")
        .unwrap_or_default()
        .to_string();
    let transaction_id = store.new_id("transaction");

    if succeeded {
        let paid = int(&invoice, "amount_paid").unwrap_or(0) + applied;
        invoice.insert("amount_paid".into(), json!(paid));
        invoice.insert("amount_due".into(), json!(due - applied));
        if due - applied == 0 {
            invoice.insert("status".into(), json!("paid"));
            invoice.insert("paid_at".into(), json!(date));
            dunning::stop(&mut invoice);
        }
    }
    let payment = invoices::LinkedPayment {
        transaction_id: &transaction_id,
        succeeded,
        applied,
        amount,
        date,
    };
    payment.link(&mut invoice, now);
    touch(&mut invoice, now);
    store.put("invoice", id, &invoice);
    // A payment against a due invoice lowers its subscription's dues.
    let subscription_id = text(&invoice, "subscription_id").map(str::to_string);
    let subscription = subscription_id.and_then(|s| crud::live(store, "subscription", &s));
    if let (true, Some(mut subscription)) = (status != "posted" && applied > 0, subscription) {
        invoices::settle(&mut subscription, applied, due == applied);
        touch(&mut subscription, now);
        lifecycle::save(store, &subscription);
    }

    let mut transaction = Map::new();
    transaction.insert("id".into(), json!(transaction_id));
    transaction.insert("customer_id".into(), json!(customer_id));
    if let Some(subscription) = invoice.get("subscription_id") {
        transaction.insert("subscription_id".into(), subscription.clone());
    }
    for key in [
        "payment_method",
        "reference_number",
        "id_at_gateway",
        "error_code",
        "error_text",
    ] {
        if let Some(value) = sent.get(key) {
            transaction.insert(key.into(), value.clone());
        }
    }
    if let Some(currency) = invoice.get("currency_code") {
        transaction.insert("currency_code".into(), currency.clone());
    }
    let fields = json!({
        "gateway": "not_applicable",
        "type": "payment",
        "date": date,
        "amount": amount,
        "amount_unused": unused,
        "status": if succeeded { "success" } else { "failure" },
        "linked_invoices": [{
            "invoice_id": id,
            "applied_amount": applied,
            "applied_at": now,
            "invoice_date": invoice.get("date"),
            "invoice_total": invoice.get("total"),
            "invoice_status": invoice.get("status"),
        }],
        "deleted": false,
        "object": "transaction",
    });
    if let Value::Object(fields) = fields {
        transaction.extend(fields);
    }
    touch(&mut transaction, now);
    store.put("transaction", &transaction_id, &transaction);

    if unused > 0 {
        if let Some(mut customer) = crud::live(store, "customer", &customer_id) {
            let excess = int(&customer, "excess_payments").unwrap_or(0) + unused;
            customer.insert("excess_payments".into(), json!(excess));
            touch(&mut customer, now);
            store.put("customer", &customer_id, &customer);
        }
    }
    Ok(json!({ "invoice": invoice, "transaction": transaction }))
}
