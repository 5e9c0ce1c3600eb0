//! The one writer of Chargebee's form and query encoding.
//!
//! Nested objects put each key in brackets (`customer[email]`); a list of objects puts the
//! index last, per field (`subscription_items[item_price_id][0]`); a list of scalars puts it
//! right after the name (`coupon_ids[0]`); JSON values travel as one JSON-encoded string;
//! booleans are `true`/`false`; timestamps are Unix seconds.

use crate::custom_fields::{refusal, CustomFieldValues};
use crate::types::{ApiEnum, Timestamp};
use crate::InvalidParam;
use std::fmt::{self, Write};

/// Parameters that encode themselves field by field; those of JSON operations also as JSON.
pub trait FormEncode: Sync {
    fn encode(&self, form: &mut Form);
    /// The parameters as a JSON body, for the operations that take one; `None` for the
    /// others, so only those few carry a JSON writer.
    fn json(&self) -> Option<serde_json::Result<Vec<u8>>> {
        None
    }
}

impl FormEncode for () {
    fn encode(&self, _: &mut Form) {}
    fn json(&self) -> Option<serde_json::Result<Vec<u8>>> {
        Some(serde_json::to_vec(self))
    }
}

/// A value that can stand as a form field.
pub trait FormField {
    /// Writes the value under `name` in the form's current scope.
    fn write(&self, form: &mut Form, name: &str);
    /// Writes the value as entry `index` of a list named `name`.
    fn write_at(&self, form: &mut Form, name: &str, index: usize);
}

/// An `application/x-www-form-urlencoded` string being built, with the current nesting.
/// Keys and values are assembled in reused buffers, so encoding allocates only its output.
pub struct Form {
    out: form_urlencoded::Serializer<'static, String>,
    /// Key of the enclosing object (`customer`), empty at the top level.
    prefix: String,
    /// Index of the enclosing object in its list, written after each field name.
    index: Option<usize>,
    /// Scratch space for the key being written.
    key: String,
    /// Scratch space for a value that needs formatting.
    value: String,
    /// Why the parameters cannot be sent, once something refused was met.
    refused: Option<(&'static str, String)>,
}

impl Form {
    /// Encodes `params` and returns the string (empty when nothing is set), or the first
    /// value that cannot be sent.
    pub fn encode(params: &dyn FormEncode) -> Result<String, InvalidParam> {
        let mut form = Form {
            out: form_urlencoded::Serializer::new(String::new()),
            prefix: String::new(),
            index: None,
            key: String::new(),
            value: String::new(),
            refused: None,
        };
        params.encode(&mut form);
        match form.refused {
            Some((param, message)) => Err(InvalidParam { param, message }),
            None => Ok(form.out.finish()),
        }
    }

    /// Writes one field through its [`FormField`] impl.
    pub fn field<V: FormField + ?Sized>(&mut self, name: &str, value: &V) {
        value.write(self, name);
    }

    /// Sets the scratch key to `name` in the current scope, plus `[entry]` when given.
    fn set_key(&mut self, name: &str, entry: Option<usize>) {
        self.key.clear();
        if self.prefix.is_empty() {
            self.key.push_str(name);
        } else {
            self.key.push_str(&self.prefix);
            self.key.push('[');
            self.key.push_str(name);
            self.key.push(']');
        }
        if let Some(i) = self.index {
            let _ = write!(self.key, "[{i}]");
        }
        if let Some(i) = entry {
            let _ = write!(self.key, "[{i}]");
        }
    }

    /// Writes a text value under `name`, or as entry `entry` of the list `name`.
    pub fn scalar(&mut self, name: &str, entry: Option<usize>, value: &str) {
        self.set_key(name, entry);
        self.out.append_pair(&self.key, value);
    }

    /// Writes a value that formats itself (numbers, timestamps, JSON).
    pub fn display(&mut self, name: &str, entry: Option<usize>, value: &dyn fmt::Display) {
        self.value.clear();
        let _ = write!(self.value, "{value}");
        self.set_key(name, entry);
        self.out.append_pair(&self.key, &self.value);
    }

    /// Writes an object's fields below `name`, or below `name` with a trailing index. (Not
    /// generic, as `encode` is not: one copy serves every parameter type.)
    pub fn object(&mut self, name: &str, index: Option<usize>, value: &dyn FormEncode) {
        let saved = (self.prefix.len(), self.index);
        if self.prefix.is_empty() {
            self.prefix.push_str(name);
        } else {
            self.prefix.push('[');
            self.prefix.push_str(name);
            self.prefix.push(']');
        }
        if let Some(i) = self.index {
            let _ = write!(self.prefix, "[{i}]");
        }
        self.index = index;
        value.encode(self);
        self.prefix.truncate(saved.0);
        self.index = saved.1;
    }

