//! The emulator's state: stored objects by resource, Maton connections, and the answers
//! given to idempotency keys. Objects and answers are kept as compact JSON text, which takes
//! a fifth of the memory of a parsed map, and are parsed when read.

use serde_json::{Map, Value};
use std::collections::HashMap;

/// Everything the emulator remembers between requests.
#[derive(Debug, Default)]
pub struct Store {
    collections: HashMap<String, Collection>,
    next_id: u64,
    pub connections: Vec<Connection>,
    /// Answers by idempotency key: status and body.
    pub replays: HashMap<String, (u16, Box<str>)>,
}

/// The objects of one resource, in creation order.
#[derive(Debug, Default)]
struct Collection {
    order: Vec<String>,
    objects: HashMap<String, Box<str>>,
}

/// A Maton connection between the account and a Chargebee site.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub id: String,
    pub app: String,
    /// `ACTIVE`, `PENDING` or `FAILED`.
    pub status: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
}

impl Store {
    /// A new id for `resource` (`emu_customer_1`).
    pub fn new_id(&mut self, resource: &str) -> String {
        self.next_id += 1;
        format!("emu_{resource}_{}", self.next_id)
    }

    pub fn get(&self, resource: &str, id: &str) -> Option<Map<String, Value>> {
        self.collections
            .get(resource)?
            .objects
            .get(id)
            .map(|text| parse(text))
    }

    /// Stores `object` under `id`, replacing any object with that id in place.
    pub fn put(&mut self, resource: &str, id: &str, object: &Map<String, Value>) {
        let c = self.collections.entry(resource.to_string()).or_default();
        if c.objects.insert(id.to_string(), text(object)).is_none() {
            c.order.push(id.to_string());
        }
    }

    pub fn remove(&mut self, resource: &str, id: &str) -> Option<Map<String, Value>> {
        let c = self.collections.get_mut(resource)?;
        let removed = c.objects.remove(id)?;
        c.order.retain(|o| o != id);
        Some(parse(&removed))
    }

    /// Every object of `resource`, oldest first.
    pub fn all(&self, resource: &str) -> Vec<Map<String, Value>> {
        match self.collections.get(resource) {
            Some(c) => c
                .order
                .iter()
                .filter_map(|id| c.objects.get(id))
                .map(|t| parse(t))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Compact JSON text of a value.
pub fn text(value: &impl serde::Serialize) -> Box<str> {
    serde_json::to_string(value)
        .expect("JSON values serialize")
        .into_boxed_str()
}

/// An object stored by [`Store::put`].
fn parse(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).expect("the store holds JSON objects it wrote")
}
