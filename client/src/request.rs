//! The request builder of every generated operation: what all operations share (sending,
//! timeouts, idempotency keys, custom fields, paging) is written once here, generic over the
//! operation's parameters and answer; each operation adds only the setters of its own
//! parameters.

use crate::pagination::{paginate, Page};
use crate::transport::{CallOptions, Operation, PathSegment};
use crate::{Client, Error, ResponseInfo};
pub(crate) use chargebee_types::request::{CustomFieldParams, PageParams, Params};
use futures::Stream;
use serde::de::DeserializeOwned;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// A request for one operation, started by its method on a resource handle
/// (`client.customers().create()`): set optional parameters, then `send()`.
///
/// Each operation names its request type (`customer::CreateRequest`); `P` is its parameters
/// (`()` when it takes none), `T` what it answers, and `K` whether it takes an idempotency
/// key ([`Idempotent`]) or not ([`NotIdempotent`]).
#[must_use = "a request does nothing until it is sent"]
pub struct Request<P, T, K> {
    client: Client,
    op: &'static Operation,
    /// The value of the path parameter, for an operation whose path has one.
    id: Option<String>,
    pub(crate) params: P,
    pub(crate) options: CallOptions,
    kind: PhantomData<fn() -> (T, K)>,
}

/// Marks the requests of operations Chargebee accepts an idempotency key for.
#[derive(Debug, Clone, Copy)]
pub struct Idempotent;

/// Marks the requests of operations that take no idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct NotIdempotent;

impl<P: fmt::Debug, T, K> fmt::Debug for Request<P, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.op.id)
            .field("id", &self.id)
            .field("params", &self.params)
            .field("options", &self.options)
            .finish()
    }
}

impl<P: Clone, T, K> Clone for Request<P, T, K> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            op: self.op,
            id: self.id.clone(),
            params: self.params.clone(),
            options: self.options.clone(),
            kind: PhantomData,
        }
    }
}

impl<P: Params, T, K> Request<P, T, K> {
    /// A request for `op`, with `id` for its path parameter (if its path has one).
    pub(crate) fn new(
        client: &Client,
        op: &'static Operation,
        id: Option<String>,
        params: P,
    ) -> Self {
        Request {
            client: client.clone(),
            op,
            id,
            params,
            options: CallOptions::default(),
            kind: PhantomData,
        }
    }

    /// The same request with these per-call settings.
    #[cfg(feature = "dynamic")]
    pub(crate) fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The parameters as set so far.
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Replaces every parameter at once, for example with parameters read from JSON.
    pub fn with_params(mut self, params: P) -> Self {
        self.params = params;
        self
    }

    /// Ends this call within `timeout` (each page, for `stream()`), instead of the client's
    /// timeout: rate-limit queueing, attempts and waits included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Builds the request path, the path parameter encoded as one segment.
    fn path(&self) -> Result<String, Error> {
        let path = &self.op.path;
        let Some((name, tail)) = path.param else {
            return Ok(path.head.to_string());
        };
        let id = self.id.as_deref().ok_or_else(|| Error::InvalidArgument {
            param: name,
            message: format!("{} needs it in its path", self.op.id),
        })?;
        Ok(format!(
            "{}{}{tail}",
            path.head,
            PathSegment::new(name, id)?
        ))
    }

    /// The request `send` would make first, shown and not sent.
    #[cfg(feature = "dynamic")]
    pub(crate) fn show(&self) -> Result<crate::HttpRequest, Error> {
        self.client
            .show(self.op, self.path()?, &self.params, &self.options)
    }
}

impl<P: Params, T: DeserializeOwned, K> Request<P, T, K> {
    /// Sends the request and decodes the answer.
    #[inline]
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_info().await.map(|(value, _)| value)
    }

    /// Sends the request; returns the decoded answer with what happened on the way (status,
    /// attempts, idempotency key, whether Chargebee replayed the answer).
    ///
    /// Inline, as [`Request::send`] is: the decoder of the answer is compiled in the crate
    /// that sends the request, for the operations it sends.
    #[inline]
    pub async fn send_with_info(self) -> Result<(T, ResponseInfo), Error> {
        let path = self.path()?;
        self.client
            .execute(self.op, path, &self.params, &self.options)
            .await
    }
}

