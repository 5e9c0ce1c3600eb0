//! Excess payments applied to new invoices, as Chargebee documents: what a customer paid
//! beyond an invoice (`excess_payments`; the payment's `amount_unused`) pays each invoice
//! raised for it after its refundable credits, oldest payment first, before the rest is
//! collected. The invoice lists each as a payment (`linked_payments`, `amount_paid`); the
//! payment lists the invoice (`linked_invoices`) and its `amount_unused` falls.
//! `invoice.apply_payments` applies them the same way to an invoice already raised and
//! still due.

use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, text, touch};
use crate::invoices::{self, LinkedPayment};
use crate::payments;
use crate::store::Store;
use serde_json::{json, Map, Value};

/// A part of an earlier payment applied to an invoice.
pub struct Taken {
    transaction: Map<String, Value>,
    pub amount: i64,
}

/// What customer `customer_id`'s unused payments in `currency` can give towards `wanted`,
/// oldest first.
pub fn take(
    store: &mut Store,
    customer_id: &str,
    currency: Option<&Value>,
    wanted: i64,
) -> Vec<Taken> {
    let mut wanted = wanted;
    let mut taken = Vec::new();
    for id in store.owned("transaction", "customer_id", customer_id) {
        if wanted == 0 {
            break;
        }
        let Some(transaction) = crud::live(store, "transaction", &id) else {
            continue;
        };
        let usable = text(&transaction, "type") == Some("payment")
            && text(&transaction, "status") == Some("success")
            && transaction.get("currency_code") == currency;
        let unused = int(&transaction, "amount_unused").unwrap_or(0);
        if usable && unused > 0 {
            let amount = unused.min(wanted);
            wanted -= amount;
            taken.push(Taken {
                transaction,
                amount,
            });
        }
    }
    taken
}

/// Applies what was `taken` to invoice `invoice_id` (dated `invoice_date`, of `total`,
/// `status` once raised) at `now`: stores each payment and the customer's lower excess
/// payments; returns the invoice's `linked_payments` entries.
pub fn apply(
    store: &mut Store,
    taken: Vec<Taken>,
    invoice_id: &str,
    (invoice_date, total, status): (i64, i64, &str),
    now: i64,
) -> Vec<Value> {
    let mut linked = Vec::with_capacity(taken.len());
    for Taken {
        mut transaction,
        amount,
    } in taken
    {
        let id = text(&transaction, "id").unwrap_or_default().to_string();
        let unused = int(&transaction, "amount_unused").unwrap_or(0) - amount;
        transaction.insert("amount_unused".into(), json!(unused));
        let entry = json!({
            "invoice_id": invoice_id,
            "applied_amount": amount,
            "applied_at": now,
            "invoice_date": invoice_date,
            "invoice_total": total,
            "invoice_status": status,
        });
        fields::append(&mut transaction, "linked_invoices", vec![entry]);
        touch(&mut transaction, now);
        store.put("transaction", &id, &transaction);
        let payment = LinkedPayment {
            transaction_id: &id,
            succeeded: true,
            applied: amount,
            amount: int(&transaction, "amount").unwrap_or(amount),
            date: int(&transaction, "date").unwrap_or(now),
        };
        linked.push(payment.entry(now));
        let customer_id = text(&transaction, "customer_id")
            .unwrap_or_default()
            .to_string();
        if let Some(mut customer) = crud::live(store, "customer", &customer_id) {
            let excess = int(&customer, "excess_payments").unwrap_or(0) - amount;
            customer.insert("excess_payments".into(), json!(excess.max(0)));
            touch(&mut customer, now);
            store.put("customer", &customer_id, &customer);
        }
    }
    linked
}

/// `invoice.apply_payments`: the customer's excess payments applied to invoice `id` at `now`,
/// from the payments `transactions[id]` names (each up to `transactions[amount]`) or else
/// from all it has, oldest first, up to what is due.
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
    let named = values.get("transactions").and_then(Value::as_array);
    let taken = match named {
        Some(named) => {
            let mut wanted = due;
            let mut taken = Vec::new();
            for (i, entry) in named.iter().enumerate() {
                let transaction_id = entry["id"].as_str().unwrap_or_default();
                let transaction = crud::live(store, "transaction", transaction_id)
                    .filter(|t| {
                        text(t, "customer_id") == Some(customer_id.as_str())
                            && int(t, "amount_unused").unwrap_or(0) > 0
                            && t.get("currency_code") == currency.as_ref()
                    })
                    .ok_or_else(|| {
                        Failure::param(
                            &format!("transactions[id][{i}]"),
                            format!("names no unused payment of customer {customer_id}"),
                        )
                    })?;
                let unused = int(&transaction, "amount_unused").unwrap_or(0);
                let asked = entry["amount"].as_i64().unwrap_or(unused);
                if asked < 1 || asked > unused {
                    return Err(Failure::param(
                        &format!("transactions[amount][{i}]"),
                        format!("must be 1 to the payment's amount_unused, {unused}"),
                    ));
                }
                let amount = asked.min(wanted);
                if amount > 0 {
                    wanted -= amount;
                    taken.push(Taken {
                        transaction,
                        amount,
                    });
                }
            }
            taken
        }
        None => take(store, &customer_id, currency.as_ref(), due),
    };
    let applied: i64 = taken.iter().map(|t| t.amount).sum();
    if applied == 0 {
        return Err(payments::nothing_to_apply(
            "excess payments",
            &customer_id,
            id,
        ));
    }
    let status = invoices::status_once_paid(&invoice, applied);
    let date = int(&invoice, "date").unwrap_or(now);
    let total = int(&invoice, "total").unwrap_or(0);
    let entries = apply(store, taken, id, (date, total, &status), now);
    let applied_to = invoices::Applied {
        entries,
        list: "linked_payments",
        counter: "amount_paid",
        amount: applied,
    };
    applied_to.record(store, &mut invoice, now);
    Ok(json!({ "invoice": invoice }))
}
