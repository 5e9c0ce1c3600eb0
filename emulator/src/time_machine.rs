//! Chargebee's time machine, `delorean`, over the emulator's clock: `travel_forward` moves the
//! clock and runs every lifecycle action on the way; `start_afresh` clears the customer data
//! and puts the clock back at a genesis time. Travel finishes within the call, but the call's
//! answer and the first retrieve after it say `in_progress`, and later retrieves `succeeded`,
//! so a client's polling loop runs as it would against Chargebee.
//!
//! A travel fails only when asked to ([`FaultKind::TravelFails`]): the clock stays, and the
//! machine says `failed` with a `failure_reason` once the travel is no longer in progress.
//!
//! Unlike Chargebee's, it travels past the present time: that is what a test of next year's
//! renewals needs.
//!
//! [`FaultKind::TravelFails`]: crate::FaultKind::TravelFails

use crate::clock::Clock;
use crate::failure::Failure;
use crate::params::Params;
use crate::store::Store;
use chargebee_description::Operation;
use serde_json::{json, Map, Value};

/// The only machine Chargebee has.
const NAME: &str = "delorean";

/// What `start_afresh` clears: a customer's data, as Chargebee documents it (customers and
/// what belongs to them, and the events about them); the product catalog stays.
const CUSTOMER_DATA: [&str; 10] = [
    "customer",
    "subscription",
    "invoice",
    "credit_note",
    "payment_source",
    "transaction",
    "hosted_page",
    "portal_session",
    "comment",
    "event",
];

/// The fields that say why a travel failed.
const FAILURE: [&str; 3] = ["failure_code", "failure_reason", "error_json"];

/// The machine as a call answers it: while travel is in progress, why it will fail is not
/// yet known.
fn shown(machine: &Map<String, Value>) -> Map<String, Value> {
    let mut shown = machine.clone();
    if shown["time_travel_status"] == "in_progress" {
        for field in FAILURE {
            shown.remove(field);
        }
    }
    shown
}

/// Operations this module serves.
const SERVED: [&str; 3] = [
    "time_machine.retrieve",
    "time_machine.start_afresh",
    "time_machine.travel_forward",
];

/// Whether `op` is served here.
pub fn handles(op: &Operation) -> bool {
    SERVED.contains(&op.id.as_str())
}

/// The machine as stored, or as it stands before any travel: succeeded, at the clock's time.
fn machine(store: &Store, clock: &Clock) -> Map<String, Value> {
    store.time_machine.clone().unwrap_or_else(|| {
        let machine = json!({
            "name": NAME,
            "time_travel_status": "succeeded",
            "genesis_time": clock.genesis(),
            "destination_time": clock.now(),
            "object": "time_machine",
        });
        let Value::Object(machine) = machine else {
            unreachable!("built as an object")
        };
        machine
    })
}

/// Serves one time machine operation for machine `name`; a travel `fails` when a fault was
/// injected for it.
pub fn run(
    op: &Operation,
    store: &mut Store,
    clock: &Clock,
    name: &str,
    params: &Params,
    fails: bool,
) -> Result<Value, Failure> {
    if name != NAME {
        return Err(Failure::not_found("time_machine", name));
    }
    let mut machine = machine(store, clock);
    let answer = match op.name.as_str() {
        "retrieve" => {
            let answer = shown(&machine);
            // Travel ended within the call that started it: this answer still says so if it
            // was in progress, the next ones say how it ended.
            let failed = machine.contains_key("failure_reason");
            let status = if failed { "failed" } else { "succeeded" };
            machine.insert("time_travel_status".into(), json!(status));
            answer
        }
        "travel_forward" => {
            let now = clock.now();
            let destination = params
                .values
                .get("destination_time")
                .and_then(Value::as_i64)
                .unwrap_or(now);
            let backwards = || {
                Failure::param(
                    "destination_time",
                    format!("is before the time machine's time, {now}: it travels forward only"),
                )
            };
            for field in FAILURE {
                machine.remove(field);
            }
            if destination < now {
                return Err(backwards());
            } else if fails {
                let reason = format!(
                    "injected fault: the travel to {destination} did not happen; \
                     the time machine stays at {now}"
                );
                machine.insert("failure_reason".into(), json!(reason));
            } else {
                clock.set(destination).map_err(|_| backwards())?;
            }
            machine.insert("destination_time".into(), json!(destination));
            machine.insert("time_travel_status".into(), json!("in_progress"));
            shown(&machine)
        }
        "start_afresh" => {
            let genesis = params
                .values
                .get("genesis_time")
                .and_then(Value::as_i64)
                .unwrap_or_else(|| clock.now());
            for resource in CUSTOMER_DATA {
                store.clear(resource);
            }
            store.schedule.clear();
            store.replays.clear();
            clock.reset(genesis);
            for field in FAILURE {
                machine.remove(field);
            }
            machine.insert("genesis_time".into(), json!(genesis));
            machine.insert("destination_time".into(), json!(genesis));
            machine.insert("time_travel_status".into(), json!("in_progress"));
            machine.clone()
        }
        other => return Err(Failure::no_route("serve", other)),
    };
    store.time_machine = Some(machine);
    Ok(json!({ "time_machine": answer }))
}
