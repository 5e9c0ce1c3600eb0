//! Property: for every resource of the spec, JSON holding a random subset of its fields (at
//! every nesting level) plus keys the spec does not name decodes into the generated type, and
//! serializes back to exactly the same JSON, also when a resource embedded in it lacks the
//! `id` its type requires. Samples are built from the spec in this
//! repository, with a fixed seed per resource so a failure can be replayed.

use chargebee_codegen::model::{Api, Field, Resource, StructDef, Type, TypeRef};
use serde_json::{json, Map, Value};
use std::path::Path;

const SAMPLES_PER_RESOURCE: usize = 25;

fn api() -> Api {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = chargebee_codegen::load::load_dir(&spec).expect("the spec loads");
    chargebee_codegen::validate::validate(&files).expect("the spec is valid")
}

struct Sampler<'a> {
    api: &'a Api,
    rng: fastrand::Rng,
    /// Scalars in the other shape real payloads use: integers, amounts and timestamps as
    /// text, and decimals declared as text as JSON numbers. With the same seed, a sample
    /// differs from the usual one in those shapes only.
    alternate: bool,
    /// Resources embedded below the top leave out the `id` their type requires, one in
    /// five: such an object is kept as received in its parent's `extra`.
    missing_ids: bool,
    /// How many embedded resources were left without their `id`.
    ids_left_out: usize,
}

impl Sampler<'_> {
    fn resource(&self, name: &str) -> &Resource {
        self.api
            .resources
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("resource {name}"))
    }

    /// The nested struct `r` names, seen from `module`.
    fn nested(&self, module: &str, r: &TypeRef) -> &StructDef {
        let owner = r.module.as_deref().unwrap_or(module);
        let res = self
            .api
            .resources
            .iter()
            .find(|res| res.module == owner)
            .unwrap();
        res.nested.iter().find(|s| s.name == r.name).unwrap()
    }

    fn enum_values(&self, module: &str, r: &TypeRef) -> Vec<String> {
        let owner = r.module.as_deref().unwrap_or(module);
        let defs = if owner == "enums" {
            &self.api.enums
        } else {
            &self
                .api
                .resources
                .iter()
                .find(|res| res.module == owner)
                .unwrap()
                .enums
        };
        let def = defs.iter().find(|e| e.name == r.name).unwrap();
        def.variants.iter().map(|(_, wire)| wire.clone()).collect()
    }

    /// An object with a random subset of `fields` (always those a decoder insists on) and
    /// up to two keys the spec does not name.
    fn object(&mut self, module: &str, fields: &[Field], is_resource: bool, depth: usize) -> Value {
        let mut out = Map::new();
        for f in fields {
            let insisted = f.empty_when_absent || (is_resource && f.required && f.wire == "id");
            if insisted || self.rng.bool() {
                let value = if f.is_decimal_text() {
                    self.decimal()
                } else {
                    self.value(module, &f.ty, depth)
                };
                out.insert(f.wire.clone(), value);
            }
        }
        for i in 0..self.rng.usize(0..3) {
            let key = if i == 0 && self.rng.bool() {
                "object".to_string()
            } else {
                format!("zz_unnamed_{}", self.rng.u32(..))
            };
            let value = self.any_json(2);
            out.insert(key, value);
        }
        Value::Object(out)
    }

    fn value(&mut self, module: &str, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::String => json!(format!("text-{}", self.rng.u16(..))),
            Type::Bool => json!(self.rng.bool()),
            Type::I32 => {
                let n = json!(self.rng.i32(..));
                self.number(n)
            }
            Type::I64 | Type::Timestamp => {
                let n = json!(self.rng.i64(-(1 << 53)..(1 << 53)));
                self.number(n)
            }
            Type::F64 => {
                let n = json!(f64::from(self.rng.i32(-1000..1000)) / 4.0);
                self.number(n)
            }
            Type::Json => self.any_json(2),
            Type::Enum(r) => {
                let values = self.enum_values(module, r);
                if self.rng.u8(..10) == 0 {
                    json!("value_added_later")
                } else {
                    json!(values[self.rng.usize(..values.len())])
                }
            }
            Type::List(inner) => {
                let n = if depth > 3 { 0 } else { self.rng.usize(0..3) };
                Value::Array(
                    (0..n)
                        .map(|_| self.value(module, inner, depth + 1))
                        .collect(),
                )
            }
            Type::Struct(r) => {
                if let Some(res) = self.api.resources.iter().find(|res| {
                    res.name == r.name && r.module.as_deref().is_some_and(|m| m == res.module)
                }) {
                    let res_module = res.module.clone();
                    // Deep down, only what the type insists on, so samples stay finite.
                    let keep: Vec<Field> = res
                        .fields
                        .iter()
                        .filter(|f| depth <= 2 || f.empty_when_absent || f.wire == "id")
                        .cloned()
                        .collect();
                    // A resource carries its id when its type insists on it, except an
                    // embedded one in samples with missing ids.
                    let mut obj = self.object(&res_module, &keep, true, depth + 1);
                    if let Some(id) = res.fields.iter().find(|f| f.required && f.wire == "id") {
                        if self.missing_ids && depth > 0 && self.rng.u8(..5) == 0 {
                            obj.as_object_mut().unwrap().remove(&id.wire);
                            self.ids_left_out += 1;
                        } else {
                            obj[id.wire.as_str()] = json!("id-nested");
                        }
                    }
                    obj
                } else {
                    let def = self.nested(module, r);
                    let fields = def.fields.clone();
                    let keep = if depth > 4 { Vec::new() } else { fields };
                    let owner = r.module.clone().unwrap_or_else(|| module.to_string());
                    self.object(&owner, &keep, false, depth + 1)
                }
            }
        }
    }

    /// A decimal field's value: text holding a whole or fractional number, or in the alternate
    /// shape that number.
    fn decimal(&mut self) -> Value {
        let n = self.rng.i32(..);
        if self.rng.bool() {
            if self.alternate {
                json!(n)
            } else {
                json!(n.to_string())
            }
        } else {
            let fraction = f64::from(n) / 64.0;
            if self.alternate {
                json!(fraction)
            } else {
                json!(fraction.to_string())
            }
        }
    }

    /// A number, or in the alternate shape its text.
    fn number(&self, number: Value) -> Value {
        if self.alternate {
            json!(number.to_string())
        } else {
            number
        }
    }

    /// Any JSON but a top-level null (which reads as "absent" and is not written back).
    fn any_json(&mut self, depth: usize) -> Value {
        match self.rng.u8(..if depth == 0 { 4 } else { 6 }) {
            0 => json!(self.rng.i64(..) / 3),
            1 => json!(format!("v{}", self.rng.u32(..))),
            2 => json!(self.rng.bool()),
            3 => json!(1.25),
            4 => Value::Array(vec![self.any_json(depth - 1), Value::Null]),
            _ => json!({"k": self.any_json(depth - 1), "n": null}),
        }
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value, what: &str) {
    let decoded: T = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{what} did not decode: {e}\n{input}"));
    let again = serde_json::to_value(&decoded).unwrap();
    if let Some((path, sent, got)) = first_difference(input, &again, String::new()) {
        panic!("{what} did not serialize back to its input: at `{path}` {sent} became {got}");
    }
}

