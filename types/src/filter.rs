//! Typed filters and sort orders for list operations.
//!
//! Each filter is one operator and its value, sent as `field[operator]=value`:
//! `email[is]=a@b.c`, `created_at[after]=1704067200`, `id[in]=["a","b"]`,
//! `created_at[between]=[1704067200,1706745600]`; a sort is `sort_by[asc]=created_at`.
//!
//! Not every field accepts every operator. A filter's type names the operators its field
//! accepts (`StringFilter<operators::IsIsNotStartsWith>`), and a constructor exists only for
//! those: `StringFilter::is_present(true)` for a field without `is_present` does not compile.
//! Read from JSON, a filter refuses an operator its field does not accept.
//!
//! A field may carry several operators at once (`created_at[after]` and `created_at[before]`):
//! each call of a filter setter adds its operator, replacing an earlier one with the same
//! operator. In JSON, a filter field is the official SDKs' object of operators:
//! `{"created_at": {"after": 1704067200, "before": 1706745600}}`, and a sort is
//! `{"sort_by": {"asc": "created_at"}}`.

use crate::form::{Form, FormField};
use crate::types::{ApiEnum, Timestamp};
use serde::de::{DeserializeOwned, DeserializeSeed, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A filter's operator and wire value.
pub trait Filter {
    fn operator(&self) -> &'static str;
    fn wire_value(&self) -> String;
}

/// The operators one filter field accepts. Each set is a type of `chargebee::operators`,
/// named by its operators, and implements the [`accepts`] trait of each.
pub trait Operators {
    /// The operators' wire names.
    const ACCEPTED: &'static [&'static str];
}

/// One trait per operator, implemented by the [`Operators`] sets that accept it. A filter's
/// constructor for an operator requires its trait.
pub mod accepts {
    // `on_unimplemented` takes string literals only, so each message is written out.
    macro_rules! operator_traits {
        ($($name:ident $wire:literal $message:literal,)*) => {$(
            #[doc = concat!("The set accepts the `", $wire, "` operator.")]
            #[diagnostic::on_unimplemented(
                message = $message,
                label = "its field accepts the operators of `{Self}`",
                note = "a filter setter's documentation lists the operators its field accepts"
            )]
            pub trait $name: super::Operators {}
        )*};
    }
    operator_traits!(
        Is "is" "this filter field does not accept the `is` operator",
        IsNot "is_not" "this filter field does not accept the `is_not` operator",
        StartsWith "starts_with" "this filter field does not accept the `starts_with` operator",
        IsPresent "is_present" "this filter field does not accept the `is_present` operator",
        In "in" "this filter field does not accept the `in` operator",
        NotIn "not_in" "this filter field does not accept the `not_in` operator",
        Lt "lt" "this filter field does not accept the `lt` operator",
        Lte "lte" "this filter field does not accept the `lte` operator",
        Gt "gt" "this filter field does not accept the `gt` operator",
        Gte "gte" "this filter field does not accept the `gte` operator",
        Between "between" "this filter field does not accept the `between` operator",
        After "after" "this filter field does not accept the `after` operator",
        Before "before" "this filter field does not accept the `before` operator",
        On "on" "this filter field does not accept the `on` operator",
    );
}

/// A condition on a text field: an operator and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StringCondition {
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

