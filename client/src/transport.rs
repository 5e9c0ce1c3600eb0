//! The one place a request is built, authenticated, sent and decoded.

use crate::client::{Auth, Client};
use crate::error::{snippet, ApiError, Error, GatewayErrorKind};
use crate::form::{Form, FormEncode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

/// What the generated code knows about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `resource.operation`, as named in errors and logs.
    pub id: &'static str,
    /// The path template, such as `/customers/{customer_id}`.
    pub path: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// Which API serves it.
    pub base: ApiBase,
    /// Where the parameters travel.
    pub body: BodyKind,
    /// Whether Chargebee accepts an idempotency key for it.
    pub idempotent: bool,
}

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

/// The API an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiBase {
    /// Chargebee API v2, directly or through the gateway.
    Chargebee,
    /// The Maton control API (connections).
    Control,
}

/// How parameters are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// In the query string.
    Query,
    /// As an `application/x-www-form-urlencoded` body.
    Form,
    /// As a JSON body.
    Json,
}

/// Characters kept as they are in a path segment: RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded so it stays one segment whatever it holds (`a/b`,
/// `../x`, `?`, `#`, non-ASCII).
pub(crate) struct PathSegment<'a>(&'a str);

impl<'a> PathSegment<'a> {
    /// Refuses the values no encoding keeps in place: URL parsers resolve `.` and `..` (even
    /// percent-encoded) as dot segments, and an empty id would address the collection.
    pub(crate) fn new(param: &'static str, value: &'a str) -> Result<Self, Error> {
        if value.is_empty() || value == "." || value == ".." {
            return Err(Error::InvalidArgument {
                param,
                message: format!("`{value}` cannot be used as an id in a URL path"),
            });
        }
        Ok(PathSegment(value))
    }
}

impl fmt::Display for PathSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        utf8_percent_encode(self.0, SEGMENT).fmt(f)
    }
}

impl Client {
    /// Sends `op` to `path` with `params` and decodes a `T` from the response.
    pub(crate) async fn execute<P, T>(
        &self,
        op: &'static Operation,
        path: String,
        params: &P,
    ) -> Result<T, Error>
    where
        P: FormEncode + Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let inner = &self.inner;
        let base = match op.base {
            ApiBase::Chargebee => &inner.chargebee_base,
            ApiBase::Control => &inner.control_base,
        };
        let mut url = format!("{base}{path}");
        let method = match op.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let body = match op.body {
            BodyKind::Query => {
                let query = Form::encode(params);
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(&query);
                }
                None
            }
            BodyKind::Form => Some((
                "application/x-www-form-urlencoded",
                Form::encode(params).into_bytes(),
            )),
            BodyKind::Json => {
                let json = serde_json::to_vec(params).map_err(|e| Error::InvalidArgument {
                    param: "params",
                    message: format!("cannot be encoded as JSON: {e}"),
                })?;
                Some(("application/json", json))
            }
        };
        let mut request = inner
            .http
            .request(method, url)
            .header(ACCEPT, "application/json");
        if let Some((content_type, bytes)) = body {
            request = request.header(CONTENT_TYPE, content_type).body(bytes);
        }
        request = match (&inner.auth, op.base) {
            (Auth::Gateway { key }, _) => request.bearer_auth(key.expose()),
            (Auth::Direct { key, .. }, ApiBase::Chargebee) => {
                request.basic_auth(key.expose(), Some(""))
            }
            (Auth::Direct { .. }, ApiBase::Control) => {
                return Err(Error::Config(format!(
                    "{} uses the Maton control API, which needs a Maton API key (gateway mode)",
                    op.id
                )))
            }
        };
        if let (Some(connection), ApiBase::Chargebee) = (&inner.connection, op.base) {
            request = request.header("Maton-Connection", connection);
        }
        tracing::debug!(operation = op.id, path = op.path, "sending request");
        let response = request.send().await.map_err(|e| transport_error(op, e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| transport_error(op, e))?;
        tracing::debug!(
            operation = op.id,
            status,
            bytes = bytes.len(),
            "received response"
        );
        decode(
            op,
            status,
            &bytes,
            self.is_gateway() || op.base == ApiBase::Control,
        )
    }
}

fn transport_error(op: &Operation, e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout { operation: op.id }
    } else {
        Error::Transport {
            operation: op.id,
            source: e.without_url(),
        }
    }
}

/// Turns a response into the expected value or the matching error.
fn decode<T: DeserializeOwned>(
    op: &Operation,
    status: u16,
    body: &[u8],
    via_maton: bool,
) -> Result<T, Error> {
    if (200..300).contains(&status) {
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}".as_slice()
        } else {
            body
        };
        return serde_json::from_slice(body).map_err(|source| Error::Decode {
            operation: op.id,
            status,
            snippet: snippet(body),
            source,
        });
    }
    if let Ok(mut error) = serde_json::from_slice::<ApiError>(body) {
        error.status = status;
        return Err(Error::Api {
            operation: op.id,
            error: Box::new(error),
        });
    }
    match GatewayErrorKind::from_status(status) {
        Some(kind) if via_maton => Err(Error::Gateway {
            operation: op.id,
            kind,
            status,
            body: snippet(body),
        }),
        _ => Err(Error::Http {
            operation: op.id,
            status,
            body: snippet(body),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    fn segment(id: &str) -> String {
        PathSegment::new("id", id).unwrap().to_string()
    }

    #[test]
    fn hostile_ids_stay_one_segment() {
        assert_eq!(segment("cus_1"), "cus_1");
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("../x"), "..%2Fx");
        assert_eq!(segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(segment("é"), "%C3%A9");
        for bad in ["", ".", ".."] {
            assert!(PathSegment::new("id", bad).is_err(), "{bad:?}");
        }
    }
}
