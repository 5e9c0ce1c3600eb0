//! Typed filters and sort orders for list operations.
//!
//! Each filter is one operator and its value, sent as `field[operator]=value`:
//! `email[is]=a@b.c`, `created_at[after]=1704067200`, `id[in]=["a","b"]`,
//! `created_at[between]=[1704067200,1706745600]`; a sort is `sort_by[asc]=created_at`.
//! Not every field accepts every operator: each setter's documentation lists the ones its
//! field accepts, and `send()` refuses any other before a request is made.
//!
//! A field may carry several operators at once (`created_at[after]` and `created_at[before]`):
//! each call of a filter setter adds its operator, replacing an earlier one with the same
//! operator. In JSON, a filter field is the official SDKs' object of operators:
//! `{"created_at": {"after": 1704067200, "before": 1706745600}}`, and a sort is
//! `{"sort_by": {"asc": "created_at"}}`.

use crate::form::{Form, FormField};
use crate::types::{ApiEnum, Timestamp};
use crate::InvalidParam;
use serde::de::{DeserializeOwned, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize};
use std::marker::PhantomData;

/// A filter's operator and wire value.
pub trait Filter {
    fn operator(&self) -> &'static str;
    fn wire_value(&self) -> String;
}

/// Filter on a text field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StringFilter {
    /// Equal to the value.
    Is(String),
    /// Not equal to the value.
    IsNot(String),
    /// Starts with the value.
    StartsWith(String),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
    /// Equal to one of the values.
    In(Vec<String>),
    /// Equal to none of the values.
    NotIn(Vec<String>),
}

impl StringFilter {
    /// `field[is]=value`.
    pub fn is(value: impl Into<String>) -> Self {
        Self::Is(value.into())
    }
    /// `field[is_not]=value`.
    pub fn is_not(value: impl Into<String>) -> Self {
        Self::IsNot(value.into())
    }
    /// `field[starts_with]=value`.
    pub fn starts_with(value: impl Into<String>) -> Self {
        Self::StartsWith(value.into())
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self {
        Self::IsPresent(present)
    }
    /// `field[in]=["a","b"]`.
    pub fn in_<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Self::In(values.into_iter().map(Into::into).collect())
    }
    /// `field[not_in]=["a","b"]`.
    pub fn not_in<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Self::NotIn(values.into_iter().map(Into::into).collect())
    }
}

impl Filter for StringFilter {
    fn operator(&self) -> &'static str {
        match self {
            Self::Is(_) => "is",
            Self::IsNot(_) => "is_not",
            Self::StartsWith(_) => "starts_with",
            Self::IsPresent(_) => "is_present",
            Self::In(_) => "in",
            Self::NotIn(_) => "not_in",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::Is(v) | Self::IsNot(v) | Self::StartsWith(v) => v.clone(),
            Self::IsPresent(b) => b.to_string(),
            Self::In(vs) | Self::NotIn(vs) => {
                json_list(vs.iter().map(|v| serde_json::Value::from(v.as_str())))
            }
        }
    }
}

/// Filter on an integer field (amounts in the currency's smallest unit, counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumberFilter {
    /// Equal to the value.
    Is(i64),
    /// Not equal to the value.
    IsNot(i64),
    /// Less than the value.
    Lt(i64),
    /// Less than or equal to the value.
    Lte(i64),
    /// Greater than the value.
    Gt(i64),
    /// Greater than or equal to the value.
    Gte(i64),
    /// Between the two values, both included.
    Between(i64, i64),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
}

impl Filter for NumberFilter {
    fn operator(&self) -> &'static str {
        match self {
            Self::Is(_) => "is",
            Self::IsNot(_) => "is_not",
            Self::Lt(_) => "lt",
            Self::Lte(_) => "lte",
            Self::Gt(_) => "gt",
            Self::Gte(_) => "gte",
            Self::Between(..) => "between",
            Self::IsPresent(_) => "is_present",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::Is(v)
            | Self::IsNot(v)
            | Self::Lt(v)
            | Self::Lte(v)
            | Self::Gt(v)
            | Self::Gte(v) => v.to_string(),
            Self::Between(a, b) => format!("[{a},{b}]"),
            Self::IsPresent(b) => b.to_string(),
        }
    }
}