impl Filter for StringCondition {
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

/// A condition on an integer field (amounts in the currency's smallest unit, counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumberCondition {
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

impl Filter for NumberCondition {
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

/// A condition on a timestamp or date field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimestampCondition {
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

impl Filter for TimestampCondition {
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

/// A condition on a boolean field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BooleanCondition {
    /// Equal to the value.
    Is(bool),
    /// Has a value (`true`) or has none (`false`).
    IsPresent(bool),
}

impl Filter for BooleanCondition {
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

/// A condition on an enum field, with values of the field's own enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EnumCondition<E> {
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

impl<E: ApiEnum> Filter for EnumCondition<E> {
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

/// A filter type `$name<[$e,] O>`: a condition of `$condition`, on a field whose operators are
/// the set `O`.
/// Its impls do not bound `O`, which is never a value.
macro_rules! filter_type {
    ($(#[$doc:meta])* $name:ident [$($e:ident)?] = $condition:ty) => {
        $(#[$doc])*
        pub struct $name<$($e,)? O> {
            condition: $condition,
            operators: PhantomData<fn() -> O>,
        }

        impl<$($e,)? O> $name<$($e,)? O> {
            fn new(condition: $condition) -> Self {
                Self { condition, operators: PhantomData }
            }

            /// The operator and its value.
            pub fn condition(&self) -> &$condition {
                &self.condition
            }

            /// The operator and its value, taken out.
            pub fn into_condition(self) -> $condition {
                self.condition
            }
        }

        impl<$($e: fmt::Debug,)? O> fmt::Debug for $name<$($e,)? O> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.condition.fmt(f)
            }
        }

        impl<$($e: Clone,)? O> Clone for $name<$($e,)? O> {
            fn clone(&self) -> Self {
                Self { condition: self.condition.clone(), operators: PhantomData }
            }
        }

        impl<$($e: PartialEq,)? O> PartialEq for $name<$($e,)? O> {
            fn eq(&self, other: &Self) -> bool {
                self.condition == other.condition
            }
        }

        impl<$($e: Eq,)? O> Eq for $name<$($e,)? O> {}

        impl<$($e: ApiEnum,)? O> Filter for $name<$($e,)? O> {
            fn operator(&self) -> &'static str {
                self.condition.operator()
            }
            fn wire_value(&self) -> String {
                self.condition.wire_value()
            }
        }

        impl<$($e: ApiEnum,)? O> FormField for $name<$($e,)? O> {
            fn write(&self, form: &mut Form, name: &str) {
                write_condition(form, name, self);
            }
            fn write_at(&self, form: &mut Form, name: &str, _: usize) {
                write_condition(form, name, self);
            }
        }

        impl<$($e: Serialize,)? O> Serialize for $name<$($e,)? O> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.condition.serialize(serializer)
            }
        }

        /// Refuses an operator the field does not accept.
        impl<'de, $($e: ApiEnum + Deserialize<'de>,)? O: Operators> Deserialize<'de>
            for $name<$($e,)? O>
        {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let condition = <$condition>::deserialize(deserializer)?;
                if O::ACCEPTED.contains(&condition.operator()) {
                    Ok(Self::new(condition))
                } else {
                    Err(D::Error::custom(format!(
                        "not accepted by this field, which accepts: {}",
                        O::ACCEPTED.join(", ")
                    )))
                }
            }
        }
    };
}

filter_type!(
    /// Filter on a text field that accepts the operators `O`.
    StringFilter[] = StringCondition
);

