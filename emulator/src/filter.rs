//! List filters, evaluated as Chargebee documents them, over stored objects.

use crate::failure::Failure;
use crate::params::Condition;
use chargebee_description::{FilterKind, FilterOperator, Operand};
use serde_json::Value;

/// The top-level key a filter's key reads: `relationship` for `relationship[parent_id]`.
pub fn top_key(key: &str) -> &str {
    key.split_once('[').map_or(key, |(outer, _)| outer)
}

/// The value at a filter's key, with `get` reading an object's top-level keys: `email`, or
/// `relationship[parent_id]` one level down.
fn lookup<'a>(get: &impl Fn(&str) -> Option<&'a Value>, key: &str) -> Option<&'a Value> {
    match key.split_once('[') {
        Some((outer, inner)) => get(outer)?.get(inner.trim_end_matches(']')),
        None => get(key),
    }
    .filter(|v| !v.is_null())
}

/// Whether the object whose top-level keys `get` reads passes `condition`; a value that
/// cannot be read for its operator is refused.
pub fn matches<'a>(
    get: impl Fn(&str) -> Option<&'a Value>,
    condition: &Condition,
) -> Result<bool, Failure> {
    let bad = |why: &str| Failure::param(&format!("{}[{}]", condition.field, condition.op), why);
    let actual = lookup(&get, &condition.field);
    let raw = condition.value.as_str();
    let number = |text: &str| {
        text.trim()
            .trim_matches('"')
            .parse::<f64>()
            .map_err(|_| bad("is not a number"))
    };
    // The values of a list or pair operand, read as the operator's operand says.
    let values = match condition.op.operand() {
        Operand::List | Operand::Pair => match serde_json::from_str::<Value>(raw) {
            Ok(Value::Array(items)) => items,
            _ => return Err(bad("is not a JSON list such as [\"a\",\"b\"]")),
        },
        Operand::One | Operand::Presence => Vec::new(),
    };
    if condition.op.operand() == Operand::Pair && values.len() != 2 {
        return Err(bad("takes a list of two values"));
    }
    let numeric = matches!(
        condition.kind,
        FilterKind::Number | FilterKind::Timestamp | FilterKind::Date
    );
    let as_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let equal = |expected: &str| -> Result<bool, Failure> {
        let Some(actual) = actual else {
            return Ok(false);
        };
        if numeric {
            Ok(actual.as_f64() == Some(number(expected)?))
        } else if let Value::String(text) = actual {
            Ok(text == expected)
        } else {
            Ok(as_text(actual) == expected)
        }
    };
    let any_equal = || -> Result<bool, Failure> {
        let mut found = false;
        for item in &values {
            found |= equal(&as_text(item))?;
        }
        Ok(found)
    };
    let compare = |f: fn(f64, f64) -> bool| -> Result<bool, Failure> {
        let bound = number(raw)?;
        Ok(actual.and_then(Value::as_f64).is_some_and(|a| f(a, bound)))
    };
    Ok(match condition.op {
        FilterOperator::IsPresent => match raw {
            "true" => actual.is_some(),
            "false" => actual.is_none(),
            _ => return Err(bad("is not true or false")),
        },
        FilterOperator::Is => equal(raw)?,
        FilterOperator::IsNot => actual.is_some() && !equal(raw)?,
        FilterOperator::StartsWith => actual.is_some_and(|a| match a {
            Value::String(text) => text.starts_with(raw),
            other => other.to_string().starts_with(raw),
        }),
        FilterOperator::In => any_equal()?,
        FilterOperator::NotIn => actual.is_some() && !any_equal()?,
        FilterOperator::Lt | FilterOperator::Before => compare(|a, b| a < b)?,
        FilterOperator::Lte => compare(|a, b| a <= b)?,
        FilterOperator::Gt | FilterOperator::After => compare(|a, b| a > b)?,
        FilterOperator::Gte => compare(|a, b| a >= b)?,
        FilterOperator::On => {
            let day = |seconds: f64| (seconds / 86_400.0).floor();
            let wanted = day(number(raw)?);
            actual
                .and_then(Value::as_f64)
                .is_some_and(|a| day(a) == wanted)
        }
        FilterOperator::Between => {
            let (low, high) = (number(&as_text(&values[0]))?, number(&as_text(&values[1]))?);
            actual
                .and_then(Value::as_f64)
                .is_some_and(|a| low <= a && a <= high)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(kind: FilterKind, field: &str, op: &str, value: &str) -> Result<bool, Failure> {
        let object = json!({
            "email": "ada@example.com",
            "net_term_days": 30,
            "created_at": 1_704_067_200,
            "deleted": false,
            "auto_collection": "on",
            "relationship": {"parent_id": "cus_parent"},
        });
        let condition = Condition {
            field: field.into(),
            kind,
            op: FilterOperator::parse(op).unwrap(),
            value: value.into(),
        };
        let object = object.as_object().unwrap();
        matches(|key| object.get(key), &condition)
    }

    #[test]
    fn every_operator_is_evaluated() {
        use FilterKind::*;
        let cases: &[(FilterKind, &str, &str, &str, bool)] = &[
            (String, "email", "is", "ada@example.com", true),
            (String, "email", "is", "bob@example.com", false),
            (String, "email", "is_not", "bob@example.com", true),
            (String, "email", "starts_with", "ada@", true),
            (String, "email", "starts_with", "bob", false),
            (String, "email", "is_present", "true", true),
            (String, "phone", "is_present", "true", false),
            (String, "phone", "is_present", "false", true),
            (String, "email", "in", r#"["x","ada@example.com"]"#, true),
            (String, "email", "not_in", r#"["ada@example.com"]"#, false),
            (String, "relationship[parent_id]", "is", "cus_parent", true),
            (Number, "net_term_days", "is", "30", true),
            (Number, "net_term_days", "is_not", "30", false),
            (Number, "net_term_days", "lt", "31", true),
            (Number, "net_term_days", "lte", "30", true),
            (Number, "net_term_days", "gt", "30", false),
            (Number, "net_term_days", "gte", "30", true),
            (Number, "net_term_days", "between", "[10,30]", true),
            (Number, "net_term_days", "between", "[31,40]", false),
            (Timestamp, "created_at", "after", "1704067199", true),
            (Timestamp, "created_at", "before", "1704067200", false),
            (Timestamp, "created_at", "on", "1704110000", true),
            (Timestamp, "created_at", "on", "1704200000", false),
            (
                Timestamp,
                "created_at",
                "between",
                "[1704067200,1704067300]",
                true,
            ),
            (Boolean, "deleted", "is", "false", true),
            (Boolean, "deleted", "is", "true", false),
            (
                Enum("enums.AutoCollection".into()),
                "auto_collection",
                "in",
                r#"["on"]"#,
                true,
            ),
            (
                Enum("enums.AutoCollection".into()),
                "auto_collection",
                "is_not",
                "off",
                true,
            ),
        ];
        for (kind, field, op, value, expected) in cases {
            let got = check(kind.clone(), field, op, value).unwrap();
            assert_eq!(got, *expected, "{field}[{op}]={value}");
        }
    }

    #[test]
    fn unreadable_values_name_the_filter() {
        let e = check(FilterKind::Number, "net_term_days", "lt", "soon").unwrap_err();
        assert_eq!(e.body["param"], "net_term_days[lt]");
        let e = check(FilterKind::String, "email", "in", "ada").unwrap_err();
        assert_eq!(e.body["param"], "email[in]");
        let e = check(FilterKind::Number, "net_term_days", "between", "[1]").unwrap_err();
        assert_eq!(e.body["param"], "net_term_days[between]");
        let e = check(FilterKind::String, "email", "is_present", "maybe").unwrap_err();
        assert_eq!(e.body["param"], "email[is_present]");
    }
}
