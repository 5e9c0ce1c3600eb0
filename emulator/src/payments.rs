//! Payments against invoices, as Chargebee documents them. Only a `payment_due`, `posted` or
//! `not_paid` invoice takes one. `invoice.record_payment` records a payment received outside
//! Chargebee: a successful one lowers the invoice's `amount_due` (the invoice turns `paid` at
//! zero) and what exceeds the amount due goes to the customer's `excess_payments`; a failed
//! one changes nothing but is kept. `invoice.collect_payment` charges up to the amount due to
//! a card through the emulator's gateway; `apply_credits` and `apply_payments` apply the
//! customer's refundable credits and excess payments (`credits`, `excess`). Every payment is a transaction
//! (`transaction.retrieve`, `transaction.list`) linked to the invoice it paid.

use crate::credits;
use crate::crud;
use crate::excess;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::gateway;
use crate::invoices;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "invoice.record_payment",
    "invoice.collect_payment",
    "invoice.apply_credits",
    "invoice.apply_payments",
];

/// The invoice statuses that take a payment.
const PAYABLE: [&str; 3] = ["payment_due", "posted", "not_paid"];

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
        "collect_payment" => collect(op, store, id, &params.values, now),
        "apply_credits" => {
            only_taken(&op.id, &params.values, &["credit_notes"], false, None)?;
            credits::apply_to_invoice(store, id, &params.values, now)
        }
        "apply_payments" => {
            only_taken(&op.id, &params.values, &["transactions"], false, None)?;
            excess::apply_to_invoice(store, id, &params.values, now)
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// Invoice `id`, when its status takes a payment (or credits).
pub fn payable(store: &Store, id: &str) -> Result<Map<String, Value>, Failure> {
    let invoice = crud::find(store, "invoice", id)?;
    let status = text(&invoice, "status").unwrap_or_default();
    if !PAYABLE.contains(&status) {
        return Err(Failure::invalid_state(format!(
            "invoice {id} is {status}: only a payment_due, posted or not_paid invoice takes a \
             payment"
        )));
    }
    Ok(invoice)
}

/// An invoice that takes payments (or credits), what it still owes, and whose it is.
pub struct Owing {
    pub invoice: Map<String, Value>,
    pub due: i64,
    pub customer_id: String,
    pub currency: Option<Value>,
}

/// Invoice `id` as [`Owing`], when its status takes a payment.
pub fn owing(store: &Store, id: &str) -> Result<Owing, Failure> {
    let invoice = payable(store, id)?;
    Ok(Owing {
        due: int(&invoice, "amount_due").unwrap_or(0),
        customer_id: text(&invoice, "customer_id")
            .unwrap_or_default()
            .to_string(),
        currency: invoice.get("currency_code").cloned(),
        invoice,
    })
}

/// 409 for applying a customer's `what` (`excess payments`) it has none of to invoice `id`.
pub fn nothing_to_apply(what: &str, customer_id: &str, id: &str) -> Failure {
    Failure::invalid_state(format!(
        "customer {customer_id} has no {what} to apply to invoice {id}"
    ))
}

/// Applies `payment` to `invoice` at `now` and stores it: a successful payment raises
/// `amount_paid` and lowers what is due by what it applies ([`invoices::reduce`]); every
/// payment is linked.
fn apply(
    store: &mut Store,
    invoice: &mut Map<String, Value>,
    payment: &invoices::LinkedPayment<'_>,
    now: i64,
) {
    if payment.succeeded {
        let paid = int(invoice, "amount_paid").unwrap_or(0) + payment.applied;
        invoice.insert("amount_paid".into(), json!(paid));
        invoices::reduce(store, invoice, payment.applied, payment.date, now);
    }
    payment.link(invoice, now);
    touch(invoice, now);
    let id = text(invoice, "id").unwrap_or_default().to_string();
    store.put("invoice", &id, invoice);
}

/// `collect_payment`: charges `amount` (the whole amount due when not sent) of invoice `id`
/// to payment source `payment_source_id`, or to the customer's primary card. A declined
/// charge is kept, raises `payment_failed` and answers 402 `payment_processing_failed`.
fn collect(
    op: &Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    if values.contains_key("authorization_transaction_id") {
        return Err(Failure::not_emulated_option(
            &op.id,
            "`authorization_transaction_id`",
            "the emulator's gateway holds no authorizations; collect with payment_source_id \
             or the customer's primary card",
        ));
    }
    // `payment_initiator` steers a gateway's customer authentication, which the emulator's
    // test cards never ask for: it changes nothing here.
    let taken = ["amount", "payment_source_id", "payment_initiator"];
    only_taken(&op.id, values, &taken, false, None)?;
    let mut invoice = payable(store, id)?;
    let due = int(&invoice, "amount_due").unwrap_or(0);
    if due <= 0 {
        return Err(Failure::invalid_state(format!(
            "invoice {id} has nothing to collect: its amount_due is 0"
        )));
    }
    let amount = int(values, "amount").unwrap_or(due);
    if amount < 1 {
        return Err(Failure::param("amount", "must be at least 1"));
    }
    if amount > due {
        return Err(Failure::param(
            "amount",
            format!("is more than invoice {id}'s amount_due, {due}"),
        ));
    }
    let customer_id = text(&invoice, "customer_id")
        .unwrap_or_default()
        .to_string();
    let card = match text(values, "payment_source_id") {
        Some(source_id) => {
            let source = crud::live(store, "payment_source", source_id)
                .filter(|s| text(s, "customer_id") == Some(customer_id.as_str()));
            if source.is_none() {
                return Err(Failure::param(
                    "payment_source_id",
                    format!("names no payment source of customer {customer_id}"),
                ));
            }
            gateway::card(store, source_id)
                .ok_or_else(|| Failure::param("payment_source_id", "is not a valid card"))?
        }
        None => crud::live(store, "customer", &customer_id)
            .and_then(|customer| gateway::card_of(store, &customer))
            .ok_or_else(|| {
                Failure::no_payment_method(format!(
                    "customer {customer_id} has no valid payment source to collect invoice \
                     {id} with"
                ))
            })?,
    };
    let null = Value::Null;
    let field = |key: &str| invoice.get(key).unwrap_or(&null);
    let bill = gateway::Bill {
        invoice_id: id,
        customer_id: field("customer_id"),
        subscription_id: field("subscription_id"),
        currency_code: invoice.get("currency_code"),
        amount,
        date: int(&invoice, "date").unwrap_or(now),
        total: int(&invoice, "total").unwrap_or(0),
        due,
        status: text(&invoice, "status").unwrap_or_default(),
    };
    let charged = gateway::charge(store, &card, &bill, now);
    let payment = invoices::LinkedPayment {
        transaction_id: &charged.transaction_id,
        succeeded: charged.succeeded,
        applied: if charged.succeeded { amount } else { 0 },
        amount,
        date: now,
    };
    apply(store, &mut invoice, &payment, now);
    let transaction: Map<String, Value> =
        serde_json::from_str(&charged.text).expect("a transaction is a JSON object");
    if !charged.succeeded {
        let reason = text(&transaction, "error_text").unwrap_or("declined");
        let message = format!(
            "invoice {id}: the charge to payment source {} failed: {reason}",
            card.source_id
        );
        let mut content = Map::new();
        content.insert("transaction".into(), Value::Object(transaction.clone()));
        content.insert("invoice".into(), Value::Object(invoice));
        for (resource, key) in [
            ("customer", "customer_id"),
            ("subscription", "subscription_id"),
        ] {
            let object = text(&transaction, key).and_then(|id| crud::live(store, resource, id));
            if let Some(object) = object {
                content.insert(resource.into(), Value::Object(object));
            }
        }
        return Err(Failure::payment_declined(message).with_event("payment_failed", content));
    }
    Ok(json!({ "invoice": invoice, "transaction": transaction }))
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
    let sent = fields::object(values, "transaction");
    only_taken(&op.id, sent, &TAKEN, false, Some("transaction"))?;
    let mut invoice = payable(store, id)?;
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
    let payment = invoices::LinkedPayment {
        transaction_id: &transaction_id,
        succeeded,
        applied,
        amount,
        date,
    };
    apply(store, &mut invoice, &payment, now);

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
