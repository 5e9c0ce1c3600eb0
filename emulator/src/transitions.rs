//! What a call may do to a subscription in each state, as Chargebee documents it: cancel
//! (now, at term end, on a date), remove a scheduled cancellation, pause (now, at term end, on
//! a date, for a number of billing cycles) and resume (now or on a date), remove a scheduled
//! pause or resumption, and reactivate a cancelled subscription. A cancellation now bills the
//! subscription's unbilled charges on one invoice (`unbilled_charges_option=invoice`, the
//! default) or deletes them (`delete`); a scheduled one bills them when it takes effect. Any
//! other transition answers `invalid_state_for_request`. What then happens over time is `lifecycle`'s.

use crate::calendar;
use crate::crud;
use crate::failure::Failure;
use crate::fields::{future_time, int, text};
use crate::invoices;
use crate::lifecycle;
use crate::params::Params;
use crate::proration;
use crate::schedule::Anchor;
use crate::store::Store;
use crate::unbilled;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// Operations this module serves.
const SERVED: [&str; 9] = [
    "subscription.change_term_end",
    "subscription.cancel_for_items",
    "subscription.cancel",
    "subscription.remove_scheduled_cancellation",
    "subscription.pause",
    "subscription.resume",
    "subscription.remove_scheduled_pause",
    "subscription.remove_scheduled_resumption",
    "subscription.reactivate",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// The parameters a transition carries out; for one it takes only as the emulator already
/// behaves (no credits at a cancellation, dunning going on through a pause, …), the one value
/// that says so. Any other parameter or value is refused by name rather than dropped.
fn taken(name: &str) -> &'static [(&'static str, Option<&'static str>)] {
    match name {
        "cancel" | "cancel_for_items" => &[
            ("cancel_option", None),
            ("end_of_term", None),
            ("cancel_at", None),
            ("cancel_reason_code", None),
            ("credit_option_for_current_term_charges", Some("none")),
            ("account_receivables_handling", Some("no_action")),
            ("refundable_credits_handling", Some("no_action")),
            ("unbilled_charges_option", None),
        ],
        "change_term_end" => &[
            ("term_ends_at", None),
            ("prorate", None),
            ("invoice_immediately", None),
        ],
        "pause" => &[
            ("pause_option", None),
            ("pause_date", None),
            ("skip_billing_cycles", None),
            ("resume_date", None),
            ("unbilled_charges_handling", Some("no_action")),
            ("invoice_dunning_handling", Some("continue")),
        ],
        "resume" => &[
            ("resume_option", None),
            ("resume_date", None),
            ("charges_handling", None),
            ("unpaid_invoices_handling", Some("no_action")),
            ("payment_initiator", None),
        ],
        "reactivate" => &[
            ("trial_end", None),
            ("billing_cycles", None),
            ("reactivate_from", None),
            ("invoice_immediately", None),
            ("payment_initiator", None),
        ],
        "remove_scheduled_cancellation" => &[("billing_cycles", None)],
        _ => &[],
    }
}

