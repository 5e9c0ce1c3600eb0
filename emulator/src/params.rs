//! Reads a request's parameters as Chargebee does: form or query pairs in bracket notation
//! (`customer[email]`, `subscription_items[item_price_id][0]`, `coupon_ids[0]`) or a JSON
//! body, checked against the operation's description. Anything the description does not
//! allow is refused with the parameter named as sent.

use crate::failure::Failure;
use chargebee_description::{check, Api, Field, FilterKind, FilterOperator, Operation, Type};
use serde_json::{Map, Value};

/// Largest page a list answers.
pub const MAX_LIMIT: usize = 100;

/// The parameters of one request, checked.
#[derive(Debug, Default)]
pub struct Params {
    /// Parameters as JSON: objects for nested objects, arrays for lists.
    pub values: Map<String, Value>,
    /// Filter conditions of a list.
    pub filters: Vec<Condition>,
    /// `sort_by[asc|desc]`: the field, and whether ascending.
    pub sort: Option<(String, bool)>,
    pub limit: Option<usize>,
    pub offset: Option<String>,
}

/// One filter condition: `created_at[after]=1704067200`.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The filtered field's key (`email`, `relationship[parent_id]`).
    pub field: String,
    pub kind: FilterKind,
    pub op: FilterOperator,
    /// The value as sent (a JSON array for the operators whose operand is a list or a pair).
    pub value: String,
}

/// Reads form or query `pairs` for `op`.
pub fn from_pairs(
    api: &Api,
    op: &Operation,
    pairs: Vec<(String, String)>,
) -> Result<Params, Failure> {
    let mut params = Params::default();
    for (key, value) in pairs {
        if list_control(op, &mut params, &key, &value)? {
            continue;
        }
        let segments =
            segments(&key).ok_or_else(|| Failure::param(&key, "is not a valid parameter name"))?;
        place(
            api,
            &op.params,
            op.custom_fields,
            &segments,
            &key,
            &value,
            &mut params.values,
        )?;
    }
    check_required(api, &op.params, &params.values, None)?;
    Ok(params)
}

/// Reads a JSON body for `op`.
pub fn from_json(api: &Api, op: &Operation, body: &[u8]) -> Result<Params, Failure> {
    let values = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => map,
            _ => return Err(Failure::param("body", "is not a JSON object")),
        }
    };
    check_json(api, &op.params, op.custom_fields, &values, "")?;
    check_required(api, &op.params, &values, None)?;
    Ok(Params {
        values,
        ..Params::default()
    })
}

/// Handles filters, and for a list `limit`, `offset` and `sort_by[…]`; false when `key` is
/// none of them. Operations that are not lists take filters too (exports, `line_item[…]` on
/// a retrieve).
fn list_control(
    op: &Operation,
    params: &mut Params,
    key: &str,
    value: &str,
) -> Result<bool, Failure> {
    let list_key = if op.pages() { key } else { "" };
    match list_key {
        "limit" => {
            let limit: usize = value
                .parse()
                .map_err(|_| Failure::param(key, "is not a whole number"))?;
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(Failure::param(
                    key,
                    format!("must be between 1 and {MAX_LIMIT}"),
                ));
            }
            params.limit = Some(limit);
            return Ok(true);
        }
        "offset" => {
            // An empty offset (the official Python SDK sends `offset=`) is the first page.
            params.offset = (!value.is_empty()).then(|| value.to_string());
            return Ok(true);
        }
        "sort_by[asc]" | "sort_by[desc]" => {
            if !op.sort_by.iter().any(|s| s == value) {
                let allowed = if op.sort_by.is_empty() {
                    "none".to_string()
                } else {
                    op.sort_by.join(", ")
                };
                return Err(Failure::param(
                    key,
                    format!("cannot sort by `{value}`; sortable fields: {allowed}"),
                ));
            }
            params.sort = Some((value.to_string(), key == "sort_by[asc]"));
            return Ok(true);
        }
        _ => {}
    }
    for filter in &op.filters {
        let Some(rest) = key.strip_prefix(filter.wire.as_str()) else {
            continue;
        };
        let Some(operator) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
            continue;
        };
        if operator.contains(['[', ']']) {
            continue;
        }
        let Some(&op) = filter.ops.iter().find(|o| o.as_str() == operator) else {
            let allowed: Vec<&str> = filter.ops.iter().map(|o| o.as_str()).collect();
            return Err(Failure::param(
                key,
                format!(
                    "operator `{operator}` is not allowed; allowed: {}",
                    allowed.join(", ")
                ),
            ));
        };
        params.filters.push(Condition {
            field: filter.wire.clone(),
            kind: filter.kind.clone(),
            op,
            value: value.to_string(),
        });
        return Ok(true);
    }
    Ok(false)
}

