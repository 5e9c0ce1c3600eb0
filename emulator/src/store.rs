//! The emulator's state: stored objects by resource, Maton connections, and the answers
//! given to idempotency keys. Objects and answers are kept as compact JSON text, which takes
//! a fifth of the memory of a parsed map, and are parsed when read.

use crate::ids;
use crate::schedule::Schedule;
use crate::webhooks::Delivery;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The version of the state `Emulator::state` (and `--state`) writes and `Emulator::restore`
/// reads; a state of another version is refused, not misread. Version 2 added the request
/// each idempotency key answered, version 3 when it answered, the subscriptions' schedule,
/// the time machine and the webhook deliveries to try again, version 4 the reminders raised.
pub const STATE_VERSION: u64 = 4;

/// A hash map with a fast hash, for what is looked up by id on every write and every step of
/// the clock: the keys are ids chosen by the emulator's own user, so the flooding SipHash
/// guards against is not a risk here.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Everything the emulator remembers between requests.
#[derive(Debug, Default, Clone)]
pub struct Store {
    collections: FastMap<String, Collection>,
    next_id: u64,
    pub connections: Vec<Connection>,
    /// Answers by idempotency key.
    pub replays: HashMap<String, Replay>,
    /// When subscriptions' next lifecycle actions fall due.
    pub schedule: Schedule,
    /// The time machine, once a call has used it.
    pub time_machine: Option<Map<String, Value>>,
    /// Webhook deliveries to try again: when, the event's id, and the attempt.
    retries: BTreeSet<(i64, String, u32)>,
    /// The site's dunning settings, from the emulator's configuration (not part of the
    /// state: a restored state takes the running emulator's).
    pub dunning: crate::Dunning,
}

/// The answer given to an idempotency key, and the request it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub status: u16,
    pub body: Box<str>,
    /// The request's path id and parameters as compact JSON: the key replays only this.
    pub request: Box<str>,
    /// When it was answered, in Unix seconds.
    pub at: i64,
}

/// The objects of one resource, each with its place in creation order.
#[derive(Debug, Default, Clone)]
struct Collection {
    /// Ids by creation position; `None` where an object was removed. A new object takes
    /// the next position, its length: adding is a push.
    order: Vec<Option<Arc<str>>>,
    /// Each object's creation position and JSON text, by id.
    objects: FastMap<Arc<str>, (u64, Box<str>)>,
    /// The values of the top-level fields lists filter and sort by, by position, built on a
    /// list's first use of the field and kept current by every write: a filtered list reads
    /// them instead of parsing every object.
    columns: HashMap<String, Vec<Option<Value>>>,
}

impl Collection {
    /// Sets `position`'s entry in every column from `object` (`None` removes it).
    fn index(&mut self, position: u64, object: Option<&Map<String, Value>>) {
        let slot = position as usize;
        for (field, column) in &mut self.columns {
            let value = object
                .and_then(|o| o.get(field))
                .filter(|v| !v.is_null())
                .cloned();
            if column.len() <= slot {
                column.resize(slot + 1, None);
            }
            column[slot] = value;
        }
    }
}

/// One indexed field's values, by position.
#[derive(Clone, Copy)]
pub struct Column<'a>(Option<&'a [Option<Value>]>);

impl<'a> Column<'a> {
    /// The value at `position`, if the object there has one.
    pub fn get(&self, position: u64) -> Option<&'a Value> {
        self.0?.get(position as usize)?.as_ref()
    }
}

/// One resource's objects as a list reads them: ids in creation order with their positions
/// (later objects have higher ones, and a position is never reused, so it orders objects
/// stably under writes), the indexed fields' values, and whole objects parsed on demand.
pub struct View<'a> {
    collection: Option<&'a Collection>,
}

impl<'a> View<'a> {
    /// Every object's position and id, oldest first.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &'a str)> {
        self.collection.into_iter().flat_map(|c| slots(&c.order))
    }

    /// Every object's position and id, newest first.
    pub fn rows_newest_first(&self) -> impl Iterator<Item = (u64, &'a str)> {
        self.collection
            .into_iter()
            .flat_map(|c| slots(&c.order).rev())
    }

    /// The values of `field`, which was indexed.
    pub fn column(&self, field: &str) -> Column<'a> {
        Column(
            self.collection
                .and_then(|c| c.columns.get(field))
                .map(Vec::as_slice),
        )
    }

    /// The object `id`, parsed.
    pub fn object(&self, id: &str) -> Option<Map<String, Value>> {
        self.collection?
            .objects
            .get(id)
            .map(|(_, text)| parse(text))
    }
}

