//! Property: for every resource of the spec, JSON holding a random subset of its fields (at
//! every nesting level) plus keys the spec does not name decodes into the generated type, and
//! serializes back to exactly the same JSON. Samples are built from the spec in this
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
                    // A resource always carries its id when its type insists on it.
                    let mut obj = self.object(&res_module, &keep, true, depth + 1);
                    if let Some(id) = res.fields.iter().find(|f| f.required && f.wire == "id") {
                        obj[id.wire.as_str()] = json!("id-nested");
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
    for (seed, field) in content.fields.iter().enumerate() {
        let mut sampler = Sampler {
            api: &api,
            rng: fastrand::Rng::with_seed(seed as u64),
            alternate: false,
        };
        for _ in 0..SAMPLES_PER_RESOURCE {
            let value = sampler.value("content", &field.ty, 0);
            let input = json!({ field.wire.clone(): value });
            round_trip::<chargebee::content::Content>(&input, &field.wire);
        }
        resources_checked += 1;
    }
    for (name, seed) in [("Event", 1000), ("WebhookEvent", 1001)] {
        let mut sampler = Sampler {
            api: &api,
            rng: fastrand::Rng::with_seed(seed),
            alternate: false,
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
