//! Helpers the generated `Deserialize` impls share: map keys read without copying, and the
//! `object` key read into its field without allocating when it names the expected type.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// A map key as decoded: borrowed from the input when it can be, owned when it had escapes.
pub(crate) enum WireKey<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl WireKey<'_> {
    /// The key's text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            WireKey::Borrowed(s) => s,
            WireKey::Owned(s) => s,
        }
    }

    /// The key as an owned string.
    pub(crate) fn into_string(self) -> String {
        match self {
            WireKey::Borrowed(s) => s.to_string(),
            WireKey::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for WireKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = WireKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(WireKey::Borrowed(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(WireKey::Owned(v.to_string()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(WireKey::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the value of an `object` key. A string goes to `tag`, borrowing `expected` when it
/// is equal to it (the usual case, which then costs no allocation); any other value is kept
/// in `extra` under `object`, so nothing is lost and nothing fails.
pub(crate) fn read_object_key<'de, A: MapAccess<'de>>(
    map: &mut A,
    expected: &'static str,
    tag: &mut Option<Cow<'static, str>>,
    extra: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    match map.next_value_seed(ObjectKey { expected })? {
        Ok(name) => *tag = Some(name),
        Err(other) => {
            extra.insert("object".to_string(), other);
        }
    }
    Ok(())
}

/// Decodes an `object` value: `Ok` with the type name, `Err` with any value that is not a
/// string.
struct ObjectKey {
    expected: &'static str,
}

impl ObjectKey {
    fn name(&self, v: &str) -> Cow<'static, str> {
        if v == self.expected {
            Cow::Borrowed(self.expected)
        } else {
            Cow::Owned(v.to_string())
        }
    }
}

impl<'de> DeserializeSeed<'de> for ObjectKey {
    type Value = Result<Cow<'static, str>, Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectKey {
    type Value = Result<Cow<'static, str>, Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(self.name(v)))
    }
    fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(Value::Bool(v)))
    }
    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Err)
    }
    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-key object `{"object": …}` read through `read_object_key`.
    fn read(json: &str) -> (Option<Cow<'static, str>>, Map<String, Value>) {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = (Option<Cow<'static, str>>, Map<String, Value>);
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let (mut tag, mut extra) = (None, Map::new());
                while map.next_key::<WireKey<'de>>()?.is_some() {
                    read_object_key(&mut map, "customer", &mut tag, &mut extra)?;
                }
                Ok((tag, extra))
            }
        }
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_map(Probe).unwrap()
    }

    #[test]
    fn expected_name_is_borrowed() {
        let (tag, extra) = read(r#"{"object":"customer"}"#);
        assert!(matches!(tag, Some(Cow::Borrowed("customer"))));
        assert!(extra.is_empty());
    }

    #[test]
    fn other_name_is_owned() {
        let (tag, _) = read(r#"{"object":"customer_v2"}"#);
        assert!(matches!(tag, Some(Cow::Owned(ref s)) if s == "customer_v2"));
        let (tag, _) = read(r#"{"object":"cust\u006fmer"}"#);
        assert_eq!(
            tag.as_deref(),
            Some("customer"),
            "escapes decode to the same name"
        );
    }

    #[test]
    fn non_strings_are_kept_in_extra() {
        for value in [
            "null",
            "3",
            "-2",
            "1.5",
            "true",
            r#"[1,"a"]"#,
            r#"{"a":{"b":null}}"#,
        ] {
            let (tag, extra) = read(&format!(r#"{{"object":{value}}}"#));
            assert_eq!(tag, None, "{value}");
            let expected: Value = serde_json::from_str(value).unwrap();
            assert_eq!(extra["object"], expected, "{value}");
        }
    }
}
