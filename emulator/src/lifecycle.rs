//! A subscription's life over time, as Chargebee documents it: a `future` subscription starts
//! on its `start_date` (into its trial when it has a `trial_end`), a trial ends in activation,
//! an active subscription renews at each term end, counting down `remaining_billing_cycles`
//! and turning `non_renewing` when none remain, a scheduled pause begins and a paused
//! subscription resumes into a new term, and a `non_renewing` one is cancelled at its
//! `cancelled_at`, its unbilled charges billed then. Each step raises its invoice and events at the time it falls due, not when
//! it is noticed: moving the clock a year runs every renewal of that year in order.

use crate::calendar::{self, Unit};
use crate::changes;
use crate::crud;
use crate::dunning;
use crate::events;
use crate::failure::Failure;
use crate::fields::{int, text, touch};
use crate::invoices::{self, Raised};
use crate::schedule::{Anchor, Due};
use crate::store::{FastMap, Store};
use crate::unbilled;
use crate::webhooks::Delivery;
use serde_json::{json, Map, Value};
use std::collections::hash_map::Entry;

/// What happens to a subscription when its time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// A `future` subscription starts.
    Start,
    /// A trial ends: the subscription activates.
    EndTrial,
    /// A term ends and the next starts.
    Renew,
    /// A scheduled pause begins.
    Pause,
    /// Scheduled changes to the items apply.
    Change,
    /// A paused subscription resumes.
    Resume,
    /// A scheduled cancellation happens.
    Cancel,
    /// A reminder that something is coming: an event, no change.
    Remind(Reminder),
}

/// The reminders Chargebee raises ahead of a subscription's next step, each a fixed time
/// before it (Chargebee's events documentation: renewal 3 days before, trial end and
/// scheduled cancellation 6 days before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reminder {
    TrialEnd,
    Renewal,
    Cancellation,
}

const DAY: i64 = 86_400;

impl Reminder {
    /// How long before the step the reminder comes.
    fn lead(self) -> i64 {
        match self {
            Reminder::TrialEnd | Reminder::Cancellation => 6 * DAY,
            Reminder::Renewal => 3 * DAY,
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            Reminder::TrialEnd => "subscription_trial_end_reminder",
            Reminder::Renewal => "subscription_renewal_reminder",
            Reminder::Cancellation => "subscription_cancellation_reminder",
        }
    }
}

/// `subscription`'s next action and when it falls due, if it has one. Of actions due at the
/// same time, a pause comes first, then scheduled changes, then a renewal or cancellation,
/// then a reminder. A reminder is due only after the subscription last changed and after
/// the last reminder (`reminded`), so each is raised once and none is back-dated.
fn next_action(subscription: &Map<String, Value>, reminded: Option<i64>) -> Option<(i64, Action)> {
    let at = |key: &str, action: Action| int(subscription, key).map(|t| (t, action));
    let earliest = |a: Option<(i64, Action)>, b: Option<(i64, Action)>| match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    };
    let since = int(subscription, "updated_at").max(reminded);
    let remind = |step: Option<(i64, Action)>, reminder: Reminder| {
        let (step_at, _) = step?;
        let at = step_at - reminder.lead();
        (Some(at) > since).then_some((at, Action::Remind(reminder)))
    };
    match text(subscription, "status")? {
        "future" => at("start_date", Action::Start),
        "in_trial" => {
            let end = at("trial_end", Action::EndTrial);
            earliest(end, remind(end, Reminder::TrialEnd))
        }
        "active" => {
            let renewal = at("current_term_end", Action::Renew);
            let before = earliest(
                at("pause_date", Action::Pause),
                at("changes_scheduled_at", Action::Change),
            );
            // A pause on or before the term's end means no renewal to remind of.
            let paused_first = matches!((at("pause_date", Action::Pause), renewal),
                (Some((pause, _)), Some((end, _))) if pause <= end);
            let reminder = if paused_first {
                None
            } else {
                remind(renewal, Reminder::Renewal)
            };
            earliest(earliest(before, renewal), reminder)
        }
        "non_renewing" => {
            let cancel = at("cancelled_at", Action::Cancel);
            earliest(
                earliest(
                    earliest(
                        at("pause_date", Action::Pause),
                        at("changes_scheduled_at", Action::Change),
                    ),
                    cancel,
                ),
                remind(cancel, Reminder::Cancellation),
            )
        }
        "paused" => earliest(
            at("resume_date", Action::Resume),
            at("cancelled_at", Action::Cancel),
        ),
        _ => None,
    }
}

