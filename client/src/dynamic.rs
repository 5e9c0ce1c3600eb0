//! Any operation by its id, with parameters as JSON (feature `dynamic`): for tools that
//! decide at run time what to call, such as a command line. The parameters are read into the
//! operation's own params type, so unknown keys, wrong types and values outside an enum are
//! refused before anything is sent; the answer is decoded into the operation's response type
//! and handed back as JSON.
//!
//! ```no_run
//! # async fn run(client: chargebee::Client) -> Result<(), chargebee::Error> {
//! use serde_json::json;
//!
//! let created = client
//!     .call("customer.create", None, json!({"email": "ada@example.com"}))
//!     .await?;
//! let id = created["customer"]["id"].as_str().unwrap_or_default();
//! let fetched = client.call("customer.retrieve", Some(id), json!({})).await?;
//!
//! // The builder takes what `call` does not: an idempotency key, a timeout, a dry run that
//! // shows the exact request without sending it, and a stream over every page.
//! let request = client
//!     .dynamic("customer.create")
//!     .params(json!({"email": "ada@example.com"}))
//!     .idempotency_key("signup-42")
//!     .dry_run()?;
//! println!("{request}");
//! # Ok(())
//! # }
//! ```

use crate::pagination::{paginate, Page};
use crate::transport::CallOptions;
use crate::{Client, Error, HttpRequest, ResponseInfo};
use futures::{FutureExt, Stream};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::time::Duration;

impl Client {
    /// Calls `operation` (`resource.operation`, such as `customer.create`) with `id` as its
    /// path parameter, if it has one, and `params` in the shape the params type reads (the
    /// official SDKs' JSON shape). Resources whose Cargo feature is off are not callable.
    /// The same as `client.dynamic(operation).id(id).params(params).send()`.
    pub async fn call(
        &self,
        operation: &str,
        id: Option<&str>,
        params: Value,
    ) -> Result<Value, Error> {
        let mut call = self.dynamic(operation).params(params);
        call.id = id.map(str::to_string);
        call.send().await
    }

    /// Starts a call of `operation` (`resource.operation`) by its id; set its path id and
    /// parameters, then `send()`, `dry_run()` or `stream()`.
    pub fn dynamic(&self, operation: impl Into<String>) -> DynamicCall {
        DynamicCall {
            client: self.clone(),
            operation: operation.into(),
            id: None,
            params: Value::Object(Map::new()),
            options: CallOptions::default(),
        }
    }
}

/// A call of an operation named at run time, built by [`Client::dynamic`].
///
/// The parameters are read into the operation's own params type and the answer decoded into
/// its own response type, so it encodes, checks and decodes exactly as the typed request
/// does.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct DynamicCall {
    client: Client,
    operation: String,
    id: Option<String>,
    params: Value,
    options: CallOptions,
}

impl DynamicCall {
    /// The path parameter (`cus_1` in `/customers/cus_1`), for operations that have one.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The parameters, as the official SDKs take them (`null` is the same as `{}`).
    pub fn params(mut self, params: Value) -> Self {
        self.params = params;
        self
    }

    /// Uses this idempotency key instead of a generated one. Only operations Chargebee takes
    /// idempotency keys for accept it; any other refuses the call, before sending it.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Ends this call (each page, for `stream()`) within `timeout`, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Makes `stream()` end after `pages` pages, even when more follow.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.options.max_pages = Some(pages);
        self
    }

    /// Sends the call; the decoded answer as JSON.
    pub async fn send(self) -> Result<Value, Error> {
        self.send_with_info().await.map(|(value, _)| value)
    }

    /// Sends the call; the decoded answer as JSON, with what happened on the way.
    pub async fn send_with_info(self) -> Result<(Value, ResponseInfo), Error> {
        if self.options.idempotency_key.is_some() {
            self.show()?;
        }
        match self.dispatch(Action::Send).await? {
            Outcome::Answer(value, info) => Ok((value, info)),
            Outcome::Shown(..) => Err(internal(&self.operation)),
        }
    }

    /// The request `send()` would make, built and checked the same way but not sent: the
    /// method, the URL, the headers (credentials redacted) and the body. A generated
    /// idempotency key differs from the one a later `send()` generates.
    pub fn dry_run(&self) -> Result<HttpRequest, Error> {
        self.show().map(|(request, _)| request)
    }

    /// Streams every entry of every page of a list operation as JSON, fetching one page at a
    /// time from the `offset` given (or the first page). The call is checked before the
    /// first request: an operation that does not page ends the stream with an error at once.
    /// A `next_offset` that comes back again ends it with `Error::RepeatedOffset`.
    pub fn stream(self) -> impl Stream<Item = Result<Value, Error>> + Send + 'static {
        let (operation, check) = match self.show() {
            Ok((request, true)) => (request.operation, Ok(())),
            Ok((request, false)) => (
                request.operation,
                Err(Error::InvalidArgument {
                    param: "operation",
                    message: format!("{} is not a list operation that pages", request.operation),
                }),
            ),
            Err(e) => ("", Err(e)),
        };
        let first = self
            .params
            .get("offset")
            .and_then(Value::as_str)
            .map(str::to_string);
        let max_pages = self.options.max_pages;
        paginate(operation, check, first, max_pages, move |offset| {
            let mut call = self.clone();
            if call.params.is_null() {
                call.params = Value::Object(Map::new());
            }
            if let (Some(offset), Value::Object(params)) = (offset, &mut call.params) {
                params.insert("offset".into(), Value::from(offset));
            }
            async move {
                let page = call.send().await?;
                serde_json::from_value::<Page<Value>>(page).map_err(|e| Error::InvalidArgument {
                    param: "answer",
                    message: format!("{operation}: the answer is not a page: {e}"),
                })
            }
        })
    }

    /// The request a send would make, and whether the operation pages. Refuses an
    /// idempotency key the operation does not take.
    fn show(&self) -> Result<(HttpRequest, bool), Error> {
        // Showing never waits: every dispatcher finishes in its first poll.
        let shown = self
            .dispatch(Action::Show)
            .now_or_never()
            .ok_or_else(|| internal(&self.operation))??;
        let Outcome::Shown(request, pages) = shown else {
            return Err(internal(&self.operation));
        };
        if self.options.idempotency_key.is_some()
            && request.header(crate::transport::IDEMPOTENCY_KEY).is_none()
        {
            return Err(Error::InvalidArgument {
                param: "idempotency_key",
                message: format!("{} takes no idempotency key", request.operation),
            });
        }
        Ok((request, pages))
    }

    async fn dispatch(&self, action: Action) -> Result<Outcome, Error> {
        let unknown = || Error::InvalidArgument {
            param: "operation",
            message: format!(
                "`{}` is not an operation of this build (is its resource's feature on?)",
                self.operation
            ),
        };
        let (resource, name) = self.operation.split_once('.').ok_or_else(unknown)?;
        let args = Args {
            id: self.id.clone(),
            params: self.params.clone(),
            options: self.options.clone(),
        };
        crate::generated::call(&self.client, resource, name, args, action)
            .await
            .ok_or_else(unknown)?
    }
}

