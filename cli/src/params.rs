//! The parameters of one call: the `--json` object, then each flag given, read as its
//! parameter's type and put where the flag's name says. A value that does not fit its type,
//! an enum value outside the spec's list, a key no parameter has: each is a usage error
//! naming the parameter, before anything is sent.

use crate::commands::{operation_flags, JSON};
use crate::exit::Failure;
use crate::flags::{Count, Flag, Place, Value as Kind};
use chargebee::CUSTOM_FIELD_PREFIX;
use chargebee_description::{check, Api, Field, FilterKind, Operation, Type};
use clap::ArgMatches;
use serde_json::{Map, Value};

/// The JSON `DynamicCall::params` takes for `op`, from the command line.
pub fn collect(api: &Api, op: &Operation, matches: &ArgMatches) -> Result<Value, Failure> {
    let mut params = match matches.get_one::<String>(JSON) {
        Some(given) => match json_object(given)? {
            Value::Object(map) => map,
            _ => Map::new(),
        },
        None => Map::new(),
    };
    check_keys(api, op, &params)?;
    iso_dates(api, op, &mut params)?;
    for flag in operation_flags(api, op) {
        let Ok(Some(given)) = matches.try_get_many::<String>(&flag.name) else {
            continue;
        };
        let values = given
            .map(|text| typed(api, &flag, text))
            .collect::<Result<Vec<_>, _>>()?;
        place(&mut params, &flag, values)?;
    }
    let missing: Vec<String> = op
        .params
        .iter()
        .filter(|f| f.required && !params.contains_key(&f.name))
        .map(|f| match object_fields(api, f) {
            Some(_) => format!("--{}.*", f.name),
            None => format!("--{}", f.name),
        })
        .collect();
    if !missing.is_empty() {
        return Err(Failure::usage(format!(
            "{} needs {} (or the same keys in --json)",
            op.id,
            missing.join(", ")
        )));
    }
    Ok(Value::Object(params))
}

/// Puts a flag's values where its name says, replacing what `--json` had there.
fn place(params: &mut Map<String, Value>, flag: &Flag, values: Vec<Value>) -> Result<(), Failure> {
    let name = &flag.name;
    match &flag.place {
        Place::At(path) => {
            let value = match flag.count {
                Count::One => values.into_iter().next().unwrap_or(Value::Null),
                Count::Each => Value::Array(values),
                Count::Two if values.len() == 2 => Value::Array(values),
                Count::Two => {
                    return Err(Failure::usage(format!(
                        "--{name} takes two values (from, then to): give it twice"
                    )))
                }
            };
            let Some((last, parents)) = path.split_last() else {
                return Ok(());
            };
            let mut object = params;
            for key in parents {
                object = object_at(object, key, name)?;
            }
            object.insert(last.clone(), value);
        }
        Place::Entries { list, field } => {
            let entries = match params
                .entry(list.clone())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(entries) => entries,
                _ => {
                    return Err(Failure::usage(format!(
                        "--{name}: `{list}` in --json is not a list"
                    )))
                }
            };
            for (n, value) in values.into_iter().enumerate() {
                if entries.len() <= n {
                    entries.push(Value::Object(Map::new()));
                }
                let Value::Object(entry) = &mut entries[n] else {
                    return Err(Failure::usage(format!(
                        "--{name}: entry {n} of `{list}` in --json is not an object"
                    )));
                };
                entry.insert(field.clone(), value);
            }
        }
    }
    Ok(())
}

/// The object under `key`, made when absent.
fn object_at<'a>(
    object: &'a mut Map<String, Value>,
    key: &str,
    flag: &str,
) -> Result<&'a mut Map<String, Value>, Failure> {
    match object
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(inner) => Ok(inner),
        _ => Err(Failure::usage(format!(
            "--{flag}: `{key}` in --json is not an object"
        ))),
    }
}

