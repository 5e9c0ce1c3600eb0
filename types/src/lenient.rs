//! The scalar shapes real payloads use where the spec declares another: text holding a
//! number where an integer, an amount or a timestamp is declared, and a JSON number where a
//! decimal is declared as text (Chargebee sends `quantity_in_decimal` and a usage's
//! `quantity` both ways).
//!
//! [`Lenient`] wraps the deserializer of one field's value and reads such a value as the
//! declared type; every other shape passes through to the declared type unchanged, and so
//! fails as it would. Numbers read as text only in decimal fields (`DECIMAL`): reading every
//! text field that way would cost every decode a few percent for a shape no other text field
//! takes. Nothing is invented: a number read as text is its text (integers
//! exactly; a fraction as the shortest decimal that reads back as the same number, without
//! an exponent, so `1.10` is kept as `1.1` and `1e-6` as `0.000001`), and text read as a
//! number must be one, whole for an integer.

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// Reads a `T` from a field's value through [`Lenient`]; `DECIMAL` for a decimal declared as
/// text.
pub(crate) struct LenientSeed<T, const DECIMAL: bool>(pub(crate) PhantomData<T>);

impl<'de, T: Deserialize<'de>, const DECIMAL: bool> DeserializeSeed<'de>
    for LenientSeed<T, DECIMAL>
{
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(Lenient::<D, DECIMAL>(deserializer))
    }
}

/// A deserializer that reads text as a number where the type read asks for a number, and
/// (when `DECIMAL`) a number as text where it asks for text; see the module documentation.
pub(crate) struct Lenient<D, const DECIMAL: bool>(pub(crate) D);

/// Methods passed to the wrapped deserializer as they are.
macro_rules! forward {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(visitor)
        }
    )*};
}

/// Methods that read the value whatever its shape, through the visitor `$wrap`.
macro_rules! through {
    ($wrap:ident: $($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any($wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>, const DECIMAL: bool> Deserializer<'de> for Lenient<D, DECIMAL> {
    type Error = D::Error;

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );
    through!(TextAsNumber: deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64,
        deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64,
        deserialize_u128, deserialize_f32, deserialize_f64);

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if DECIMAL {
            self.0.deserialize_any(NumberAsText(visitor))
        } else {
            self.0.deserialize_str(visitor)
        }
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if DECIMAL {
            self.0.deserialize_any(NumberAsText(visitor))
        } else {
            self.0.deserialize_string(visitor)
        }
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_option(LenientSome::<V, DECIMAL>(visitor))
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Visits of the shapes a wrapper leaves alone, passed to the visitor it wraps.
macro_rules! pass {
    ($($method:ident($($arg:ident: $ty:ty),*)),*) => {$(
        fn $method<E: Error>(self, $($arg: $ty),*) -> Result<Self::Value, E> {
            self.0.$method($($arg),*)
        }
    )*};
}

/// Visits of lists and objects, passed on.
macro_rules! pass_nested {
    () => {
        fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
            self.0.visit_seq(seq)
        }
        fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
            self.0.visit_map(map)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            self.0.visit_some(d)
        }
        fn visit_newtype_struct<D2: Deserializer<'de>>(
            self,
            d: D2,
        ) -> Result<Self::Value, D2::Error> {
            self.0.visit_newtype_struct(d)
        }
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    };
}

/// Hands a number to a visitor of text as the number's text.
struct NumberAsText<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for NumberAsText<V> {
    type Value = V::Value;
    pass_nested!();
    pass!(
        visit_bool(v: bool),
        visit_str(v: &str),
        visit_borrowed_str(v: &'de str),
        visit_string(v: String),
        visit_bytes(v: &[u8]),
        visit_borrowed_bytes(v: &'de [u8]),
        visit_byte_buf(v: Vec<u8>),
        visit_none(),
        visit_unit()
    );
    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }
    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        self.0.visit_string(v.to_string())
    }
    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        // The shortest digits that read back as `v`, never with an exponent.
        self.0.visit_string(v.to_string())
    }
}

/// Hands text that holds a number to a visitor of numbers as that number.
struct TextAsNumber<V>(V);

impl<'de, V: Visitor<'de>> TextAsNumber<V> {
    /// `text` as the number it holds, or as text (which the visitor refuses, naming it).
    fn number<E: Error>(self, text: &str) -> Result<V::Value, E> {
        let numeric = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
        if numeric {
            if let Ok(n) = text.parse::<i64>() {
                return self.0.visit_i64(n);
            }
            if let Ok(n) = text.parse::<u64>() {
                return self.0.visit_u64(n);
            }
            if let Ok(n) = text.parse::<f64>() {
                return self.0.visit_f64(n);
            }
        }
        self.0.visit_str(text)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TextAsNumber<V> {
    type Value = V::Value;
    pass_nested!();
    pass!(
        visit_bool(v: bool),
        visit_i64(v: i64),
        visit_u64(v: u64),
        visit_f64(v: f64),
        visit_bytes(v: &[u8]),
        visit_borrowed_bytes(v: &'de [u8]),
        visit_byte_buf(v: Vec<u8>),
        visit_none(),
        visit_unit()
    );
    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        self.number(v)
    }
    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.number(v)
    }
    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        self.number(&v)
    }
}

