//! The Chargebee API as data: every operation with its path, parameters, filters and answer,
//! and every struct and enum they name. `chargebee-codegen` writes it from the spec
//! (`description/api.json`) next to the client; the emulator serves every operation it lists,
//! so a spec edit plus one regeneration reaches both.
//!
//! Type names are qualified by their module: `customer.BillingAddress`, `enums.Channel`.

pub mod check;
mod sample;
mod schema;

pub use chargebee_schema::{ApiBase, BodyKind, FilterOperator, HttpMethod, Operand};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The description generated from the spec, as committed.
pub const API_JSON: &str = include_str!("../api.json");

/// The whole API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Every operation, sorted by id.
    pub operations: Vec<Operation>,
    /// Every struct (resources, their sub-objects, parameter objects) by qualified name.
    pub structs: BTreeMap<String, Struct>,
    /// Every enum's values by qualified name.
    pub enums: BTreeMap<String, Vec<String>>,
    /// The resources each event type carries in its `content` (the `content` struct's field
    /// names), for the event types whose list Chargebee documents.
    pub event_content: BTreeMap<String, Vec<String>>,
}

impl Api {
    /// The committed description, parsed once per process.
    pub fn embedded() -> &'static Api {
        static API: OnceLock<Api> = OnceLock::new();
        API.get_or_init(|| {
            serde_json::from_str(API_JSON).expect("api.json is written by chargebee-codegen")
        })
    }

    /// The operation with id `id` (`customer.create`).
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// What resource module `resource` (`customer`) is: the doc of its struct.
    pub fn resource_doc(&self, resource: &str) -> Option<&str> {
        let prefix = format!("{resource}.");
        self.structs
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .find_map(|(_, s)| s.doc.as_deref())
    }
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// `resource.operation`: `customer.create`.
    pub id: String,
    /// The resource's module: `customer`.
    pub resource: String,
    /// The operation's name: `create`.
    pub name: String,
    pub method: HttpMethod,
    /// The path below `/api/v2` (or the control API's root), with `{param}` for the id.
    pub path: String,
    pub base: ApiBase,
    pub body: BodyKind,
    /// Chargebee host prefix for operations served elsewhere (`grow`, `ingest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<String>,
    /// Takes a `chargebee-idempotency-key`.
    pub idempotent: bool,
    /// Answers a page: `{"list": [entry, …], "next_offset": …}`.
    pub paginated: bool,
    /// Takes custom fields (`cf_*`) beside its parameters.
    pub custom_fields: bool,
    pub params: Vec<Field>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    /// Fields a list can be sorted by (`sort_by[asc]=created_at`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort_by: Vec<String>,
    /// The keys of the answer (of one page entry when paginated).
    pub returns: Vec<Field>,
    /// What the operation does, in one line.
    pub doc: String,
    /// The product catalog version the operation belongs to.
    pub catalog: Catalog,
    /// Whether it cannot be undone or moves money as its main effect: it deletes, cancels,
    /// voids, refunds, writes off, clears data, or charges.
    pub destructive: bool,
    /// Command lines of the `chargebee` tool showing it at work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

impl Operation {
    /// Whether it changes nothing: a GET, or a POST that only previews (estimates) or hands
    /// out a document's download URL (`pdf`, `retrieve_…`).
    pub fn read_only(&self) -> bool {
        self.method == HttpMethod::Get
            || self.resource == "estimate"
            || self.name.contains("estimate")
            || self.name == "pdf"
            || self.name.starts_with("retrieve")
    }

    /// Whether it reads a list page by page: a paginated GET, taking `limit` and `offset` and
    /// answering `next_offset`. (A few POSTs answer a list and do not page.)
    pub fn pages(&self) -> bool {
        self.paginated && self.method == HttpMethod::Get
    }

