//! The YAML spec as written: one file per resource, read with serde_yaml.
//!
//! These types mirror the files key for key and reject unknown keys. Nothing here is checked
//! beyond its YAML shape; `validate` turns them into the resolved [`crate::model`]. The same
//! types give the JSON Schema of a spec file ([`json_schema`], `spec/spec.schema.json`), so
//! the schema editors check against cannot drift from what the generator reads.

use chargebee_description::Catalog;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One spec file: a resource with its fields, nested types and operations, and/or shared enums.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Resource name in PascalCase (`Customer`); absent in a file that only declares enums.
    pub resource: Option<String>,
    /// What the resource is, in one line, for its doc comment. Required with `resource`.
    pub doc: Option<String>,
    /// Name of the client method that reaches the operations (`customers`).
    pub accessor: Option<String>,
    /// The resource may carry keys the spec does not name (custom fields `cf_*`).
    #[serde(default)]
    pub extra_keys: bool,
    #[serde(default)]
    pub fields: IndexMap<String, FieldSpec>,
    /// Sub-objects of the resource, by PascalCase name.
    #[serde(default)]
    pub nested: IndexMap<String, NestedSpec>,
    #[serde(default)]
    pub operations: IndexMap<String, OperationSpec>,
    /// Enums shared by several resources: name → wire values.
    #[serde(default)]
    pub enums: IndexMap<String, Vec<String>>,
    /// Parameter objects the parameters of any resource can name, by PascalCase name
    /// (`NoteParams`, named as `NoteParams` or `objects.NoteParams`).
    #[serde(default)]
    pub objects: IndexMap<String, ObjectSpec>,
    /// Resource modules the client crate compiles by default (its `default` feature).
    #[serde(default)]
    pub default_features: Vec<String>,
    /// The resources each event type carries in its `content`: event type → field names of
    /// the `Content` resource.
    #[serde(default)]
    pub event_content: IndexMap<String, Vec<String>>,
}

/// A field of a resource, nested object or parameter list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// `string`, `bool`, `i32`, `i64`, `f64`, `timestamp`, `json`, `enum`, `object`, a type
    /// name (`Nested`, `Resource`, `Resource.Nested`, `SharedEnum` or `enums.SharedEnum`), or
    /// `list<…>` of any of these.
    #[serde(rename = "type")]
    #[schemars(with = "String")]
    pub ty: TypeExpr,
    #[serde(default)]
    pub required: bool,
    /// Wire values of an inline `enum`.
    pub values: Option<Vec<String>>,
    /// Fields of an inline `object` (parameters only).
    pub fields: Option<IndexMap<String, FieldSpec>>,
    /// Longest value Chargebee accepts, for the setter's documentation.
    pub max_length: Option<u32>,
    /// An inline `object` that also takes custom fields (`cf_*`).
    #[serde(default)]
    pub custom_fields: bool,
    pub doc: Option<String>,
}

/// A named sub-object of a resource.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NestedSpec {
    pub doc: Option<String>,
    pub fields: IndexMap<String, FieldSpec>,
}

/// A named parameter object: its fields name shared enums and other named parameter
/// objects, and declare no inline `enum` or `object`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    pub doc: Option<String>,
    pub fields: IndexMap<String, FieldSpec>,
    /// The object also takes custom fields (`cf_*`).
    #[serde(default)]
    pub custom_fields: bool,
}

/// One endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// `GET`, `POST` or `DELETE`.
    pub method: String,
    /// Path below the base, with at most one `{param}` segment.
    pub path: String,
    /// `chargebee` (default) or `control` (the Maton control API).
    pub base: Option<String>,
    /// `form` (default for POST) or `json`.
    pub body: Option<String>,
    /// Chargebee subdomain serving the operation (`grow`, `ingest`, `file-ingest`): in direct
    /// mode the host becomes `{site}.{subdomain}.chargebee.com`.
    pub subdomain: Option<String>,
    #[serde(default)]
    pub idempotent: bool,
    /// A list operation answering pages (`list` and `next_offset`); a GET one also takes
    /// `limit` and `offset` and can be streamed.
    #[serde(default)]
    pub paginated: bool,
    /// The operation also takes custom fields (`cf_*`) beside its parameters.
    #[serde(default)]
    pub custom_fields: bool,
    /// What the operation does, in one line.
    #[schemars(required)]
    pub doc: Option<String>,
    /// The product catalog version it belongs to: `"1.0"`, `"2.0"` or `both`.
    #[schemars(schema_with = "catalog_schema")]
    pub catalog: Option<Catalog>,
    /// It cannot be undone or moves money as its main effect (deletes, cancels, voids,
    /// refunds, writes off, clears data, charges).
    #[schemars(required)]
    pub destructive: Option<bool>,
    #[serde(default)]
    pub params: IndexMap<String, FieldSpec>,
    #[serde(default)]
    pub filters: IndexMap<String, FilterSpec>,
    #[serde(default)]
    pub sort_by: Vec<String>,
    /// Response keys (`"card?"`, quoted, when optional) → resource type, `list<Type>` or
    /// `json`.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, String>")]
    pub returns: IndexMap<String, TypeExpr>,
    /// Command lines of the `chargebee` tool showing the operation at work
    /// (`chargebee customer create --email ada@example.com`): shown in its help and in
    /// `SKILL.md`, and run against the emulator by the tests, in the order of the files.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// A `type:` as written, read once: a built-in type, an inline `enum` or `object` (declared by