/// The ids held in `order`, each with its position.
fn slots(order: &[Option<Arc<str>>]) -> impl DoubleEndedIterator<Item = (u64, &str)> {
    order
        .iter()
        .enumerate()
        .filter_map(|(position, id)| Some((position as u64, &**id.as_ref()?)))
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
    /// What is kept, as JSON: the state version, objects by resource (oldest first),
    /// connections, the id counter, and the answers given to idempotency keys.
    pub fn snapshot(&self) -> Value {
        let mut collections = Map::new();
        for (resource, c) in &self.collections {
            let objects: Vec<Value> = slots(&c.order)
                .filter_map(|(_, id)| c.objects.get(id))
                .map(|(_, text)| Value::Object(parse(text)))
                .collect();
            collections.insert(resource.clone(), Value::Array(objects));
        }
        let connections: Vec<Value> = self
            .connections
            .iter()
            .map(|c| json!({"id": c.id, "app": c.app, "status": c.status, "created": c.created}))
            .collect();
        let replays: Map<String, Value> = self
            .replays
            .iter()
            .map(|(key, r)| {
                let answer = json!({
                    "status": r.status,
                    "body": &*r.body,
                    "request": &*r.request,
                    "at": r.at,
                });
                (key.clone(), answer)
            })
            .collect();
        json!({
            "version": STATE_VERSION,
            "next_id": self.next_id,
            "collections": collections,
            "connections": connections,
            "replays": replays,
            "schedule": self.schedule.snapshot(),
            "time_machine": self.time_machine,
            "webhook_retries": self.retries.iter().map(|(at, id, attempt)| json!([at, id, attempt])).collect::<Vec<_>>(),
        })
    }

    /// A store holding what `snapshot` wrote, or what in it is malformed.
    pub fn restore(state: &Value) -> Result<Store, String> {
        match state["version"].as_u64() {
            Some(STATE_VERSION) => {}
            Some(other) => {
                return Err(format!(
                    "the state is of version {other}, and this emulator reads version \
                     {STATE_VERSION}: it was written by another release"
                ))
            }
            None => {
                return Err(format!(
                    "the state has no `version`: it was written by a release before version \
                     {STATE_VERSION}, or is not an emulator state"
                ))
            }
        }
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
                let key = key_field(resource);
                let id = fields
                    .get(key)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("`collections.{resource}[{i}]` has no text `{key}`"))?;
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
        let replays = state["replays"]
            .as_object()
            .ok_or("`replays` is not an object")?;
        for (key, answer) in replays {
            let status = answer["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| format!("`replays.{key}.status` is not an HTTP status"))?;
            let text = |field: &str| {
                answer[field]
                    .as_str()
                    .map(Box::from)
                    .ok_or_else(|| format!("`replays.{key}.{field}` is not text"))
            };
            let replay = Replay {
                status,
                body: text("body")?,
                request: text("request")?,
                at: answer["at"]
                    .as_i64()
                    .ok_or_else(|| format!("`replays.{key}.at` is not a time"))?,
            };
            store.replays.insert(key.clone(), replay);
        }
        store.schedule = Schedule::restore(&state["schedule"])?;
        store.time_machine = match &state["time_machine"] {
            Value::Null => None,
            Value::Object(machine) => Some(machine.clone()),
            _ => return Err("`time_machine` is not an object".into()),
        };
        let retries = state["webhook_retries"]
            .as_array()
            .ok_or("`webhook_retries` is not a list")?;
        for (i, retry) in retries.iter().enumerate() {
            let (Some(at), Some(id), Some(attempt)) = (
                retry[0].as_i64(),
                retry[1].as_str(),
                retry[2].as_u64().and_then(|a| u32::try_from(a).ok()),
            ) else {
                return Err(format!(
                    "`webhook_retries[{i}]` is not [time, event id, attempt]"
                ));
            };
            store.plan_retry(at, id, attempt);
        }
        Ok(store)
    }

    /// Notes that event `event_id` is to be delivered again at `at`, as attempt `attempt`.
    pub fn plan_retry(&mut self, at: i64, event_id: &str, attempt: u32) {
        self.retries.insert((at, event_id.to_string(), attempt));
    }

    /// The deliveries due again by `now`, taken off the list, in time order; an event
    /// delivered since, or gone, is not sent again.
    pub fn due_retries(&mut self, now: i64) -> Vec<Delivery> {
        let mut due = Vec::new();
        while self.retries.first().is_some_and(|(at, _, _)| *at <= now) {
            let Some((_, event_id, attempt)) = self.retries.pop_first() else {
                break;
            };
            let Some(text) = self.text_of("event", &event_id) else {
                continue;
            };
            let event: Map<String, Value> = parse(text);
            if event.get("webhook_status").and_then(Value::as_str) == Some("succeeded") {
                continue;
            }
            due.push(Delivery {
                event_id,
                text: text.to_string(),
                attempt,
            });
        }
        due
    }

    /// Sets the `webhook_status` of event `event_id`, if it is still kept.
    pub fn set_webhook_status(&mut self, event_id: &str, status: &str) {
        if let Some(mut event) = self.get("event", event_id) {
            event.insert("webhook_status".into(), json!(status));
            self.put("event", event_id, &event);
        }
    }

    /// Forgets every object of `resource`.
    pub fn clear(&mut self, resource: &str) {
        self.collections.remove(resource);
    }

    /// Keeps the answer to an idempotency key. Answers given before `forget_before` are out
    /// of the window and dropped now and then, so the memory they take stays bounded by the
    /// keys of one window.
    pub fn remember(&mut self, key: String, replay: Replay, forget_before: i64) {
        let count = self.replays.len();
        if count >= 1024 && count.is_power_of_two() {
            self.replays.retain(|_, r| r.at >= forget_before);
        }
        self.replays.insert(key, replay);
    }

    /// A new id for `resource`, in the shape [`ids::shape`] gives it, that no stored object
    /// of `resource` has.
    pub fn new_id(&mut self, resource: &str) -> String {
        let shape = ids::shape(resource);
        let collection = self.collections.get(resource);
        let mut number = collection.map_or(0, |c| c.order.len() as u64);
        loop {
            self.next_id += 1;
            number += 1;
            let id = ids::format(shape, self.next_id, number);
            let taken = match resource {
                "connection" => self.connections.iter().any(|c| c.id == id),
                _ => collection.is_some_and(|c| c.objects.contains_key(id.as_str())),
            };
            if !taken {
                return id;
            }
        }
    }

    pub fn get(&self, resource: &str, id: &str) -> Option<Map<String, Value>> {
        self.collections
            .get(resource)?
            .objects
            .get(id)
            .map(|(_, text)| parse(text))
    }

    /// Stores `object` under `id`, replacing any object with that id in place.
    pub fn put(&mut self, resource: &str, id: &str, object: &Map<String, Value>) {
        self.put_text(resource, id, text(object), Some(object));
    }

    /// Stores the JSON text of an object under `id`, as [`Store::put`] does; `object` is the
    /// same object parsed, when the caller has it (it is parsed here only when a list reads
    /// an indexed field of `resource`).
    pub fn put_text(
        &mut self,
        resource: &str,
        id: &str,
        text: Box<str>,
        object: Option<&Map<String, Value>>,
    ) {
        if !self.collections.contains_key(resource) {
            self.collections
                .insert(resource.to_string(), Collection::default());
        }
        let c = self
            .collections
            .get_mut(resource)
            .expect("the collection was inserted above");
        let parsed = match object {
            None if !c.columns.is_empty() => Some(parse(&text)),
            _ => None,
        };
        let position = match c.objects.get_mut(id) {
            Some((position, kept)) => {
                *kept = text;
                *position
            }
            None => {
                let position = c.order.len() as u64;
                // One allocation of the id, shared by both maps.
                let id: Arc<str> = Arc::from(id);
                c.order.push(Some(Arc::clone(&id)));
                c.objects.insert(id, (position, text));
                position
            }
        };
        c.index(position, object.or(parsed.as_ref()));
    }

    /// The JSON text of object `id` of `resource`, as stored.
    pub fn text_of(&self, resource: &str, id: &str) -> Option<&str> {
        self.collections
            .get(resource)?
            .objects
            .get(id)
            .map(|(_, text)| &**text)
    }

    /// Makes the top-level `fields` of `resource` readable through [`View::column`].
    pub fn index(&mut self, resource: &str, fields: &[&str]) {
        let Some(c) = self.collections.get_mut(resource) else {
            return;
        };
        for field in fields {
            if c.columns.contains_key(*field) {
                continue;
            }
            let mut column = vec![None; c.order.len()];
            for (position, text) in c.objects.values() {
                column[*position as usize] = parse(text).remove(*field).filter(|v| !v.is_null());
            }
            c.columns.insert(field.to_string(), column);
        }
    }

    /// The objects of `resource` as a list reads them.
    /// The ids of the `resource` objects whose `field` is `owner` (a customer's invoices by
    /// `customer_id`), oldest first, read from the field's index.
    pub fn owned(&mut self, resource: &str, field: &str, owner: &str) -> Vec<String> {
        self.index(resource, &[field]);
        let view = self.view(resource);
        let column = view.column(field);
        let owner = Value::String(owner.to_string());
        view.rows()
            .filter(|(position, _)| column.get(*position) == Some(&owner))
            .map(|(_, id)| id.to_string())
            .collect()
    }

    pub fn view(&self, resource: &str) -> View<'_> {
        View {
            collection: self.collections.get(resource),
        }
    }

    pub fn remove(&mut self, resource: &str, id: &str) -> Option<Map<String, Value>> {
        let c = self.collections.get_mut(resource)?;
        let (position, removed) = c.objects.remove(id)?;
        if let Some(slot) = c.order.get_mut(position as usize) {
            *slot = None;
        }
        c.index(position, None);
        Some(parse(&removed))
    }

    /// Every object of `resource`, oldest first.
    pub fn all(&self, resource: &str) -> Vec<Map<String, Value>> {
        match self.collections.get(resource) {
            Some(c) => slots(&c.order)
                .filter_map(|(_, id)| c.objects.get(id))
                .map(|(_, text)| parse(text))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// The field an object of `resource` is kept under: its `id`, or a coupon code's `code`
/// (coupon codes have no id).
pub fn key_field(resource: &str) -> &'static str {
    match resource {
        "coupon_code" => "code",
        _ => "id",
    }
}

/// Compact JSON text of a value.
pub fn text(value: &impl serde::Serialize) -> Box<str> {
    // Most objects take a kilobyte or two: one allocation instead of a doubling series.
    let mut out = Vec::with_capacity(2048);
    serde_json::to_writer(&mut out, value).expect("JSON values serialize");
    String::from_utf8(out)
        .expect("serde_json writes UTF-8")
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
        store.replays.insert(
            "customer.create:k1".into(),
            Replay {
                status: 200,
                body: "{\"a\":1}".into(),
                request: "{\"params\":{}}".into(),
                at: 1_767_225_600,
            },
        );
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
        let e = Store::restore(&json!({"version": STATE_VERSION, "next_id": 1, "collections": {"customer": [{"email": "x"}]}, "connections": [], "replays": {}, "schedule": {"due": [], "anchors": {}, "invoices_due": [], "changes": {}, "reminded": {}}, "webhook_retries": []})).unwrap_err();
        assert!(e.contains("collections.customer[0]"), "{e}");
        let e = Store::restore(&json!({"version": STATE_VERSION, "collections": {}})).unwrap_err();
        assert!(e.contains("next_id"), "{e}");
        let e = Store::restore(&json!({"version": STATE_VERSION, "next_id": 1, "collections": {}, "connections": [], "replays": {"k": {"status": 200}}})).unwrap_err();
        assert!(e.contains("replays.k.body"), "{e}");
    }

    #[test]
    fn a_state_of_another_version_is_refused() {
        let mut state = Store::default().snapshot();
        assert_eq!(state["version"], STATE_VERSION);
        state["version"] = json!(STATE_VERSION + 1);
        let e = Store::restore(&state).unwrap_err();
        assert!(
            e.contains(&format!("version {}", STATE_VERSION + 1)) && e.contains("another release"),
            "{e}"
        );
        state.as_object_mut().unwrap().remove("version");
        let e = Store::restore(&state).unwrap_err();
        assert!(e.contains("no `version`"), "{e}");
    }

    /// An indexed field follows every write: create, update, a field removed, delete.
    #[test]
    fn indexed_fields_follow_writes() {
        let mut store = Store::default();
        store.put(
            "customer",
            "a",
            json!({"id": "a", "email": "a@x"}).as_object().unwrap(),
        );
        store.index("customer", &["email"]);
        store.put(
            "customer",
            "b",
            json!({"id": "b", "email": "b@x"}).as_object().unwrap(),
        );
        store.put(
            "customer",
            "a",
            json!({"id": "a", "email": "a2@x"}).as_object().unwrap(),
        );
        store.put(
            "customer",
            "c",
            json!({"id": "c", "email": null}).as_object().unwrap(),
        );
        let emails = |store: &Store| {
            let view = store.view("customer");
            view.rows()
                .map(|(position, id)| (id.to_string(), view.column("email").get(position).cloned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            emails(&store),
            [
                ("a".to_string(), Some(json!("a2@x"))),
                ("b".to_string(), Some(json!("b@x"))),
                ("c".to_string(), None),
            ]
        );
        store.put("customer", "b", json!({"id": "b"}).as_object().unwrap());
        store.remove("customer", "a");
        assert_eq!(
            emails(&store),
            [("b".to_string(), None), ("c".to_string(), None)]
        );
    }

    #[test]
    fn positions_grow_and_are_never_reused() {
        let mut store = Store::default();
        for id in ["a", "b", "c"] {
            store.put("customer", id, json!({"id": id}).as_object().unwrap());
        }
        store.remove("customer", "b");
        store.put("customer", "b", json!({"id": "b"}).as_object().unwrap());
        store.put(
            "customer",
            "a",
            json!({"id": "a", "x": 1}).as_object().unwrap(),
        );
        let kept: Vec<(u64, String)> = store
            .view("customer")
            .rows()
            .map(|(position, id)| (position, id.to_string()))
            .collect();
        assert_eq!(
            kept,
            [
                (0, "a".to_string()),
                (2, "c".to_string()),
                (3, "b".to_string())
            ],
            "an update keeps its place; a re-created id comes last"
        );
    }
}