/// Where two JSON values first differ, with both sides there.
fn first_difference(a: &Value, b: &Value, path: String) -> Option<(String, String, String)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (Some(u), Some(v)) = (x.get(key), y.get(key)) else {
                    let show = |m: &Map<String, Value>| {
                        m.get(key).map_or("(absent)".into(), |v| v.to_string())
                    };
                    return Some((format!("{path}.{key}"), show(x), show(y)));
                };
                if let Some(d) = first_difference(u, v, format!("{path}.{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, format!("{path}[{i}]"))),
        _ => (a != b).then(|| (path, a.to_string(), b.to_string())),
    }
}

#[test]
fn every_resource_decodes_any_subset_of_its_fields_and_keeps_unnamed_keys() {
    let api = api();
    let content = api.resources.iter().find(|r| r.name == "Content").unwrap();
    let mut resources_checked = 0;
    let mut ids_left_out = 0;
    for (seed, field) in content.fields.iter().enumerate() {
        let mut sampler = Sampler {
            api: &api,
            rng: fastrand::Rng::with_seed(seed as u64),
            alternate: false,
            missing_ids: true,
            ids_left_out: 0,
        };
        for _ in 0..SAMPLES_PER_RESOURCE {
            let value = sampler.value("content", &field.ty, 0);
            let input = json!({ field.wire.clone(): value });
            round_trip::<chargebee::content::Content>(&input, &field.wire);
        }
        ids_left_out += sampler.ids_left_out;
        resources_checked += 1;
    }
    for (name, seed) in [("Event", 1000), ("WebhookEvent", 1001)] {
        let mut sampler = Sampler {
            api: &api,
            rng: fastrand::Rng::with_seed(seed),
            alternate: false,
            missing_ids: true,
            ids_left_out: 0,
        };
        let res = sampler.resource(name);
        let (module, fields) = (res.module.clone(), res.fields.clone());
        for _ in 0..SAMPLES_PER_RESOURCE {
            let input = sampler.object(&module, &fields, true, 0);
            match name {
                "Event" => round_trip::<chargebee::event::Event>(&input, name),
                _ => round_trip::<chargebee::webhook_event::WebhookEvent>(&input, name),
            }
        }
        resources_checked += 1;
    }
    // Content holds every other resource (and lists of four of them).
    assert_eq!(resources_checked, api.resources.len() - 1 + 4);
    assert!(ids_left_out > 50, "{ids_left_out} embedded ids left out");
}