/// Stores `subscription` and schedules its next action.
pub fn save(store: &mut Store, subscription: &Map<String, Value>) {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    store.put("subscription", &id, subscription);
    plan_next(store, &id, subscription);
}

/// Schedules `subscription`'s next action, if it has one, and returns it.
fn plan_next(
    store: &mut Store,
    id: &str,
    subscription: &Map<String, Value>,
) -> Option<(i64, Action)> {
    let next = next_action(subscription, store.schedule.reminded(id));
    if let Some((at, _)) = next {
        store.schedule.plan(id, at);
    }
    next
}

/// The billing period of `subscription`: its length in units, and the unit.
pub fn period(subscription: &Map<String, Value>) -> (i64, Unit) {
    let length = int(subscription, "billing_period").unwrap_or(1);
    let unit = text(subscription, "billing_period_unit")
        .and_then(Unit::parse)
        .unwrap_or(Unit::Month);
    (length, unit)
}

/// Starts `subscription`'s first term at `at`: it becomes `active`, its terms count from
/// `at`, and one of its billing cycles is used (when it has a number of them).
pub fn activate(store: &mut Store, subscription: &mut Map<String, Value>, at: i64) {
    let id = text(subscription, "id").unwrap_or_default().to_string();
    store.schedule.set_anchor(&id, Anchor { at, terms: 0 });
    subscription.insert("status".into(), json!("active"));
    subscription.insert("activated_at".into(), json!(at));
    subscription
        .entry("started_at")
        .or_insert_with(|| json!(at));
    start_term(store, subscription, at);
}

/// Sets the term that starts at `at` (the anchor's next), and counts down a billing cycle:
/// with none left after this term, the subscription is `non_renewing` and cancels at its end.
fn start_term(store: &Store, subscription: &mut Map<String, Value>, at: i64) {
    let id = text(subscription, "id").unwrap_or_default();
    let anchor = store.schedule.anchor(id).unwrap_or(Anchor { at, terms: 0 });
    let (length, unit) = period(subscription);
    let end = calendar::term_end(anchor.at, anchor.terms + 1, length, unit);
    subscription.insert("current_term_start".into(), json!(at));
    subscription.insert("current_term_end".into(), json!(end));
    subscription.insert("next_billing_at".into(), json!(end));
    if let Some(remaining) = int(subscription, "remaining_billing_cycles") {
        let remaining = (remaining - 1).max(0);
        subscription.insert("remaining_billing_cycles".into(), json!(remaining));
        if remaining == 0 {
            subscription.insert("status".into(), json!("non_renewing"));
            subscription.insert("cancelled_at".into(), json!(end));
            subscription.remove("next_billing_at");
        }
    }
}

/// Pauses `subscription` now: it stops renewing until it resumes.
pub fn pause(subscription: &mut Map<String, Value>) {
    subscription.insert("status".into(), json!("paused"));
    subscription.remove("next_billing_at");
}

/// Resumes `subscription` at `at`: a new term starts then, as Chargebee starts one on
/// resumption, and its invoice is raised and returned.
pub fn resume(store: &mut Store, subscription: &mut Map<String, Value>, at: i64) -> Raised {
    subscription.remove("pause_date");
    subscription.remove("resume_date");
    let cancel_at = int(subscription, "cancelled_at");
    activate(store, subscription, at);
    // A cancellation scheduled before the pause still stands.
    if let Some(cancel_at) = cancel_at {
        subscription.insert("status".into(), json!("non_renewing"));
        subscription.insert("cancelled_at".into(), json!(cancel_at));
        subscription.remove("next_billing_at");
    }
    invoices::raise_for_customer(store, subscription, at, false)
}