/// Reads the value of an `Option` that is present through [`Lenient`] too.
struct LenientSome<V, const DECIMAL: bool>(V);

impl<'de, V: Visitor<'de>, const DECIMAL: bool> Visitor<'de> for LenientSome<V, DECIMAL> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }
    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        self.0.visit_some(Lenient::<D2, DECIMAL>(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Timestamp;
    use serde_json::{json, Value};

    /// `json` read as a `T` through [`Lenient`] for a decimal field, from text and from a
    /// `Value`.
    fn read<T: serde::de::DeserializeOwned + PartialEq + fmt::Debug>(json: &str) -> Option<T> {
        read_as::<T, true>(json)
    }

    /// `json` read as a `T` through [`Lenient`], from text and from a `Value`.
    fn read_as<T: serde::de::DeserializeOwned + PartialEq + fmt::Debug, const DECIMAL: bool>(
        json: &str,
    ) -> Option<T> {
        let mut text = serde_json::Deserializer::from_str(json);
        let from_text = T::deserialize(Lenient::<_, DECIMAL>(&mut text));
        let value: Value = serde_json::from_str(json).unwrap();
        let from_value = T::deserialize(Lenient::<_, DECIMAL>(value));
        assert_eq!(from_text.is_ok(), from_value.is_ok(), "{json}");
        let (a, b) = (from_text.ok()?, from_value.ok()?);
        assert_eq!(a, b, "{json}");
        Some(a)
    }

    #[test]
    fn text_takes_numbers_as_their_text() {
        assert_eq!(read::<String>("\"2.50\"").as_deref(), Some("2.50"));
        assert_eq!(read::<String>("2").as_deref(), Some("2"));
        assert_eq!(read::<String>("-17").as_deref(), Some("-17"));
        assert_eq!(
            read::<String>("18446744073709551615").as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(read::<String>("2.5").as_deref(), Some("2.5"));
        assert_eq!(read::<String>("0.000001").as_deref(), Some("0.000001"));
        assert_eq!(read::<String>("1e-6").as_deref(), Some("0.000001"));
        assert_eq!(read::<String>("1.10").as_deref(), Some("1.1"));
        assert_eq!(read::<String>("2.0").as_deref(), Some("2"));
        assert_eq!(read::<Option<String>>("1.25"), Some(Some("1.25".into())));
        assert_eq!(read::<Option<String>>("null"), Some(None));
        assert_eq!(read::<String>("true"), None);
        assert_eq!(read::<String>("[1]"), None);
    }

    #[test]
    fn numbers_take_text_that_holds_one() {
        assert_eq!(read::<i64>("\"1704067200\""), Some(1704067200));
        assert_eq!(read::<i64>("\"-5\""), Some(-5));
        assert_eq!(read::<i32>("\"12\""), Some(12));
        assert_eq!(read::<u64>("\"18446744073709551615\""), Some(u64::MAX));
        assert_eq!(read::<f64>("\"2.5\""), Some(2.5));
        assert_eq!(
            read::<Timestamp>("\"1704067200\""),
            Some(Timestamp(1704067200))
        );
        assert_eq!(read::<Option<Timestamp>>("\"7\""), Some(Some(Timestamp(7))));
        assert_eq!(read::<i64>("1704067200"), Some(1704067200));
        // Text that is not a whole number stays refused: nothing is rounded or guessed.
        for refused in [
            "\"2.5\"",
            "\"thirty\"",
            "\"\"",
            "\"1e400\"",
            "\"NaN\"",
            "\" 5\"",
            "true",
        ] {
            assert_eq!(read::<i64>(refused), None, "{refused}");
        }
        assert_eq!(read::<i32>("\"4294967296\""), None, "out of range");
        assert_eq!(read::<f64>("\"inf\""), None);
    }

    #[test]
    fn only_decimal_fields_take_numbers_as_text() {
        assert_eq!(read_as::<String, false>("2.5"), None);
        assert_eq!(read_as::<Option<String>, false>("7"), None);
        assert_eq!(read_as::<String, false>("\"2.5\"").as_deref(), Some("2.5"));
        assert_eq!(
            read_as::<i64, false>("\"7\""),
            Some(7),
            "numbers take text everywhere"
        );
    }

    #[test]
    fn other_shapes_pass_through() {
        assert_eq!(read::<bool>("true"), Some(true));
        assert_eq!(read::<Vec<String>>("[\"a\"]"), Some(vec!["a".to_string()]));
        assert_eq!(
            read::<Value>("{\"a\":[1,\"2\"]}"),
            Some(json!({"a": [1, "2"]}))
        );
    }
}
