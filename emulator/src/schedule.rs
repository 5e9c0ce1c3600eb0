//! When each subscription's next lifecycle action falls due, and the anchor its terms count
//! from; when each invoice's next step falls due (a `posted` invoice's due date, a dunning
//! retry). Due times are hints: the lifecycle checks each
//! against the stored object before acting, so an object changed or deleted since leaves
//! only a stale hint.

use crate::store::FastMap;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Where a subscription's terms count from: term `n` ends at
/// `calendar::term_end(at, n, …)`, and `terms` have ended since `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub at: i64,
    pub terms: i64,
}

/// Due times and anchors, by subscription id, and invoices' next steps.
#[derive(Debug, Default, Clone)]
pub struct Schedule {
    due: BTreeSet<(i64, String)>,
    anchors: FastMap<String, Anchor>,
    invoices_due: BTreeSet<(i64, String)>,
    /// Each subscription's scheduled changes: the fields it takes when they apply.
    changes: BTreeMap<String, Value>,
    /// When each subscription's last reminder was raised.
    reminded: FastMap<String, i64>,
}

/// What falls due: a subscription's next action, or an invoice's due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Subscription(String),
    Invoice(String),
}

impl Schedule {
    /// Notes that `id` has an action due at `at`.
    pub fn plan(&mut self, id: &str, at: i64) {
        self.due.insert((at, id.to_string()));
    }

    /// Notes that invoice `id` has a step due at `at` (its due date, a dunning retry).
    pub fn plan_invoice(&mut self, id: &str, at: i64) {
        self.invoices_due.insert((at, id.to_string()));
    }

    /// The earliest thing due at or before `now`, taken off the schedule, with its time. An
    /// invoice due at the same time as a subscription's action comes first; ties go in id
    /// order, so every run is the same.
    pub fn next_due(&mut self, now: i64) -> Option<(i64, Due)> {
        let subscription = self.due.first().map(|(at, _)| *at).filter(|at| *at <= now);
        let invoice = self
            .invoices_due
            .first()
            .map(|(at, _)| *at)
            .filter(|at| *at <= now);
        match (subscription, invoice) {
            (Some(s), Some(i)) if s < i => self.pop_subscription(),
            (_, Some(_)) => {
                let (at, id) = self.invoices_due.pop_first()?;
                Some((at, Due::Invoice(id)))
            }
            (Some(_), None) => self.pop_subscription(),
            (None, None) => None,
        }
    }

    fn pop_subscription(&mut self) -> Option<(i64, Due)> {
        let (at, id) = self.due.pop_first()?;
        Some((at, Due::Subscription(id)))
    }

    pub fn anchor(&self, id: &str) -> Option<Anchor> {
        self.anchors.get(id).copied()
    }

    pub fn set_anchor(&mut self, id: &str, anchor: Anchor) {
        self.anchors.insert(id.to_string(), anchor);
    }

    /// Keeps `pending` as subscription `id`'s scheduled changes, replacing any.
    pub fn set_changes(&mut self, id: &str, pending: Value) {
        self.changes.insert(id.to_string(), pending);
    }

    /// Subscription `id`'s scheduled changes.
    pub fn changes(&self, id: &str) -> Option<&Value> {
        self.changes.get(id)
    }

    /// Takes subscription `id`'s scheduled changes off the schedule.
    pub fn drop_changes(&mut self, id: &str) -> Option<Value> {
        self.changes.remove(id)
    }

    /// When subscription `id`'s last reminder was raised.
    pub fn reminded(&self, id: &str) -> Option<i64> {
        self.reminded.get(id).copied()
    }

    /// Notes that subscription `id` was reminded of its next step at `at`.
    pub fn set_reminded(&mut self, id: &str, at: i64) {
        self.reminded.insert(id.to_string(), at);
    }

    /// Forgets a subscription that is gone.
    pub fn forget(&mut self, id: &str) {
        self.anchors.remove(id);
        self.changes.remove(id);
        self.reminded.remove(id);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Schedule::default();
    }