/// Stores `subscription` as changed by a call at `now` and answers it with its customer as
/// stored: `{"subscription": …, "customer": …}`.
pub fn save_and_answer(
    store: &mut Store,
    subscription: &mut Map<String, Value>,
    now: i64,
) -> Result<Value, Failure> {
    touch(subscription, now);
    save(store, subscription);
    with_customer(store, subscription)
}

/// `{"subscription": …, "customer": …}`, the customer as stored.
pub fn with_customer(store: &Store, subscription: &Map<String, Value>) -> Result<Value, Failure> {
    let customer_id = text(subscription, "customer_id").unwrap_or_default();
    let customer = crud::find(store, "customer", customer_id)?;
    Ok(json!({ "subscription": subscription, "customer": customer }))
}

/// Runs every action due at or before `now`, in time order, each at its own time; returns
/// the events they raised when they are to be `delivered` (a year of renewals raises
/// hundreds of thousands, kept only as the store keeps them otherwise).
pub fn catch_up(store: &mut Store, now: i64, delivered: bool) -> Vec<Delivery> {
    let mut raised = Vec::new();
    // Nothing else writes while time passes: each customer and subscription is read from the
    // store once, and a subscription is kept here as it was last saved.
    let mut customers = FastMap::default();
    let mut subscriptions: FastMap<String, Kept> = FastMap::default();
    while let Some((at, due)) = store.schedule.next_due(now) {
        let id = match due {
            Due::Invoice(id) => {
                let events = invoice_step(store, &mut subscriptions, &id, at, delivered);
                raised.extend(events);
                continue;
            }
            Due::Subscription(id) => id,
        };
        let Some(kept) = kept(store, &mut subscriptions, id) else {
            continue;
        };
        // A hint that no longer matches the subscription was superseded by a later change.
        match kept.next {
            Some((due, action)) if due == at => {
                let (events, next) = act(
                    store,
                    &mut customers,
                    &mut kept.subscription,
                    action,
                    at,
                    delivered,
                );
                raised.extend(events);
                kept.next = next;
            }
            _ => {}
        }
    }
    raised
}

/// A subscription as the clock's advance last saved it, and its next action.
struct Kept {
    subscription: Map<String, Value>,
    next: Option<(i64, Action)>,
}

/// The subscription `id` as the clock's advance keeps it, read from the store the first time;
/// `None`, and off the schedule, when it is gone.
fn kept<'a>(
    store: &mut Store,
    subscriptions: &'a mut FastMap<String, Kept>,
    id: String,
) -> Option<&'a mut Kept> {
    match subscriptions.entry(id) {
        Entry::Occupied(kept) => Some(kept.into_mut()),
        Entry::Vacant(slot) => match crud::live(store, "subscription", slot.key()) {
            Some(subscription) => {
                let next = next_action(&subscription, store.schedule.reminded(slot.key()));
                Some(slot.insert(Kept { subscription, next }))
            }
            None => {
                store.schedule.forget(slot.key());
                None
            }
        },
    }
}