/// Filter on a timestamp field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimestampFilter {
    /// On the same day as the value.
    On(Timestamp),
    /// Before the value.
    Before(Timestamp),
    /// After the value.
    After(Timestamp),
    /// Between the two values.
    Between(Timestamp, Timestamp),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
}

/// Chargebee's date filters take Unix seconds too, so they share the timestamp filter.
pub type DateFilter = TimestampFilter;

impl TimestampFilter {
    /// `field[after]=seconds`.
    pub fn after(t: impl Into<Timestamp>) -> Self {
        Self::After(t.into())
    }
    /// `field[before]=seconds`.
    pub fn before(t: impl Into<Timestamp>) -> Self {
        Self::Before(t.into())
    }
    /// `field[on]=seconds`.
    pub fn on(t: impl Into<Timestamp>) -> Self {
        Self::On(t.into())
    }
    /// `field[between]=[from,to]`.
    pub fn between(from: impl Into<Timestamp>, to: impl Into<Timestamp>) -> Self {
        Self::Between(from.into(), to.into())
    }
}

impl Filter for TimestampFilter {
    fn operator(&self) -> &'static str {
        match self {
            Self::On(_) => "on",
            Self::Before(_) => "before",
            Self::After(_) => "after",
            Self::Between(..) => "between",
            Self::IsPresent(_) => "is_present",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::On(t) | Self::Before(t) | Self::After(t) => t.0.to_string(),
            Self::Between(a, b) => format!("[{},{}]", a.0, b.0),
            Self::IsPresent(b) => b.to_string(),
        }
    }
}

/// Filter on a boolean field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BooleanFilter {
    /// Equal to the value.
    Is(bool),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
}

impl Filter for BooleanFilter {
    fn operator(&self) -> &'static str {
        match self {
            Self::Is(_) => "is",
            Self::IsPresent(_) => "is_present",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::Is(b) | Self::IsPresent(b) => b.to_string(),
        }
    }
}

/// Filter on an enum field, with values of the field's own enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EnumFilter<E> {
    /// Equal to the value.
    Is(E),
    /// Not equal to the value.
    IsNot(E),
    /// Equal to one of the values.
    In(Vec<E>),
    /// Equal to none of the values.
    NotIn(Vec<E>),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
}

impl<E> EnumFilter<E> {
    /// `field[is]=value`.
    pub fn is(value: E) -> Self {
        Self::Is(value)
    }
    /// `field[is_not]=value`.
    pub fn is_not(value: E) -> Self {
        Self::IsNot(value)
    }
    /// `field[in]=["a","b"]`.
    pub fn in_(values: impl IntoIterator<Item = E>) -> Self {
        Self::In(values.into_iter().collect())
    }
    /// `field[not_in]=["a","b"]`.
    pub fn not_in(values: impl IntoIterator<Item = E>) -> Self {
        Self::NotIn(values.into_iter().collect())
    }
}

impl<E: ApiEnum> Filter for EnumFilter<E> {
    fn operator(&self) -> &'static str {
        match self {
            Self::Is(_) => "is",
            Self::IsNot(_) => "is_not",
            Self::In(_) => "in",
            Self::NotIn(_) => "not_in",
            Self::IsPresent(_) => "is_present",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::Is(v) | Self::IsNot(v) => v.as_str().to_string(),
            Self::In(vs) | Self::NotIn(vs) => {
                json_list(vs.iter().map(|v| serde_json::Value::from(v.as_str())))
            }
            Self::IsPresent(b) => b.to_string(),
        }
    }
}

/// A field a list operation can sort by.
pub trait SortField {
    /// The field's wire name.
    fn as_str(&self) -> &'static str;
}

/// Sort order of a list: `sort_by[asc]=field` or `sort_by[desc]=field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort<F> {
    /// Smallest first.
    Asc(F),
    /// Largest first.
    Desc(F),
}

impl<F> Sort<F> {
    /// Ascending by `field`.
    pub fn asc(field: F) -> Self {
        Self::Asc(field)
    }
    /// Descending by `field`.
    pub fn desc(field: F) -> Self {
        Self::Desc(field)
    }
}

