//! The emulator's state: stored objects by resource, Maton connections, and the answers
//! given to idempotency keys. Objects and answers are kept as compact JSON text, which takes
//! a fifth of the memory of a parsed map, and are parsed when read.

use serde_json::{json, Map, Value};
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
    /// What is kept, as JSON: objects by resource (oldest first), connections and the id
    /// counter. Idempotency answers are not part of it.
    pub fn snapshot(&self) -> Value {
        let mut collections = Map::new();
        for (resource, c) in &self.collections {
            let objects: Vec<Value> = c
                .order
                .iter()
                .filter_map(|id| c.objects.get(id))
                .map(|text| Value::Object(parse(text)))
                .collect();
            collections.insert(resource.clone(), Value::Array(objects));
        }
        let connections: Vec<Value> = self
            .connections
            .iter()
            .map(|c| json!({"id": c.id, "app": c.app, "status": c.status, "created": c.created}))
            .collect();
        json!({ "next_id": self.next_id, "collections": collections, "connections": connections })
    }

    /// A store holding what `snapshot` wrote, or what in it is malformed.
    pub fn restore(state: &Value) -> Result<Store, String> {
        let mut store = Store {
            next_id: state["next_id"]
                .as_u64()
                .ok_or("`next_id` is not a whole number")?,
            ..Store::default()
        };
        let collections = state["collections"]
            .as_object()
            .ok_or("`collections` is not an object")?;
        for (resource, objects) in collections {
            let objects = objects
                .as_array()
                .ok_or_else(|| format!("`collections.{resource}` is not a list"))?;
            for (i, object) in objects.iter().enumerate() {
                let fields = object
                    .as_object()
                    .ok_or_else(|| format!("`collections.{resource}[{i}]` is not an object"))?;
                let id = fields
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("`collections.{resource}[{i}]` has no text `id`"))?;
                store.put(resource, id, fields);
            }
        }
        let connections = state["connections"]
            .as_array()
            .ok_or("`connections` is not a list")?;
        for (i, c) in connections.iter().enumerate() {
            let text = |key: &str| {
                c[key]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`connections[{i}].{key}` is not text"))
            };
            store.connections.push(Connection {
                id: text("id")?,
                app: text("app")?,
                status: text("status")?,
                created: c["created"]
                    .as_i64()
                    .ok_or_else(|| format!("`connections[{i}].created` is not a number"))?,
            });
        }
        Ok(store)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_restores_the_same_state() {
        let mut store = Store::default();
        let id = store.new_id("customer");
        let customer = json!({"id": id, "email": "a@b.c"});
        store.put("customer", &id, customer.as_object().unwrap());
        store.put(
            "customer",
            "second",
            json!({"id": "second"}).as_object().unwrap(),
        );
        store.connections.push(Connection {
            id: "c1".into(),
            app: "chargebee".into(),
            status: "ACTIVE".into(),
            created: 5,
        });
        let snapshot = store.snapshot();
        let mut restored = Store::restore(&snapshot).unwrap();
        assert_eq!(restored.snapshot(), snapshot);
        assert_eq!(
            restored.all("customer")[0]["email"],
            "a@b.c",
            "order is kept"
        );
        assert_ne!(
            restored.new_id("customer"),
            id,
            "new ids do not repeat old ones"
        );
    }

    #[test]
    fn malformed_state_is_refused_by_name() {
        let e = Store::restore(&json!({"next_id": 1, "collections": {"customer": [{"email": "x"}]}, "connections": []})).unwrap_err();
        assert!(e.contains("collections.customer[0]"), "{e}");
        let e = Store::restore(&json!({"collections": {}})).unwrap_err();
        assert!(e.contains("next_id"), "{e}");
    }
}
