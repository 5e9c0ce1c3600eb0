//! The flags of one operation, from the API description. Their names follow the parameters'
//! JSON shape, one dot per level:
//!
//! - a parameter of one value: `--email ada@example.com`; a list of values: the flag once per
//!   value (`--coupon_ids A --coupon_ids B`);
//! - a field of an object parameter: `--billing_address.city Paris`;
//! - a field of a list of objects: `--subscription_items.item_price_id basic-USD`, given once
//!   per entry, the n-th value going to the n-th entry (Chargebee's own
//!   `subscription_items[item_price_id][n]`);
//! - a filter operator: `--created_at.after 1704067200`, `--relationship.parent_id.is c1`;
//!   the list operators (`in`, `not_in`) take the flag once per value, `between` twice;
//! - the sort: `--sort_by.asc created_at`; paging (of a list read with GET): `--limit`,
//!   `--offset`.
//!
//! Anything else (a list inside a list's entries, custom fields) goes in `--json`.

use chargebee_description::{Api, Field, FilterKind, Operand, Operation, Type};

/// One flag of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The flag without its dashes: `billing_address.city`.
    pub name: String,
    /// Where its values go in the parameters JSON.
    pub place: Place,
    /// What one value is.
    pub value: Value,
    /// How many times it may be given.
    pub count: Count,
    /// Whether the parameter is required (within its object, for a field of one).
    pub required: bool,
    /// The most characters a value may have.
    pub max_length: Option<u32>,
}

/// Where a flag's values go.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// At this path of object keys: `["billing_address", "city"]`.
    At(Vec<String>),
    /// Field `field` of the n-th entry of list `list`, for the n-th value given.
    Entries { list: String, field: String },
}

/// What one value of a flag is.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text,
    Bool,
    /// A whole number of 64 bits.
    Integer,
    /// A whole number of 32 bits.
    Integer32,
    /// Unix seconds.
    Timestamp,
    Number,
    /// Any JSON.
    Json,
    /// One of an enum's values, by the enum's qualified name.
    Enum(String),
    /// One of the fields a list can be sorted by.
    SortField(Vec<String>),
}

/// How many times a flag may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// At most once.
    One,
    /// Once per value of a list.
    Each,
    /// Exactly twice (`between`: from, then to).
    Two,
}

/// Every flag of `op`, in the order of the description: parameters, filters, sort, paging.
pub fn flags(api: &Api, op: &Operation) -> Vec<Flag> {
    let mut flags = Vec::new();
    for field in &op.params {
        param_flags(api, field, &mut flags);
    }
    for filter in &op.filters {
        let mut path: Vec<String> = filter.path().map(str::to_string).collect();
        for operator in &filter.ops {
            path.push(operator.as_str().to_string());
            let (value, count) = match operator.operand() {
                Operand::Presence => (Value::Bool, Count::One),
                Operand::List => (filter_value(&filter.kind), Count::Each),
                Operand::Pair => (filter_value(&filter.kind), Count::Two),
                Operand::One => (filter_value(&filter.kind), Count::One),
            };
            flags.push(Flag {
                name: path.join("."),
                place: Place::At(path.clone()),
                value,
                count,
                required: false,
                max_length: None,
            });
            path.pop();
        }
    }
    if !op.sort_by.is_empty() {
        for order in ["asc", "desc"] {
            flags.push(Flag {
                name: format!("sort_by.{order}"),
                place: Place::At(vec!["sort_by".into(), order.into()]),
                value: Value::SortField(op.sort_by.clone()),
                count: Count::One,
                required: false,
                max_length: None,
            });
        }
    }
    if op.pages() {
        for (name, value) in [("limit", Value::Integer), ("offset", Value::Text)] {
            flags.push(Flag {
                name: name.into(),
                place: Place::At(vec![name.into()]),
                value,
                count: Count::One,
                required: false,
                max_length: None,
            });
        }
    }
    flags
}

/// The flags of one parameter: itself when it holds values, its fields when it holds
/// objects.
fn param_flags(api: &Api, field: &Field, flags: &mut Vec<Flag>) {
    let name = &field.name;
    match &field.ty {
        Type::Struct(s) => {
            for inner in struct_fields(api, s) {
                if let Some((value, count)) = values(&inner.ty) {
                    flags.push(Flag {
                        name: format!("{name}.{}", inner.name),
                        place: Place::At(vec![name.clone(), inner.name.clone()]),
                        value,
                        count,
                        required: inner.required,
                        max_length: inner.max_length,
                    });
                }
            }
        }
        Type::List(item) => match item.as_ref() {
            Type::Struct(s) => {
                for inner in struct_fields(api, s) {
                    // A list inside an entry has no flag form; it goes in --json.
                    if let Some((value, Count::One)) = values(&inner.ty) {
                        flags.push(Flag {
                            name: format!("{name}.{}", inner.name),
                            place: Place::Entries {
                                list: name.clone(),
                                field: inner.name.clone(),
                            },
                            value,
                            count: Count::Each,
                            required: inner.required,
                            max_length: inner.max_length,
                        });
                    }
                }
            }
            _ => push_value_flag(field, flags),
        },
        _ => push_value_flag(field, flags),
    }
}

