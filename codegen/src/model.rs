//! The validated spec with every name resolved. Emission reads only this.

pub use chargebee_schema::{ApiBase, BodyKind, FilterOperator, HttpMethod};
use std::collections::BTreeSet;

/// Everything the generator emits.
#[derive(Debug)]
pub struct Api {
    /// Enums shared across resources, emitted in `enums.rs`.
    pub enums: Vec<EnumDef>,
    /// Parameter objects the spec names (sorted by name), then those shared by the operations
    /// of several resources; emitted in the params crate's `objects.rs`.
    pub param_objects: Vec<StructDef>,
    /// The sets of operators filter fields accept, emitted in the params crate's
    /// `operators.rs`; sorted by name.
    pub operator_sets: Vec<OperatorSet>,
    /// Resources sorted by module name.
    pub resources: Vec<Resource>,
    /// Modules in the client's default feature set.
    pub default_features: Vec<String>,
    /// The resources each event type carries in its `content`, in the order of the event
    /// types' enum.
    pub event_contents: Vec<EventContent>,
}

/// The resources one event type carries in its `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventContent {
    /// The event type's wire value (`subscription_created`).
    pub event_type: String,
    /// Its Rust name, the `EventType` variant's (`SubscriptionCreated`).
    pub name: String,
    /// Fields of the `Content` resource, by wire name, in the order the spec lists them.
    pub keys: Vec<String>,
}

/// A resource and all that belongs to its module.
#[derive(Debug)]
pub struct Resource {
    pub name: String,
    pub module: String,
    /// The spec file it came from, for the generated header.
    pub source: String,
    pub doc: Option<String>,
    pub extra_keys: bool,
    pub fields: Vec<Field>,
    /// Nested sub-objects of the resource.
    pub nested: Vec<StructDef>,
    /// Sub-objects of the resource declared by another module with the same name and fields,
    /// re-exported under their name here (`customer::BillingAddress` is
    /// `payment_source::BillingAddress`).
    pub shared_nested: Vec<TypeRef>,
    /// Inline enums of the resource, its nested types, parameters and filters.
    pub enums: Vec<EnumDef>,
    /// Inline parameter objects of its operations.
    pub param_objects: Vec<StructDef>,
    /// Client accessor method and its handle type, when the resource has operations.
    pub accessor: Option<(String, String)>,
    pub operations: Vec<Operation>,
}

impl Resource {
    /// Every field the module declares: the resource's own, its nested types', its parameter
    /// objects', and its operations' parameters and answers. The one walk over them.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        let nested = self.nested.iter().flat_map(|s| &s.fields);
        let objects = self.param_objects.iter().flat_map(|s| &s.fields);
        let operations = self
            .operations
            .iter()
            .flat_map(|o| o.params.iter().chain(&o.returns));
        self.fields
            .iter()
            .chain(nested)
            .chain(objects)
            .chain(operations)
    }

    /// [`Resource::all_fields`], to change them.
    pub fn all_fields_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        let nested = self.nested.iter_mut().flat_map(|s| s.fields.iter_mut());
        let objects = self
            .param_objects
            .iter_mut()
            .flat_map(|s| s.fields.iter_mut());
        let operations = self
            .operations
            .iter_mut()
            .flat_map(|o| o.params.iter_mut().chain(o.returns.iter_mut()));
        self.fields
            .iter_mut()
            .chain(nested)
            .chain(objects)
            .chain(operations)
    }

    /// Every named type the module refers to: in its fields' types (through lists) and in
    /// its filters' enum kinds.
    pub fn refs(&self) -> impl Iterator<Item = &TypeRef> {
        let filters = self.operations.iter().flat_map(|o| &o.filters);
        self.all_fields()
            .filter_map(|f| f.ty.named())
            .chain(filters.filter_map(|f| match &f.kind {
                FilterKind::Enum(r) => Some(r),
                _ => None,
            }))
    }

    /// [`Resource::refs`], to change them.
    pub fn refs_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        let nested = self.nested.iter_mut().flat_map(|s| s.fields.iter_mut());
        let objects = self
            .param_objects
            .iter_mut()
            .flat_map(|s| s.fields.iter_mut());
        let own = self.fields.iter_mut().chain(nested).chain(objects);
        let operations = self.operations.iter_mut().flat_map(|o| {
            let fields = o.params.iter_mut().chain(o.returns.iter_mut());
            let filters = o.filters.iter_mut().filter_map(|f| match &mut f.kind {
                FilterKind::Enum(r) => Some(r),
                _ => None,
            });
            fields.filter_map(|f| f.ty.named_mut()).chain(filters)
        });
        own.filter_map(|f| f.ty.named_mut()).chain(operations)
    }

    /// The other modules its types refer to (resource modules, `enums`, `objects`).
    pub fn modules_used(&self) -> BTreeSet<String> {
        self.refs().filter_map(|r| r.module.clone()).collect()
    }

    /// Whether the resource only holds other resources (or lists of them), each optional
    /// (`Content`): its fields are then compiled only with their resource's feature, so it
    /// depends on none.
    pub fn is_holder(&self) -> bool {
        fn other_resource(ty: &Type) -> bool {
            match ty {
                Type::Struct(r) => r.module.is_some(),
                Type::List(inner) => other_resource(inner),
                _ => false,
            }
        }
        !self.fields.is_empty()
            && self
                .fields
                .iter()
                .all(|f| !f.required && other_resource(&f.ty))
    }
}

