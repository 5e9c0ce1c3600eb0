//! Estimates from the same engine as the operations they estimate: each is worked out by
//! carrying the operation out, and letting time run to the invoice it is about, on a copy of
//! the emulator's state, and reading what that raised; so an estimate is the invoice the
//! operation then raises, to the minor unit. The copy costs time in proportion to the state.
//! Nothing is collected in an estimate: `amount_paid` is 0 and `amount_due` what the
//! customer's credits leave. The `subscription_estimate` is the subscription as the
//! operation leaves it (for a renewal, as it is now).
//!
//! - `renewal_estimate`: a subscription's next invoice (its renewal, or the first at the end
//!   of its trial or its start), scheduled changes applied.
//! - `upcoming_invoices_estimate`: that next invoice of each of a customer's subscriptions.
//! - `create_sub_item_for_customer_estimate`: the invoice of a subscription created now, or,
//!   when it is not billed now, its first invoice (`next_invoice_estimate`).
//! - `create_sub_item_estimate`: the same for a customer not yet created (no credits, no
//!   `customer_id`).
//! - `update_subscription_for_items`: a change's prorated invoice and credit notes, or, for a
//!   change without charges now, the next invoice (`next_invoice_estimate`).
//! - `cancel_subscription_for_items`: the subscription as the cancellation leaves it, and the
//!   invoice of its unbilled charges a cancellation now raises.

use crate::billing::{self, Call};
use crate::changes;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{self, int, only_taken, text};
use crate::lifecycle;
use crate::params::Params;
use crate::store::Store;
use crate::transitions;
use chargebee_description::{Api, Operation};
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 6] = [
    "estimate.renewal_estimate",
    "estimate.upcoming_invoices_estimate",
    "estimate.create_sub_item_for_customer_estimate",
    "estimate.create_sub_item_estimate",
    "estimate.update_subscription_for_items",
    "estimate.cancel_subscription_for_items",
];

/// The `subscription[…]` fields a creation estimate takes.
const NEW_SUBSCRIPTION: [&str; 5] = [
    "id",
    "trial_end",
    "start_date",
    "auto_collection",
    "po_number",
];

/// The invoice fields an invoice estimate carries.
const INVOICE_FIELDS: [&str; 8] = [
    "recurring",
    "price_type",
    "currency_code",
    "sub_total",
    "total",
    "credits_applied",
    "discounts",
    "line_item_discounts",
];