/// the `values` or `fields` beside it), a type name, or a list of any of these. Which names
/// exist is for validation to say. Written back as text, which the JSON Schema needs for the
/// default of `returns`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub enum TypeExpr {
    String,
    Bool,
    I32,
    I64,
    F64,
    Timestamp,
    Json,
    /// `enum`: an inline enum.
    Enum,
    /// `object`: an inline parameter object.
    Object,
    /// `Nested`, `Resource`, `Resource.Nested`, `SharedEnum` or `enums.SharedEnum`.
    Named(String),
    /// `list<…>`.
    List(Box<TypeExpr>),
}

impl TypeExpr {
    /// The type inside any `list<…>` (`list<enum>` → `enum`).
    pub fn innermost(&self) -> &TypeExpr {
        match self {
            TypeExpr::List(inner) => inner.innermost(),
            other => other,
        }
    }
}

impl From<String> for TypeExpr {
    fn from(text: String) -> Self {
        if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
            return TypeExpr::List(Box::new(TypeExpr::from(inner.trim().to_string())));
        }
        match text.as_str() {
            "string" => TypeExpr::String,
            "bool" => TypeExpr::Bool,
            "i32" => TypeExpr::I32,
            "i64" => TypeExpr::I64,
            "f64" => TypeExpr::F64,
            "timestamp" => TypeExpr::Timestamp,
            "json" => TypeExpr::Json,
            "enum" => TypeExpr::Enum,
            "object" => TypeExpr::Object,
            _ => TypeExpr::Named(text),
        }
    }
}

impl From<TypeExpr> for String {
    fn from(ty: TypeExpr) -> Self {
        ty.to_string()
    }
}

impl std::fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = match self {
            TypeExpr::String => "string",
            TypeExpr::Bool => "bool",
            TypeExpr::I32 => "i32",
            TypeExpr::I64 => "i64",
            TypeExpr::F64 => "f64",
            TypeExpr::Timestamp => "timestamp",
            TypeExpr::Json => "json",
            TypeExpr::Enum => "enum",
            TypeExpr::Object => "object",
            TypeExpr::Named(name) => name,
            TypeExpr::List(inner) => return write!(f, "list<{inner}>"),
        };
        f.write_str(word)
    }
}

/// A filterable field of a list operation; `group.field` names a filter inside a group
/// (`relationship.parent_id` is sent as `relationship[parent_id][is]=…`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterSpec {
    /// `string`, `number`, `timestamp`, `date`, `boolean` or `enum`.
    pub kind: String,
    /// Operators Chargebee accepts on this field.
    pub ops: Vec<String>,
    /// For `enum` filters: the enum type the values come from.
    #[serde(rename = "enum")]
    pub enum_type: Option<String>,
    /// For `enum` filters without a named type: the wire values.
    pub values: Option<Vec<String>>,
}

/// The JSON Schema of a spec file, as committed in `spec/spec.schema.json`: pretty JSON with a
/// final newline. Doc comments above become its descriptions.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(SpecFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    text.push('\n');
    text
}

/// The JSON Schema of a `catalog`: one of its three values.
fn catalog_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let values: Vec<&str> = [Catalog::V1, Catalog::V2, Catalog::Both]
        .into_iter()
        .map(Catalog::as_str)
        .collect();
    schemars::json_schema!({"type": "string", "enum": values})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_type_is_read_once_into_its_form() {
        let read = |text: &str| TypeExpr::from(text.to_string());
        assert_eq!(read("timestamp"), TypeExpr::Timestamp);
        assert_eq!(
            read("list< list<enum> >"),
            TypeExpr::List(Box::new(TypeExpr::List(Box::new(TypeExpr::Enum))))
        );
        assert_eq!(
            read("list<Customer.BillingAddress>").innermost(),
            &TypeExpr::Named("Customer.BillingAddress".into())
        );
        // An unclosed list is a name, which validation refuses as unknown.
        assert_eq!(read("list<string"), TypeExpr::Named("list<string".into()));
        assert_eq!(
            read("list< list<object> >").to_string(),
            "list<list<object>>"
        );
    }

    #[test]
    fn the_schema_refuses_unknown_keys_and_describes_each_key() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        assert_eq!(schema["additionalProperties"], Value::Bool(false));
        assert!(schema["properties"]["operations"].is_object());
        let field = &schema["$defs"]["FieldSpec"];
        assert_eq!(field["additionalProperties"], Value::Bool(false));
        assert_eq!(field["required"], serde_json::json!(["type"]));
        let described = field["properties"]["max_length"]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(described.starts_with("Longest value"), "{described}");
        let operation = &schema["$defs"]["OperationSpec"];
        let mut required: Vec<&str> = operation["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        required.sort_unstable();
        assert_eq!(
            required,
            ["catalog", "destructive", "doc", "method", "path"]
        );
    }
}