/// A struct with named fields.
#[derive(Debug)]
pub struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// A parameter object that also takes custom fields (`cf_*`).
    pub custom_fields: bool,
    /// An earlier parameter object of the module with the same fields: this one is then
    /// emitted as an alias of it.
    pub same_as: Option<String>,
}

/// One field: the wire name, the Rust identifier and its type.
#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub ty: Type,
    pub required: bool,
    pub doc: Option<String>,
    pub max_length: Option<u32>,
    /// A required field whose type only holds optional resources (an event's `content`): an
    /// absent value decodes as an empty one, so the field is never an `Option`.
    pub empty_when_absent: bool,
}

impl Field {
    /// Whether the field is a decimal sent as text (`quantity_in_decimal`, a usage's
    /// `quantity`, `metered_quantity`): a `string` named `quantity` or ending in
    /// `_in_decimal` or `_quantity`. Payloads also carry these as JSON numbers, which decode
    /// as their text.
    pub fn is_decimal_text(&self) -> bool {
        self.ty == Type::String
            && (self.wire == "quantity"
                || self.wire.ends_with("_in_decimal")
                || self.wire.ends_with("_quantity"))
    }
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Bool,
    I32,
    I64,
    F64,
    Timestamp,
    /// Any JSON value; sent as one form value of JSON text (a string as the text it holds).
    Json,
    Enum(TypeRef),
    Struct(TypeRef),
    List(Box<Type>),
}

impl Type {
    /// The named type it is, or lists (`list<Card>` → `Card`); `None` for a built-in type.
    pub fn named(&self) -> Option<&TypeRef> {
        match self {
            Type::Enum(r) | Type::Struct(r) => Some(r),
            Type::List(inner) => inner.named(),
            _ => None,
        }
    }

    /// [`Type::named`], to change it.
    pub fn named_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            Type::Enum(r) | Type::Struct(r) => Some(r),
            Type::List(inner) => inner.named_mut(),
            _ => None,
        }
    }
}

/// Where a named type lives, relative to the module that uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    /// `None` for the current module, else the module name (`enums`, `card`).
    pub module: Option<String>,
    pub name: String,
}

/// An enum with its variants (name, wire value) and an `Unknown` catch-all.
#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Vec<(String, String)>,
}

/// One endpoint.
#[derive(Debug)]
pub struct Operation {
    /// HttpMethod name (`create_with_items`).
    pub name: String,
    /// PascalCase stem of its types (`CreateWithItems`).
    pub pascal: String,
    /// `resource.operation`, used in errors and logs.
    pub id: String,
    pub method: HttpMethod,
    /// Path segments: literal text and the one path parameter.
    pub path: Vec<PathPart>,
    pub base: ApiBase,
    pub body: BodyKind,
    pub subdomain: Option<String>,
    pub idempotent: bool,
    pub paginated: bool,
    /// The operation also takes custom fields (`cf_*`).
    pub custom_fields: bool,
    /// What it does, in one line.
    pub doc: String,
    /// The product catalog version it belongs to.
    pub catalog: chargebee_description::Catalog,
    /// It cannot be undone or moves money as its main effect.
    pub destructive: bool,
    /// Command lines of the `chargebee` tool showing it at work.
    pub examples: Vec<String>,
    pub params: Vec<Field>,
    pub filters: Vec<Filter>,
    pub sort_by: Vec<(String, String)>,
    pub returns: Vec<Field>,
    /// The answer type (response, or page entry) of an earlier operation of the module whose
    /// answer has the same fields: this operation's answer type is then an alias of it.
    pub same_answer_as: Option<String>,
}