impl<O> StringFilter<O> {
    /// `field[is]=value`.
    pub fn is(value: impl Into<String>) -> Self
    where
        O: accepts::Is,
    {
        Self::new(StringCondition::Is(value.into()))
    }
    /// `field[is_not]=value`.
    pub fn is_not(value: impl Into<String>) -> Self
    where
        O: accepts::IsNot,
    {
        Self::new(StringCondition::IsNot(value.into()))
    }
    /// `field[starts_with]=value`.
    pub fn starts_with(value: impl Into<String>) -> Self
    where
        O: accepts::StartsWith,
    {
        Self::new(StringCondition::StartsWith(value.into()))
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self
    where
        O: accepts::IsPresent,
    {
        Self::new(StringCondition::IsPresent(present))
    }
    /// `field[in]=["a","b"]`.
    pub fn in_<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self
    where
        O: accepts::In,
    {
        Self::new(StringCondition::In(
            values.into_iter().map(Into::into).collect(),
        ))
    }
    /// `field[not_in]=["a","b"]`.
    pub fn not_in<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self
    where
        O: accepts::NotIn,
    {
        Self::new(StringCondition::NotIn(
            values.into_iter().map(Into::into).collect(),
        ))
    }
}

filter_type!(
    /// Filter on an integer field that accepts the operators `O`.
    NumberFilter[] = NumberCondition
);

impl<O> NumberFilter<O> {
    /// `field[is]=value`.
    pub fn is(value: i64) -> Self
    where
        O: accepts::Is,
    {
        Self::new(NumberCondition::Is(value))
    }
    /// `field[is_not]=value`.
    pub fn is_not(value: i64) -> Self
    where
        O: accepts::IsNot,
    {
        Self::new(NumberCondition::IsNot(value))
    }
    /// `field[lt]=value`.
    pub fn lt(value: i64) -> Self
    where
        O: accepts::Lt,
    {
        Self::new(NumberCondition::Lt(value))
    }
    /// `field[lte]=value`.
    pub fn lte(value: i64) -> Self
    where
        O: accepts::Lte,
    {
        Self::new(NumberCondition::Lte(value))
    }
    /// `field[gt]=value`.
    pub fn gt(value: i64) -> Self
    where
        O: accepts::Gt,
    {
        Self::new(NumberCondition::Gt(value))
    }
    /// `field[gte]=value`.
    pub fn gte(value: i64) -> Self
    where
        O: accepts::Gte,
    {
        Self::new(NumberCondition::Gte(value))
    }
    /// `field[between]=[from,to]`, both included.
    pub fn between(from: i64, to: i64) -> Self
    where
        O: accepts::Between,
    {
        Self::new(NumberCondition::Between(from, to))
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self
    where
        O: accepts::IsPresent,
    {
        Self::new(NumberCondition::IsPresent(present))
    }
}

filter_type!(
    /// Filter on a timestamp field that accepts the operators `O`.
    TimestampFilter[] = TimestampCondition
);

/// Chargebee's date filters take Unix seconds too, so they share the timestamp filter.
pub type DateFilter<O> = TimestampFilter<O>;

impl<O> TimestampFilter<O> {
    /// `field[after]=seconds`.
    pub fn after(t: impl Into<Timestamp>) -> Self
    where
        O: accepts::After,
    {
        Self::new(TimestampCondition::After(t.into()))
    }
    /// `field[before]=seconds`.
    pub fn before(t: impl Into<Timestamp>) -> Self
    where
        O: accepts::Before,
    {
        Self::new(TimestampCondition::Before(t.into()))
    }
    /// `field[on]=seconds`.
    pub fn on(t: impl Into<Timestamp>) -> Self
    where
        O: accepts::On,
    {
        Self::new(TimestampCondition::On(t.into()))
    }
    /// `field[between]=[from,to]`.
    pub fn between(from: impl Into<Timestamp>, to: impl Into<Timestamp>) -> Self
    where
        O: accepts::Between,
    {
        Self::new(TimestampCondition::Between(from.into(), to.into()))
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self
    where
        O: accepts::IsPresent,
    {
        Self::new(TimestampCondition::IsPresent(present))
    }
}

filter_type!(
    /// Filter on a boolean field that accepts the operators `O`.
    BooleanFilter[] = BooleanCondition
);

impl<O> BooleanFilter<O> {
    /// `field[is]=true|false`.
    pub fn is(value: bool) -> Self
    where
        O: accepts::Is,
    {
        Self::new(BooleanCondition::Is(value))
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self
    where
        O: accepts::IsPresent,
    {
        Self::new(BooleanCondition::IsPresent(present))
    }
}

filter_type!(
    /// Filter on an enum field of type `E` that accepts the operators `O`.
    EnumFilter[E] = EnumCondition<E>
);

impl<E, O> EnumFilter<E, O> {
    /// `field[is]=value`.
    pub fn is(value: E) -> Self
    where
        O: accepts::Is,
    {
        Self::new(EnumCondition::Is(value))
    }
    /// `field[is_not]=value`.
    pub fn is_not(value: E) -> Self
    where
        O: accepts::IsNot,
    {
        Self::new(EnumCondition::IsNot(value))
    }
    /// `field[in]=["a","b"]`.
    pub fn in_(values: impl IntoIterator<Item = E>) -> Self
    where
        O: accepts::In,
    {
        Self::new(EnumCondition::In(values.into_iter().collect()))
    }
    /// `field[not_in]=["a","b"]`.
    pub fn not_in(values: impl IntoIterator<Item = E>) -> Self
    where
        O: accepts::NotIn,
    {
        Self::new(EnumCondition::NotIn(values.into_iter().collect()))
    }
    /// `field[is_present]=true|false`.
    pub fn is_present(present: bool) -> Self
    where
        O: accepts::IsPresent,
    {
        Self::new(EnumCondition::IsPresent(present))
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

impl<F: SortField> FormField for Sort<F> {
    fn write(&self, form: &mut Form, name: &str) {
        write_condition(form, name, self);
    }
    fn write_at(&self, form: &mut Form, name: &str, _: usize) {
        write_condition(form, name, self);
    }
}

/// Reads the field of a sort given as one key, `sort_by[asc]` or `sort_by[desc]` (the form the
/// official SDKs' type declarations use), as a parameter of a params struct.
pub struct SortKey<F> {
    descending: bool,
    field: PhantomData<F>,
}

impl<F> SortKey<F> {
    /// The field of `sort_by[asc]`.
    pub fn asc() -> Self {
        SortKey {
            descending: false,
            field: PhantomData,
        }
    }

    /// The field of `sort_by[desc]`.
    pub fn desc() -> Self {
        SortKey {
            descending: true,
            field: PhantomData,
        }
    }
}

impl<'de, F: Deserialize<'de>> DeserializeSeed<'de> for SortKey<F> {
    type Value = Sort<F>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let field = F::deserialize(deserializer)?;
        Ok(if self.descending {
            Sort::Desc(field)
        } else {
            Sort::Asc(field)
        })
    }
}

/// Adds a condition to a filter field, replacing one with the same operator.
pub fn add_condition<F: Filter>(conditions: &mut Vec<F>, condition: F) {
    conditions.retain(|c| c.operator() != condition.operator());
    conditions.push(condition);
}

/// Reads a filter field's conditions in the official SDKs' JSON shape, one object with an
/// entry per operator (`{"after": 1704067200, "before": 1706745600}`), as a parameter of a
/// params struct; an operator given `null` is left out. An error names the field and the
/// operator.
pub struct Conditions<F> {
    field: &'static str,
    filters: PhantomData<F>,
}

impl<F> Conditions<F> {
    /// Reads the conditions of the filter field `field`.
    pub fn of(field: &'static str) -> Self {
        Conditions {
            field,
            filters: PhantomData,
        }
    }
}

impl<'de, F: DeserializeOwned> DeserializeSeed<'de> for Conditions<F> {
    type Value = Vec<F>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<F>, D::Error> {
        let all = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        // An operator given `null` is not given, as for every other parameter.
        all.into_iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(operator, value)| {
                let one = serde_json::Value::Object(serde_json::Map::from_iter([(
                    operator.clone(),
                    value,
                )]));
                serde_json::from_value(one).map_err(|e| {
                    D::Error::custom(format!(
                        "filter `{}`, operator `{operator}`: {e}",
                        self.field
                    ))
                })
            })
            .collect()
    }
}

/// Writes a filter field's conditions in the official SDKs' JSON shape: one object with an
/// entry per operator.
pub mod conditions {
    use serde::ser::Error as _;
    use serde::{Serialize, Serializer};
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::enums::AutoCollection;
    use chargebee_schema::{FilterOperator, Operand};