/// The line item fields an invoice estimate's lines carry.
const LINE_FIELDS: [&str; 15] = [
    "subscription_id",
    "date_from",
    "date_to",
    "unit_amount",
    "quantity",
    "quantity_in_decimal",
    "amount",
    "discount_amount",
    "item_level_discount_amount",
    "is_taxed",
    "tax_amount",
    "description",
    "entity_type",
    "entity_id",
    "customer_id",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one estimate (`id`: the subscription or customer its path names) at `now`.
pub fn run(
    api: &Api,
    op: &Operation,
    store: &Store,
    id: &str,
    params: &Params,
    base_url: &str,
    now: i64,
) -> Result<Value, Failure> {
    let values = &params.values;
    let estimate = match op.name.as_str() {
        "renewal_estimate" => renewal(op, store, id, values, now)?,
        "upcoming_invoices_estimate" => upcoming(op, store, id, values, now)?,
        "create_sub_item_for_customer_estimate" => {
            crud::find(store, "customer", id)?;
            creation(op, store.clone(), id, values, base_url, now)?
        }
        "create_sub_item_estimate" => {
            let mut scratch = store.clone();
            let create = api
                .operation("customer.create")
                .expect("the spec has customer.create");
            let (created, _) = crud::run(api, &mut scratch, create, None, &Params::default(), now)?;
            let customer = created["customer"]["id"].as_str().unwrap_or_default();
            let mut estimate = creation(op, scratch, customer, values, base_url, now)?;
            for invoice in ["invoice_estimate", "next_invoice_estimate"] {
                if let Some(Value::Object(invoice)) = estimate.get_mut(invoice) {
                    without_customer(invoice);
                }
            }
            estimate
        }
        "update_subscription_for_items" => change(api, op, store, values, now)?,
        "cancel_subscription_for_items" => cancellation(api, op, store, id, values, now)?,
        other => return Err(Failure::no_route("serve", other)),
    };
    let mut estimate = estimate;
    estimate.insert("created_at".into(), json!(now));
    estimate.insert("object".into(), json!("estimate"));
    Ok(json!({ "estimate": estimate }))
}

/// `renewal_estimate` for subscription `id`.
fn renewal(
    op: &Operation,
    store: &Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Map<String, Value>, Failure> {
    refuse_other_balances(op, values)?;
    let taken = ["include_delayed_charges", "use_existing_balances"];
    only_taken(&op.id, values, &taken, false, None)?;
    let subscription = crud::find(store, "subscription", id)?;
    let mut scratch = store.clone();
    let invoice = next_invoice(&mut scratch, id, now)?;
    let mut estimate = Map::new();
    let subscription = subscription_estimate(&subscription);
    estimate.insert("subscription_estimate".into(), subscription);
    estimate.insert("invoice_estimate".into(), invoice_estimate(&invoice));
    Ok(estimate)
}

/// Refuses `use_existing_balances=false`: credits always apply.
fn refuse_other_balances(op: &Operation, values: &Map<String, Value>) -> Result<(), Failure> {
    if values.get("use_existing_balances").and_then(Value::as_bool) == Some(false) {
        return Err(Failure::not_emulated_option(
            &op.id,
            "use_existing_balances=false",
            "leave it out: the customer's credits always apply",
        ));
    }
    Ok(())
}

/// When subscription `subscription` next raises an invoice, if it does.
fn next_billing(subscription: &Map<String, Value>) -> Option<i64> {
    match text(subscription, "status")? {
        "active" => int(subscription, "next_billing_at"),
        "in_trial" => int(subscription, "trial_end"),
        "future" => int(subscription, "trial_end").or(int(subscription, "start_date")),
        _ => None,
    }
}

/// Runs `scratch`'s time to subscription `id`'s next invoice after `now`, and returns it.
fn next_invoice(scratch: &mut Store, id: &str, now: i64) -> Result<Map<String, Value>, Failure> {
    let subscription = crud::find(scratch, "subscription", id)?;
    let status = text(&subscription, "status")
        .unwrap_or_default()
        .to_string();
    let at = next_billing(&subscription)
        .filter(|at| *at >= now)
        .ok_or_else(|| {
            Failure::invalid_state(format!(
                "subscription {id} is {status}: it raises no invoice to estimate"
            ))
        })?;
    lifecycle::catch_up(scratch, at, false);
    invoice_at(scratch, id, at).ok_or_else(|| {
        Failure::invalid_state(format!(
            "subscription {id} raises no invoice at {at}: it does not renew"
        ))
    })
}

/// The invoice subscription `id` raised at `at`, if any.
fn invoice_at(store: &mut Store, id: &str, at: i64) -> Option<Map<String, Value>> {
    let ids = store.owned("invoice", "subscription_id", id);
    ids.iter()
        .rev()
        .filter_map(|invoice| crud::live(store, "invoice", invoice))
        .find(|invoice| int(invoice, "date") == Some(at))
}

/// `upcoming_invoices_estimate` for customer `id`: each subscription's next invoice.
fn upcoming(
    op: &Operation,
    store: &Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Map<String, Value>, Failure> {
    only_taken(&op.id, values, &[], false, None)?;
    crud::find(store, "customer", id)?;
    let mut due: Vec<(i64, String)> = store
        .all("subscription")
        .into_iter()
        .filter(|s| text(s, "customer_id") == Some(id) && s.get("deleted") != Some(&json!(true)))
        .filter_map(|s| Some((next_billing(&s)?, text(&s, "id")?.to_string())))
        .filter(|(at, _)| *at >= now)
        .collect();
    due.sort();
    let mut scratch = store.clone();
    if let Some((last, _)) = due.last() {
        lifecycle::catch_up(&mut scratch, *last, false);
    }
    let estimates: Vec<Value> = due
        .iter()
        .filter_map(|(at, subscription)| invoice_at(&mut scratch, subscription, *at))
        .map(|invoice| invoice_estimate(&invoice))
        .collect();
    let mut estimate = Map::new();
    estimate.insert("invoice_estimates".into(), Value::Array(estimates));
    Ok(estimate)
}

/// A creation estimate for customer `id`, worked out on `scratch`.
fn creation(
    op: &Operation,
    mut scratch: Store,
    id: &str,
    values: &Map<String, Value>,
    base_url: &str,
    now: i64,
) -> Result<Map<String, Value>, Failure> {
    refuse_other_balances(op, values)?;
    let taken = [
        "subscription",
        "subscription_items",
        "billing_cycles",
        "invoice_immediately",
        "coupon_ids",
        "use_existing_balances",
    ];
    only_taken(&op.id, values, &taken, false, None)?;
    let sent = fields::object(values, "subscription");
    only_taken(&op.id, sent, &NEW_SUBSCRIPTION, true, Some("subscription"))?;
    let mut create = sent.clone();
    for key in [
        "subscription_items",
        "billing_cycles",
        "invoice_immediately",
        "coupon_ids",
    ] {
        if let Some(value) = values.get(key) {
            create.insert(key.into(), value.clone());
        }
    }
    let params = Params {
        values: create,
        ..Params::default()
    };
    let call = Call {
        store: &mut scratch,
        id: Some(id),
        params: &params,
        base_url,
        now,
    };
    let created = billing::create_subscription(call, id)?;
    let mut estimate = of_answer(&mut scratch, &created, now)?;
    if !sent.contains_key("id") {
        // A subscription not yet created has no id.
        if let Some(Value::Object(subscription)) = estimate.get_mut("subscription_estimate") {
            subscription.remove("id");
        }
    }
    Ok(estimate)
}

/// The estimate of an operation's `answer` in `scratch` at `now`: the subscription as it
/// leaves it, and the invoice it raised, or else the subscription's next invoice.
fn of_answer(scratch: &mut Store, answer: &Value, now: i64) -> Result<Map<String, Value>, Failure> {
    let subscription = answer["subscription"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut estimate = Map::new();
    let id = text(&subscription, "id").unwrap_or_default().to_string();
    estimate.insert(
        "subscription_estimate".into(),
        subscription_estimate(&subscription),
    );
    match answer.get("invoice").and_then(Value::as_object) {
        Some(invoice) => {
            estimate.insert("invoice_estimate".into(), invoice_estimate(invoice));
        }
        None => {
            let invoice = next_invoice(scratch, &id, now)?;
            estimate.insert("next_invoice_estimate".into(), invoice_estimate(&invoice));
        }
    }
    Ok(estimate)
}

/// `update_subscription_for_items`: the change `subscription[id]` names.
fn change(
    api: &Api,
    op: &Operation,
    store: &Store,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Map<String, Value>, Failure> {
    refuse_other_balances(op, values)?;
    let taken = [
        "subscription",
        "subscription_items",
        "replace_items_list",
        "end_of_term",
        "change_option",
        "changes_scheduled_at",
        "prorate",
        "invoice_immediately",
        "use_existing_balances",
    ];
    only_taken(&op.id, values, &taken, false, None)?;
    let sent = fields::object(values, "subscription");
    only_taken(&op.id, sent, &["id"], false, Some("subscription"))?;
    let id = text(sent, "id")
        .ok_or_else(|| Failure::param("subscription[id]", "cannot be blank"))?
        .to_string();
    let mut update: Map<String, Value> = values
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "subscription" | "use_existing_balances"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    update.remove("subscription");
    let mut scratch = store.clone();
    let operation = api
        .operation("subscription.update_for_items")
        .expect("the spec has subscription.update_for_items");
    let params = Params {
        values: update,
        ..Params::default()
    };
    let changed = changes::run(operation, &mut scratch, &id, &params, now)?;
    let mut estimate = of_answer(&mut scratch, &changed, now)?;
    let notes: Vec<Value> = changed
        .get("credit_notes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(credit_note_estimate)
        .collect();
    if !notes.is_empty() {
        estimate.insert("credit_note_estimates".into(), Value::Array(notes));
    }
    Ok(estimate)
}

/// `cancel_subscription_for_items` for subscription `id`.
fn cancellation(
    api: &Api,
    op: &Operation,
    store: &Store,
    id: &str,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Map<String, Value>, Failure> {
    transitions::only_taken(&op.id, "cancel_for_items", values)?;
    let cancel = api
        .operation("subscription.cancel_for_items")
        .expect("the spec has subscription.cancel_for_items");
    let mut scratch = store.clone();
    let params = Params {
        values: values.clone(),
        ..Params::default()
    };
    let cancelled = transitions::run(cancel, &mut scratch, id, &params, now)?;
    let mut estimate = Map::new();
    let subscription = cancelled["subscription"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    estimate.insert(
        "subscription_estimate".into(),
        subscription_estimate(&subscription),
    );
    if let Some(invoice) = cancelled.get("invoice").and_then(Value::as_object) {
        estimate.insert("invoice_estimate".into(), invoice_estimate(invoice));
    }
    Ok(estimate)
}

/// Takes the customer out of an invoice estimate for a customer not yet created.
fn without_customer(invoice: &mut Map<String, Value>) {
    invoice.remove("customer_id");
    let lines = invoice.get_mut("line_items").and_then(Value::as_array_mut);
    for line in lines.into_iter().flatten() {
        if let Some(line) = line.as_object_mut() {
            line.remove("customer_id");
        }
    }
}

/// The `keys` of `object` it has, tagged `object: tag`.
fn picked(object: &Map<String, Value>, keys: &[&str], tag: &str) -> Map<String, Value> {
    let mut estimate: Map<String, Value> = keys
        .iter()
        .filter_map(|key| Some(((*key).to_string(), object.get(*key)?.clone())))
        .collect();
    estimate.insert("object".into(), json!(tag));
    estimate
}

/// A subscription's estimate: where it stands after the estimated operation.
fn subscription_estimate(subscription: &Map<String, Value>) -> Value {
    let keys = [
        "id",
        "currency_code",
        "status",
        "next_billing_at",
        "pause_date",
        "resume_date",
    ];
    Value::Object(picked(subscription, &keys, "subscription_estimate"))
}

/// An invoice's estimate: its amounts and lines, nothing collected.
fn invoice_estimate(invoice: &Map<String, Value>) -> Value {
    let mut estimate = picked(invoice, &INVOICE_FIELDS, "invoice_estimate");
    if let Some(customer) = invoice.get("customer_id") {
        estimate.insert("customer_id".into(), customer.clone());
    }
    let total = int(invoice, "total").unwrap_or(0);
    let credits = int(invoice, "credits_applied").unwrap_or(0);
    estimate.insert("amount_paid".into(), json!(0));
    estimate.insert("amount_due".into(), json!(total - credits));
    let lines: Vec<Value> = invoice
        .get("line_items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|line| Value::Object(picked(line, &LINE_FIELDS, "line_item")))
        .collect();
    estimate.insert("line_items".into(), Value::Array(lines));
    Value::Object(estimate)
}

/// A credit note's estimate: its type, amounts and invoice.
fn credit_note_estimate(note: &Map<String, Value>) -> Value {
    let keys = [
        "reference_invoice_id",
        "type",
        "price_type",
        "currency_code",
        "sub_total",
        "total",
        "amount_allocated",
        "amount_available",
        "customer_id",
    ];
    Value::Object(picked(note, &keys, "credit_note_estimate"))
}