/// The object `--json` gives: its value, the file after `@`, or stdin for `-`.
pub fn json_object(given: &str) -> Result<Value, Failure> {
    match serde_json::from_str::<Value>(&json_text(given)?) {
        Ok(object @ Value::Object(_)) => Ok(object),
        Ok(_) => Err(Failure::usage("--json must be one JSON object")),
        Err(e) => Err(Failure::usage(format!("--json is not JSON: {e}"))),
    }
}

/// The text `--json` names: the value itself, the file after `@`, or stdin for `-`.
fn json_text(given: &str) -> Result<String, Failure> {
    if given == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::usage(format!("--json -: cannot read stdin: {e}")))?;
        return Ok(text);
    }
    match given.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("--json @{path}: cannot read the file: {e}"))),
        None => Ok(given.to_string()),
    }
}

/// `text` read as `flag`'s value type.
fn typed(api: &Api, flag: &Flag, text: &str) -> Result<Value, Failure> {
    let name = &flag.name;
    let refuse = |refusal: check::Refusal| {
        let mut details = serde_json::json!({"flag": format!("--{name}")});
        if let check::Refusal::NotOneOf { allowed, .. } = &refusal {
            details["allowed"] = serde_json::json!(allowed);
        }
        Failure::usage_with(format!("--{name}: {refusal}"), details)
    };
    let ty = match &flag.value {
        Kind::Timestamp => {
            let seconds = crate::dates::unix_seconds(text).ok_or_else(|| {
                Failure::usage(format!(
                    "--{name}: `{text}` is not a time: Unix seconds, or ISO 8601 (2026-03-20, \
                     2026-03-20T12:30:00Z)"
                ))
            })?;
            return Ok(Value::from(seconds));
        }
        Kind::SortField(fields) if fields.iter().any(|f| f == text) => {
            return Ok(Value::from(text));
        }
        Kind::SortField(fields) => {
            return Err(refuse(check::Refusal::NotOneOf {
                value: text.to_string(),
                allowed: fields.clone(),
            }));
        }
        Kind::Text => Type::String,
        Kind::Bool => Type::Bool,
        Kind::Integer => Type::I64,
        Kind::Integer32 => Type::I32,
        Kind::Number => Type::F64,
        Kind::Json => Type::Json,
        Kind::Enum(enum_name) => Type::Enum(enum_name.clone()),
    };
    check::text(api, &ty, flag.max_length, text).map_err(refuse)
}

/// Reads ISO 8601 times in `--json` where Chargebee takes Unix seconds: timestamp
/// parameters (in objects and lists too) and the values of timestamp and date filters.
fn iso_dates(api: &Api, op: &Operation, params: &mut Map<String, Value>) -> Result<(), Failure> {
    convert_fields(api, &op.params, params, "")?;
    for filter in &op.filters {
        if !matches!(filter.kind, FilterKind::Timestamp | FilterKind::Date) {
            continue;
        }
        let path: Vec<&str> = filter.path().collect();
        let operators =
            path.iter()
                .try_fold(&mut *params, |object, key| match object.get_mut(*key) {
                    Some(Value::Object(inner)) => Some(inner),
                    _ => None,
                });
        let Some(operators) = operators else { continue };
        for (operator, value) in operators.iter_mut() {
            let at = format!("{}.{operator}", path.join("."));
            match value {
                Value::Array(values) => values.iter_mut().try_for_each(|v| to_seconds(v, &at))?,
                value => to_seconds(value, &at)?,
            }
        }
    }
    Ok(())
}

