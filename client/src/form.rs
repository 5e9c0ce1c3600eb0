//! The one writer of Chargebee's form and query encoding.
//!
//! Nested objects put each key in brackets (`customer[email]`); a list of objects puts the
//! index last, per field (`subscription_items[item_price_id][0]`); a list of scalars puts it
//! right after the name (`coupon_ids[0]`); JSON values travel as one JSON-encoded string;
//! booleans are `true`/`false`; timestamps are Unix seconds.

use crate::filter::{Filter, Sort, SortField};
use crate::types::{ApiEnum, Timestamp};

/// Parameters that encode themselves field by field.
pub(crate) trait FormEncode {
    fn encode(&self, form: &mut Form);
}

impl FormEncode for () {
    fn encode(&self, _: &mut Form) {}
}

/// A value that can stand as a form field.
pub(crate) trait FormField {
    /// Writes the value under `name` in the form's current scope.
    fn write(&self, form: &mut Form, name: &str);
    /// Writes the value as entry `index` of a list named `name`.
    fn write_at(&self, form: &mut Form, name: &str, index: usize);
}

/// An `application/x-www-form-urlencoded` string being built, with the current nesting.
pub(crate) struct Form {
    out: form_urlencoded::Serializer<'static, String>,
    /// Key of the enclosing object (`customer`), empty at the top level.
    prefix: String,
    /// Index of the enclosing object in its list, written after each field name.
    index: Option<usize>,
}

impl Form {
    /// Encodes `params` and returns the string (empty when nothing is set).
    pub(crate) fn encode<P: FormEncode + ?Sized>(params: &P) -> String {
        let mut form = Form {
            out: form_urlencoded::Serializer::new(String::new()),
            prefix: String::new(),
            index: None,
        };
        params.encode(&mut form);
        form.out.finish()
    }

    /// Writes one field through its [`FormField`] impl.
    pub(crate) fn field<V: FormField + ?Sized>(&mut self, name: &str, value: &V) {
        value.write(self, name);
    }

    /// The full key for `name` in the current scope.
    fn key(&self, name: &str) -> String {
        let mut key = if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}[{name}]", self.prefix)
        };
        if let Some(i) = self.index {
            key.push_str(&format!("[{i}]"));
        }
        key
    }

    fn pair(&mut self, key: &str, value: &str) {
        self.out.append_pair(key, value);
    }

    /// Writes a scalar under `name`.
    pub(crate) fn scalar(&mut self, name: &str, value: &str) {
        let key = self.key(name);
        self.pair(&key, value);
    }

    /// Writes a scalar as entry `index` of the list `name`.
    pub(crate) fn scalar_at(&mut self, name: &str, index: usize, value: &str) {
        let key = format!("{}[{index}]", self.key(name));
        self.pair(&key, value);
    }

    /// Writes an object's fields below `name`, or below `name` with a trailing index.
    pub(crate) fn object<P: FormEncode + ?Sized>(
        &mut self,
        name: &str,
        index: Option<usize>,
        value: &P,
    ) {
        let prefix = self.key(name);
        let saved = (
            std::mem::replace(&mut self.prefix, prefix),
            std::mem::replace(&mut self.index, index),
        );
        value.encode(self);
        (self.prefix, self.index) = saved;
    }

    /// Writes a filter as `name[operator]=value`.
    pub(crate) fn filter<F: Filter>(&mut self, name: &str, filter: &F) {
        let key = format!("{}[{}]", self.key(name), filter.operator());
        let value = filter.wire_value();
        self.pair(&key, &value);
    }
}

/// Makes a generated parameter object usable as a form field (nested or in a list).
macro_rules! form_object {
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
pub(crate) use form_object;

/// Scalars: their text is what goes on the wire.
macro_rules! scalar_field {
    ($($ty:ty => |$v:ident| $text:expr;)*) => {$(
        impl FormField for $ty {
            fn write(&self, form: &mut Form, name: &str) {
                let $v = self;
                form.scalar(name, &$text);
            }
            fn write_at(&self, form: &mut Form, name: &str, index: usize) {
                let $v = self;
                form.scalar_at(name, index, &$text);
            }
        }
    )*};
}

scalar_field! {
    String => |v| v.as_str();
    bool => |v| if *v { "true" } else { "false" };
    i32 => |v| v.to_string();
    i64 => |v| v.to_string();
    u32 => |v| v.to_string();
    f64 => |v| v.to_string();
    Timestamp => |v| v.0.to_string();
    serde_json::Value => |v| v.to_string();
}

impl<E: ApiEnum> FormField for E {
    fn write(&self, form: &mut Form, name: &str) {
        form.scalar(name, self.as_str());
    }
    fn write_at(&self, form: &mut Form, name: &str, index: usize) {
        form.scalar_at(name, index, self.as_str());
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

impl<F: SortField> FormField for Sort<F> {
    fn write(&self, form: &mut Form, name: &str) {
        form.filter(name, self);
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
            Form::encode(&params),
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
        assert_eq!(Form::encode(&params), "");
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
            let encoded = Form::encode(&p);
            let parsed: Vec<(String, String)> =
                form_urlencoded::parse(encoded.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            prop_assert_eq!(parsed, expected(&p));
        }
    }
}
