//! How each operation of the [`chargebee`](https://docs.rs/chargebee) crate travels: its
//! HTTP method, the API that serves it, where its parameters go, and the filter operators a
//! list takes with the value each expects. `chargebee` re-exports
//! what users need: use that crate.
//!
//! These are the one definition of these facts in the project: the generator reads the spec
//! into them, the API description (`api.json`) writes them with the spellings below, and the
//! client, the emulator and the command line match on them. The crate is hand-written and
//! small, so the generator can depend on it without depending on the code it generates.

use serde::{Deserialize, Serialize};

/// The HTTP methods Chargebee's API v2 and the Maton control API use.
///
/// Not `#[non_exhaustive]`: code that sends or serves a request matches on every method, and a
/// method added here should fail to compile wherever it is not handled yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the wire: `GET`, `POST`, `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// The method written `text` on the wire (`GET`, `POST`, `DELETE`; upper case only, as
    /// the spec and the reference write them).
    pub fn parse(text: &str) -> Option<HttpMethod> {
        [HttpMethod::Get, HttpMethod::Post, HttpMethod::Delete]
            .into_iter()
            .find(|method| method.as_str() == text)
    }
}

/// The API that serves an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiBase {
    /// Chargebee API v2, directly or through the Maton gateway.
    Chargebee,
    /// The Maton control API (connections).
    Control,
}

/// Where an operation's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// In the query string.
    Query,
    /// As an `application/x-www-form-urlencoded` body.
    Form,
    /// As a JSON body.
    Json,
}

/// A filter operator, as a list operation's parameters name it (`created_at[after]`).
///
/// Declared in the order the generated operator sets list them, which `Ord` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOperator {
    /// Equal to the value.
    Is,
    /// Not equal to the value.
    IsNot,
    /// Text starting with the value.
    StartsWith,
    /// Less than the value.
    Lt,
    /// Less than or equal to the value.
    Lte,
    /// Greater than the value.
    Gt,
    /// Greater than or equal to the value.
    Gte,
    /// Later than the time.
    After,
    /// Earlier than the time.
    Before,
    /// On the same day as the time.
    On,
    /// From the first value to the second, both included.
    Between,
    /// Has a value, or has none.
    IsPresent,
    /// Equal to one of the values.
    In,
    /// Equal to none of the values.
    NotIn,
}

/// What a filter operator takes as its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand {
    /// One value of the field's kind: `email[is]=ada@example.com`.
    One,
    /// `true` (the field has a value) or `false` (it has none): `phone[is_present]=true`.
    Presence,
    /// A JSON list of one or more values of the field's kind: `status[in]=["active"]`.
    List,
    /// A JSON list of exactly two values of the field's kind, from and to:
    /// `created_at[between]=[1704067200,1706745600]`.
    Pair,
}

impl FilterOperator {
    /// Every operator, in declaration order.
    pub const ALL: [FilterOperator; 14] = [
        FilterOperator::Is,
        FilterOperator::IsNot,
        FilterOperator::StartsWith,
        FilterOperator::Lt,
        FilterOperator::Lte,
        FilterOperator::Gt,
        FilterOperator::Gte,
        FilterOperator::After,
        FilterOperator::Before,
        FilterOperator::On,
        FilterOperator::Between,
        FilterOperator::IsPresent,
        FilterOperator::In,
        FilterOperator::NotIn,
    ];

    /// The operator as a parameter names it: `is_not`, `starts_with`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOperator::Is => "is",
            FilterOperator::IsNot => "is_not",
            FilterOperator::StartsWith => "starts_with",
            FilterOperator::Lt => "lt",
            FilterOperator::Lte => "lte",
            FilterOperator::Gt => "gt",
            FilterOperator::Gte => "gte",
            FilterOperator::After => "after",
            FilterOperator::Before => "before",
            FilterOperator::On => "on",
            FilterOperator::Between => "between",
            FilterOperator::IsPresent => "is_present",
            FilterOperator::In => "in",
            FilterOperator::NotIn => "not_in",
        }
    }

    /// The operator a parameter names `text`.
    pub fn parse(text: &str) -> Option<FilterOperator> {
        FilterOperator::ALL
            .into_iter()
            .find(|operator| operator.as_str() == text)
    }

    /// What the operator takes as its value.
    pub fn operand(self) -> Operand {
        match self {
            FilterOperator::IsPresent => Operand::Presence,
            FilterOperator::In | FilterOperator::NotIn => Operand::List,
            FilterOperator::Between => Operand::Pair,
            _ => Operand::One,
        }
    }
}

impl std::fmt::Display for FilterOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_spelled_as_on_the_wire() {
        for (method, text) in [
            (HttpMethod::Get, "GET"),
            (HttpMethod::Post, "POST"),
            (HttpMethod::Delete, "DELETE"),
        ] {
            assert_eq!(method.as_str(), text);
            assert_eq!(HttpMethod::parse(text), Some(method));
            assert_eq!(
                serde_json::to_string(&method).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn only_the_upper_case_names_are_methods() {
        for text in ["get", "Post", "PUT", "", "GET "] {
            assert_eq!(HttpMethod::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn operators_read_back_and_sort_in_declaration_order() {
        for (index, operator) in FilterOperator::ALL.into_iter().enumerate() {
            assert_eq!(FilterOperator::parse(operator.as_str()), Some(operator));
            let json = serde_json::to_string(&operator).unwrap();
            assert_eq!(json, format!("\"{}\"", operator.as_str()));
            assert!(FilterOperator::ALL[..index]
                .iter()
                .all(|earlier| *earlier < operator));
        }
        assert_eq!(FilterOperator::parse("IsNot"), None);
        assert_eq!(FilterOperator::parse("equals"), None);
    }

    #[test]
    fn operands_follow_chargebees_filter_syntax() {
        let shapes: Vec<(&str, Operand)> = FilterOperator::ALL
            .into_iter()
            .map(|operator| (operator.as_str(), operator.operand()))
            .filter(|(_, operand)| *operand != Operand::One)
            .collect();
        assert_eq!(
            shapes,
            [
                ("between", Operand::Pair),
                ("is_present", Operand::Presence),
                ("in", Operand::List),
                ("not_in", Operand::List),
            ]
        );
    }

    #[test]
    fn bases_and_bodies_are_spelled_as_in_the_api_description() {
        let json = serde_json::to_string(&[ApiBase::Chargebee, ApiBase::Control]).unwrap();
        assert_eq!(json, r#"["chargebee","control"]"#);
        let json = serde_json::to_string(&[BodyKind::Query, BodyKind::Form, BodyKind::Json]);
        assert_eq!(json.unwrap(), r#"["query","form","json"]"#);
    }
}
