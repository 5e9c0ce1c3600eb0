//! What a new object holds where its create parameters are silent: the defaults Chargebee's
//! API reference states for those parameters, the starting values of balances and flags, and
//! fields Chargebee copies from a referenced object (an item price's `item_type` from its
//! item). A field with none of these is left out of the object, never made up.

use serde_json::{Map, Value};

/// `(resource, field, value as JSON)`: the value a new object takes when the create
/// parameters do not set the field.
pub const DEFAULTS: &[(&str, &str, &str)] = &[
    ("customer", "auto_collection", r#""on""#),
    ("customer", "net_term_days", "0"),
    ("customer", "allow_direct_debit", "false"),
    ("customer", "taxability", r#""taxable""#),
    ("customer", "card_status", r#""no_card""#),
    ("customer", "pii_cleared", r#""active""#),
    ("customer", "promotional_credits", "0"),
    ("customer", "refundable_credits", "0"),
    ("customer", "excess_payments", "0"),
    ("customer", "unbilled_charges", "0"),
    ("customer", "deleted", "false"),
    ("item_family", "status", r#""active""#),
    ("item_family", "deleted", "false"),
    ("item", "status", r#""active""#),
    ("item", "enabled_for_checkout", "true"),
    ("item", "enabled_in_portal", "true"),
    ("item", "is_giftable", "false"),
    ("item", "is_shippable", "false"),
    ("item", "metered", "false"),
    ("item", "item_applicability", r#""all""#),
    ("item", "deleted", "false"),
    ("item_price", "status", r#""active""#),
    ("item_price", "pricing_model", r#""flat_fee""#),
    ("item_price", "free_quantity", "0"),
    ("item_price", "is_taxable", "true"),
    ("item_price", "deleted", "false"),
    ("plan", "status", r#""active""#),
    ("plan", "period", "1"),
    ("plan", "period_unit", r#""month""#),
    ("plan", "pricing_model", r#""flat_fee""#),
    ("plan", "free_quantity", "0"),
    ("plan", "enabled_in_hosted_pages", "true"),
    ("plan", "enabled_in_portal", "true"),
    ("plan", "addon_applicability", r#""all""#),
    ("plan", "giftable", "false"),
    ("plan", "taxable", "true"),
    ("addon", "status", r#""active""#),
    ("addon", "pricing_model", r#""flat_fee""#),
    ("addon", "charge_type", r#""recurring""#),
    ("addon", "enabled_in_portal", "true"),
    ("addon", "taxable", "true"),
    ("coupon", "status", r#""active""#),
    ("coupon", "duration_type", r#""forever""#),
    ("coupon", "redemptions", "0"),
    ("coupon", "deleted", "false"),
    ("coupon_set", "total_count", "0"),
    ("coupon_set", "redeemed_count", "0"),
    ("coupon_set", "archived_count", "0"),
    ("price_variant", "status", r#""active""#),
    ("price_variant", "deleted", "false"),
    ("differential_price", "status", r#""active""#),
    ("differential_price", "deleted", "false"),
    ("attached_item", "status", r#""active""#),
    ("attached_item", "deleted", "false"),
    ("webhook_endpoint", "disabled", "false"),
    ("webhook_endpoint", "primary_url", "false"),
    ("comment", "type", r#""user""#),
];

/// `(resource, field, reference parameter, referenced resource, its field)`: a new object
/// takes `field` from the object its `reference parameter` names, as Chargebee fills it.
pub const COPIED: &[(&str, &str, &str, &str, &str)] = &[
    ("item_price", "item_type", "item_id", "item", "type"),
    (
        "item_price",
        "item_family_id",
        "item_id",
        "item",
        "item_family_id",
    ),
    (
        "differential_price",
        "currency_code",
        "item_price_id",
        "item_price",
        "currency_code",
    ),
];

/// Fills the fields of a new `resource` object that its parameters left out: first what is
/// copied from the objects it references (`referenced` looks one up by resource and id), then
/// the documented defaults, for fields its struct has (`has_field`).
pub fn fill(
    resource: &str,
    object: &mut Map<String, Value>,
    has_field: impl Fn(&str) -> bool,
    referenced: impl Fn(&str, &str) -> Option<Map<String, Value>>,
) {
    for (owner, field, reference, source, source_field) in COPIED {
        if *owner != resource || object.contains_key(*field) || !has_field(field) {
            continue;
        }
        let id = object.get(*reference).and_then(Value::as_str);
        if let Some(value) = id
            .and_then(|id| referenced(source, id))
            .and_then(|mut other| other.remove(*source_field))
        {
            object.insert(field.to_string(), value);
        }
    }
    for (owner, field, value) in DEFAULTS {
        if *owner == resource && !object.contains_key(*field) && has_field(field) {
            let value = serde_json::from_str(value).expect("defaults are JSON");
            object.insert(field.to_string(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{COPIED, DEFAULTS};
    use chargebee_description::{Api, Struct, Type};
    use serde_json::Value;

    fn resource<'a>(api: &'a Api, name: &str) -> &'a Struct {
        api.structs
            .values()
            .find(|s| s.object.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no resource {name}"))
    }

    fn field_type<'a>(api: &'a Api, owner: &str, field: &str) -> &'a Type {
        &resource(api, owner)
            .fields
            .iter()
            .find(|f| f.name == field)
            .unwrap_or_else(|| panic!("{owner} has no field {field}"))
            .ty
    }

    /// Every default names a field of its resource and has that field's type (an enum's
    /// value among the enum's).
    #[test]
    fn defaults_fit_the_description() {
        let api = Api::embedded();
        for (owner, field, text) in DEFAULTS {
            let value: Value = serde_json::from_str(text).unwrap();
            let fits = match (field_type(api, owner, field), &value) {
                (Type::Enum(e), Value::String(v)) => api.enums[e].contains(v),
                (Type::String, Value::String(_)) | (Type::Bool, Value::Bool(_)) => true,
                (Type::I32 | Type::I64, Value::Number(n)) => n.is_i64(),
                _ => false,
            };
            assert!(fits, "{owner}.{field} = {text}");
        }
    }

    /// Every copied field exists on both sides, with one type.
    #[test]
    fn copies_name_fields_of_one_type() {
        let api = Api::embedded();
        for (owner, field, _, source, source_field) in COPIED {
            let to = field_type(api, owner, field);
            let from = field_type(api, source, source_field);
            let same = match (to, from) {
                (Type::Enum(a), Type::Enum(b)) => api.enums[a] == api.enums[b],
                (a, b) => a == b,
            };
            assert!(same, "{owner}.{field} from {source}.{source_field}");
        }
    }
}
