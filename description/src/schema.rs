//! An operation's parameters as JSON Schema (draft 2020-12), in the official SDKs' JSON shape:
//! what agents are told to send and what the command line prints with `chargebee schema`.
//! Types, required fields, enum values, maximum lengths, filters with each operator's value
//! shape, sorting, paging and custom fields `cf_*`.

use crate::{Api, Field, FilterKind, FilterOperator, Operand, Operation, Type};
use serde_json::{json, Map, Value};

/// How deep parameter objects are described; deeper ones are any object.
const MAX_DEPTH: usize = 8;

/// The keys custom fields take: `cf_` and a name.
const CUSTOM_FIELD_PATTERN: &str = "^cf_[a-z0-9_]+$";

/// The most entries a page holds (`limit`).
const MAX_PAGE: u64 = 100;

impl Api {
    /// The JSON Schema of `op`'s parameters (not its path id, which is given apart).
    pub fn params_schema(&self, op: &Operation) -> Value {
        let mut schema = self.object_schema(&op.params, op.custom_fields, 0);
        let properties = schema["properties"]
            .as_object_mut()
            .expect("an object schema has properties");
        for filter in &op.filters {
            let mut path: Vec<&str> = filter.path().collect();
            let Some(last) = path.pop() else { continue };
            let mut target = &mut *properties;
            for group in path {
                let entry = target.entry(group.to_string()).or_insert_with(
                    || json!({"type": "object", "properties": {}, "additionalProperties": false}),
                );
                target = entry["properties"]
                    .as_object_mut()
                    .expect("a filter group is an object");
            }
            target.insert(
                last.to_string(),
                self.filter_schema(&filter.kind, &filter.ops),
            );
        }
        if !op.sort_by.is_empty() {
            let field = json!({"type": "string", "enum": op.sort_by});
            properties.insert(
                "sort_by".into(),
                json!({
                    "description": "The field to sort by, ascending (`asc`) or descending (`desc`).",
                    "type": "object",
                    "properties": {"asc": field, "desc": field},
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": false,
                }),
            );
        }
        if op.pages() {
            properties.insert(
                "limit".into(),
                json!({"description": "Entries per page.", "type": "integer",
                       "minimum": 1, "maximum": MAX_PAGE}),
            );
            properties.insert(
                "offset".into(),
                json!({"description": "Where the page starts: the `next_offset` of the page before.",
                       "type": "string"}),
            );
        }
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        schema
    }

    /// What an agent or a person needs to call `op`: what it does, its catalog, whether it
    /// changes anything or is destructive, how it pages, its parameters as JSON Schema and
    /// the keys of its answer.
    pub fn describe(&self, op: &Operation) -> Value {
        json!({
            "operation": op.id,
            "doc": op.doc,
            "method": op.method.as_str(),
            "path": op.path,
            "path_parameter": op.path_parameter(),
            "catalog": op.catalog.as_str(),
            "read_only": op.read_only(),
            "destructive": op.destructive,
            "paginated": op.paginated,
            "idempotent": op.idempotent,
            "custom_fields": op.custom_fields,
            "parameters": self.params_schema(op),
            "returns": op.returns.iter().map(|f| &f.name).collect::<Vec<_>>(),
        })
    }

    /// An object of `fields`, which also takes custom fields when `custom_fields`.
    fn object_schema(&self, fields: &[Field], custom_fields: bool, depth: usize) -> Value {
        let properties: Map<String, Value> = fields
            .iter()
            .map(|f| (f.name.clone(), self.field_schema(f, depth)))
            .collect();
        let required: Vec<&str> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.as_str())
            .collect();
        let mut schema = json!({
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        if custom_fields {
            schema["patternProperties"] = json!({ CUSTOM_FIELD_PATTERN: {} });
        }
        schema
    }

    fn field_schema(&self, field: &Field, depth: usize) -> Value {
        let mut schema = self.type_schema(&field.ty, depth);
        if let (Some(max), Some(object)) = (field.max_length, schema.as_object_mut()) {
            if object.get("type") == Some(&json!("string")) {
                object.insert("maxLength".into(), json!(max));
            }
        }
        schema
    }

    fn type_schema(&self, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::String => json!({"type": "string"}),
            Type::Bool => json!({"type": "boolean"}),
            Type::I32 => json!({"type": "integer", "minimum": i32::MIN, "maximum": i32::MAX}),
            Type::I64 => json!({"type": "integer"}),
            Type::F64 => json!({"type": "number"}),
            Type::Timestamp => json!({"type": "integer", "description": "Unix seconds."}),
            Type::Json => json!({"description": "Any JSON value, sent as JSON text."}),
            Type::Enum(name) => json!({"type": "string", "enum": self.enum_values(name)}),
            Type::Struct(name) => match self.structs.get(name) {
                Some(s) if depth < MAX_DEPTH => {
                    self.object_schema(&s.fields, s.custom_fields, depth + 1)
                }
                _ => json!({"type": "object"}),
            },
            Type::List(inner) => json!({"type": "array", "items": self.type_schema(inner, depth)}),
        }
    }

