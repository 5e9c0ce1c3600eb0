//! Every resource of the reference decodes into its generated type and encodes back to the
//! same JSON. Each sample object is built from the reference's own field list (every field,
//! optional ones included, with a value of the reference's type), so any field the spec
//! misnames, mistypes or lacks shows up here.

use serde_json::{json, Map, Value};
use std::path::Path;

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reference/chargebee-api.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A value of reference type `t` for field `name`; resources within resources stop at
/// `depth` 6 (no resource nests that deep except through itself).
fn sample(reference: &Value, t: &Value, name: &str, depth: usize) -> Value {
    match t["kind"].as_str().unwrap_or_default() {
        "string" => json!(format!("{name}-value")),
        "boolean" => json!(true),
        "number" if t["number_kind"] == "float" => json!(1.5),
        "number" => json!(1_704_067_200),
        "enum" => t["values"][0].clone(),
        "any" => json!({"note": name}),
        "array" => json!([sample(reference, &t["of"], name, depth)]),
        "intersection" => json!({}),
        "ref" => {
            let target = t["name"].as_str().unwrap_or_default();
            if let Some(values) = reference["global_enums"].get(target) {
                return values[0].clone();
            }
            match target.split_once('.') {
                Some((res, nested)) => object(
                    reference,
                    &reference["resources"][res]["nested"][nested]["fields"],
                    depth,
                ),
                // Resources inside resources, until a resource would contain itself.
                None if target == "ContentFor" || target == "Content" || depth >= 6 => json!({}),
                None => object(
                    reference,
                    &reference["resources"][target]["fields"],
                    depth + 1,
                ),
            }
        }
        other => panic!("no sample for kind {other}"),
    }
}

fn object(reference: &Value, fields: &Value, depth: usize) -> Value {
    let mut out = Map::new();
    for f in fields.as_array().into_iter().flatten() {
        let name = f["name"].as_str().unwrap_or_default();
        out.insert(name.to_string(), sample(reference, &f["type"], name, depth));
    }
    Value::Object(out)
}

#[test]
fn every_resource_round_trips_through_its_type() {
    let reference = reference();
    let content_fields = reference["resources"]["Content"]["fields"]
        .as_array()
        .unwrap()
        .clone();
    let mut content = Map::new();
    for f in &content_fields {
        let name = f["name"].as_str().unwrap();
        content.insert(name.to_string(), sample(&reference, &f["type"], name, 0));
    }
    // One resource at a time first, so a failure names the resource.
    for (key, value) in &content {
        let one = json!({ key.clone(): value });
        if let Err(e) = serde_json::from_value::<chargebee::content::Content>(one) {
            panic!("{key}: {e}");
        }
    }
    let content = Value::Object(content);
    let decoded: chargebee::content::Content = serde_json::from_value(content.clone()).unwrap();
    let encoded = serde_json::to_value(&decoded).unwrap();
    let mut checked = 0;
    for f in &content_fields {
        let key = f["name"].as_str().unwrap();
        assert_eq!(encoded[key], content[key], "{key} did not round-trip");
        checked += 1;
    }
    // Content holds every resource but itself and the webhook event, checked below.
    let total = reference["resources"].as_object().unwrap().len();
    assert_eq!(checked, total - 2, "resources reached through Content");

    let event = object(&reference, &reference["resources"]["Event"]["fields"], 0);
    let decoded: chargebee::event::Event = serde_json::from_value(event.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), event);

    let webhook = object(
        &reference,
        &reference["resources"]["WebhookEvent"]["fields"],
        0,
    );
    let bytes = serde_json::to_vec(&webhook).unwrap();
    let decoded = chargebee::webhook::parse_event(&bytes).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), webhook);
}