/// Refuses, by name, a parameter of `operation` (the transition `name`, or an estimate of it)
/// outside [`taken`], or a value it takes only as the emulator behaves.
pub fn only_taken(operation: &str, name: &str, values: &Map<String, Value>) -> Result<(), Failure> {
    let taken = taken(name);
    for (key, value) in values {
        match taken.iter().find(|(name, _)| name == key) {
            None => {
                return Err(Failure::not_emulated_option(
                    operation,
                    &format!("`{key}`"),
                    "leave it out: the emulator does not model it",
                ))
            }
            Some((_, Some(only))) if value.as_str() != Some(only) => {
                return Err(Failure::not_emulated_option(
                    operation,
                    &format!("`{key}` other than {only}"),
                    &format!("send {key}={only}, as the emulator behaves, or leave it out"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Refuses the call unless the subscription's status is one of `allowed`.
fn require(
    subscription: &Map<String, Value>,
    allowed: &[&str],
    action: &str,
) -> Result<(), Failure> {
    let status = text(subscription, "status").unwrap_or_default();
    if allowed.contains(&status) {
        return Ok(());
    }
    Err(Failure::invalid_state(format!(
        "subscription {} is {status}: only a subscription that is {} can be {action}",
        text(subscription, "id").unwrap_or_default(),
        allowed.join(" or "),
    )))
}

/// Serves one transition of subscription `id` at `now`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    id: &str,
    params: &Params,
    now: i64,
) -> Result<Value, Failure> {
    let mut subscription = crud::find(store, "subscription", id)?;
    let values = &params.values;
    only_taken(&op.id, &op.name, values)?;
    let mut invoice = None;
    let mut credit_notes = Vec::new();
    match op.name.as_str() {
        "cancel" | "cancel_for_items" => {
            cancel(&mut subscription, values, now)?;
            let option = text(values, "unbilled_charges_option");
            if text(&subscription, "status") != Some("cancelled") && option.is_some() {
                return Err(Failure::param(
                    "unbilled_charges_option",
                    "applies only to a cancellation now: a scheduled one bills them then",
                ));
            }
            if text(&subscription, "status") == Some("cancelled") {
                match option {
                    Some("delete") => unbilled::delete_all(store, id, now),
                    _ => {
                        invoice = unbilled::bill(store, &mut subscription, now).map(|i| i.object())
                    }
                }
            }
        }
        "remove_scheduled_cancellation" => {
            require(&subscription, &["non_renewing"], "kept from cancelling")?;
            subscription.insert("status".into(), json!("active"));
            subscription.remove("cancelled_at");
            let term_end = int(&subscription, "current_term_end");
            subscription.insert("next_billing_at".into(), json!(term_end));
            // With no cycles given, the subscription renews until told otherwise.
            match int(values, "billing_cycles") {
                Some(cycles) => {
                    subscription.insert("remaining_billing_cycles".into(), json!(cycles));
                }
                None => {
                    subscription.remove("remaining_billing_cycles");
                }
            }
        }
        "pause" => pause(store, &mut subscription, values, now)?,
        "change_term_end" => {
            if let Some(prorated) = change_term_end(op, store, &mut subscription, values, now)? {
                invoice = prorated.invoice.map(|raised| raised.object());
                credit_notes = prorated.credit_notes;
            }
        }
        "resume" => {
            require(&subscription, &["paused"], "resumed")?;
            match text(values, "resume_option").unwrap_or("immediately") {
                "specific_date" => {
                    let at = future_time(values, "resume_date", now)?
                        .ok_or_else(|| Failure::param("resume_date", "cannot be blank"))?;
                    subscription.insert("resume_date".into(), json!(at));
                }
                _ => {
                    invoices::refuse_unbilled(&op.id, values)?;
                    invoice = Some(lifecycle::resume(store, &mut subscription, now).object());
                }
            }
        }
        "remove_scheduled_pause" => {
            let scheduled = matches!(
                text(&subscription, "status"),
                Some("active" | "non_renewing")
            ) && subscription.contains_key("pause_date");
            if !scheduled {
                return Err(Failure::invalid_state(format!(
                    "subscription {id} has no scheduled pause"
                )));
            }
            subscription.remove("pause_date");
            subscription.remove("resume_date");
        }
        "remove_scheduled_resumption" => {
            require(&subscription, &["paused"], "kept paused")?;
            if subscription.remove("resume_date").is_none() {
                return Err(Failure::invalid_state(format!(
                    "subscription {id} has no scheduled resumption"
                )));
            }
        }
        "reactivate" => {
            require(&subscription, &["cancelled"], "reactivated")?;
            if int(values, "reactivate_from").is_some_and(|from| from != now) {
                return Err(Failure::param(
                    "reactivate_from",
                    "must be now: backdating is off on the emulated site",
                ));
            }
            let trial_end = future_time(values, "trial_end", now)?;
            if trial_end.is_none() {
                invoices::refuse_unbilled(&op.id, values)?;
            }
            for gone in ["cancelled_at", "cancel_reason", "cancel_reason_code"] {
                subscription.remove(gone);
            }
            if let Some(cycles) = int(values, "billing_cycles") {
                subscription.insert("remaining_billing_cycles".into(), json!(cycles));
            }
            match trial_end {
                Some(end) => {
                    subscription.insert("status".into(), json!("in_trial"));
                    subscription.insert("trial_start".into(), json!(now));
                    subscription.insert("trial_end".into(), json!(end));
                    subscription.remove("next_billing_at");
                }
                None => {
                    lifecycle::activate(store, &mut subscription, now);
                    let raised = invoices::raise_for_customer(store, &mut subscription, now, false);
                    invoice = Some(raised.object());
                }
            }
        }
        other => return Err(Failure::no_route("serve", other)),
    }
    let mut answer = lifecycle::save_and_answer(store, &mut subscription, now)?;
    if let Some(invoice) = invoice {
        answer["invoice"] = Value::Object(invoice);
    }
    if !credit_notes.is_empty() {
        answer["credit_notes"] = json!(credit_notes);
    }
    Ok(answer)
}

fn cancel(
    subscription: &mut Map<String, Value>,
    values: &Map<String, Value>,
    now: i64,
) -> Result<(), Failure> {
    require(
        subscription,
        &["future", "in_trial", "active", "non_renewing", "paused"],
        "cancelled",
    )?;
    let option = text(values, "cancel_option");
    let at_term_end = values.get("end_of_term").and_then(Value::as_bool) == Some(true)
        || option == Some("end_of_term");
    let cancel_at = match option {
        Some("specific_date") => Some(
            int(values, "cancel_at")
                .ok_or_else(|| Failure::param("cancel_at", "cannot be blank"))?,
        ),
        _ if at_term_end => Some(int(subscription, "current_term_end").unwrap_or(now)),
        _ => None,
    };
    match cancel_at.filter(|at| *at > now) {
        Some(at) => {
            subscription.insert("status".into(), json!("non_renewing"));
            subscription.insert("cancelled_at".into(), json!(at));
        }
        None => {
            subscription.insert("status".into(), json!("cancelled"));
            subscription.insert("cancelled_at".into(), json!(now));
        }
    }
    subscription.remove("next_billing_at");
    if let Some(reason) = text(values, "cancel_reason_code") {
        subscription.insert("cancel_reason_code".into(), json!(reason));
    }
    Ok(())
}

/// Moves the end of the current term (of a trial: its end; of a subscription scheduled to
/// cancel: the cancellation) to `term_ends_at`; renewals then count from it, and a pause
/// scheduled for the old term end moves with it. Proration is not emulated, so the call must
/// say `prorate: false`.
fn change_term_end(
    op: &Operation,
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    values: &Map<String, Value>,
    now: i64,
) -> Result<Option<proration::Prorated>, Failure> {
    require(
        subscription,
        &["in_trial", "active", "non_renewing"],
        "given a new term end",
    )?;
    let end = future_time(values, "term_ends_at", now)?
        .ok_or_else(|| Failure::param("term_ends_at", "cannot be blank"))?;
    let old_end = int(subscription, "current_term_end");
    let status = text(subscription, "status").map(str::to_string);
    // A trial has nothing to prorate; a term does unless told not to.
    let prorate = status.as_deref() != Some("in_trial")
        && values.get("prorate").and_then(Value::as_bool) != Some(false);
    let plan = match prorate {
        true => Some(proration::term_end_plan(
            store,
            &op.id,
            subscription,
            end,
            now,
        )?),
        false => None,
    };
    match status.as_deref() {
        Some("in_trial") => {
            subscription.insert("trial_end".into(), json!(end));
        }
        status => {
            subscription.insert("current_term_end".into(), json!(end));
            if status == Some("non_renewing") {
                subscription.insert("cancelled_at".into(), json!(end));
            } else {
                subscription.insert("next_billing_at".into(), json!(end));
            }
            if old_end.is_some() && int(subscription, "pause_date") == old_end {
                subscription.insert("pause_date".into(), json!(end));
            }
            // The next term ends one period after the new end: it is term 0 of a new count.
            let id = text(subscription, "id").unwrap_or_default();
            store.schedule.set_anchor(id, Anchor { at: end, terms: -1 });
        }
    }
    let invoice_now = values.get("invoice_immediately").and_then(Value::as_bool) != Some(false);
    Ok(plan.map(|plan| proration::carry_out(store, subscription, plan, invoice_now, now)))
}

/// Pauses now, or schedules the pause (`pause_date`), with a `resume_date` when one is given
/// or follows from `skip_billing_cycles`.
fn pause(
    store: &Store,
    subscription: &mut Map<String, Value>,
    values: &Map<String, Value>,
    now: i64,
) -> Result<(), Failure> {
    require(subscription, &["active", "non_renewing"], "paused")?;
    let term_end = int(subscription, "current_term_end").unwrap_or(now);
    let (pause_at, mut resume_at) = match text(values, "pause_option").unwrap_or("immediately") {
        "end_of_term" => (term_end, None),
        "specific_date" => {
            let at = future_time(values, "pause_date", now)?
                .ok_or_else(|| Failure::param("pause_date", "cannot be blank"))?;
            (at, None)
        }
        "billing_cycles" => {
            let skip = int(values, "skip_billing_cycles")
                .filter(|n| *n > 0)
                .ok_or_else(|| Failure::param("skip_billing_cycles", "cannot be blank"))?;
            let (length, unit) = lifecycle::period(subscription);
            let id = text(subscription, "id").unwrap_or_default();
            let resume = store
                .schedule
                .anchor(id)
                .map(|a| calendar::term_end(a.at, a.terms + 1 + skip, length, unit));
            (term_end, resume)
        }
        _ => (now, None),
    };
    if let Some(cancel_at) = int(subscription, "cancelled_at") {
        if pause_at >= cancel_at {
            return Err(Failure::param(
                "pause_date",
                "must be before the subscription's scheduled cancellation",
            ));
        }
    }
    match int(values, "resume_date") {
        Some(at) if at <= pause_at => {
            return Err(Failure::param(
                "resume_date",
                "must be after the pause date",
            ))
        }
        Some(at) => resume_at = Some(at),
        None => {}
    }
    subscription.insert("pause_date".into(), json!(pause_at));
    if let Some(at) = resume_at {
        subscription.insert("resume_date".into(), json!(at));
    }
    if pause_at <= now {
        lifecycle::pause(subscription);
    }
    Ok(())
}