fn push_value_flag(field: &Field, flags: &mut Vec<Flag>) {
    if let Some((value, count)) = values(&field.ty) {
        flags.push(Flag {
            name: field.name.clone(),
            place: Place::At(vec![field.name.clone()]),
            value,
            count,
            required: field.required,
            max_length: field.max_length,
        });
    }
}

fn struct_fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    api.structs
        .get(name)
        .map(|s| s.fields.as_slice())
        .unwrap_or(&[])
}

/// What a parameter of type `ty` takes on the command line; `None` for objects and lists of
/// objects or lists, which have no single-flag form.
fn values(ty: &Type) -> Option<(Value, Count)> {
    let one = match ty {
        Type::String => Value::Text,
        Type::Bool => Value::Bool,
        Type::I32 => Value::Integer32,
        Type::I64 => Value::Integer,
        Type::Timestamp => Value::Timestamp,
        Type::F64 => Value::Number,
        Type::Json => Value::Json,
        Type::Enum(name) => Value::Enum(name.clone()),
        Type::Struct(_) => return None,
        Type::List(item) => {
            return match values(item) {
                Some((value, Count::One)) => Some((value, Count::Each)),
                _ => None,
            }
        }
    };
    Some((one, Count::One))
}

fn filter_value(kind: &FilterKind) -> Value {
    match kind {
        FilterKind::String => Value::Text,
        FilterKind::Number => Value::Integer,
        FilterKind::Timestamp | FilterKind::Date => Value::Timestamp,
        FilterKind::Boolean => Value::Bool,
        FilterKind::Enum(name) => Value::Enum(name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn flag<'a>(flags: &'a [Flag], name: &str) -> &'a Flag {
        flags
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no flag --{name}"))
    }

    #[test]
    fn nested_objects_lists_filters_and_sort_have_flags() {
        let api = Api::embedded();
        let create = flags(
            api,
            api.operation("subscription.create_with_items").unwrap(),
        );
        let entry = flag(&create, "subscription_items.item_price_id");
        assert_eq!(
            entry.place,
            Place::Entries {
                list: "subscription_items".into(),
                field: "item_price_id".into()
            }
        );
        assert_eq!(entry.count, Count::Each);
        assert!(entry.required);
        let city = flag(&create, "shipping_address.city");
        assert_eq!(
            city.place,
            Place::At(vec!["shipping_address".into(), "city".into()])
        );
        assert_eq!(flag(&create, "coupon_ids").count, Count::Each);

        let list = flags(api, api.operation("customer.list").unwrap());
        assert_eq!(flag(&list, "created_at.between").count, Count::Two);
        assert_eq!(flag(&list, "id.in").count, Count::Each);
        assert_eq!(flag(&list, "email.is_present").value, Value::Bool);
        assert_eq!(
            flag(&list, "relationship.parent_id.is").place,
            Place::At(vec!["relationship".into(), "parent_id".into(), "is".into()])
        );
        assert!(matches!(
            flag(&list, "sort_by.asc").value,
            Value::SortField(_)
        ));
        assert_eq!(flag(&list, "limit").value, Value::Integer);
    }

    #[test]
    fn no_operation_has_two_flags_of_one_name() {
        let api = Api::embedded();
        for op in &api.operations {
            let mut seen = HashSet::new();
            for flag in flags(api, op) {
                assert!(seen.insert(flag.name.clone()), "{}: --{}", op.id, flag.name);
            }
        }
    }
}

/// The flag of a parameter as Chargebee names it in an error (`billing_address[city]`,
/// `subscription_items[item_price_id][0]`) or as a key path in JSON parameters
/// (`subscription_items[0].item_price_id`): `--billing_address.city`,
/// `--subscription_items.item_price_id`.
pub fn flag_for_param(param: &str) -> String {
    let keys: Vec<&str> = param
        .split(['[', ']', '.'])
        .filter(|key| !key.is_empty() && !key.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    format!("--{}", keys.join("."))
}

#[cfg(test)]
mod param_tests {
    use super::flag_for_param;

    #[test]
    fn a_parameter_in_chargebees_form_is_named_as_its_flag() {
        assert_eq!(flag_for_param("email"), "--email");
        assert_eq!(
            flag_for_param("billing_address[city]"),
            "--billing_address.city"
        );
        assert_eq!(
            flag_for_param("subscription_items[item_price_id][0]"),
            "--subscription_items.item_price_id"
        );
        assert_eq!(
            flag_for_param("subscription_items[12].item_price_id"),
            "--subscription_items.item_price_id"
        );
    }
}