/// An embedded resource without the `id` its type requires (Chargebee leaves it out where
/// the parent identifies the object) does not fail its parent: it is kept as received in the
/// parent's `extra`, the typed field is absent, and it is written back unchanged.
#[test]
fn an_embedded_resource_without_its_id_is_kept_as_received() {
    use chargebee::ExtraFields;
    let features = json!([
        {"id": "api-calls", "name": "API calls"},
        {"name": "Seats", "type": "quantity"}
    ]);
    let input = json!({"id": "meter-1", "name": "Requests", "features": features});
    let meter: chargebee::meter::Meter = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(meter.id, "meter-1");
    assert!(meter.features.is_none());
    assert_eq!(meter.extra_field("features"), Some(&features));
    assert_eq!(serde_json::to_value(&meter).unwrap(), input);

    // With every id present, the same list decodes typed.
    let typed = json!({"id": "meter-1", "features": [{"id": "api-calls"}, {"id": "seats"}]});
    let meter: chargebee::meter::Meter = serde_json::from_value(typed).unwrap();
    let ids: Vec<&str> = meter
        .features
        .iter()
        .flatten()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(ids, ["api-calls", "seats"]);
    assert!(meter.extra.is_empty());

    // An event's content, one resource with a null id and one with its id.
    let subscription = json!({"id": null, "status": "active", "mrr": "1500"});
    let input = json!({
        "id": "ev_1",
        "event_type": "subscription_changed",
        "occurred_at": 1_767_225_600,
        "content": {"subscription": subscription, "customer": {"id": "cus_1"}}
    });
    let event: chargebee::event::Event = serde_json::from_value(input.clone()).unwrap();
    assert!(event.content.subscription.is_none());
    assert_eq!(
        event.content.extra_field("subscription"),
        Some(&subscription)
    );
    assert_eq!(event.content.customer.as_ref().unwrap().id, "cus_1");
    assert_eq!(serde_json::to_value(&event).unwrap(), input);

    // A value at fault inside an embedded resource is named by its whole path, and its
    // position counts from the start of the payload, not of the embedded text.
    let text = json!({
        "id": "ev_2",
        "content": {"subscription": {"id": "sub_1", "mrr": {"amount": 1}}}
    })
    .to_string();
    let (error, path) = chargebee_types::json_path::recording(|| {
        serde_json::from_str::<chargebee::event::Event>(&text)
    })
    .unwrap_err();
    assert_eq!(path, "content.subscription.mrr");
    let mrr_at = text.find(r#""mrr""#).unwrap();
    assert!(
        error.column() > mrr_at,
        "{error} (`mrr` is at column {mrr_at})"
    );

    // The answer's own object still insists on its id.
    let error = serde_json::from_value::<chargebee::meter::Meter>(json!({"name": "x"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing field `id`"), "{error}");
}

/// Property: every scalar field of every resource decodes the same from either shape real
/// payloads use: an integer, amount or timestamp as a number or as text holding it, and a
/// decimal declared as text (`quantity_in_decimal`) as text or as a JSON number. The value is kept as received
/// (the decoded alternate sample serializes to the usual sample exactly), nothing rounded.
#[test]
fn every_scalar_decodes_alike_from_both_wire_shapes() {
    let api = api();
    let content = api.resources.iter().find(|r| r.name == "Content").unwrap();
    let mut compared = 0;
    for (seed, field) in content.fields.iter().enumerate() {
        let seed = 5000 + seed as u64;
        let samples = |alternate| {
            let mut sampler = Sampler {
                api: &api,
                rng: fastrand::Rng::with_seed(seed),
                alternate,
                missing_ids: false,
                ids_left_out: 0,
            };
            (0..SAMPLES_PER_RESOURCE)
                .map(|_| json!({ field.wire.clone(): sampler.value("content", &field.ty, 0) }))
                .collect::<Vec<_>>()
        };
        for (usual, alternate) in samples(false).into_iter().zip(samples(true)) {
            let decoded: chargebee::content::Content = serde_json::from_value(alternate.clone())
                .unwrap_or_else(|e| panic!("{}: {e}\n{alternate}", field.wire));
            let again = serde_json::to_value(&decoded).unwrap();
            if let Some((path, sent, got)) = first_difference(&usual, &again, String::new()) {
                panic!(
                    "{}: at `{path}` the usual shape {sent} was read from the other as {got}",
                    field.wire
                );
            }
            compared += usize::from(usual != alternate);
        }
    }
    // Most samples hold a scalar in the other shape; a sample without one proves nothing.
    assert!(compared > 1000, "{compared} samples differed in shape");
}
