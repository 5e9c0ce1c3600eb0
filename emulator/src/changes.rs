//! Changes to a subscription's items (`update_for_items`): at once, or scheduled for the end
//! of the term or a date (`has_scheduled_changes`, `changes_scheduled_at`), applied then by
//! `lifecycle`; `retrieve_with_scheduled_changes` shows the subscription as it will be and
//! `remove_scheduled_changes` drops them. A new `trial_end` moves a future or in-trial
//! subscription's trial end; `0` or the current time ends the trial now, activating the
//! subscription with its first invoice (an earlier time, backdating, is not emulated). A
//! change at once to a subscription past its trial is prorated (`proration`) unless it says
//! `prorate: false`. A change of billing period at once starts a new term now, the new items
//! charged in full for it (and the old ones credited for what is left, when prorated).

use crate::billing::{self, Priced};
use crate::calendar::{self, Unit};
use crate::crud;
use crate::failure::Failure;
use crate::fields::{future_time, int, only_taken, text};
use crate::invoices::{self, Raised};
use crate::lifecycle;
use crate::params::Params;
use crate::proration;
use crate::schedule::Anchor;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 3] = [
    "subscription.update_for_items",
    "subscription.retrieve_with_scheduled_changes",
    "subscription.remove_scheduled_changes",
];

/// The `update_for_items` parameters the emulator carries out (custom fields `cf_*` too);
/// any other is refused by name rather than dropped.
const TAKEN: [&str; 10] = [
    "subscription_items",
    "trial_end",
    "replace_items_list",
    "end_of_term",
    "change_option",
    "changes_scheduled_at",
    "prorate",
    "invoice_immediately",
    "po_number",
    "meta_data",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// Serves one operation on subscription `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let mut subscription = crud::find(store, "subscription", id)?;
    let scheduled = subscription.get("has_scheduled_changes") == Some(&Value::Bool(true));
    let none_scheduled =
        || Failure::invalid_state(format!("subscription {id} has no scheduled changes"));
    match op.name.as_str() {
        "retrieve_with_scheduled_changes" => {
            let pending = store.schedule.changes(id).filter(|_| scheduled);
            apply(&mut subscription, pending.ok_or_else(none_scheduled)?);
            return lifecycle::with_customer(store, &subscription);
        }
        "remove_scheduled_changes" => {
            if !scheduled {
                return Err(none_scheduled());
            }
            store.schedule.drop_changes(id);
            subscription.insert("has_scheduled_changes".into(), json!(false));
            subscription.remove("changes_scheduled_at");
        }
        _ => {
            let changed = update(op, store, &mut subscription, &params.values, now)?;
            let mut answer = lifecycle::save_and_answer(store, &mut subscription, now)?;
            if let Some(invoice) = changed.invoice {
                answer["invoice"] = Value::Object(invoice.object());
            }
            if !changed.credit_notes.is_empty() {
                answer["credit_notes"] = json!(changed.credit_notes);
            }
            return Ok(answer);
        }
    }
    lifecycle::save_and_answer(store, &mut subscription, now)
}

/// What a change raised: the first invoice of a trial ended now, or the invoice and credit
/// note of a prorated change.
struct Changed {
    invoice: Option<Raised>,
    credit_notes: Vec<Map<String, Value>>,
}

