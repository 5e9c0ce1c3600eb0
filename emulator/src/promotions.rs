//! Promotional credits, as Chargebee documents them: `add`, `deduct` and `set` (by
//! `promotional_credit` or on the customer) change the customer's `promotional_credits`,
//! each change kept as a `promotional_credit` entry (`increment` or `decrement`, with the
//! `closing_balance`), listed and retrieved. Each invoice raised for the customer in the
//! credits' currency takes them first, before refundable credits and excess payments, as a
//! discount (`discounts`, `entity_type: promotional_credits`) that lowers its total; the use
//! is kept as a `decrement` entry too.

use crate::crud;
use crate::failure::Failure;
use crate::fields::{int, only_taken, text, touch};
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 7] = [
    "customer.add_promotional_credits",
    "customer.deduct_promotional_credits",
    "customer.set_promotional_credits",
    "promotional_credit.add",
    "promotional_credit.deduct",
    "promotional_credit.set",
    "promotional_credit.retrieve",
];

/// The parameters a change of promotional credits takes.
const TAKEN: [&str; 6] = [
    "customer_id",
    "amount",
    "currency_code",
    "description",
    "credit_type",
    "reference",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one promotional credit operation (`id`: the customer or entry its path names).
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let values = &params.values;
    if op.name == "retrieve" {
        let entry = crud::find(store, "promotional_credit", id)?;
        return Ok(json!({ "promotional_credit": entry }));
    }
    only_taken(&op.id, values, &TAKEN, false, None)?;
    let on_customer = op.resource == "customer";
    let customer_id = if on_customer {
        id.to_string()
    } else {
        text(values, "customer_id").unwrap_or_default().to_string()
    };
    let mut customer = crud::find(store, "customer", &customer_id)
        .map_err(|_| Failure::missing("customer", &customer_id, "customer_id"))?;
    let balance = int(&customer, "promotional_credits").unwrap_or(0);
    let amount = int(values, "amount").ok_or_else(|| Failure::param("amount", "is required"))?;
    let change = match op.name.trim_end_matches("_promotional_credits") {
        "add" => amount,
        "deduct" => -amount,
        _ => amount - balance,
    };
    if amount < 0 || (op.name.starts_with("set") && amount == balance) {
        return Err(Failure::param(
            "amount",
            format!("must be a change: the customer's promotional credits are {balance}"),
        ));
    }
    if balance + change < 0 {
        return Err(Failure::param(
            "amount",
            format!("is more than the customer's promotional credits, {balance}"),
        ));
    }
    let held = currency_of(store, &customer_id);
    let currency = text(values, "currency_code")
        .map(str::to_string)
        .or(held.clone())
        .or(text(&customer, "preferred_currency_code").map(str::to_string))
        .ok_or_else(|| {
            Failure::param(
                "currency_code",
                "is required: the customer has no promotional credits nor a \
                 preferred_currency_code to take it from",
            )
        })?;
    if balance > 0 && held.as_deref().is_some_and(|held| held != currency) {
        return Err(Failure::param(
            "currency_code",
            format!(
                "is not the currency of the customer's promotional credits, {}",
                held.unwrap_or_default()
            ),
        ));
    }
    let entry = record(
        store,
        &customer_id,
        change,
        &currency,
        values,
        balance + change,
        now,
    );
    customer.insert("promotional_credits".into(), json!(balance + change));
    touch(&mut customer, now);
    store.put("customer", &customer_id, &customer);
    if on_customer {
        Ok(json!({ "customer": customer }))
    } else {
        Ok(json!({ "customer": customer, "promotional_credit": entry }))
    }
}

/// Customer `customer_id`'s latest promotional credit entry.
pub fn latest(store: &mut Store, customer_id: &str) -> Option<Map<String, Value>> {
    let ids = store.owned("promotional_credit", "customer_id", customer_id);
    crud::live(store, "promotional_credit", ids.last()?)
}

/// The currency of customer `customer_id`'s promotional credits: its latest entry's.
fn currency_of(store: &mut Store, customer_id: &str) -> Option<String> {
    text(&latest(store, customer_id)?, "currency_code").map(str::to_string)
}

/// Keeps an entry of a change of `change` (its sign the type) to customer `customer_id`'s
/// promotional credits, leaving `closing_balance`; `values` give its description, type and
/// reference.
fn record(
    store: &mut Store,
    customer_id: &str,
    change: i64,
    currency: &str,
    values: &Map<String, Value>,
    closing_balance: i64,
    now: i64,
) -> Map<String, Value> {
    let id = store.new_id("promotional_credit");
    let kind = if change >= 0 {
        "increment"
    } else {
        "decrement"
    };
    let mut entry = Map::new();
    for (key, value) in [
        ("id", json!(id)),
        ("customer_id", json!(customer_id)),
        ("type", json!(kind)),
        ("amount", json!(change.abs())),
        ("currency_code", json!(currency)),
        ("description", json!(values.get("description"))),
        (
            "credit_type",
            json!(text(values, "credit_type").unwrap_or("general")),
        ),
        ("closing_balance", json!(closing_balance)),
        ("created_at", json!(now)),
        ("object", json!("promotional_credit")),
    ] {
        entry.insert(key.into(), value);
    }
    if let Some(reference) = values.get("reference") {
        entry.insert("reference".into(), reference.clone());
    }
    touch(&mut entry, now);
    store.put("promotional_credit", &id, &entry);
    entry
}

/// Applies customer `customer_id`'s promotional credits in `currency` to an invoice
/// `invoice_id` of `total` at `now`: the `discounts` entry, if any credits apply.
pub fn apply(
    store: &mut Store,
    customer_id: &str,
    currency: Option<&str>,
    invoice_id: &str,
    total: i64,
    now: i64,
) -> Option<Value> {
    let mut customer = crud::live(store, "customer", customer_id)?;
    let balance = int(&customer, "promotional_credits").unwrap_or(0);
    if balance <= 0 || total <= 0 || currency_of(store, customer_id).as_deref() != currency {
        return None;
    }
    let amount = balance.min(total);
    let mut values = Map::new();
    values.insert(
        "description".into(),
        json!(format!("Applied to invoice {invoice_id}")),
    );
    values.insert("reference".into(), json!(invoice_id));
    record(
        store,
        customer_id,
        -amount,
        currency.unwrap_or_default(),
        &values,
        balance - amount,
        now,
    );
    customer.insert("promotional_credits".into(), json!(balance - amount));
    touch(&mut customer, now);
    store.put("customer", customer_id, &customer);
    Some(json!({
        "amount": amount,
        "description": "Promotional credits",
        "entity_type": "promotional_credits",
        "object": "discount",
    }))
}