/// Invoice `id`'s step due at `at`: a `posted` invoice reaching its due date becomes
/// `payment_due` and its subscription owes it; an invoice in dunning is charged again.
/// Returns the events raised, to be delivered.
fn invoice_step(
    store: &mut Store,
    subscriptions: &mut FastMap<String, Kept>,
    id: &str,
    at: i64,
    delivered: bool,
) -> Vec<Delivery> {
    let Some(mut invoice) = crud::live(store, "invoice", id) else {
        return Vec::new();
    };
    let subscription_id = text(&invoice, "subscription_id").map(str::to_string);
    let mut kept = subscription_id.and_then(|s| kept(store, subscriptions, s));
    let posted = text(&invoice, "status") == Some("posted");
    if posted && int(&invoice, "due_date") == Some(at) {
        invoice.insert("status".into(), json!("payment_due"));
        touch(&mut invoice, at);
        store.put("invoice", id, &invoice);
        if let Some(kept) = kept {
            let amount = int(&invoice, "amount_due").unwrap_or(0);
            invoices::owe(&mut kept.subscription, amount, at);
            touch(&mut kept.subscription, at);
            save_kept(store, kept);
        }
        return Vec::new();
    }
    let subscription = kept.as_mut().map(|k| &mut k.subscription);
    let Some(retried) = dunning::retry(store, &mut invoice, subscription, at) else {
        return Vec::new();
    };
    let customer_id = text(&invoice, "customer_id").unwrap_or_default();
    let customer = store
        .text_of("customer", customer_id)
        .unwrap_or("null")
        .to_string();
    let invoice_text = store.text_of("invoice", id).unwrap_or("null").to_string();
    let subscription_text = match kept {
        Some(kept) => {
            save_kept(store, kept);
            let id = text(&kept.subscription, "id").unwrap_or_default();
            store
                .text_of("subscription", id)
                .unwrap_or("null")
                .to_string()
        }
        None => "null".to_string(),
    };
    let source = events::Source::ScheduledJob;
    let mut raised = Vec::new();
    if let Some(charged) = &retried.charged {
        let content = [
            ("customer", customer.as_str()),
            ("invoice", invoice_text.as_str()),
            ("subscription", subscription_text.as_str()),
            ("transaction", charged.text.as_str()),
        ];
        let event = events::payment_event(charged.succeeded);
        raised.extend(events::put_event_text(
            store, event, &content, at, source, delivered,
        ));
    }
    if retried.cancelled {
        let content = [
            ("customer", customer.as_str()),
            ("subscription", subscription_text.as_str()),
        ];
        raised.extend(events::put_event_text(
            store,
            "subscription_cancelled",
            &content,
            at,
            source,
            delivered,
        ));
    }
    raised
}

/// Stores a subscription the clock's advance changed and schedules its next action.
fn save_kept(store: &mut Store, kept: &mut Kept) {
    let id = text(&kept.subscription, "id")
        .unwrap_or_default()
        .to_string();
    store.put("subscription", &id, &kept.subscription);
    kept.next = plan_next(store, &id, &kept.subscription);
}

/// What an action needs of a customer: how it pays its invoices, and its JSON text.
struct Payer {
    terms: invoices::Terms,
    text: String,
}