impl Operation {
    /// The name of its request builder type: `{Pascal}Request`.
    pub fn request_type(&self) -> String {
        format!("{}Request", self.pascal)
    }

    /// The name of its parameters type: `{Pascal}Params`.
    pub fn params_type(&self) -> String {
        format!("{}Params", self.pascal)
    }

    /// The name of the enum of the fields it sorts by: `{Pascal}SortField`.
    pub fn sort_field_type(&self) -> String {
        format!("{}SortField", self.pascal)
    }

    /// Every type name the operation's items take in its resource's module: request, params,
    /// answer, sort fields and filter groups, each only when emitted.
    pub fn type_names(&self) -> Vec<String> {
        let mut out = vec![self.request_type(), self.params_type(), self.answer_type()];
        if !self.sort_by.is_empty() {
            out.push(self.sort_field_type());
        }
        for (group, _) in self.filter_groups() {
            out.push(crate::names::filter_group_type(&self.pascal, group));
        }
        out
    }

    /// The name of the type of its answer: `{Pascal}Entry` (one entry of a page) when it
    /// pages, else `{Pascal}Response`.
    pub fn answer_type(&self) -> String {
        if self.paginated {
            format!("{}Entry", self.pascal)
        } else {
            format!("{}Response", self.pascal)
        }
    }

    /// The filter groups, each with its filters, in the order the spec lists them.
    pub fn filter_groups(&self) -> Vec<(&str, Vec<&Filter>)> {
        let mut groups: Vec<(&str, Vec<&Filter>)> = Vec::new();
        for f in &self.filters {
            let Some(group) = f.group.as_deref() else {
                continue;
            };
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, members)) => members.push(f),
                None => groups.push((group, vec![f])),
            }
        }
        groups
    }

    /// Whether it reads a list page by page: a paginated GET, taking `limit` and `offset`
    /// (and `stream()` in the client).
    pub fn pages(&self) -> bool {
        self.paginated && self.method == HttpMethod::Get
    }

    /// The path parameter, when the path has one.
    pub fn path_param(&self) -> Option<&str> {
        self.path.iter().find_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
    }

    /// The path as written in the spec.
    pub fn path_template(&self) -> String {
        self.path
            .iter()
            .map(|p| match p {
                PathPart::Literal(s) => s.clone(),
                PathPart::Param(name) => format!("{{{name}}}"),
            })
            .collect()
    }
}

/// A piece of an operation path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    Param(String),
}

/// A filterable field of a list operation.
#[derive(Debug)]
pub struct Filter {
    /// The key before the operator: `email`, or `relationship[parent_id]` in a group.
    pub wire: String,
    /// The group the filter belongs to (`relationship`), if any.
    pub group: Option<String>,
    /// The field's own name (`parent_id` in `relationship[parent_id]`).
    pub field: String,
    /// The setter's name (`relationship_parent_id`).
    pub ident: String,
    pub kind: FilterKind,
    pub ops: Vec<FilterOperator>,
    /// The name of its operator set (an [`OperatorSet`]), given by the resolve passes.
    pub operators: String,
}

/// A set of filter operators, as a type: the filters of fields that accept exactly these
/// operators are typed by it.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorSet {
    /// `IsIsNotStartsWith`.
    pub name: String,
    /// The operators, in their declaration order.
    pub ops: Vec<FilterOperator>,
}

/// Filter kinds and the operators each allows.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    String,
    Number,
    Timestamp,
    Date,
    Boolean,
    Enum(TypeRef),
}

impl FilterKind {
    /// Every operator Chargebee defines for this kind.
    pub fn operators(&self) -> &'static [FilterOperator] {
        use FilterOperator::*;
        match self {
            FilterKind::String => &[Is, IsNot, StartsWith, IsPresent, In, NotIn],
            FilterKind::Number => &[Is, IsNot, Lt, Lte, Gt, Gte, Between, IsPresent],
            FilterKind::Timestamp | FilterKind::Date => &[On, Before, After, Between, IsPresent],
            FilterKind::Boolean => &[Is, IsPresent],
            FilterKind::Enum(_) => &[Is, IsNot, In, NotIn, IsPresent],
        }
    }
}