/// `a[b][c]` as `["a", "b", "c"]`, or `None` when the brackets do not pair up.
fn segments(key: &str) -> Option<Vec<&str>> {
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return None;
    }
    let mut out = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        let segment = &inner[..end];
        if segment.is_empty() || segment.contains('[') {
            return None;
        }
        out.push(segment);
        rest = &inner[end + 1..];
    }
    Some(out)
}

fn index(segment: &str, key: &str) -> Result<usize, Failure> {
    match segment.parse::<usize>() {
        Ok(i) if i < 1000 => Ok(i),
        _ => Err(Failure::param(key, "has no valid list index")),
    }
}

/// Slot `index` of the array under `name` in `target`, grown with nulls as needed.
fn list_slot<'a>(target: &'a mut Map<String, Value>, name: &str, index: usize) -> &'a mut Value {
    let list = target
        .entry(name)
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(items) = list else {
        unreachable!("list slots hold arrays")
    };
    if items.len() <= index {
        items.resize(index + 1, Value::Null);
    }
    &mut items[index]
}

/// Puts one pair into `target`, following `fields`.
fn place(
    api: &Api,
    fields: &[Field],
    custom_fields: bool,
    segments: &[&str],
    key: &str,
    raw: &str,
    target: &mut Map<String, Value>,
) -> Result<(), Failure> {
    let name = segments[0];
    let Some(field) = fields.iter().find(|f| f.name == name) else {
        if custom_fields && chargebee::is_custom_field(name) && segments.len() == 1 {
            target.insert(name.to_string(), Value::String(raw.to_string()));
            return Ok(());
        }
        return Err(Failure::param(key, "is not a parameter of this operation"));
    };
    match (&field.ty, &segments[1..]) {
        (Type::List(inner), [i]) if !matches!(**inner, Type::Struct(_)) => {
            let i = index(i, key)?;
            let value = scalar(api, inner, field.max_length, key, raw)?;
            *list_slot(target, name, i) = value;
        }
        (Type::List(inner), [path @ .., i]) if !path.is_empty() => {
            let Type::Struct(s) = &**inner else {
                unreachable!("matched above")
            };
            let def = &api.structs[s];
            let i = index(i, key)?;
            let slot = list_slot(target, name, i);
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(entry) = slot else {
                unreachable!("just made an object")
            };
            place(api, &def.fields, def.custom_fields, path, key, raw, entry)?;
        }
        (Type::Struct(s), [_, ..]) => {
            let def = &api.structs[s];
            let object = target
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(object) = object else {
                return Err(Failure::param(
                    key,
                    "is given both as a value and as an object",
                ));
            };
            place(
                api,
                &def.fields,
                def.custom_fields,
                &segments[1..],
                key,
                raw,
                object,
            )?;
        }
        (ty, []) if !matches!(ty, Type::List(_) | Type::Struct(_)) => {
            let value = scalar(api, ty, field.max_length, key, raw)?;
            target.insert(name.to_string(), value);
        }
        _ => {
            return Err(Failure::param(
                key,
                "does not have the shape this parameter takes",
            ))
        }
    }
    Ok(())
}

/// Checks text whose parameter has a format: an `email` (`customer[email]`,
/// `billing_address[email]`) is one address, `local@domain.tld`, without spaces. An empty
/// value (which clears the field) passes.
fn check_format(key: &str, text: &str) -> Result<(), Failure> {
    let name = key.rsplit('[').next().unwrap_or(key).trim_end_matches(']');
    if name != "email" || text.is_empty() {
        return Ok(());
    }
    let valid = text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !text.chars().any(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(Failure::param(key, "is not a valid email address"))
    }
}

