//! Helpers the generated `Serialize` impls share: a struct is written as a map, entry by
//! entry, leaving out what is absent (an empty `Option`, an empty list of parameters, an
//! unset filter) and writing back the keys no field names as they came.

use crate::custom_fields::CustomFieldValues;
use crate::filter::conditions;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

/// A struct being written as a map.
pub struct Entries<M>(M);

/// Starts writing a struct into `serializer`.
pub fn entries<S: Serializer>(serializer: S) -> Result<Entries<S::SerializeMap>, S::Error> {
    serializer.serialize_map(None).map(Entries)
}

impl<M: SerializeMap> Entries<M> {
    /// Writes `value` under `key`.
    pub fn field<T: Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    /// Writes `value` under `key` when it is `Some`.
    pub fn optional<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(_) => self.0.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// Writes the list `value` under `key` when it has entries.
    pub fn list<T: Serialize>(&mut self, key: &'static str, value: &[T]) -> Result<(), M::Error> {
        if value.is_empty() {
            return Ok(());
        }
        self.0.serialize_entry(key, value)
    }

    /// Writes a filter's conditions under `key`, as one object of operators, when it has any.
    pub fn conditions<F: Serialize>(
        &mut self,
        key: &'static str,
        value: &[F],
    ) -> Result<(), M::Error> {
        if value.is_empty() {
            return Ok(());
        }
        self.0.serialize_entry(key, &Conditions(value))
    }

    /// Writes the keys no field names, as they came.
    pub fn extra(&mut self, extra: &Map<String, Value>) -> Result<(), M::Error> {
        for (key, value) in extra {
            self.0.serialize_entry(key, value)?;
        }
        Ok(())
    }

    /// Writes each custom field as a key of its own; refused when a name is not `cf_*`.
    pub fn custom_fields(&mut self, fields: &CustomFieldValues) -> Result<(), M::Error> {
        fields.write_entries(&mut self.0)
    }

    /// Ends the map.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

/// A filter's conditions, written as one object of operators.
struct Conditions<'a, F>(&'a [F]);

impl<F: Serialize> Serialize for Conditions<'_, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        conditions::serialize(self.0, serializer)
    }
}
