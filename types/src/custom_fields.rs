//! Custom fields to send: Chargebee accepts keys named `cf_*` on the operations (and the
//! parameter objects) whose input is open to them, and keeps them on the resource.

use crate::decode::{self, WireText};
use serde::de::{Error as _, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The prefix every custom field name carries.
pub const CUSTOM_FIELD_PREFIX: &str = "cf_";

/// Custom field values set on a request, by full name (`cf_plan_tier`).
///
/// In a form body a string is sent as it is, a number or boolean as its text, and a list or
/// object as JSON. A name that does not start with `cf_` is refused when the request is
/// encoded (and when parameters are read from JSON), naming the key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFieldValues(BTreeMap<String, Value>);

impl CustomFieldValues {
    /// Sets `name` to `value`, replacing an earlier value.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(name.into(), value.into());
    }

    /// The value set for `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every name and value, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The first name that is not a custom field name.
    pub fn invalid_name(&self) -> Option<&str> {
        self.0
            .keys()
            .map(String::as_str)
            .find(|name| !is_custom_field(name))
    }
}

/// Whether `name` is a custom field name: `cf_` and at least one more character.
/// Whether `name` is a custom field's: `cf_` and at least one more character.
pub fn is_custom_field(name: &str) -> bool {
    name.len() > CUSTOM_FIELD_PREFIX.len() && name.starts_with(CUSTOM_FIELD_PREFIX)
}

/// Why `name` cannot be sent.
pub fn refusal(name: &str) -> String {
    format!("`{name}` is not a custom field name: custom field names start with `cf_`")
}

impl CustomFieldValues {
    /// Writes each field as an entry of `map`; refused, before anything is written, when a
    /// name is not a custom field name.
    pub fn write_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if let Some(name) = self.invalid_name() {
            return Err(serde::ser::Error::custom(refusal(name)));
        }
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        Ok(())
    }
}

impl Serialize for CustomFieldValues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        self.write_entries(&mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for CustomFieldValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = CustomFieldValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("custom fields named `cf_*`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = CustomFieldValues::default();
                while let Some(key) = map.next_key::<WireText<'de>>()? {
                    read(&mut map, key, &mut out)?;
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// Reads the value of `key`, a key no parameter names, into `fields`: refused unless `key` is
/// a custom field name given once.
pub fn read<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: WireText<'de>,
    fields: &mut CustomFieldValues,
) -> Result<(), A::Error> {
    let name: String = key.into_string()?;
    if !is_custom_field(&name) {
        return Err(A::Error::custom(format!(
            "unknown parameter `{name}`: not a parameter of this operation, and custom field \
             names start with `cf_`"
        )));
    }
    if fields.0.contains_key(&name) {
        return Err(A::Error::custom(format!("duplicate field `{name}`")));
    }
    let value = decode::unnamed_value(map, &name)?;
    fields.0.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_custom_field_names() {
        assert!(is_custom_field("cf_tier"));
        for bad in ["tier", "cf_", "CF_tier", "", "xcf_tier"] {
            assert!(!is_custom_field(bad), "{bad}");
        }
        let mut values = CustomFieldValues::default();
        values.insert("cf_tier", "gold");
        assert_eq!(values.invalid_name(), None);
        values.insert("tier", "gold");
        assert_eq!(values.invalid_name(), Some("tier"));
        let err = serde_json::to_string(&values).unwrap_err();
        assert!(err.to_string().contains("`tier`"), "{err}");
    }

    #[test]
    fn json_with_other_keys_is_refused_by_name() {
        let ok: CustomFieldValues = serde_json::from_str(r#"{"cf_a": 1, "cf_b": "x"}"#).unwrap();
        assert_eq!(ok.get("cf_a"), Some(&Value::from(1)));
        let err =
            serde_json::from_str::<CustomFieldValues>(r#"{"cf_a": 1, "emial": "x"}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown parameter `emial`"),
            "{err}"
        );
    }
}