/// `update_for_items`: the new list of items, applied at once (prorated) or scheduled, and a
/// new trial end.
fn update(
    op: &Operation,
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Changed, Failure> {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    let status = text(subscription, "status").unwrap_or_default().to_string();
    if !["future", "in_trial", "active", "non_renewing"].contains(&status.as_str()) {
        return Err(Failure::invalid_state(format!(
            "subscription {id} is {status}: only a future, in_trial, active or non_renewing \
             subscription can change its items"
        )));
    }
    only_taken(&op.id, values, &TAKEN, true, None)?;
    let trial_end = int(values, "trial_end");
    if trial_end.is_some() && !["future", "in_trial"].contains(&status.as_str()) {
        return Err(Failure::invalid_state(format!(
            "subscription {id} is {status}: only a future or in_trial subscription can be given \
             a trial end"
        )));
    }
    if trial_end.is_some_and(|end| end != 0 && end < now) && status == "in_trial" {
        return Err(Failure::not_emulated_option(
            &op.id,
            "a trial end in the past (backdating)",
            "send 0 or the current time to end the trial now, or a time to come",
        ));
    }
    if let (Some(end), Some(start)) = (trial_end, int(subscription, "start_date")) {
        if status == "future" && end < start {
            return Err(Failure::param(
                "trial_end",
                format!("is before the subscription's start_date, {start}"),
            ));
        }
    }
    let sent = values.get("subscription_items").and_then(Value::as_array);
    if sent.into_iter().flatten().any(|entry| {
        let price = entry["item_price_id"].as_str().unwrap_or_default();
        crud::live(store, "item_price", price)
            .is_some_and(|p| p.get("item_type") == Some(&json!("charge")))
    }) {
        return Err(Failure::not_emulated_option(
            &op.id,
            "a one-time charge item in an item change",
            "charge items are billed when a subscription is created",
        ));
    }
    // A trial ended now is invoiced now.
    if status == "in_trial" && trial_end.is_some_and(|end| end <= now) {
        invoices::refuse_unbilled(&op.id, values)?;
    }
    let priced = billing::priced(store, &op.id, &entries(subscription, values))?;
    if priced.currency.as_deref() != text(subscription, "currency_code") {
        return Err(Failure::param(
            "subscription_items[item_price_id]",
            "names a plan priced in another currency than the subscription's",
        ));
    }
    let at_term_end = values.get("end_of_term").and_then(Value::as_bool) == Some(true)
        || text(values, "change_option") == Some("end_of_term");
    let at = match text(values, "change_option") {
        Some("specific_date") => Some(
            future_time(values, "changes_scheduled_at", now)?
                .ok_or_else(|| Failure::param("changes_scheduled_at", "cannot be blank"))?,
        ),
        _ if at_term_end => int(subscription, "current_term_end"),
        _ => None,
    };
    for key in ["po_number", "meta_data"] {
        if let Some(value) = values.get(key) {
            subscription.insert(key.into(), value.clone());
        }
    }
    let pending = json!({
        "subscription_items": priced.items,
        "mrr": invoices::recurring_amount(&priced.items),
        "billing_period": priced.period,
        "billing_period_unit": priced.unit,
    });
    let mut changed = Changed {
        invoice: None,
        credit_notes: Vec::new(),
    };
    match at {
        Some(at) => {
            store.schedule.set_changes(&id, pending);
            subscription.insert("has_scheduled_changes".into(), json!(true));
            subscription.insert("changes_scheduled_at".into(), json!(at));
        }
        None => {
            let past_trial = matches!(status.as_str(), "active" | "non_renewing");
            let prorate = values.get("prorate").and_then(Value::as_bool) != Some(false);
            let invoice_now =
                values.get("invoice_immediately").and_then(Value::as_bool) != Some(false);
            // A new billing period starts a new term now; a trial's just bills so later.
            let new_term = (past_trial && period_changes(subscription, &priced))
                .then(|| new_term_end(&priced, now));
            if new_term.is_some() && status == "non_renewing" {
                return Err(Failure::not_emulated_option(
                    &op.id,
                    "a change of billing period at once on a subscription scheduled to cancel",
                    "remove the scheduled cancellation first, or send end_of_term=true",
                ));
            }
            let plan = match (new_term, past_trial && prorate) {
                (Some(new_end), _) => Some(proration::new_term_plan(
                    store,
                    &op.id,
                    subscription,
                    &priced.items,
                    (new_end, prorate),
                    now,
                )?),
                (None, true) => Some(proration::plan(
                    store,
                    &op.id,
                    subscription,
                    &priced.items,
                    now,
                )?),
                (None, false) => None,
            };
            // A change at once replaces any scheduled before it.
            store.schedule.drop_changes(&id);
            apply(subscription, &pending);
            if let Some(new_end) = new_term {
                store.schedule.set_anchor(&id, Anchor { at: now, terms: 0 });
                subscription.insert("current_term_start".into(), json!(now));
                subscription.insert("current_term_end".into(), json!(new_end));
                subscription.insert("next_billing_at".into(), json!(new_end));
            }
            if let Some(plan) = plan {
                let prorated = proration::carry_out(store, subscription, plan, invoice_now, now);
                changed.invoice = prorated.invoice;
                changed.credit_notes = prorated.credit_notes;
            }
        }
    }
    let Some(end) = trial_end else {
        return Ok(changed);
    };
    if status == "future" || end > now {
        subscription.insert("trial_end".into(), json!(end));
        return Ok(changed);
    }
    // 0 or the current time ends the trial now, billing the items as changed.
    subscription.insert("trial_end".into(), json!(now));
    lifecycle::activate(store, subscription, now);
    changed.invoice = Some(invoices::raise_for_customer(store, subscription, now, true));
    Ok(changed)
}

/// The entries the subscription's items become: the sent list when it replaces them
/// (`replace_items_list`), else the current items with the sent ones changed or added.
fn entries(subscription: &Map<String, Value>, values: &Map<String, Value>) -> Vec<Value> {
    let sent: Vec<Value> = values
        .get("subscription_items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if values.get("replace_items_list").and_then(Value::as_bool) == Some(true) {
        return sent;
    }
    let mut entries: Vec<Value> = subscription
        .get("subscription_items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    json!({
                        "item_price_id": item["item_price_id"],
                        "quantity": item["quantity"],
                        "quantity_in_decimal": item["quantity_in_decimal"],
                        "unit_price": item["unit_price"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    for entry in sent {
        let same = |e: &&mut Value| e["item_price_id"] == entry["item_price_id"];
        match entries.iter_mut().find(same) {
            Some(kept) => {
                // A quantity sent, whole or decimal, replaces the one kept in either form.
                let quantities = ["quantity", "quantity_in_decimal"];
                if quantities.iter().any(|key| entry.get(*key).is_some()) {
                    for key in quantities {
                        kept[key] = Value::Null;
                    }
                }
                for key in ["quantity", "quantity_in_decimal", "unit_price"] {
                    if let Some(value) = entry.get(key) {
                        kept[key] = value.clone();
                    }
                }
            }
            None => entries.push(entry),
        }
    }
    entries
}

/// When a term of `priced`'s billing period that starts at `now` ends.
fn new_term_end(priced: &Priced, now: i64) -> i64 {
    let unit = Unit::parse(&priced.unit).unwrap_or(Unit::Month);
    calendar::term_end(now, 1, priced.period, unit)
}

/// Whether `priced` bills on another period than the subscription.
fn period_changes(subscription: &Map<String, Value>, priced: &Priced) -> bool {
    int(subscription, "billing_period") != Some(priced.period)
        || text(subscription, "billing_period_unit") != Some(priced.unit.as_str())
}

/// Makes `subscription` what `pending` describes (items, `mrr`, billing period) and clears
/// its scheduled changes.
pub fn apply(subscription: &mut Map<String, Value>, pending: &Value) {
    if let Some(pending) = pending.as_object() {
        for (key, value) in pending {
            subscription.insert(key.clone(), value.clone());
        }
    }
    subscription.insert("has_scheduled_changes".into(), json!(false));
    subscription.remove("changes_scheduled_at");
}