/// A form value converted to the JSON of its type, or Chargebee's refusal naming `key`.
fn scalar(
    api: &Api,
    ty: &Type,
    max_length: Option<u32>,
    key: &str,
    raw: &str,
) -> Result<Value, Failure> {
    let value = check::text(api, ty, max_length, raw).map_err(|r| Failure::param(key, r))?;
    if *ty == Type::String {
        check_format(key, raw)?;
    }
    Ok(value)
}

/// The wire key of `name` inside `parent` (`customer[email]`).
fn child_key(parent: Option<&str>, name: &str) -> String {
    match parent {
        Some(p) => format!("{p}[{name}]"),
        None => name.to_string(),
    }
}

/// Refuses a missing required parameter, at any depth, naming it as it would be sent.
fn check_required(
    api: &Api,
    fields: &[Field],
    values: &Map<String, Value>,
    parent: Option<&str>,
) -> Result<(), Failure> {
    for field in fields {
        let key = child_key(parent, &field.name);
        match (values.get(&field.name), &field.ty) {
            (None | Some(Value::Null), _) if field.required => {
                return Err(Failure::param(&key, "cannot be blank"));
            }
            (Some(Value::Object(inner)), Type::Struct(s)) => {
                check_required(api, &api.structs[s].fields, inner, Some(&key))?;
            }
            (Some(Value::Array(items)), Type::List(inner)) => {
                if let Type::Struct(s) = &**inner {
                    for (i, item) in items.iter().enumerate() {
                        let entry_key = format!("{key}[{i}]");
                        match item {
                            Value::Object(entry) => check_required(
                                api,
                                &api.structs[s].fields,
                                entry,
                                Some(&entry_key),
                            )?,
                            _ => {
                                return Err(Failure::param(&entry_key, "is missing from the list"))
                            }
                        }
                    }
                } else if items.iter().any(Value::is_null) {
                    return Err(Failure::param(&key, "has a gap in its list indexes"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks a JSON body's values against `fields` (types, enums, lengths, unknown keys).
fn check_json(
    api: &Api,
    fields: &[Field],
    custom_fields: bool,
    values: &Map<String, Value>,
    parent: &str,
) -> Result<(), Failure> {
    for (name, value) in values {
        let key = if parent.is_empty() {
            name.clone()
        } else {
            format!("{parent}[{name}]")
        };
        let Some(field) = fields.iter().find(|f| &f.name == name) else {
            if custom_fields && chargebee::is_custom_field(name) {
                continue;
            }
            return Err(Failure::param(&key, "is not a parameter of this operation"));
        };
        check_json_value(api, &field.ty, field.max_length, value, &key)?;
    }
    Ok(())
}

fn check_json_value(
    api: &Api,
    ty: &Type,
    max_length: Option<u32>,
    value: &Value,
    key: &str,
) -> Result<(), Failure> {
    check::json(api, ty, max_length, value).map_err(|r| Failure::param(key, r))?;
    match (ty, value) {
        (Type::String, Value::String(s)) => check_format(key, s)?,
        (Type::Struct(s), Value::Object(inner)) => {
            let def = &api.structs[s];
            check_json(api, &def.fields, def.custom_fields, inner, key)?;
        }
        (Type::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_json_value(api, inner, max_length, item, &format!("{key}[{i}]"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_format, segments};

    #[test]
    fn email_parameters_take_one_address() {
        for good in ["ada@example.com", "a.b+tag@mail.example.co.uk", ""] {
            assert!(check_format("customer[email]", good).is_ok(), "{good}");
        }
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a@b@c.com",
            "ada @x.com",
            "ada@.com",
            "ada@x.",
        ] {
            let e = check_format("billing_address[email]", bad).unwrap_err();
            assert_eq!(e.body["param"], "billing_address[email]", "{bad}");
        }
        assert!(check_format("first_name", "not an address").is_ok());
    }

    #[test]
    fn keys_split_into_segments() {
        assert_eq!(segments("email"), Some(vec!["email"]));
        assert_eq!(segments("a[b][0]"), Some(vec!["a", "b", "0"]));
        assert_eq!(segments("a[b"), None);
        assert_eq!(segments("a[]"), None);
        assert_eq!(segments("[b]"), None);
        assert_eq!(segments("a[b]c"), None);
    }
}
