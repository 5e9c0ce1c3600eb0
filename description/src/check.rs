//! Whether one value fits a parameter's type: the rules, and the words for a refusal, that the
//! emulator and the command line both check parameters by. Types, integer ranges (`I32` is
//! 32 bits), lengths in characters, and enum values.

use crate::{Api, Type};
use serde_json::{Number, Value};
use std::fmt;

/// Why a value does not fit its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not `true` or `false`.
    NotBool(String),
    /// Not a whole number.
    NotInteger(String),
    /// A whole number outside the type's range.
    OutOfRange { value: String, min: i64, max: i64 },
    /// Not a number.
    NotNumber(String),
    /// A number too large to hold.
    NotFinite,
    /// Not JSON.
    NotJson,
    /// Longer than the parameter allows, in characters.
    TooLong { max: u32 },
    /// Not one of the enum's values.
    NotOneOf { value: String, allowed: Vec<String> },
    /// A value where the parameter takes an object or a list.
    NotScalar,
    /// A JSON value of another kind than the type (a string for a number, …).
    WrongType,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotBool(v) => write!(f, "`{v}` is not true or false"),
            Refusal::NotInteger(v) => write!(f, "`{v}` is not a whole number"),
            Refusal::OutOfRange { value, min, max } => {
                write!(f, "`{value}` is not between {min} and {max}")
            }
            Refusal::NotNumber(v) => write!(f, "`{v}` is not a number"),
            Refusal::NotFinite => f.write_str("is not a finite number"),
            Refusal::NotJson => f.write_str("is not valid JSON"),
            Refusal::TooLong { max } => write!(f, "cannot be longer than {max} characters"),
            Refusal::NotOneOf { value, allowed } => {
                write!(f, "`{value}` is not one of: {}", allowed.join(", "))
            }
            Refusal::NotScalar => f.write_str("takes an object or a list, not a value"),
            Refusal::WrongType => f.write_str("has the wrong type"),
        }
    }
}

