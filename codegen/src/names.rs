//! Naming rules: how spec names become Rust names.
//!
//! - Resources and nested types keep their PascalCase spec names (`Customer`, `BillingAddress`).
//! - Fields keep their snake_case wire names; Rust keywords become raw identifiers (`r#type`).
//! - Each resource lives in a module named after it in snake_case (`item_price`).
//! - Operations are methods named by their spec key (`create_with_items`); their types are
//!   `{Op}Request` (builder), `{Op}Params`, `{Op}Response`, and `{Op}Entry` for list entries.
//! - An inline parameter object is `{Op}{Field}Params`; an inline enum is `{Field}` on a
//!   resource, `{Nested}{Field}` on a nested type, `{Owner}{Field}` elsewhere.
//! - Enum variants are the PascalCase of the wire value (`not_validated` → `NotValidated`),
//!   prefixed with `V` when the value starts with a digit; `Unknown(String)` catches the rest.
//! - The client accessor is the spec's `accessor`, else the plural of the module name
//!   (`address` → `addresses`, `currency` → `currencies`, `item` → `items`); its handle type
//!   is the accessor in PascalCase (`customers()` → `Customers`).
//! - A nested type or inline enum whose name is one the generated code uses from std or the
//!   runtime (`Option`, `Error`, `Value`, …) takes its resource's name in front
//!   (`PersonalizedOfferOption`), so no import is shadowed.
//! - A filter in a group (`relationship.parent_id`) is set with `relationship_parent_id`; the
//!   group's filters live in `{Op}{Group}Filters` (`ListRelationshipFilters`).
//! - One shape keeps one name ([`crate::resolve`]): an answer or a parameter object with the
//!   fields of an earlier one of its module is an alias of it; an inline enum takes the name
//!   of the shared enum with its values, else of the earlier enum of its module with them;
//!   inline enums repeated across modules become one shared enum named by the words their
//!   names end with (`CreateCardPreferredScheme`, … → `enums::PreferredScheme`), when those
//!   are two words or more and name nothing else.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that cannot be field names as written.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
/// Keywords that cannot even be raw identifiers.
const RESERVED: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The module shared enums are emitted in.
pub const ENUMS: &str = "enums";

/// The module shared parameter objects are emitted in.
pub const OBJECTS: &str = "objects";

/// The module operator sets are emitted in.
pub const OPERATORS_MODULE: &str = "operators";

/// The catch-all variant every generated enum has.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Type names generated modules refer to, which a generated type must not take.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Error",
    "Client",
    "Page",
    "Timestamp",
    "Sort",
    "Value",
    "Serialize",
    "Deserialize",
    "ApiEnum",
    "ExtraFields",
    "ResponseInfo",
    "StringFilter",
    "NumberFilter",
    "TimestampFilter",
    "DateFilter",
    "BooleanFilter",
    "EnumFilter",
];

/// Methods every request builder has, which no parameter may shadow. A test of the `tests`
/// crate checks that every method of the client's `Request` is here.
pub const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_with_info",
    "send_blocking",
    "send_with_info_blocking",
    "stream",
    "params",
    "with_params",
    "idempotency_key",
    "timeout",
    "max_pages",
    "sort_by",
    "custom_field",
    // Crate-private methods of `Request`, which a setter of the same name would clash with.
    "new",
    "with_options",
    "path",
    "show",
];

/// The Rust name of a type declared in `resource`'s module.
pub fn type_name(name: &str, resource: &str) -> String {
    if TAKEN_TYPE_NAMES.contains(&name) {
        format!("{resource}{name}")
    } else {
        name.to_string()
    }
}

/// Whether `name` is a valid snake_case field or method name (`[a-z_][a-z0-9_]*`).
pub fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&name)
}

/// Whether `name` is a valid PascalCase type name.
pub fn is_pascal(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !RESERVED.contains(&name)
}

/// Field or method identifier for a snake_case spec name.
pub fn field_ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// PascalCase form of a snake_case name.
pub fn pascal(name: &str) -> String {
    name.to_upper_camel_case()
}

/// snake_case form of a PascalCase name.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// English plural of a snake_case noun, by the regular rules.
pub fn plural(name: &str) -> String {
    let bytes = name.as_bytes();
    let before_y = bytes.len().checked_sub(2).map(|i| bytes[i]);
    if name.ends_with('y') && before_y.is_some_and(|c| !b"aeiou".contains(&c)) {
        format!("{}ies", &name[..name.len() - 1])
    } else if name.ends_with('s')
        || name.ends_with('x')
        || name.ends_with("ch")
        || name.ends_with("sh")
    {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// Variant name for an enum wire value, or `None` when the value yields no identifier.
pub fn variant(value: &str) -> Option<String> {
    let name = value.to_upper_camel_case();
    match name.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("V{name}")),
        Some(_) if name.chars().all(|c| c.is_ascii_alphanumeric()) => Some(name),
        Some(_) => None,
    }
}

/// The type holding the filters of one group of an operation (`ListRelationshipFilters`).
pub fn filter_group_type(op_pascal: &str, group: &str) -> String {
    format!("{op_pascal}{}Filters", pascal(group))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules() {
        assert!(is_snake("net_term_days"));
        assert!(!is_snake("netTermDays"));
        assert!(!is_snake("2fa"));
        assert!(!is_snake("self"));
        assert!(is_pascal("BillingAddress"));
        assert!(!is_pascal("billing_address"));
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("email"), "email");
        assert_eq!(variant("not_validated").as_deref(), Some("NotValidated"));
        assert_eq!(variant("ACTIVE").as_deref(), Some("Active"));
        assert_eq!(variant("3ds").as_deref(), Some("V3ds"));
        assert_eq!(variant("").as_deref(), None);
        assert_eq!(variant("--"), None);
        assert_eq!(
            type_name("Option", "PersonalizedOffer"),
            "PersonalizedOfferOption"
        );
        assert_eq!(type_name("BillingAddress", "Customer"), "BillingAddress");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("currency"), "currencies");
        assert_eq!(plural("gateway"), "gateways");
        assert_eq!(plural("customer"), "customers");
        assert_eq!(variant("per-unit").as_deref(), Some("PerUnit"));
    }
}
