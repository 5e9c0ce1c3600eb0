//! Chargebee's time machine, `delorean`, over the emulator's clock: `travel_forward` moves the
//! clock and runs every lifecycle action on the way; `start_afresh` clears the customer data
//! and puts the clock back at a genesis time. Travel finishes within the call, but the call's
//! answer and the first retrieve after it say `in_progress`, and later retrieves `succeeded`,
//! so a client's polling loop runs as it would against Chargebee.
//!
//! Unlike Chargebee's, it travels past the present time: that is what a test of next year's
//! renewals needs.

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

/// Serves one time machine operation for machine `name`.
pub fn run(
    op: &Operation,
    store: &mut Store,
    clock: &Clock,
    name: &str,
    params: &Params,
) -> Result<Value, Failure> {
    if name != NAME {
        return Err(Failure::not_found("time_machine", name));
    }
    let mut machine = machine(store, clock);
    let answer = match op.name.as_str() {
        "retrieve" => {
            let answer = machine.clone();
            // Travel ended within the call that started it: this answer still says so if it
            // was in progress, the next ones say succeeded.
            machine.insert("time_travel_status".into(), json!("succeeded"));
            answer
        }
        "travel_forward" => {
            let now = clock.now();
            let destination = params
                .values
                .get("destination_time")
                .and_then(Value::as_i64)
                .unwrap_or(now);
            clock.set(destination).map_err(|_| {
                Failure::param(
                    "destination_time",
                    format!("is before the time machine's time, {now}: it travels forward only"),
                )
            })?;
            machine.insert("destination_time".into(), json!(destination));
            machine.insert("time_travel_status".into(), json!("in_progress"));
            machine.clone()
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