/// The range of an integer type: `I32` is 32 bits; `I64` and `Timestamp` (Unix seconds)
/// are 64.
fn range(ty: &Type) -> (i64, i64) {
    match ty {
        Type::I32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// A value written as text (a form field, a command-line flag) as the JSON of `ty`, or why it
/// does not fit. An enum not in `api` takes any value.
pub fn text(api: &Api, ty: &Type, max_length: Option<u32>, text: &str) -> Result<Value, Refusal> {
    Ok(match ty {
        Type::String => {
            length(max_length, text)?;
            Value::String(text.to_string())
        }
        Type::Bool => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(Refusal::NotBool(text.to_string())),
        },
        Type::I32 | Type::I64 | Type::Timestamp => {
            let n = match text.parse::<i128>() {
                Ok(n) => n,
                // Digits alone, more than 38 of them, are a number out of any range.
                Err(_) if is_whole(text) => i128::MAX,
                Err(_) => return Err(Refusal::NotInteger(text.to_string())),
            };
            Value::from(integer(ty, n, text)?)
        }
        Type::F64 => {
            let n: f64 = text
                .parse()
                .map_err(|_| Refusal::NotNumber(text.to_string()))?;
            Value::Number(Number::from_f64(n).ok_or(Refusal::NotFinite)?)
        }
        Type::Json => serde_json::from_str(text).map_err(|_| Refusal::NotJson)?,
        Type::Enum(name) => {
            one_of(api, name, text)?;
            Value::String(text.to_string())
        }
        Type::Struct(_) | Type::List(_) => return Err(Refusal::NotScalar),
    })
}

/// Whether a JSON value fits a scalar type: its kind, range, length and enum values. `null`
/// fits any type (it reads as absent); objects and lists are the caller's to walk.
pub fn json(api: &Api, ty: &Type, max_length: Option<u32>, value: &Value) -> Result<(), Refusal> {
    match (ty, value) {
        (_, Value::Null) | (Type::Json, _) | (Type::Bool, Value::Bool(_)) => Ok(()),
        (Type::String, Value::String(s)) => length(max_length, s),
        (Type::Enum(name), Value::String(s)) => one_of(api, name, s),
        (Type::I32 | Type::I64 | Type::Timestamp, Value::Number(n)) => {
            let whole = n
                .as_i64()
                .map(i128::from)
                .or(n.as_u64().map(i128::from))
                .ok_or_else(|| Refusal::NotInteger(n.to_string()))?;
            integer(ty, whole, &n.to_string()).map(|_| ())
        }
        (Type::F64, Value::Number(_)) => Ok(()),
        (Type::Struct(_), Value::Object(_)) | (Type::List(_), Value::Array(_)) => Ok(()),
        _ => Err(Refusal::WrongType),
    }
}

fn is_whole(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `n`, written `written`, within the range of `ty`.
fn integer(ty: &Type, n: i128, written: &str) -> Result<i64, Refusal> {
    let (min, max) = range(ty);
    i64::try_from(n)
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| Refusal::OutOfRange {
            value: written.to_string(),
            min,
            max,
        })
}

fn length(max_length: Option<u32>, text: &str) -> Result<(), Refusal> {
    match max_length {
        Some(max) if text.chars().count() > max as usize => Err(Refusal::TooLong { max }),
        _ => Ok(()),
    }
}

fn one_of(api: &Api, name: &str, value: &str) -> Result<(), Refusal> {
    match api.enums.get(name) {
        Some(values) if !values.iter().any(|v| v == value) => Err(Refusal::NotOneOf {
            value: value.to_string(),
            allowed: values.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> Api {
        let mut api = Api {
            operations: Vec::new(),
            structs: Default::default(),
            enums: Default::default(),
            event_content: Default::default(),
        };
        api.enums.insert(
            "enums.AutoCollection".into(),
            vec!["on".into(), "off".into()],
        );
        api
    }

    #[test]
    fn text_values_read_as_their_type_or_are_refused_in_words() {
        let api = api();
        let on = Type::Enum("enums.AutoCollection".into());
        assert_eq!(text(&api, &Type::I32, None, "30"), Ok(json!(30)));
        assert_eq!(text(&api, &Type::Bool, None, "true"), Ok(json!(true)));
        assert_eq!(text(&api, &Type::F64, None, "2.5"), Ok(json!(2.5)));
        assert_eq!(text(&api, &on, None, "off"), Ok(json!("off")));
        assert_eq!(text(&api, &Type::Json, None, "[1]"), Ok(json!([1])));
        assert_eq!(
            text(&api, &Type::Timestamp, None, "9223372036854775807"),
            Ok(json!(i64::MAX))
        );
        for (ty, value, words) in [
            (Type::Bool, "yes", "`yes` is not true or false"),
            (Type::I64, "1.5", "`1.5` is not a whole number"),
            (
                Type::I32,
                "2147483648",
                "`2147483648` is not between -2147483648 and 2147483647",
            ),
            (
                Type::I64,
                "9223372036854775808",
                "`9223372036854775808` is not between -9223372036854775808 and 9223372036854775807",
            ),
            (Type::F64, "x", "`x` is not a number"),
            (Type::F64, "1e400", "is not a finite number"),
            (Type::Json, "{", "is not valid JSON"),
            (on.clone(), "maybe", "`maybe` is not one of: on, off"),
            (
                Type::List(Box::new(Type::String)),
                "a",
                "takes an object or a list, not a value",
            ),
        ] {
            let refused = text(&api, &ty, None, value).unwrap_err();
            assert_eq!(refused.to_string(), words, "{ty:?} {value}");
        }
        assert_eq!(
            text(&api, &Type::String, Some(3), "abcd")
                .unwrap_err()
                .to_string(),
            "cannot be longer than 3 characters"
        );
        // Length counts characters, not bytes.
        assert!(text(&api, &Type::String, Some(3), "été").is_ok());
    }

    #[test]
    fn json_values_fit_their_type_range_length_and_values() {
        let api = api();
        let on = Type::Enum("enums.AutoCollection".into());
        assert_eq!(json(&api, &Type::I32, None, &json!(2147483647)), Ok(()));
        assert_eq!(json(&api, &Type::String, None, &Value::Null), Ok(()));
        assert_eq!(json(&api, &on, None, &json!("on")), Ok(()));
        for (ty, value, refusal) in [
            (
                Type::I32,
                json!(-2147483649i64),
                Refusal::OutOfRange {
                    value: "-2147483649".into(),
                    min: i32::MIN.into(),
                    max: i32::MAX.into(),
                },
            ),
            (
                Type::I64,
                json!(u64::MAX),
                Refusal::OutOfRange {
                    value: u64::MAX.to_string(),
                    min: i64::MIN,
                    max: i64::MAX,
                },
            ),
            (Type::I64, json!(1.5), Refusal::NotInteger("1.5".into())),
            (Type::Bool, json!("true"), Refusal::WrongType),
            (Type::String, json!("abcd"), Refusal::TooLong { max: 3 }),
            (
                on.clone(),
                json!("maybe"),
                Refusal::NotOneOf {
                    value: "maybe".into(),
                    allowed: vec!["on".into(), "off".into()],
                },
            ),
        ] {
            assert_eq!(
                json(&api, &ty, Some(3), &value),
                Err(refusal),
                "{ty:?} {value}"
            );
        }
    }
}