/// A dispatcher that broke its own contract; never expected.
fn internal(operation: &str) -> Error {
    Error::Config(format!(
        "{operation}: the dynamic dispatcher answered out of turn (a bug in chargebee)"
    ))
}

/// What a generated dispatcher does with the typed request it builds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    /// Send it and hand back the answer.
    Send,
    /// Build the request it would send, and send nothing.
    Show,
}

/// What a generated dispatcher hands back.
pub(crate) enum Outcome {
    /// The decoded answer as JSON, with what happened on the way.
    Answer(Value, ResponseInfo),
    /// The request, and whether the operation pages (has `stream()`).
    Shown(HttpRequest, bool),
}

/// The parts of a call a generated dispatcher reads.
pub(crate) struct Args {
    pub(crate) id: Option<String>,
    pub(crate) params: Value,
    pub(crate) options: CallOptions,
}

/// `params` read into the operation's params type. A refusal names the key path of the value
/// at fault (`subscription_items[0].quantity`).
pub(crate) fn params<P: DeserializeOwned>(operation: &str, params: Value) -> Result<P, Error> {
    let params = if params.is_null() {
        Value::Object(Default::default())
    } else {
        params
    };
    serde_path_to_error::deserialize(params).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde words an absent field as "missing field `name`", at the path of its object.
        let absent = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(field, _)| field);
        let path = match (absent, path.as_str()) {
            (Some(field), ".") => field.to_string(),
            (Some(field), object) => format!("{object}.{field}"),
            (None, at) => at.to_string(),
        };
        Error::InvalidParams {
            operation: operation.to_string(),
            path,
            missing: absent.is_some(),
            message,
        }
    })
}

/// Refuses parameters for an operation that takes none.
pub(crate) fn no_params(operation: &str, params: &Value) -> Result<(), Error> {
    match params {
        Value::Null => Ok(()),
        Value::Object(map) if map.is_empty() => Ok(()),
        other => Err(Error::InvalidArgument {
            param: "params",
            message: format!("{operation} takes no parameters, got {other}"),
        }),
    }
}

/// The path parameter an operation needs.
pub(crate) fn path_id(operation: &str, id: Option<String>) -> Result<String, Error> {
    id.ok_or_else(|| Error::InvalidArgument {
        param: "id",
        message: format!("{operation} needs the id of what it acts on"),
    })
}

/// Refuses a path parameter for an operation whose path has none.
pub(crate) fn no_path_id(operation: &str, id: &Option<String>) -> Result<(), Error> {
    match id {
        None => Ok(()),
        Some(id) => Err(Error::InvalidArgument {
            param: "id",
            message: format!("{operation} takes no id, got `{id}`"),
        }),
    }
}

/// The decoded answer as JSON.
pub(crate) fn answered<T: Serialize>(
    operation: &str,
    (answer, info): (T, ResponseInfo),
) -> Result<Outcome, Error> {
    let value = serde_json::to_value(answer).map_err(|e| Error::InvalidArgument {
        param: "answer",
        message: format!("{operation}: the decoded answer does not serialize: {e}"),
    })?;
    Ok(Outcome::Answer(value, info))
}