#[cfg(feature = "blocking")]
impl<P: Params, T: DeserializeOwned, K> Request<P, T, K> {
    /// Sends the request and waits for the answer, from synchronous code (feature
    /// `blocking`; see [`crate::blocking`] for how and its limits).
    pub fn send_blocking(self) -> Result<T, Error> {
        let operation = self.op.id;
        crate::blocking::wait(operation, self.send())
    }

    /// [`Request::send_with_info`], waiting for the answer (feature `blocking`).
    pub fn send_with_info_blocking(self) -> Result<(T, ResponseInfo), Error> {
        let operation = self.op.id;
        crate::blocking::wait(operation, self.send_with_info())
    }
}

impl<P: Params, T> Request<P, T, Idempotent> {
    /// Uses this idempotency key instead of a generated one; every retry of this call
    /// carries the same key either way.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }
}

impl<P: CustomFieldParams, T, K> Request<P, T, K> {
    /// Sets the custom field `name` (which must start with `cf_`) to `value`; a text value is
    /// sent as it is, numbers and booleans as their text.
    pub fn custom_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.params.custom_fields_mut().insert(name, value);
        self
    }
}

impl<P: PageParams, E: DeserializeOwned + Send + 'static, K> Request<P, Page<E>, K> {
    /// Makes `stream()` end after `pages` pages, even when more follow.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.options.max_pages = Some(pages);
        self
    }

    /// Streams every entry of every page, fetching one page at a time from the offset set
    /// (or the first page), so memory stays bounded by one page. A `next_offset` that comes
    /// back again ends it with `Error::RepeatedOffset`.
    #[inline]
    pub fn stream(self) -> impl Stream<Item = Result<E, Error>> + Send + 'static {
        let (check, path) = match self.path() {
            Ok(path) => (Ok(()), path),
            Err(e) => (Err(e), String::new()),
        };
        let Request {
            client,
            op,
            params,
            options,
            ..
        } = self;
        let first = params.offset().map(str::to_string);
        paginate(op.id, check, first, options.max_pages, move |offset| {
            let client = client.clone();
            let path = path.clone();
            let options = options.clone();
            let mut params = params.clone();
            params.set_offset(offset);
            async move {
                client
                    .execute(op, path, &params, &options)
                    .await
                    .map(|(page, _)| page)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{ApiBase, BodyKind, HttpMethod};

    const RETRIEVE: Operation = Operation {
        id: "thing.retrieve",
        path: crate::transport::PathTemplate {
            text: "/things/{thing_id}/parts",
            head: "/things/",
            param: Some(("thing_id", "/parts")),
        },
        method: HttpMethod::Get,
        base: ApiBase::Chargebee,
        body: BodyKind::Query,
        subdomain: None,
        idempotent: false,
    };

    fn request(id: Option<&str>) -> Request<(), serde_json::Value, NotIdempotent> {
        let client = Client::builder().maton_api_key("k").build().unwrap();
        Request::new(&client, &RETRIEVE, id.map(str::to_string), ())
    }

    #[test]
    fn the_path_parameter_is_one_encoded_segment() {
        assert_eq!(
            request(Some("a/b c")).path().unwrap(),
            "/things/a%2Fb%20c/parts"
        );
        for refused in ["", ".", ".."] {
            match request(Some(refused)).path() {
                Err(Error::InvalidArgument { param, .. }) => assert_eq!(param, "thing_id"),
                other => panic!("{refused:?}: {other:?}"),
            }
        }
        match request(None).path() {
            Err(Error::InvalidArgument { param, message }) => {
                assert_eq!(param, "thing_id");
                assert!(message.contains("thing.retrieve"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