    /// Writes each custom field in the current scope: text as it is, numbers and booleans as
    /// their text, lists and objects as JSON; a name that is not `cf_*` refuses the form.
    pub fn custom_fields(&mut self, fields: &CustomFieldValues) {
        if let Some(name) = fields.invalid_name() {
            self.refused.get_or_insert(("custom_fields", refusal(name)));
            return;
        }
        for (name, value) in fields.iter().filter(|(_, value)| !value.is_null()) {
            self.json(name, None, value);
        }
    }

    /// Writes a JSON value: text as it is (a string is taken to be the text to send), anything
    /// else as its JSON.
    pub fn json(&mut self, name: &str, entry: Option<usize>, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(text) => self.scalar(name, entry, text),
            other => self.display(name, entry, other),
        }
    }

    /// Writes a condition as `name[operator]=value` (filters and sort orders).
    pub fn condition(&mut self, name: &str, operator: &str, value: &str) {
        self.set_key(name, None);
        self.key.push('[');
        self.key.push_str(operator);
        self.key.push(']');
        self.out.append_pair(&self.key, value);
    }
}

/// Makes a generated parameter object usable as a form field (nested or in a list).
#[doc(hidden)]
#[macro_export]
macro_rules! __form_object {
    ($name:ident) => {
        impl $crate::form::FormField for $name {
            fn write(&self, form: &mut $crate::form::Form, name: &str) {
                form.object(name, None, self);
            }
            fn write_at(&self, form: &mut $crate::form::Form, name: &str, index: usize) {
                form.object(name, Some(index), self);
            }
        }
    };
}
pub use __form_object as form_object;

/// Scalars written as their text.
macro_rules! text_field {
    ($($ty:ty => |$v:ident| $text:expr;)*) => {$(
        impl FormField for $ty {
            fn write(&self, form: &mut Form, name: &str) {
                let $v = self;
                form.scalar(name, None, $text);
            }
            fn write_at(&self, form: &mut Form, name: &str, index: usize) {
                let $v = self;
                form.scalar(name, Some(index), $text);
            }
        }
    )*};
}

text_field! {
    String => |v| v.as_str();
    bool => |v| if *v { "true" } else { "false" };
}

/// Scalars written through `Display` (numbers, timestamps, JSON values).
macro_rules! display_field {
    ($($ty:ty),*) => {$(
        impl FormField for $ty {
            fn write(&self, form: &mut Form, name: &str) {
                form.display(name, None, self);
            }
            fn write_at(&self, form: &mut Form, name: &str, index: usize) {
                form.display(name, Some(index), self);
            }
        }
    )*};
}

display_field!(i32, i64, u32, f64, Timestamp);

/// A JSON parameter (`meta_data`, …) is sent as JSON text. A string is taken to be that text
/// already and sent unchanged, as the official SDKs send it: `"{\"a\":1}"` goes out as
/// `{"a":1}`, not encoded a second time.
impl FormField for serde_json::Value {
    fn write(&self, form: &mut Form, name: &str) {
        form.json(name, None, self);
    }
    fn write_at(&self, form: &mut Form, name: &str, index: usize) {
        form.json(name, Some(index), self);
    }
}

impl<E: ApiEnum> FormField for E {
    fn write(&self, form: &mut Form, name: &str) {
        form.scalar(name, None, self.as_str());
    }
    fn write_at(&self, form: &mut Form, name: &str, index: usize) {
        form.scalar(name, Some(index), self.as_str());
    }
}

impl<T: FormField> FormField for Option<T> {
    fn write(&self, form: &mut Form, name: &str) {
        if let Some(v) = self {
            v.write(form, name);
        }
    }
    fn write_at(&self, form: &mut Form, name: &str, index: usize) {
        if let Some(v) = self {
            v.write_at(form, name, index);
        }
    }
}