    /// The schedule as JSON, in a fixed order.
    pub fn snapshot(&self) -> Value {
        let pairs = |set: &BTreeSet<(i64, String)>| -> Vec<Value> {
            set.iter().map(|(at, id)| json!([at, id])).collect()
        };
        // serde_json's map is ordered by key: the snapshot does not depend on hashing.
        let anchors: serde_json::Map<String, Value> = self
            .anchors
            .iter()
            .map(|(id, a)| (id.clone(), json!({"at": a.at, "terms": a.terms})))
            .collect();
        let reminded: serde_json::Map<String, Value> = self
            .reminded
            .iter()
            .map(|(id, at)| (id.clone(), json!(at)))
            .collect();
        json!({
            "due": pairs(&self.due),
            "anchors": anchors,
            "invoices_due": pairs(&self.invoices_due),
            "changes": self.changes,
            "reminded": reminded,
        })
    }

    /// The schedule `snapshot` wrote, or what in it is malformed.
    pub fn restore(state: &Value) -> Result<Schedule, String> {
        let mut schedule = Schedule::default();
        let due = state["due"]
            .as_array()
            .ok_or("`schedule.due` is not a list")?;
        for (i, entry) in due.iter().enumerate() {
            let (Some(at), Some(id)) = (entry[0].as_i64(), entry[1].as_str()) else {
                return Err(format!("`schedule.due[{i}]` is not [time, id]"));
            };
            schedule.plan(id, at);
        }
        let invoices_due = state["invoices_due"]
            .as_array()
            .ok_or("`schedule.invoices_due` is not a list")?;
        for (i, entry) in invoices_due.iter().enumerate() {
            let (Some(at), Some(id)) = (entry[0].as_i64(), entry[1].as_str()) else {
                return Err(format!("`schedule.invoices_due[{i}]` is not [time, id]"));
            };
            schedule.plan_invoice(id, at);
        }
        let changes = state["changes"]
            .as_object()
            .ok_or("`schedule.changes` is not an object")?;
        for (id, pending) in changes {
            schedule.set_changes(id, pending.clone());
        }
        let reminded = state["reminded"]
            .as_object()
            .ok_or("`schedule.reminded` is not an object")?;
        for (id, at) in reminded {
            let at = at
                .as_i64()
                .ok_or_else(|| format!("`schedule.reminded.{id}` is not a time"))?;
            schedule.set_reminded(id, at);
        }
        let anchors = state["anchors"]
            .as_object()
            .ok_or("`schedule.anchors` is not an object")?;
        for (id, anchor) in anchors {
            let (Some(at), Some(terms)) = (anchor["at"].as_i64(), anchor["terms"].as_i64()) else {
                return Err(format!("`schedule.anchors.{id}` is not {{at, terms}}"));
            };
            schedule.set_anchor(id, Anchor { at, terms });
        }
        Ok(schedule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_come_due_in_time_order_then_id_order() {
        let mut schedule = Schedule::default();
        schedule.plan("b", 20);
        schedule.plan("a", 20);
        schedule.plan("c", 10);
        schedule.plan("d", 30);
        schedule.plan_invoice("7", 20);
        let sub = |id: &str| Due::Subscription(id.into());
        assert_eq!(schedule.next_due(25), Some((10, sub("c"))));
        assert_eq!(schedule.next_due(25), Some((20, Due::Invoice("7".into()))));
        assert_eq!(schedule.next_due(25), Some((20, sub("a"))));
        assert_eq!(schedule.next_due(25), Some((20, sub("b"))));
        assert_eq!(schedule.next_due(25), None, "30 is not due at 25");
        let anchor = Anchor { at: 5, terms: 2 };
        schedule.set_anchor("d", anchor);
        schedule.set_reminded("d", 7);
        let restored = Schedule::restore(&schedule.snapshot()).unwrap();
        assert_eq!(restored.snapshot(), schedule.snapshot());
        assert_eq!(restored.anchor("d"), Some(anchor));
        assert_eq!(restored.reminded("d"), Some(7));
    }
}
