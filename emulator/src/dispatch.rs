//! Which module serves an operation: one table, read in order, that both serves a call and
//! says whether the emulator models an operation ([`models`]). An operation no entry takes
//! is not emulated.

use crate::billing;
use crate::clock::Clock;
use crate::crud::{self, Removed};
use crate::failure::Failure;
use crate::params::Params;
use crate::store::Store;
use crate::{
    changes, checkout, control, coupon_codes, credit_notes, estimates, gateway, payments, portal,
    promotions, refunds, removals, time_machine, transitions, unbilled, voiding,
};
use chargebee_description::{Api, ApiBase, Operation};
use serde_json::Value;

/// One call to serve, with what any module may need.
pub struct Call<'a> {
    pub api: &'static Api,
    pub store: &'a mut Store,
    /// The path's id, when the operation's path has one.
    pub id: Option<&'a str>,
    pub params: &'a Params,
    /// Where the emulator listens, for URLs in answers.
    pub base_url: &'a str,
    pub now: i64,
    pub clock: &'a Clock,
    /// Whether an injected fault makes this time travel fail.
    pub travel_fails: bool,
    /// What a delete removed with its object, for their events.
    pub removed: Vec<Removed>,
}

impl Call<'_> {
    /// The form the billing, checkout and portal modules take.
    fn billing(&mut self) -> billing::Call<'_> {
        billing::Call {
            store: self.store,
            id: self.id,
            params: self.params,
            base_url: self.base_url,
            now: self.now,
        }
    }
}

/// A module's part of the table: which operations it takes, and how it serves one.
struct Entry {
    takes: fn(&Api, &Operation) -> bool,
    serve: fn(&Operation, &mut Call<'_>) -> Result<Value, Failure>,
}

/// Every module that serves operations, in the order they are asked.
const TABLE: [Entry; 18] = [
    Entry {
        takes: |_, op| op.base == ApiBase::Control,
        serve: |op, c| control::run(c.store, op, c.id, c.params, c.base_url, c.now),
    },
    Entry {
        takes: |_, op| time_machine::handles(op),
        serve: |op, c| {
            time_machine::run(
                op,
                c.store,
                c.clock,
                c.id.unwrap_or_default(),
                c.params,
                c.travel_fails,
            )
        },
    },
    Entry {
        takes: |_, op| gateway::handles(op),
        serve: |op, c| {
            gateway::run(
                op,
                c.store,
                c.id.unwrap_or_default(),
                &c.params.values,
                c.now,
            )
        },
    },
    Entry {
        takes: |_, op| estimates::handles(op),
        serve: |op, c| {
            estimates::run(
                c.api,
                op,
                c.store,
                c.id.unwrap_or_default(),
                c.params,
                c.base_url,
                c.now,
            )
        },
    },
    Entry {
        takes: |_, op| coupon_codes::handles(op),
        serve: |op, c| coupon_codes::run(op, c.store, c.id.unwrap_or_default(), c.params),
    },
    Entry {
        takes: |_, op| promotions::handles(op),
        serve: |op, c| promotions::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| unbilled::handles(op),
        serve: |op, c| unbilled::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| removals::handles(op),
        serve: |op, c| removals::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| refunds::handles(op),
        serve: |op, c| refunds::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| voiding::handles(op),
        serve: |op, c| voiding::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| credit_notes::handles(op),
        serve: |op, c| credit_notes::run(op, c.store, c.id, c.params, c.now),
    },
    Entry {
        takes: |_, op| payments::handles(op),
        serve: |op, c| payments::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| changes::handles(op),
        serve: |op, c| changes::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| transitions::handles(op),
        serve: |op, c| transitions::run(op, c.store, c.id.unwrap_or_default(), c.params, c.now),
    },
    Entry {
        takes: |_, op| portal::handles(op),
        serve: |op, c| portal::run(op, c.billing()),
    },
    Entry {
        takes: |_, op| checkout::handles(op),
        serve: |op, c| checkout::run(op, c.billing()),
    },
    Entry {
        takes: |_, op| billing::handles(op),
        serve: |op, c| billing::run(op, c.billing()),
    },
    Entry {
        takes: crud::models,
        serve: |op, c| {
            let (answer, removed) = crud::run(c.api, c.store, op, c.id, c.params, c.now)?;
            c.removed = removed;
            Ok(answer)
        },
    },
];

/// The first entry that takes `op`.
fn entry(api: &Api, op: &Operation) -> Option<&'static Entry> {
    TABLE.iter().find(|entry| (entry.takes)(api, op))
}

/// Whether some module serves `op`.
pub fn models(api: &Api, op: &Operation) -> bool {
    entry(api, op).is_some()
}

/// Serves `op` with the module that takes it; `None` when none does.
pub fn serve(op: &Operation, call: &mut Call<'_>) -> Option<Result<Value, Failure>> {
    entry(call.api, op).map(|entry| (entry.serve)(op, call))
}
