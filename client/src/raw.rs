//! Calls to endpoints the spec does not describe (newer than this crate), through the same
//! transport as every generated operation: authentication, `Maton-Connection`, retries,
//! rate limiting, idempotency keys and error mapping.
//!
//! ```no_run
//! # async fn run(client: chargebee::Client) -> Result<(), chargebee::Error> {
//! use chargebee::HttpMethod;
//! use serde_json::json;
//!
//! let answer: serde_json::Value = client
//!     .raw(HttpMethod::Post, "/customers/cus_1/brand_new_action")
//!     .params(json!({"reason": "demo", "billing_address": {"city": "London"}}))
//!     .send()
//!     .await?;
//! # Ok(())
//! # }
//! ```

use crate::error::decode_json_any;
use crate::form::{Form, FormEncode, FormField};
use crate::transport::{ApiBase, BodyKind, CallOptions, HttpMethod, Operation, PathTemplate};
use crate::{Client, Error, HttpRequest, ResponseInfo};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The name raw calls carry in errors and logs.
const RAW_OPERATION: &str = "raw";

impl Client {
    /// Starts a call to `path` below the Chargebee API root (`/api/v2`), such as
    /// `/customers/cus_1/brand_new_action`, for an endpoint this crate does not know yet.
    pub fn raw(&self, method: HttpMethod, path: impl Into<String>) -> RawRequest {
        RawRequest {
            client: self.clone(),
            method,
            path: path.into(),
            params: Map::new(),
            json_body: false,
            options: CallOptions::default(),
        }
    }
}

/// A call built by [`Client::raw`]; set parameters, then `send()`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    client: Client,
    method: HttpMethod,
    path: String,
    params: Map<String, Value>,
    json_body: bool,
    options: CallOptions,
}

impl RawRequest {
    /// Parameters as a JSON object, sent in the query (GET, DELETE) or as a form body (POST)
    /// with Chargebee's bracket rules: `{"customer": {"email": "a"}}` is
    /// `customer[email]=a`, a list of objects puts the index last
    /// (`items[id][0]`), a list of scalars after the name (`ids[0]`). Anything but an object
    /// is refused when the call is sent.
    pub fn params(mut self, params: Value) -> Self {
        self.params = match params {
            Value::Object(map) => map,
            other => Map::from_iter([(String::new(), other)]),
        };
        self
    }

    /// Sends the parameters as a JSON body instead of a form (for JSON endpoints such as
    /// usage events).
    pub fn json_body(mut self) -> Self {
        self.json_body = true;
        self
    }

    /// Sends `chargebee-idempotency-key: key` (the same on every retry), which also lets a
    /// POST be retried after a failure Chargebee may have seen.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call and decodes the answer as `T` (`serde_json::Value` for any JSON).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_with_info().await.map(|(value, _)| value)
    }

    /// Sends the call; returns the decoded answer with what happened on the way.
    pub async fn send_with_info<T: DeserializeOwned>(self) -> Result<(T, ResponseInfo), Error> {
        let op = self.operation()?;
        let params = RawParams(&self.params);
        self.client
            .execute_with(
                &op,
                self.path.clone(),
                &params,
                &self.options,
                decode_json_any,
            )
            .await
    }

    /// The request `send()` would make, built and checked the same way but not sent (the
    /// credentials redacted).
    pub fn dry_run(&self) -> Result<HttpRequest, Error> {
        let op = self.operation()?;
        self.client.show(
            &op,
            self.path.clone(),
            &RawParams(&self.params),
            &self.options,
        )
    }

    /// Checks the path and parameters; the operation descriptor they make.
    fn operation(&self) -> Result<Operation, Error> {
        check_path(&self.path)?;
        if self.params.contains_key("") {
            return Err(Error::InvalidArgument {
                param: "params",
                message: "raw parameters must be a JSON object".into(),
            });
        }
        Ok(Operation {
            id: RAW_OPERATION,
            path: PathTemplate::fixed("(raw)"),
            method: self.method,
            base: ApiBase::Chargebee,
            body: match (self.method, self.json_body) {
                (HttpMethod::Post, true) => BodyKind::Json,
                (HttpMethod::Post, false) => BodyKind::Form,
                _ => BodyKind::Query,
            },
            subdomain: None,
            idempotent: self.options.idempotency_key.is_some(),
        })
    }
}

/// Refuses a path that would leave the API root or carry a query of its own.
fn check_path(path: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::InvalidArgument {
            param: "path",
            message: format!("`{path}` {why}"),
        })
    };
    if !path.starts_with('/') {
        return refuse("does not start with `/`");
    }
    if path.contains(['?', '#']) || path.chars().any(char::is_control) {
        return refuse(
            "may not hold `?`, `#` or control characters: pass parameters with `params`",
        );
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return refuse("may not hold `.` or `..` segments");
    }
    Ok(())
}

/// A JSON object encoded as Chargebee form parameters.
struct RawParams<'a>(&'a Map<String, Value>);

impl FormEncode for RawParams<'_> {
    fn encode(&self, form: &mut Form) {
        for (name, value) in self.0 {
            form.field(name, &RawValue(value));
        }
    }
    fn json(&self) -> Option<serde_json::Result<Vec<u8>>> {
        Some(serde_json::to_vec(self.0))
    }
}

/// One JSON value as a form field.
struct RawValue<'a>(&'a Value);

impl RawValue<'_> {
    fn write_entry(&self, form: &mut Form, name: &str, index: Option<usize>) {
        match self.0 {
            Value::Null => {}
            Value::String(text) => form.scalar(name, index, text),
            Value::Object(map) => form.object(name, index, &RawParams(map)),
            Value::Array(items) if index.is_none() => {
                for (i, item) in items.iter().enumerate() {
                    RawValue(item).write_entry(form, name, Some(i));
                }
            }
            // Numbers, booleans and lists inside lists.
            other => form.display(name, index, other),
        }
    }
}

impl FormField for RawValue<'_> {
    fn write(&self, form: &mut Form, name: &str) {
        self.write_entry(form, name, None);
    }
    fn write_at(&self, form: &mut Form, name: &str, index: usize) {
        self.write_entry(form, name, Some(index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(value: Value) -> String {
        let Value::Object(map) = value else {
            unreachable!()
        };
        Form::encode(&RawParams(&map)).unwrap()
    }

    #[test]
    fn json_follows_chargebee_bracket_rules() {
        let form = encode(json!({
            "email": "a@b.c",
            "net_term_days": 30,
            "vip": true,
            "gone": null,
            "billing_address": {"city": "London", "zip": "N1"},
            "coupon_ids": ["A", "B"],
            "subscription_items": [{"item_price_id": "p1", "quantity": 2}, {"item_price_id": "p2"}]
        }));
        let pairs: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let expected = [
            ("billing_address[city]", "London"),
            ("billing_address[zip]", "N1"),
            ("coupon_ids[0]", "A"),
            ("coupon_ids[1]", "B"),
            ("email", "a@b.c"),
            ("net_term_days", "30"),
            ("subscription_items[item_price_id][0]", "p1"),
            ("subscription_items[quantity][0]", "2"),
            ("subscription_items[item_price_id][1]", "p2"),
            ("vip", "true"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn paths_stay_below_the_api_root() {
        assert!(check_path("/customers/cus_1/new_action").is_ok());
        for bad in [
            "customers",
            "/customers/../sites",
            "/a?b=1",
            "/a#b",
            "/a/./b",
            "/a\nb",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }
}