    /// The name of its path parameter (`customer_id` in `/customers/{customer_id}`).
    pub fn path_parameter(&self) -> Option<&str> {
        self.path_segments().find_map(|segment| match segment {
            PathSegment::Param(name) => Some(name),
            PathSegment::Literal(_) => None,
        })
    }

    /// Its path between the slashes: `/customers/{customer_id}/delete` is `customers`, the
    /// parameter `customer_id`, `delete`. The one reader of path templates outside the
    /// generator.
    pub fn path_segments(&self) -> impl Iterator<Item = PathSegment<'_>> {
        self.path.trim_start_matches('/').split('/').map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => PathSegment::Param(name),
                None => PathSegment::Literal(segment),
            }
        })
    }
}

/// A piece of an operation's path between slashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment<'a> {
    /// Written as it stands: `customers`.
    Literal(&'a str),
    /// The path parameter, by name: `customer_id`.
    Param(&'a str),
}

/// The product catalog version an operation belongs to: a Chargebee site runs one of them.
/// Product Catalog 1.0 sells plans and addons; 2.0 sells items through their item prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Catalog {
    /// Product Catalog 1.0 only (plans and addons).
    #[serde(rename = "1.0")]
    V1,
    /// Product Catalog 2.0 only (items and item prices).
    #[serde(rename = "2.0")]
    V2,
    /// Either version.
    #[serde(rename = "both")]
    Both,
}

impl Catalog {
    /// The version as written in the spec and the description: `1.0`, `2.0` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            Catalog::V1 => "1.0",
            Catalog::V2 => "2.0",
            Catalog::Both => "both",
        }
    }
}

/// A named, typed field of a struct, a parameter list or an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

/// A field's type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    String,
    Bool,
    I32,
    I64,
    F64,
    /// Unix seconds.
    Timestamp,
    /// Any JSON value (sent as one JSON-encoded form value).
    Json,
    /// An enum, by qualified name.
    Enum(String),
    /// A struct, by qualified name.
    Struct(String),
    List(Box<Type>),
}

/// A struct: a resource, a sub-object or a parameter object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The `object` value Chargebee puts in it (`customer`), for resources and sub-objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// A parameter object that takes custom fields (`cf_*`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub custom_fields: bool,
    /// What a resource is, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A filterable field of a list operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// The key before the operator: `email`, or `relationship[parent_id]`.
    pub wire: String,
    pub kind: FilterKind,
    /// The operators it takes.
    pub ops: Vec<FilterOperator>,
}

impl Filter {
    /// The keys of `wire` in the parameters' JSON shape: `["relationship", "parent_id"]`.
    pub fn path(&self) -> impl Iterator<Item = &str> {
        self.wire.split(['[', ']']).filter(|s| !s.is_empty())
    }
}

/// What a filter compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterKind {
    String,
    Number,
    Timestamp,
    Date,
    Boolean,
    /// Values of an enum, by qualified name.
    Enum(String),
}

#[cfg(test)]
mod tests {
    use super::{Api, Type};

    /// The description keeps the spec's own shapes, not the Rust code's sharing of types:
    /// a customer's billing address is the customer's, and `item.create`'s `type` is that
    /// operation's enum, though the Rust code uses `payment_source::BillingAddress` and
    /// `enums::ItemType` for them.
    #[test]
    fn shapes_are_the_specs_own() {
        let api = Api::embedded();
        let customer = &api.structs["customer.Customer"];
        let address = customer.fields.iter().find(|f| f.name == "billing_address");
        assert_eq!(
            address.map(|f| &f.ty),
            Some(&Type::Struct("customer.BillingAddress".into()))
        );
        let create = api.operation("item.create").unwrap();
        let kind = create.params.iter().find(|f| f.name == "type");
        assert_eq!(
            kind.map(|f| &f.ty),
            Some(&Type::Enum("item.CreateType".into()))
        );
        assert_eq!(api.enums["item.CreateType"], ["plan", "addon", "charge"]);
    }
}