/// Carries out `subscription`'s `action`, due at `at`; returns the events raised, to be
/// delivered (none when they are not), and the subscription's next action.
fn act(
    store: &mut Store,
    customers: &mut FastMap<String, Payer>,
    subscription: &mut Map<String, Value>,
    action: Action,
    at: i64,
    delivered: bool,
) -> (Vec<Delivery>, Option<(i64, Action)>) {
    let customer_id = text(subscription, "customer_id")
        .unwrap_or_default()
        .to_string();
    if !customers.contains_key(&customer_id) {
        let Some(customer) = crud::live(store, "customer", &customer_id) else {
            return (Vec::new(), None);
        };
        let payer = Payer {
            terms: invoices::Terms::of(store, &customer),
            text: store
                .text_of("customer", &customer_id)
                .unwrap_or_default()
                .to_string(),
        };
        customers.insert(customer_id.clone(), payer);
    }
    let payer = &customers[&customer_id];
    let id = text(subscription, "id").unwrap_or_default().to_string();
    let mut invoice = None;
    let kind = match action {
        Action::Remind(reminder) => {
            // A reminder changes nothing: the subscription is not saved again.
            store.schedule.set_reminded(&id, at);
            let next = plan_next(store, &id, subscription);
            let subscription_text = store
                .text_of("subscription", &id)
                .unwrap_or_default()
                .to_string();
            let content = [
                ("customer", payer.text.as_str()),
                ("subscription", subscription_text.as_str()),
            ];
            let kind = reminder.event_type();
            let source = events::Source::ScheduledJob;
            let event = events::put_event_text(store, kind, &content, at, source, delivered);
            return (event.into_iter().collect(), next);
        }
        Action::Start => {
            match int(subscription, "trial_end").filter(|end| *end > at) {
                Some(_) => {
                    subscription.insert("status".into(), json!("in_trial"));
                    subscription.insert("trial_start".into(), json!(at));
                    subscription.insert("started_at".into(), json!(at));
                }
                None => {
                    activate(store, subscription, at);
                    invoice = Some(invoices::raise(store, subscription, &payer.terms, at, true));
                }
            }
            "subscription_started"
        }
        Action::EndTrial => {
            activate(store, subscription, at);
            invoice = Some(invoices::raise(store, subscription, &payer.terms, at, true));
            "subscription_activated"
        }
        Action::Renew => {
            if let Some(mut anchor) = store.schedule.anchor(&id) {
                anchor.terms += 1;
                store.schedule.set_anchor(&id, anchor);
            }
            start_term(store, subscription, at);
            invoice = Some(invoices::raise(
                store,
                subscription,
                &payer.terms,
                at,
                false,
            ));
            "subscription_renewed"
        }
        Action::Pause => {
            pause(subscription);
            "subscription_paused"
        }
        Action::Change => {
            let pending = store.schedule.drop_changes(&id).unwrap_or(Value::Null);
            let period = |object: &Map<String, Value>| {
                (
                    object.get("billing_period").cloned(),
                    object.get("billing_period_unit").cloned(),
                )
            };
            // A new billing period counts its terms from the change.
            if let Some(fields) = pending.as_object() {
                if period(fields) != period(subscription) {
                    store.schedule.set_anchor(&id, Anchor { at, terms: -1 });
                }
            }
            changes::apply(subscription, &pending);
            "subscription_changed"
        }
        Action::Resume => {
            invoice = Some(resume(store, subscription, at));
            "subscription_resumed"
        }
        Action::Cancel => {
            subscription.insert("status".into(), json!("cancelled"));
            subscription.remove("next_billing_at");
            for pause in ["pause_date", "resume_date"] {
                subscription.remove(pause);
            }
            invoice = unbilled::bill(store, subscription, at);
            "subscription_cancelled"
        }
    };
    touch(subscription, at);
    store.put("subscription", &id, subscription);
    let next = plan_next(store, &id, subscription);
    // The content is the objects as stored: their texts are copied, not serialized again.
    let subscription_text = store
        .text_of("subscription", &id)
        .unwrap_or_default()
        .to_string();
    let mut content = vec![("customer", payer.text.as_str())];
    if let Some(invoice) = &invoice {
        content.push(("invoice", invoice.text.as_str()));
    }
    content.push(("subscription", subscription_text.as_str()));
    let mut raised = Vec::new();
    let source = events::Source::ScheduledJob;
    raised.extend(events::put_event_text(
        store, kind, &content, at, source, delivered,
    ));
    if let Some(invoice) = &invoice {
        let content = [("invoice", invoice.text.as_str())];
        let event = "invoice_generated";
        raised.extend(events::put_event_text(
            store, event, &content, at, source, delivered,
        ));
        if let Some(charged) = &invoice.charged {
            let content = [
                ("customer", payer.text.as_str()),
                ("invoice", invoice.text.as_str()),
                ("subscription", subscription_text.as_str()),
                ("transaction", charged.text.as_str()),
            ];
            let event = events::payment_event(charged.succeeded);
            raised.extend(events::put_event_text(
                store, event, &content, at, source, delivered,
            ));
        }
    }
    (raised, next)
}
