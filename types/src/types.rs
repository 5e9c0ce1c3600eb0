//! Value types shared by the generated code: timestamps, API enums and the keys a decoded
//! object keeps beyond its fields.

use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time as Chargebee sends it: whole seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The timestamp `seconds` after the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The current time, truncated to whole seconds.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }
}

/// Unix seconds, as a plain number: `TimestampFilter::after(1704067200)`.
impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Timestamp(seconds)
    }
}

/// Unix seconds, as a plain number; an integer literal is an `i32` unless told otherwise.
impl From<i32> for Timestamp {
    fn from(seconds: i32) -> Self {
        Timestamp(seconds.into())
    }
}

/// Unix seconds, as a plain unsigned number.
impl From<u32> for Timestamp {
    fn from(seconds: u32) -> Self {
        Timestamp(seconds.into())
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            Err(e) => Timestamp(-i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX)),
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let magnitude = Duration::from_secs(t.0.unsigned_abs());
        if t.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An enum of the API: every known wire value has a variant, and any other value is kept in
/// the `Unknown` variant so responses never fail to decode when Chargebee adds a value.
pub trait ApiEnum: Sized {
    /// The value as sent on the wire.
    fn as_str(&self) -> &str;
    /// The variant for a wire value (`Unknown` when the value is not known).
    fn from_wire(value: &str) -> Self {
        Self::known(value.as_bytes()).unwrap_or_else(|| Self::unknown(value.to_owned()))
    }
    /// The variant of a known wire value, given as bytes; `None` for any other value.
    fn known(value: &[u8]) -> Option<Self>;
    /// The `Unknown` variant, holding `value`.
    fn unknown(value: String) -> Self;
}

/// Implements `Display`, `From<&str>`, `Serialize` and `Deserialize` through [`ApiEnum`].
#[doc(hidden)]
#[macro_export]
macro_rules! api_enum_traits {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::ApiEnum::as_str(self))
            }
        }
        impl ::std::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                <$name as $crate::ApiEnum>::from_wire(value)
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::ApiEnum::as_str(self))
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::types::deserialize_api_enum(deserializer)
            }
        }
    };
}

/// Decodes an [`ApiEnum`] from a string without allocating for known values. A JSON
/// deserializer hands the string over as bytes without checking its UTF-8: a known value is
/// valid by construction, and only an unknown one is checked. The string is read by one
/// reader shared by every enum, so each enum adds only its match on the value.
#[doc(hidden)]
pub fn deserialize_api_enum<'de, D, E>(deserializer: D) -> Result<E, D::Error>
where
    D: serde::Deserializer<'de>,
    E: ApiEnum,
{
    let wire = <crate::decode::WireText<'de> as serde::Deserialize>::deserialize(deserializer)?;
    match E::known(wire.as_bytes()) {
        Some(known) => Ok(known),
        None => wire.into_string().map(E::unknown),
    }
}

/// Decoded objects (resources, their sub-objects, operation answers and page entries): every
/// key the spec does not name is kept as received, Chargebee's custom fields among them, and
/// written back when the object is serialized.
pub trait ExtraFields {
    /// Every key the spec does not name, as received.
    fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value>;

    /// A key the spec does not name, such as a custom field by its full name (`cf_plan_tier`).
    fn extra_field(&self, name: &str) -> Option<&serde_json::Value> {
        self.extra_fields().get(name)
    }

    /// Every custom field (`cf_*`) with its value.
    fn custom_fields(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.extra_fields()
            .iter()
            .filter(|(k, _)| crate::custom_fields::is_custom_field(k))
            .map(|(k, v)| (k.as_str(), v))
    }
}