    fn enum_values(&self, name: &str) -> Vec<String> {
        self.enums.get(name).cloned().unwrap_or_default()
    }

    /// A filter: an object of its operators, each with the value shape it takes.
    fn filter_schema(&self, kind: &FilterKind, ops: &[FilterOperator]) -> Value {
        let value = match kind {
            FilterKind::String => json!({"type": "string"}),
            FilterKind::Number => json!({"type": "number"}),
            FilterKind::Timestamp | FilterKind::Date => {
                json!({"type": "integer", "description": "Unix seconds."})
            }
            FilterKind::Boolean => json!({"type": "boolean"}),
            FilterKind::Enum(name) => json!({"type": "string", "enum": self.enum_values(name)}),
        };
        let operators: Map<String, Value> = ops
            .iter()
            .map(|op| {
                let shape = match op.operand() {
                    Operand::Presence => json!({"type": "boolean"}),
                    Operand::List => json!({"type": "array", "items": value, "minItems": 1}),
                    Operand::Pair => {
                        json!({"type": "array", "items": value, "minItems": 2, "maxItems": 2})
                    }
                    Operand::One => value.clone(),
                };
                (op.as_str().to_string(), shape)
            })
            .collect();
        let names: Vec<&str> = ops.iter().map(|op| op.as_str()).collect();
        json!({
            "description": format!("A filter: one or more of the operators {}.", names.join(", ")),
            "type": "object",
            "properties": operators,
            "minProperties": 1,
            "additionalProperties": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Api;
    use serde_json::{json, Value};

    fn validator(operation: &str) -> jsonschema::Validator {
        let api = Api::embedded();
        let op = api.operation(operation).unwrap();
        jsonschema::validator_for(&api.params_schema(op)).unwrap()
    }

    #[test]
    fn every_operations_sample_parameters_are_valid() {
        let api = Api::embedded();
        let mut failures = Vec::new();
        for op in &api.operations {
            let schema = api.params_schema(op);
            let validator = jsonschema::validator_for(&schema)
                .unwrap_or_else(|e| panic!("{}: the schema is not valid JSON Schema: {e}", op.id));
            let sample = api.sample_params(op);
            for error in validator.iter_errors(&sample) {
                failures.push(format!("{}: {error} at {}", op.id, error.instance_path()));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn wrong_values_unknown_keys_and_missing_ones_are_refused() {
        let create = validator("customer.create");
        assert!(create.is_valid(&json!({"email": "ada@example.com", "auto_collection": "off"})));
        // Not one of the enum's values.
        assert!(!create.is_valid(&json!({"auto_collection": "sometimes"})));
        // A key the operation does not take; a custom field it does.
        assert!(!create.is_valid(&json!({"emial": "ada@example.com"})));
        assert!(create.is_valid(&json!({"cf_region": "emea"})));
        // Longer than Chargebee takes (first_name: at most 150 characters).
        assert!(!create.is_valid(&json!({"first_name": "a".repeat(151)})));
        // A nested object's key and type.
        assert!(create.is_valid(&json!({"billing_address": {"city": "Paris"}})));
        assert!(!create.is_valid(&json!({"billing_address": {"city": 7}})));

        let with_items = validator("subscription.create_with_items");
        // Each subscription item needs its item price.
        assert!(!with_items.is_valid(&json!({"subscription_items": [{"quantity": 2}]})));
        assert!(with_items.is_valid(&json!({"subscription_items": [{"item_price_id": "pro"}]})));

        let list = validator("customer.list");
        // Filters take their operators, each with its value's shape; pages at most 100.
        assert!(list.is_valid(&json!({"email": {"is": "ada@example.com"}, "limit": 100})));
        assert!(list.is_valid(&json!({"id": {"in": ["cus_1", "cus_2"]}})));
        assert!(!list.is_valid(&json!({"id": {"in": "cus_1"}})));
        assert!(list.is_valid(&json!({"created_at": {"between": [1, 2]}})));
        assert!(!list.is_valid(&json!({"created_at": {"between": [1]}})));
        assert!(!list.is_valid(&json!({"email": {"gt": "a"}})));
        assert!(!list.is_valid(&json!({"limit": 101})));
        assert!(list.is_valid(&json!({"sort_by": {"desc": "created_at"}})));
        assert!(!list.is_valid(&json!({"sort_by": {"desc": "email"}})));
    }

    #[test]
    fn the_schema_says_what_each_filter_takes() {
        let api = Api::embedded();
        let schema = api.params_schema(api.operation("customer.list").unwrap());
        let id: &Value = &schema["properties"]["id"];
        assert_eq!(
            id["properties"]["in"],
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1})
        );
        assert_eq!(id["properties"]["is"], json!({"type": "string"}));
        // A filter of a group: `relationship[parent_id]` is `relationship.parent_id`.
        let parent = &schema["properties"]["relationship"]["properties"]["parent_id"];
        assert_eq!(
            parent["properties"]["starts_with"],
            json!({"type": "string"})
        );
    }
}