impl<F: SortField> Filter for Sort<F> {
    fn operator(&self) -> &'static str {
        match self {
            Self::Asc(_) => "asc",
            Self::Desc(_) => "desc",
        }
    }
    fn wire_value(&self) -> String {
        match self {
            Self::Asc(f) | Self::Desc(f) => f.as_str().to_string(),
        }
    }
}

fn json_list(values: impl Iterator<Item = serde_json::Value>) -> String {
    serde_json::Value::Array(values.collect()).to_string()
}

/// Writes `filter` as `name[operator]=value`.
fn write_condition<F: Filter>(form: &mut Form, name: &str, filter: &F) {
    form.condition(name, filter.operator(), &filter.wire_value());
}

macro_rules! filter_field {
    ($($ty:ty),*) => {$(
        impl FormField for $ty {
            fn write(&self, form: &mut Form, name: &str) {
                write_condition(form, name, self);
            }
            fn write_at(&self, form: &mut Form, name: &str, _: usize) {
                write_condition(form, name, self);
            }
        }
    )*};
}
filter_field!(StringFilter, NumberFilter, TimestampFilter, BooleanFilter);

impl<E: ApiEnum> FormField for EnumFilter<E> {
    fn write(&self, form: &mut Form, name: &str) {
        write_condition(form, name, self);
    }
    fn write_at(&self, form: &mut Form, name: &str, _: usize) {
        write_condition(form, name, self);
    }
}

impl<F: SortField> FormField for Sort<F> {
    fn write(&self, form: &mut Form, name: &str) {
        write_condition(form, name, self);
    }
    fn write_at(&self, form: &mut Form, name: &str, _: usize) {
        write_condition(form, name, self);
    }
}

/// Adds a condition to a filter field, replacing one with the same operator.
pub fn add_condition<F: Filter>(conditions: &mut Vec<F>, condition: F) {
    conditions.retain(|c| c.operator() != condition.operator());
    conditions.push(condition);
}

/// Refuses a condition whose operator the field does not accept, naming the field.
pub fn check_operators<F: Filter>(
    field: &'static str,
    conditions: &[F],
    allowed: &[&str],
) -> Result<(), InvalidParam> {
    match conditions.iter().find(|c| !allowed.contains(&c.operator())) {
        Some(c) => Err(InvalidParam {
            param: field,
            message: format!(
                "the `{}` operator is not accepted here; use one of: {}",
                c.operator(),
                allowed.join(", ")
            ),
        }),
        None => Ok(()),
    }
}

/// Reads a filter's conditions, as [`conditions`] does, as a parameter of a params struct.
pub struct Conditions<F>(PhantomData<F>);

impl<F> Default for Conditions<F> {
    fn default() -> Self {
        Conditions(PhantomData)
    }
}

impl<'de, F: DeserializeOwned> DeserializeSeed<'de> for Conditions<F> {
    type Value = Vec<F>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<F>, D::Error> {
        conditions::deserialize(deserializer)
    }
}

/// Serde for a filter field's conditions in the official SDKs' JSON shape: one object with
/// an entry per operator (`{"after": 1704067200, "before": 1706745600}`).
pub mod conditions {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<F: Serialize, S: Serializer>(
        conditions: &[F],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut all = Map::new();
        for condition in conditions {
            match serde_json::to_value(condition).map_err(S::Error::custom)? {
                Value::Object(one) => all.extend(one),
                other => {
                    return Err(S::Error::custom(format!(
                        "a filter condition encoded as {other}, not as an object"
                    )))
                }
            }
        }
        all.serialize(serializer)
    }

    pub fn deserialize<'de, F: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<F>, D::Error> {
        let all = Map::<String, Value>::deserialize(deserializer)?;
        all.into_iter()
            .map(|(operator, value)| {
                let one = Value::Object(Map::from_iter([(operator.clone(), value)]));
                serde_json::from_value(one)
                    .map_err(|e| D::Error::custom(format!("filter operator `{operator}`: {e}")))
            })
            .collect()
    }
}