impl<T: FormField> FormField for Vec<T> {
    fn write(&self, form: &mut Form, name: &str) {
        for (i, v) in self.iter().enumerate() {
            v.write_at(form, name, i);
        }
    }
    fn write_at(&self, form: &mut Form, name: &str, _: usize) {
        self.write(form, name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        id: String,
        quantity: Option<i64>,
    }
    impl FormEncode for Item {
        fn encode(&self, form: &mut Form) {
            form.field("item_price_id", &self.id);
            form.field("quantity", &self.quantity);
        }
    }
    form_object!(Item);

    struct Address {
        city: Option<String>,
    }
    impl FormEncode for Address {
        fn encode(&self, form: &mut Form) {
            form.field("city", &self.city);
        }
    }
    form_object!(Address);

    struct Params {
        items: Vec<Item>,
        coupons: Vec<String>,
        address: Option<Address>,
        meta: Option<serde_json::Value>,
        flag: Option<bool>,
    }
    impl FormEncode for Params {
        fn encode(&self, form: &mut Form) {
            form.field("subscription_items", &self.items);
            form.field("coupon_ids", &self.coupons);
            form.field("billing_address", &self.address);
            form.field("meta_data", &self.meta);
            form.field("end_of_term", &self.flag);
        }
    }

    #[test]
    fn follows_chargebee_bracket_rules() {
        let params = Params {
            items: vec![
                Item {
                    id: "basic-USD".into(),
                    quantity: Some(2),
                },
                Item {
                    id: "addon USD".into(),
                    quantity: None,
                },
            ],
            coupons: vec!["A".into(), "B".into()],
            address: Some(Address {
                city: Some("Zürich".into()),
            }),
            meta: Some(serde_json::json!({"k": 1})),
            flag: Some(true),
        };
        assert_eq!(
            Form::encode(&params).unwrap(),
            "subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD&subscription_items%5Bquantity%5D%5B0%5D=2\
             &subscription_items%5Bitem_price_id%5D%5B1%5D=addon+USD\
             &coupon_ids%5B0%5D=A&coupon_ids%5B1%5D=B&billing_address%5Bcity%5D=Z%C3%BCrich\
             &meta_data=%7B%22k%22%3A1%7D&end_of_term=true"
        );
    }

    #[test]
    fn nothing_set_encodes_to_nothing() {
        let params = Params {
            items: vec![],
            coupons: vec![],
            address: None,
            meta: None,
            flag: None,
        };
        assert_eq!(Form::encode(&params).unwrap(), "");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Line {
        id: String,
        quantity: Option<i64>,
    }
    impl FormEncode for Line {
        fn encode(&self, form: &mut Form) {
            form.field("item_price_id", &self.id);
            form.field("quantity", &self.quantity);
        }
    }
    form_object!(Line);

    #[derive(Debug, Clone)]
    struct Params {
        name: Option<String>,
        tags: Vec<String>,
        lines: Vec<Line>,
        meta: Option<serde_json::Value>,
    }
    impl FormEncode for Params {
        fn encode(&self, form: &mut Form) {
            form.field("name", &self.name);
            form.field("tags", &self.tags);
            form.field("lines", &self.lines);
            form.field("meta_data", &self.meta);
        }
    }

    fn params() -> impl Strategy<Value = Params> {
        let line = (any::<String>(), any::<Option<i64>>())
            .prop_map(|(id, quantity)| Line { id, quantity });
        (
            any::<Option<String>>(),
            prop::collection::vec(any::<String>(), 0..4),
            prop::collection::vec(line, 0..4),
            any::<Option<String>>().prop_map(|s| s.map(|s| serde_json::json!({ "note": s }))),
        )
            .prop_map(|(name, tags, lines, meta)| Params {
                name,
                tags,
                lines,
                meta,
            })
    }

    /// The pairs the encoding must hold, in order.
    fn expected(p: &Params) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(n) = &p.name {
            out.push(("name".to_string(), n.clone()));
        }
        for (i, t) in p.tags.iter().enumerate() {
            out.push((format!("tags[{i}]"), t.clone()));
        }
        for (i, l) in p.lines.iter().enumerate() {
            out.push((format!("lines[item_price_id][{i}]"), l.id.clone()));
            if let Some(q) = l.quantity {
                out.push((format!("lines[quantity][{i}]"), q.to_string()));
            }
        }
        if let Some(m) = &p.meta {
            out.push(("meta_data".to_string(), m.to_string()));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn encoding_round_trips_through_a_form_parser(p in params()) {
            let encoded = Form::encode(&p).unwrap();
            let parsed: Vec<(String, String)> =
                form_urlencoded::parse(encoded.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            prop_assert_eq!(parsed, expected(&p));
        }
    }
}
