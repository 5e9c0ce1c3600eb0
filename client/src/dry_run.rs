//! A request as the client would send it, shown instead of sent: what the transport prepares
//! for the first attempt, with the credentials redacted.

use crate::client::Client;
use crate::error::Error;
use crate::form::FormEncode;
use crate::transport::{redacted, CallOptions, Operation, Payload};
use chargebee_schema::HttpMethod;
use std::fmt;

/// A request as the client would send it, built by a dry run and never sent: the method,
/// the URL with its query, every header the client sets (credentials redacted) and the body.
/// The HTTP library adds only `host` and `content-length` on the wire.
///
/// Its `Display` is the request as text: the request line, one `name: value` line per
/// header, then a blank line and the body, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `resource.operation`, or `raw`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The whole URL, query string included.
    pub url: String,
    /// The headers in the order they are sent, names in lower case; the credentials appear
    /// as their scheme followed by `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// The body (a form or JSON, both text), if the request has one.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name` (lower case), if it is set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method.as_str(), self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            writeln!(f)?;
            writeln!(f, "{body}")?;
        }
        Ok(())
    }
}

impl Client {
    /// The request `execute` would send first, shown and not sent; the credentials redacted.
    pub(crate) fn show(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
    ) -> Result<HttpRequest, Error> {
        let prepared = self.prepare(op, path, Payload::encode(op, params)?, options)?;
        Ok(HttpRequest {
            operation: op.id,
            method: op.method,
            headers: redacted(&prepared.headers),
            url: prepared.url,
            body: prepared
                .body
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        })
    }
}
