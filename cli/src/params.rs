//! The parameters of one call: the `--json` object, then each flag given, read as its
//! parameter's type. A value that does not fit its type, or an enum value outside the
//! spec's list, is a usage error naming the parameter, before anything is sent.

use crate::commands::{flag_fields, JSON};
use crate::exit::Failure;
use chargebee_description::{Api, Field, Operation, Type};
use clap::ArgMatches;
use serde_json::{Map, Value};

/// The JSON `Client::call` takes for `op`, from the command line.
pub fn collect(api: &Api, op: &Operation, matches: &ArgMatches) -> Result<Value, Failure> {
    let mut params = match matches.get_one::<String>(JSON) {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(Failure::usage("--json must be one JSON object")),
            Err(e) => return Err(Failure::usage(format!("--json is not JSON: {e}"))),
        },
        None => Map::new(),
    };
    for field in flag_fields(op) {
        let Ok(Some(text)) = matches.try_get_one::<String>(&field.name) else {
            continue;
        };
        params.insert(field.name.clone(), typed(api, &field, text)?);
    }
    Ok(Value::Object(params))
}

/// `text` read as `field`'s type.
fn typed(api: &Api, field: &Field, text: &str) -> Result<Value, Failure> {
    let name = &field.name;
    let refuse = |what: &str| Failure::usage(format!("--{name}: `{text}` is not {what}"));
    Ok(match &field.ty {
        Type::Bool => Value::Bool(text.parse().map_err(|_| refuse("true or false"))?),
        Type::I32 | Type::I64 | Type::Timestamp => {
            Value::from(text.parse::<i64>().map_err(|_| refuse("an integer"))?)
        }
        Type::F64 => Value::from(text.parse::<f64>().map_err(|_| refuse("a number"))?),
        Type::Json => serde_json::from_str(text).map_err(|_| refuse("JSON"))?,
        Type::Enum(enum_name) => {
            let values = api.enums.get(enum_name).map(Vec::as_slice).unwrap_or(&[]);
            if !values.is_empty() && !values.iter().any(|v| v == text) {
                return Err(Failure::usage(format!(
                    "--{name}: `{text}` is not one of {}",
                    values.join(", ")
                )));
            }
            Value::from(text)
        }
        _ => Value::from(text),
    })
}
