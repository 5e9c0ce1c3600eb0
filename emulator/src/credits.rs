//! Refundable credits applied to new invoices, as Chargebee documents: what the customer's
//! `refund_due` credit notes have available is applied to each invoice raised for it, oldest
//! note first, before the rest is collected. The invoice lists them (`applied_credits`,
//! `credits_applied`); each note records the allocation (`allocations`, `amount_allocated`,
//! `amount_available`) and is `refunded` once nothing is left; the customer's
//! `refundable_credits` fall by what was applied. `invoice.apply_credits` applies them the
//! same way to an invoice already raised and still due.

use crate::credit_notes;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, text, touch};
use crate::invoices;
use crate::payments;
use crate::store::Store;
use serde_json::{json, Map, Value};

/// A part of a credit note applied to an invoice.
pub struct Taken {
    note: Map<String, Value>,
    pub amount: i64,
}

/// What the `refund_due` notes of customer `customer_id` in `currency` can give towards an
/// invoice of `total`, oldest note first.
pub fn take(
    store: &mut Store,
    customer_id: &str,
    currency: Option<&Value>,
    total: i64,
) -> Vec<Taken> {
    let ids = store.owned("credit_note", "customer_id", customer_id);
    let mut wanted = total;
    let mut taken = Vec::new();
    for id in ids {
        if wanted == 0 {
            break;
        }
        let Some(note) = crud::live(store, "credit_note", &id) else {
            continue;
        };
        let usable = text(&note, "type") == Some("refundable")
            && text(&note, "status") == Some("refund_due")
            && note.get("currency_code") == currency;
        let available = int(&note, "amount_available").unwrap_or(0);
        if usable && available > 0 {
            let amount = available.min(wanted);
            wanted -= amount;
            taken.push(Taken { note, amount });
        }
    }
    taken
}

/// Allocates what was `taken` to invoice `invoice_id` (dated `invoice_date`, `status` once
/// raised) at `now`: stores each note and the customer's lower credits; returns the
/// invoice's `applied_credits`.
pub fn allocate(
    store: &mut Store,
    taken: Vec<Taken>,
    invoice_id: &str,
    invoice_date: i64,
    status: &str,
    now: i64,
) -> Vec<Value> {
    let mut applied = Vec::with_capacity(taken.len());
    for Taken { mut note, amount } in taken {
        let id = text(&note, "id").unwrap_or_default().to_string();
        let available = int(&note, "amount_available").unwrap_or(0) - amount;
        let allocated = int(&note, "amount_allocated").unwrap_or(0) + amount;
        let note_status = if available == 0 {
            "refunded"
        } else {
            "refund_due"
        };
        note.insert("amount_available".into(), json!(available));
        note.insert("amount_allocated".into(), json!(allocated));
        note.insert("status".into(), json!(note_status));
        if available == 0 {
            note.insert("refunded_at".into(), json!(now));
        }
        let allocation = json!({
            "invoice_id": invoice_id,
            "allocated_amount": amount,
            "allocated_at": now,
            "invoice_date": invoice_date,
            "invoice_status": status,
        });
        fields::append(&mut note, "allocations", vec![allocation]);
        touch(&mut note, now);
        store.put("credit_note", &id, &note);
        if available == 0 {
            credit_notes::show_status(store, &note, note_status, now);
        }
        let mut entry = json!({
            "cn_id": id,
            "applied_amount": amount,
            "applied_at": now,
            "cn_date": note.get("date"),
            "cn_status": note_status,
        });
        credit_notes::copy_reason_codes(&mut entry, &note);
        applied.push(entry);
        let customer_id = text(&note, "customer_id").unwrap_or_default().to_string();
        credit_notes::add_credits(store, &customer_id, -amount, now);
    }
    applied
}

/// `invoice.apply_credits`: the customer's refundable credits applied to invoice `id` at
/// `now`, from the notes `credit_notes[id]` names or else from all it has, oldest first, up
/// to what is due.
pub fn apply_to_invoice(
    store: &mut Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    let payments::Owing {
        mut invoice,
        due,
        customer_id,
        currency,
    } = payments::owing(store, id)?;
    let named = values.get("credit_notes").and_then(Value::as_array);
    let taken = match named {
        Some(named) => {
            let mut wanted = due;
            let mut taken = Vec::new();
            for (i, entry) in named.iter().enumerate() {
                let note_id = entry["id"].as_str().unwrap_or_default();
                let note = crud::live(store, "credit_note", note_id)
                    .filter(|n| {
                        text(n, "customer_id") == Some(customer_id.as_str())
                            && text(n, "type") == Some("refundable")
                            && text(n, "status") == Some("refund_due")
                            && n.get("currency_code") == currency.as_ref()
                    })
                    .ok_or_else(|| {
                        Failure::param(
                            &format!("credit_notes[id][{i}]"),
                            format!("names no refund_due credit note of customer {customer_id}"),
                        )
                    })?;
                let amount = int(&note, "amount_available").unwrap_or(0).min(wanted);
                if amount > 0 {
                    wanted -= amount;
                    taken.push(Taken { note, amount });
                }
            }
            taken
        }
        None => take(store, &customer_id, currency.as_ref(), due),
    };
    let applied: i64 = taken.iter().map(|t| t.amount).sum();
    if applied == 0 {
        return Err(payments::nothing_to_apply(
            "refundable credits",
            &customer_id,
            id,
        ));
    }
    let status = invoices::status_once_paid(&invoice, applied);
    let date = int(&invoice, "date").unwrap_or(now);
    let entries = allocate(store, taken, id, date, &status, now);
    let applied_to = invoices::Applied {
        entries,
        list: "applied_credits",
        counter: "credits_applied",
        amount: applied,
    };
    applied_to.record(store, &mut invoice, now);
    Ok(json!({ "invoice": invoice }))
}
