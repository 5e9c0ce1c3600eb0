//! Refunds, as Chargebee documents them. `invoice.refund` gives back part of what an invoice
//! was paid by card, to that card through the emulator's gateway: one card payment at a time
//! (the latest with something left to refund), by a refundable credit note issued already
//! `refunded`. `invoice.record_refund` records a refund made outside Chargebee the same way,
//! drawn from the invoice's offline payments first, then its card payments, one refund
//! transaction for each payment it draws from. `credit_note.refund` and
//! `credit_note.record_refund` refund what a `refund_due` note has available, by card or as
//! recorded; the note is `refunded` when nothing is left. Every refund is a transaction of
//! type `refund` that names the payment it returns (`reference_transaction_id`, and the
//! payment's `linked_refunds`) and its credit note (`linked_credit_notes`).

use crate::credit_notes::{self, Note};
use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text, touch};
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 4] = [
    "invoice.refund",
    "invoice.record_refund",
    "credit_note.refund",
    "credit_note.record_refund",
];

/// The `transaction[…]` fields a recorded refund takes; any other is refused by name.
const RECORDED: [&str; 4] = ["amount", "payment_method", "reference_number", "date"];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one refund of invoice or credit note `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let values = &params.values;
    match op.id.as_str() {
        "invoice.refund" => refund_invoice(op, store, id, values, now, None),
        "credit_note.refund" => refund_note(op, store, id, values, now, None),
        "invoice.record_refund" | "credit_note.record_refund" => {
            let recorded = recorded(op, values, now)?;
            if op.resource == "invoice" {
                refund_invoice(op, store, id, values, now, Some(&recorded))
            } else {
                refund_note(op, store, id, values, now, Some(&recorded))
            }
        }
        other => Err(Failure::no_route("serve", other)),
    }
}

/// A refund made outside Chargebee, as `transaction[…]` records it.
struct Recorded {
    amount: Option<i64>,
    payment_method: Value,
    reference_number: Option<Value>,
    date: i64,
}

/// The `transaction[…]` of a recorded refund at `now`, checked.
fn recorded(op: &Operation, values: &Map<String, Value>, now: i64) -> Result<Recorded, Failure> {
    let sent = fields::object(values, "transaction");
    only_taken(&op.id, sent, &RECORDED, false, Some("transaction"))?;
    let payment_method = sent
        .get("payment_method")
        .cloned()
        .ok_or_else(|| Failure::param("transaction[payment_method]", "is required"))?;
    let date =
        int(sent, "date").ok_or_else(|| Failure::param("transaction[date]", "is required"))?;
    if date > now {
        return Err(Failure::param("transaction[date]", "is in the future"));
    }
    Ok(Recorded {
        amount: int(sent, "amount"),
        payment_method,
        reference_number: sent.get("reference_number").cloned(),
        date,
    })
}

/// A successful payment of an invoice, and what of it is not yet refunded.
struct Paid {
    transaction: Map<String, Value>,
    online: bool,
    left: i64,
}

/// `invoice`'s successful payments, in the order they were linked.
fn payments(store: &Store, invoice: &Map<String, Value>) -> Vec<Paid> {
    let linked = invoice.get("linked_payments").and_then(Value::as_array);
    linked
        .into_iter()
        .flatten()
        .filter(|p| p["txn_status"] == "success")
        .filter_map(|p| {
            let transaction = crud::live(store, "transaction", p["txn_id"].as_str()?)?;
            let refunded: i64 = transaction
                .get("linked_refunds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|r| r["txn_status"] == "success")
                .filter_map(|r| r["txn_amount"].as_i64())
                .sum();
            let online = text(&transaction, "gateway") != Some("not_applicable");
            let left = p["applied_amount"].as_i64().unwrap_or(0) - refunded;
            Some(Paid {
                transaction,
                online,
                left,
            })
        })
        .collect()
}

/// What a refund draws from each payment: by card, the latest card payment with something
/// left; recorded, the offline payments first, then the card payments, up to `amount`.
fn draw(payments: &[Paid], recorded: bool, amount: i64) -> Vec<(&Paid, i64)> {
    if !recorded {
        let latest = payments.iter().rev().find(|p| p.online && p.left > 0);
        return latest
            .map(|p| (p, amount.min(p.left)))
            .into_iter()
            .collect();
    }
    let mut wanted = amount;
    let mut drawn = Vec::new();
    let ordered = payments
        .iter()
        .filter(|p| !p.online)
        .chain(payments.iter().filter(|p| p.online));
    for payment in ordered.filter(|p| p.left > 0) {
        if wanted == 0 {
            break;
        }
        let part = wanted.min(payment.left);
        drawn.push((payment, part));
        wanted -= part;
    }
    drawn
}

/// The most a refund can draw from `payments`.
fn drawable(payments: &[Paid], recorded: bool) -> i64 {
    draw(payments, recorded, i64::MAX)
        .iter()
        .map(|(_, part)| part)
        .sum()
}

/// Refunds `amount` of `payment` at `now`, by card or as `recorded`, for the credit note
/// `note` describes (its `linked_credit_notes` entry without the applied amount): keeps the
/// refund transaction and links it on the payment. Returns the refund's id and the note's
/// `linked_refunds` entry.
fn refund(
    store: &mut Store,
    payment: &Paid,
    amount: i64,
    recorded: Option<&Recorded>,
    note: &Value,
    now: i64,
) -> (String, Value) {
    let id = store.new_id("transaction");
    let paid = &payment.transaction;
    let payment_id = text(paid, "id").unwrap_or_default().to_string();
    let date = recorded.map_or(now, |r| r.date);
    let mut linked_note = note.clone();
    linked_note["applied_amount"] = json!(amount);
    linked_note["applied_at"] = json!(now);
    let mut transaction = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("type", json!("refund")),
        ("date", json!(date)),
        ("amount", json!(amount)),
        ("status", json!("success")),
        ("reference_transaction_id", json!(payment_id)),
        ("linked_credit_notes", json!([linked_note])),
        ("deleted", json!(false)),
        ("object", json!("transaction")),
    ] {
        transaction.insert(key.into(), value);
    }
    for key in ["customer_id", "subscription_id", "currency_code"] {
        if let Some(value) = paid.get(key).filter(|v| !v.is_null()) {
            transaction.insert(key.into(), value.clone());
        }
    }
    match recorded {
        Some(recorded) => {
            transaction.insert("gateway".into(), json!("not_applicable"));
            transaction.insert("payment_method".into(), recorded.payment_method.clone());
            if let Some(reference) = &recorded.reference_number {
                transaction.insert("reference_number".into(), reference.clone());
            }
        }
        None => {
            for key in [
                "gateway",
                "payment_source_id",
                "payment_method",
                "masked_card_number",
            ] {
                if let Some(value) = paid.get(key) {
                    transaction.insert(key.into(), value.clone());
                }
            }
        }
    }
    touch(&mut transaction, now);
    store.put("transaction", &id, &transaction);

    let mut paid = paid.clone();
    let entry = json!({
        "txn_id": id,
        "txn_status": "success",
        "txn_date": date,
        "txn_amount": amount,
    });
    fields::append(&mut paid, "linked_refunds", vec![entry]);
    touch(&mut paid, now);
    store.put("transaction", &payment_id, &paid);
    let linked_refund = json!({
        "txn_id": id,
        "applied_amount": amount,
        "applied_at": now,
        "txn_status": "success",
        "txn_date": date,
        "txn_amount": amount,
    });
    (id, linked_refund)
}

/// Why nothing can be refunded: what to do instead.
fn nothing_to_refund(what: &str, recorded: bool) -> Failure {
    let instead = if recorded {
        "its payments are refunded already"
    } else {
        "it has no card payment left to refund; record a refund made outside Chargebee with \
         record_refund"
    };
    Failure::invalid_state(format!("{what} has nothing to refund: {instead}"))
}

/// The amount a refund asks for (`sent`, else `most`), at least 1 and at most `most`.
fn asked(sent: Option<i64>, most: i64, param: &str) -> Result<i64, Failure> {
    let amount = sent.unwrap_or(most);
    if amount < 1 {
        return Err(Failure::param(param, "must be at least 1"));
    }
    if amount > most {
        return Err(Failure::param(
            param,
            format!("is more than can be refunded, {most}"),
        ));
    }
    Ok(amount)
}

/// `invoice.refund` (by card) and `invoice.record_refund` (`recorded`): what invoice `id`
/// was paid, given back through a refundable credit note issued `refunded`.
fn refund_invoice(
    op: &Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
    recorded: Option<&Recorded>,
) -> Result<Value, Failure> {
    let top: &[&str] = match recorded {
        Some(_) => &["transaction", "credit_note"],
        None => &["refund_amount", "credit_note"],
    };
    only_taken(&op.id, values, top, false, None)?;
    let sent_note = fields::object(values, "credit_note");
    let note_fields = ["reason_code", "create_reason_code"];
    only_taken(&op.id, sent_note, &note_fields, false, Some("credit_note"))?;
    let mut invoice = crud::find(store, "invoice", id)?;
    if let Some(recorded) = recorded {
        if recorded.date < int(&invoice, "date").unwrap_or(recorded.date) {
            return Err(Failure::param(
                "transaction[date]",
                format!("is before invoice {id}'s date"),
            ));
        }
    }
    let payments = payments(store, &invoice);
    let most = drawable(&payments, recorded.is_some()).min(credit_notes::refundable(&invoice));
    if most <= 0 {
        return Err(nothing_to_refund(
            &format!("invoice {id}"),
            recorded.is_some(),
        ));
    }
    let (sent, param) = match recorded {
        Some(recorded) => (recorded.amount, "transaction[amount]"),
        None => (int(values, "refund_amount"), "refund_amount"),
    };
    let amount = asked(sent, most, param)?;
    let note_id = store.new_id("credit_note");
    let mut linked = json!({
        "cn_id": note_id,
        "cn_date": now,
        "cn_total": amount,
        "cn_status": "refunded",
        "cn_reference_invoice_id": id,
    });
    credit_notes::copy_reason_codes(&mut linked, sent_note);
    let mut transaction_ids = Vec::new();
    let mut refunds = Vec::new();
    for (payment, part) in draw(&payments, recorded.is_some(), amount) {
        let (transaction_id, entry) = refund(store, payment, part, recorded, &linked, now);
        transaction_ids.push(transaction_id);
        refunds.push(entry);
    }
    let note = Note {
        kind: "refundable",
        total: amount,
        reason_code: sent_note.get("reason_code"),
        create_reason_code: sent_note.get("create_reason_code"),
        date: now,
        refunds,
        lines: Vec::new(),
    };
    let credit_note = credit_notes::issue(store, &mut invoice, &note, note_id, now);
    let transaction = crud::live(store, "transaction", &transaction_ids[0]);
    Ok(json!({ "invoice": invoice, "transaction": transaction, "credit_note": credit_note }))
}

/// `credit_note.refund` (by card) and `credit_note.record_refund` (`recorded`): what credit
/// note `id` has available, given back against its invoice's payments.
fn refund_note(
    op: &Operation,
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
    recorded: Option<&Recorded>,
) -> Result<Value, Failure> {
    let top: &[&str] = match recorded {
        Some(_) => &["transaction", "refund_reason_code"],
        None => &["refund_amount", "refund_reason_code"],
    };
    only_taken(&op.id, values, top, false, None)?;
    let mut note = crud::find(store, "credit_note", id)?;
    let (kind, status) = (text(&note, "type"), text(&note, "status"));
    if kind != Some("refundable") || status != Some("refund_due") {
        return Err(Failure::invalid_state(format!(
            "credit note {id} is {} and {}: only a refundable note that is refund_due can be \
             refunded",
            kind.unwrap_or_default(),
            status.unwrap_or_default()
        )));
    }
    let invoice_id = text(&note, "reference_invoice_id")
        .unwrap_or_default()
        .to_string();
    let invoice = crud::live(store, "invoice", &invoice_id).ok_or_else(|| {
        Failure::invalid_state(format!("credit note {id} has no invoice to refund against"))
    })?;
    let available = int(&note, "amount_available").unwrap_or(0);
    let payments = payments(store, &invoice);
    let most = drawable(&payments, recorded.is_some()).min(available);
    if most <= 0 {
        return Err(nothing_to_refund(
            &format!("credit note {id}"),
            recorded.is_some(),
        ));
    }
    let (sent, param) = match recorded {
        Some(recorded) => (recorded.amount, "transaction[amount]"),
        None => (int(values, "refund_amount"), "refund_amount"),
    };
    let amount = asked(sent, most, param)?;
    let left = available - amount;
    let status = if left == 0 { "refunded" } else { "refund_due" };
    let mut linked = json!({
        "cn_id": id,
        "cn_date": note.get("date"),
        "cn_total": note.get("total"),
        "cn_status": status,
        "cn_reference_invoice_id": invoice_id,
    });
    credit_notes::copy_reason_codes(&mut linked, &note);
    let mut transaction_ids = Vec::new();
    let mut refunds: Vec<Value> = note
        .get("linked_refunds")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (payment, part) in draw(&payments, recorded.is_some(), amount) {
        let (transaction_id, mut entry) = refund(store, payment, part, recorded, &linked, now);
        if let Some(reason) = values.get("refund_reason_code") {
            entry["refund_reason_code"] = reason.clone();
        }
        transaction_ids.push(transaction_id);
        refunds.push(entry);
    }
    let refunded = int(&note, "amount_refunded").unwrap_or(0) + amount;
    note.insert("amount_refunded".into(), json!(refunded));
    note.insert("amount_available".into(), json!(left));
    note.insert("linked_refunds".into(), Value::Array(refunds));
    note.insert("status".into(), json!(status));
    if left == 0 {
        note.insert("refunded_at".into(), json!(now));
    }
    touch(&mut note, now);
    store.put("credit_note", id, &note);
    credit_notes::show_status(store, &note, status, now);
    let customer_id = text(&note, "customer_id").unwrap_or_default().to_string();
    credit_notes::add_credits(store, &customer_id, -amount, now);
    let transaction = crud::live(store, "transaction", &transaction_ids[0]);
    Ok(json!({ "credit_note": note, "transaction": transaction }))
}