/// Converts the timestamp fields of `object` among `fields`, descending into objects.
fn convert_fields(
    api: &Api,
    fields: &[Field],
    object: &mut Map<String, Value>,
    prefix: &str,
) -> Result<(), Failure> {
    for field in fields {
        let Some(value) = object.get_mut(&field.name) else {
            continue;
        };
        let at = format!("{prefix}{}", field.name);
        match (&field.ty, value) {
            (Type::Timestamp, value) => to_seconds(value, &at)?,
            (Type::List(item), Value::Array(values)) if **item == Type::Timestamp => {
                values.iter_mut().try_for_each(|v| to_seconds(v, &at))?
            }
            (_, value) => {
                if let Some((inner, _)) = object_fields(api, field) {
                    let nested = format!("{at}.");
                    match value {
                        Value::Object(o) => convert_fields(api, inner, o, &nested)?,
                        Value::Array(entries) => {
                            for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
                                convert_fields(api, inner, entry, &nested)?;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(())
}

/// A time given as text becomes Unix seconds; numbers stay as they are.
fn to_seconds(value: &mut Value, at: &str) -> Result<(), Failure> {
    if let Value::String(text) = value {
        let seconds = crate::dates::unix_seconds(text).ok_or_else(|| {
            Failure::usage_with(
                format!("--json: `{at}`: `{text}` is not a time: Unix seconds, or ISO 8601 (2026-03-20, 2026-03-20T12:30:00Z)"),
                serde_json::json!({"flag": format!("--{at}")}),
            )
        })?;
        *value = Value::from(seconds);
    }
    Ok(())
}

/// Refuses a `--json` key that no parameter of `op` has, at the top level and inside object
/// parameters, naming the closest ones. Custom fields (`cf_*`) pass where the spec allows
/// them; deeper checks are the client's.
fn check_keys(api: &Api, op: &Operation, params: &Map<String, Value>) -> Result<(), Failure> {
    let mut known: Vec<&str> = op.params.iter().map(|f| f.name.as_str()).collect();
    known.extend(op.filters.iter().filter_map(|f| f.path().next()));
    if !op.sort_by.is_empty() {
        known.push("sort_by");
    }
    if op.pages() {
        known.extend(["limit", "offset"]);
    }
    check_level(op, "", &known, op.custom_fields, params)?;
    for field in &op.params {
        let Some((fields, custom)) = object_fields(api, field) else {
            continue;
        };
        let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let objects = match params.get(&field.name) {
            Some(Value::Object(object)) => vec![object],
            Some(Value::Array(entries)) => entries.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        };
        for object in objects {
            check_level(op, &format!("{}.", field.name), &known, custom, object)?;
        }
    }
    Ok(())
}

/// The fields of an object (or list of objects) parameter, and whether it takes custom
/// fields.
fn object_fields<'a>(api: &'a Api, field: &Field) -> Option<(&'a [Field], bool)> {
    let name = match &field.ty {
        Type::Struct(name) => name,
        Type::List(item) => match item.as_ref() {
            Type::Struct(name) => name,
            _ => return None,
        },
        _ => return None,
    };
    let s = api.structs.get(name)?;
    Some((s.fields.as_slice(), s.custom_fields))
}

fn check_level(
    op: &Operation,
    prefix: &str,
    known: &[&str],
    custom_fields: bool,
    object: &Map<String, Value>,
) -> Result<(), Failure> {
    for key in object.keys() {
        if known.contains(&key.as_str()) || (custom_fields && key.starts_with(CUSTOM_FIELD_PREFIX))
        {
            continue;
        }
        let mut close: Vec<(f64, &str)> = known
            .iter()
            .map(|k| (strsim::jaro_winkler(key, k), *k))
            .filter(|(score, _)| *score > 0.8)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let hint = match close.as_slice() {
            [] if custom_fields => format!(
                "; custom fields start with `{CUSTOM_FIELD_PREFIX}`; see `chargebee {} {} --help`",
                op.resource, op.name
            ),
            [] => format!("; see `chargebee {} {} --help`", op.resource, op.name),
            close => format!(
                "; did you mean {}?",
                close
                    .iter()
                    .take(3)
                    .map(|(_, k)| format!("`{prefix}{k}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        return Err(Failure::usage(format!(
            "--json: {} has no parameter `{prefix}{key}`{hint}",
            op.id
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::root;
    use chargebee::Client;
    use chargebee_description::{ApiBase, BodyKind};

    /// A value of `flag`'s type that its checks accept.
    fn sample(api: &Api, flag: &Flag) -> String {
        match &flag.value {
            Kind::Text => {
                let max = flag.max_length.map_or(6, |n| n.min(6) as usize);
                "sample"[..max].to_string()
            }
            Kind::Bool => "true".into(),
            Kind::Integer | Kind::Integer32 => "3".into(),
            Kind::Timestamp => "1704067200".into(),
            Kind::Number => "2.5".into(),
            Kind::Json => r#"{"note":"x"}"#.into(),
            Kind::Enum(name) => api.enums[name][0].clone(),
            Kind::SortField(fields) => fields[0].clone(),
        }
    }

    /// The wire key a flag's value is sent under: `billing_address[city]`, and for a list's
    /// entries the second entry's `subscription_items[item_price_id][1]`.
    fn wire_key(flag: &Flag) -> String {
        let path = match &flag.place {
            Place::At(path) => path.clone(),
            Place::Entries { list, field } => vec![list.clone(), field.clone(), "1".into()],
        };
        let (first, rest) = path.split_first().unwrap();
        rest.iter()
            .fold(first.clone(), |key, k| format!("{key}[{k}]"))
    }

    /// Every flag of every operation, each given a value (twice where it takes several),
    /// reaches the request: the operation's own params type accepts them all and each is sent.
    #[test]
    fn every_flag_of_every_operation_reaches_the_request() {
        let api = Api::embedded();
        let client = Client::builder().maton_api_key("test-key").build().unwrap();
        let mut command = root(api);
        let mut failures = Vec::new();
        for op in &api.operations {
            let mut args = vec![
                "chargebee".to_string(),
                op.resource.clone(),
                op.name.clone(),
            ];
            if op.path_parameter().is_some() {
                args.push("sample_id".into());
            }
            let flags = operation_flags(api, op);
            for flag in &flags {
                // Chargebee takes one sort order.
                if flag.name == "sort_by.desc" {
                    continue;
                }
                let times = if flag.count == Count::One { 1 } else { 2 };
                for _ in 0..times {
                    args.push(format!("--{}", flag.name));
                    args.push(sample(api, flag));
                }
            }
            let matches = command.try_get_matches_from_mut(&args).unwrap();
            let (_, resource) = matches.subcommand().unwrap();
            let (_, op_matches) = resource.subcommand().unwrap();
            let params = match collect(api, op, op_matches) {
                Ok(params) => params,
                Err(e) => {
                    failures.push(format!("{}: {}", op.id, e.message));
                    continue;
                }
            };
            let mut call = client.dynamic(op.id.clone()).params(params);
            if op.path_parameter().is_some() {
                call = call.id("sample_id");
            }
            let request = match call.dry_run() {
                Ok(request) => request,
                Err(e) => {
                    failures.push(format!("{}: {e}", op.id));
                    continue;
                }
            };
            let sent = match op.body {
                BodyKind::Query => request
                    .url
                    .split_once('?')
                    .map_or("", |(_, q)| q)
                    .to_string(),
                _ => request.body.clone().unwrap_or_default(),
            };
            for flag in flags.iter().filter(|f| f.name != "sort_by.desc") {
                let found = if op.body == BodyKind::Json {
                    let body: Value = serde_json::from_str(&sent).unwrap();
                    let pointer = match &flag.place {
                        Place::At(path) => format!("/{}", path.join("/")),
                        Place::Entries { list, field } => format!("/{list}/1/{field}"),
                    };
                    body.pointer(&pointer).is_some()
                } else {
                    let key = wire_key(flag);
                    form_urlencoded::parse(sent.as_bytes())
                        .any(|(k, _)| k == key || k.starts_with(&format!("{key}[")))
                };
                if !found {
                    failures.push(format!("{}: --{} is not sent: {sent}", op.id, flag.name));
                }
            }
            if op.base == ApiBase::Control {
                assert!(request.url.starts_with(chargebee::CONTROL_URL), "{}", op.id);
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
