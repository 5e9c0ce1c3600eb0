//! Helpers the generated `Deserialize` impls share: map keys read as bytes without copying,
//! field values and lists read out of line (noting the JSON path of a failure), and the
//! `object` key read into its field without allocating when it names the expected type.

use crate::json_path;
use crate::lenient::LenientSeed;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::DeserializeOwned;
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

/// A map key or an enum value as decoded, still as bytes: the generated impls match known
/// keys and values on the bytes (a match with an ASCII name is valid UTF-8 without checking),
/// and only text that is kept (unnamed keys, unknown values) is checked, by
/// [`WireText::into_string`]. Borrowed from the input when it can be, owned when it had
/// escapes.
pub enum WireText<'de> {
    Borrowed(&'de [u8]),
    Owned(Vec<u8>),
}

impl WireText<'_> {
    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            WireText::Borrowed(b) => b,
            WireText::Owned(b) => b,
        }
    }

    /// The text as an owned string; an error if it is not UTF-8.
    pub fn into_string<E: Error>(self) -> Result<String, E> {
        let bytes = match self {
            WireText::Borrowed(b) => b.to_vec(),
            WireText::Owned(b) => b,
        };
        String::from_utf8(bytes)
            .map_err(|e| E::invalid_value(Unexpected::Bytes(e.as_bytes()), &"UTF-8 text"))
    }
}

impl<'de> Deserialize<'de> for WireText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WireText<'de>, D::Error> {
        // serde_json hands a string key over as bytes without checking its UTF-8; its
        // `Value` and serde's buffered content call the `str` methods. (`serde_yaml` refuses
        // `deserialize_bytes`: YAML goes through a `serde_json::Value`.)
        deserializer.deserialize_bytes(TextVisitor)
    }
}

/// Builds a [`WireText`] from whatever form the deserializer hands the text over in.
struct TextVisitor;
impl<'de> Visitor<'de> for TextVisitor {
    type Value = WireText<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(WireText::Borrowed(v))
    }
    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(WireText::Owned(v.to_vec()))
    }
    fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        Ok(WireText::Owned(v))
    }
    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(WireText::Borrowed(v.as_bytes()))
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(WireText::Owned(v.as_bytes().to_vec()))
    }
    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(WireText::Owned(v.into_bytes()))
    }
}

/// Reads the value of the field `key`, a number also from text holding it (the `lenient`
/// module). Kept out of line, so the many fields of one type share one copy of its decoding
/// code; inlined into every match arm, the decoders of large resources overflow the
/// instruction cache and decode markedly slower.
#[inline(never)]
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
) -> Result<T, A::Error> {
    read(map, key, LenientSeed::<T, false>(PhantomData))
}

/// Reads the decimal field `key`, declared as text: a JSON number is read as its text.
#[inline(never)]
pub fn decimal_text<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
) -> Result<T, A::Error> {
    read(map, key, LenientSeed::<T, true>(PhantomData))
}

/// Reads the list under `key`, noting the index of an entry that fails.
#[inline(never)]
pub fn list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
) -> Result<Vec<T>, A::Error> {
    read(map, key, Entries(PhantomData))
}

/// Reads the list or `null` under `key`, as [`list`] does.
#[inline(never)]
pub fn optional_list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
) -> Result<Option<Vec<T>>, A::Error> {
    read(map, key, OptionalEntries(PhantomData))
}

/// A resource type, as another object embeds it (a meter's `features`, an event's
/// `content`).
pub trait Resource {
    /// Whether the resource's own decoding insists on an `id`.
    const ID_REQUIRED: bool;
}

impl<R: Resource> Resource for Box<R> {
    const ID_REQUIRED: bool = R::ID_REQUIRED;
}

thread_local! {
    /// Set when a resource's decoding found no `id`: [`embedded`] then keeps the object.
    static MISSING_ID: Cell<bool> = const { Cell::new(false) };
}

/// The error of a resource without its `id`, noted for [`embedded`].
#[cold]
pub fn missing_id<E: Error>() -> E {
    MISSING_ID.set(true);
    E::missing_field("id")
}

/// Reads the resource or `null` embedded under `key`. An embedded object without the `id`
/// its resource requires (payloads leave it out where the parent identifies it) is kept as
/// received in `extra` under `key`, and the field is absent: nothing is invented, nothing
/// lost, and the parent still decodes. The object's text is read first and decoded from
/// there, which costs a second pass over it.
#[inline(never)]
pub fn embedded<'de, A: MapAccess<'de>, R: Resource + DeserializeOwned>(
    map: &mut A,
    key: &'static str,
    extra: &mut Map<String, Value>,
) -> Result<Option<R>, A::Error> {
    if !R::ID_REQUIRED {
        return field(map, key);
    }
    let Some(text) = read(map, key, PhantomData::<Option<Box<RawValue>>>)? else {
        return Ok(None);
    };
    from_text(text.get(), PhantomData::<R>, key, extra)
}