    /// Every variant of every condition type, by its operator and wire value.
    fn every_condition() -> Vec<(&'static str, String)> {
        let t = Timestamp(1_704_067_200);
        let u = Timestamp(1_706_745_600);
        let mut all: Vec<(&'static str, String)> = Vec::new();
        let mut add = |filter: &dyn Filter| all.push((filter.operator(), filter.wire_value()));
        for c in [
            StringCondition::Is("a".into()),
            StringCondition::IsNot("a".into()),
            StringCondition::StartsWith("a".into()),
            StringCondition::IsPresent(true),
            StringCondition::In(vec!["a".into()]),
            StringCondition::NotIn(vec!["a".into(), "b".into()]),
        ] {
            add(&c);
        }
        for c in [
            NumberCondition::Is(1),
            NumberCondition::IsNot(1),
            NumberCondition::Lt(1),
            NumberCondition::Lte(1),
            NumberCondition::Gt(1),
            NumberCondition::Gte(1),
            NumberCondition::Between(1, 2),
            NumberCondition::IsPresent(false),
        ] {
            add(&c);
        }
        for c in [
            TimestampCondition::On(t),
            TimestampCondition::Before(t),
            TimestampCondition::After(t),
            TimestampCondition::Between(t, u),
            TimestampCondition::IsPresent(true),
        ] {
            add(&c);
        }
        for c in [
            BooleanCondition::Is(true),
            BooleanCondition::IsPresent(false),
        ] {
            add(&c);
        }
        for c in [
            EnumCondition::Is(AutoCollection::On),
            EnumCondition::IsNot(AutoCollection::On),
            EnumCondition::In(vec![AutoCollection::On]),
            EnumCondition::NotIn(vec![AutoCollection::On, AutoCollection::Off]),
            EnumCondition::IsPresent(true),
        ] {
            add(&c);
        }
        all
    }

    /// The typed conditions name Chargebee's operators and write the value each operator
    /// takes (`chargebee_schema::Operand`): the typed API and the one definition agree.
    #[test]
    fn every_condition_writes_its_operators_operand() {
        let all = every_condition();
        assert_eq!(all.len(), 26);
        for (name, wire) in all {
            let operator = FilterOperator::parse(name)
                .unwrap_or_else(|| panic!("`{name}` is not a filter operator"));
            let list = serde_json::from_str::<serde_json::Value>(&wire)
                .ok()
                .and_then(|v| v.as_array().map(Vec::len));
            match operator.operand() {
                Operand::Presence => assert!(wire == "true" || wire == "false", "{name}={wire}"),
                Operand::List => assert!(list.is_some_and(|n| n >= 1), "{name}={wire}"),
                Operand::Pair => assert_eq!(list, Some(2), "{name}={wire}"),
                Operand::One => assert_eq!(list, None, "{name}={wire}"),
            }
        }
    }
}
