//! A request as the client would send it, shown instead of sent.

use crate::transport::HttpMethod;
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

/// What a dry run shows of a sensitive header value: its scheme (`Bearer`, `Basic`) and no
/// more.
pub(crate) const REDACTED: &str = "<redacted>";