/// Reads the list of resources or `null` embedded under `key`, as [`embedded`] reads one: a
/// list with an entry lacking its `id` is kept whole, in order, in `extra` under `key`.
#[inline(never)]
pub fn embedded_list<'de, A: MapAccess<'de>, R: Resource + DeserializeOwned>(
    map: &mut A,
    key: &'static str,
    extra: &mut Map<String, Value>,
) -> Result<Option<Vec<R>>, A::Error> {
    if !R::ID_REQUIRED {
        return optional_list(map, key);
    }
    let Some(text) = read(map, key, PhantomData::<Option<Box<RawValue>>>)? else {
        return Ok(None);
    };
    from_text(text.get(), Entries::<R>(PhantomData), key, extra)
}

/// Decodes `text`, the value under `key`, with `seed`; a resource in it without its `id`
/// keeps the whole value in `extra` instead.
fn from_text<V, S, E>(
    text: &str,
    seed: S,
    key: &'static str,
    extra: &mut Map<String, Value>,
) -> Result<Option<V>, E>
where
    S: for<'a> DeserializeSeed<'a, Value = V>,
    E: Error,
{
    MISSING_ID.set(false);
    let error = match seed.deserialize(&mut serde_json::Deserializer::from_str(text)) {
        Ok(value) => return Ok(Some(value)),
        Err(error) => error,
    };
    if MISSING_ID.replace(false) {
        let value: Value = serde_json::from_str(text).map_err(E::custom)?;
        extra.insert(key.to_owned(), value);
        return Ok(None);
    }
    json_path::note_key(key);
    Err(E::custom(without_position(&error)))
}

/// The error's message without the line and column serde_json adds: they count from the
/// start of the embedded value's text, not of the payload.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

/// Reads the parameter `key` into `slot`; a key given twice is refused, and `null` is the
/// same as absent (the slot is left empty).
pub fn param<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    key: &'static str,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    param_with(map, key, slot, PhantomData)
}

/// Reads the parameter `key` into `slot` with `seed`; a key given twice is refused, and `null`
/// is the same as absent (the slot is left empty).
pub fn param_with<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    key: &'static str,
    slot: &mut Option<S::Value>,
    seed: S,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(key));
    }
    if let Some(value) = read(map, key, NullIsAbsent(seed))? {
        *slot = Some(value);
    }
    Ok(())
}

/// Reads a value with the seed it wraps, or `None` for `null`.
struct NullIsAbsent<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullIsAbsent<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullIsAbsent<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// The value of the required parameter `key`, or an error naming it.
pub fn required<T, E: Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(key))
}

/// The error for `key`, which no parameter in `expected` names.
pub fn unknown_param<E: Error>(key: WireText<'_>, expected: &'static [&'static str]) -> E {
    match key.into_string::<E>() {
        Ok(key) => E::unknown_field(&key, expected),
        Err(error) => error,
    }
}

/// Reads the value under `key` with `seed`; on failure notes `key` in the error's JSON path.
#[inline(always)]
fn read<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    key: &'static str,
    seed: S,
) -> Result<S::Value, A::Error> {
    map.next_value_seed(seed)
        .inspect_err(|_| json_path::note_key(key))
}

/// Keeps the value of a key no field names in `extra`.
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: WireText<'de>,
    extra: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    let key = key.into_string()?;
    let value = unnamed_value(map, &key)?;
    extra.insert(key, value);
    Ok(())
}

/// Reads the value of `key`, a key no field names, as JSON; on failure notes `key` in the
/// error's JSON path.
pub fn unnamed_value<'de, A: MapAccess<'de>>(map: &mut A, key: &str) -> Result<Value, A::Error> {
    map.next_value()
        .inspect_err(|_| json_path::note_key(key.to_owned()))
}

/// Decodes a list, each entry read as a field is, noting the index of an entry that fails.
pub struct Entries<T>(pub PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Entries<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
        // As serde does for `Vec`: trust the length hint only so far.
        let room = seq.size_hint().unwrap_or(0).min(4096);
        let mut entries = Vec::with_capacity(room);
        loop {
            match seq.next_element_seed(LenientSeed::<T, false>(PhantomData)) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => return Ok(entries),
                Err(error) => {
                    json_path::note_index(entries.len());
                    return Err(error);
                }
            }
        }
    }
}

/// Decodes a list or `null`, noting the index of an entry that fails.
struct OptionalEntries<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for OptionalEntries<T> {
    type Value = Option<Vec<T>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptionalEntries<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or null")
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Entries(PhantomData).deserialize(deserializer).map(Some)
    }
}

/// Reads the value of an `object` key. A string goes to `tag`, borrowing `expected` when it
/// is equal to it (the usual case, which then costs no allocation); any other value is kept
/// in `extra` under `object`, so nothing is lost and nothing fails.
pub fn read_object_key<'de, A: MapAccess<'de>>(
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
                while map.next_key::<WireText<'de>>()?.is_some() {
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
