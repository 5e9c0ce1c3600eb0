//! The one error type of the client.

use std::fmt;

/// Longest part of a response body kept in an error.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong with a call. Each variant that concerns a request names the
/// operation (`customer.create`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Chargebee answered with one of its JSON errors.
    #[error("{operation}: {error}")]
    Api {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// What Chargebee said.
        error: Box<ApiError>,
    },
    /// The Maton gateway refused or failed the call before Chargebee answered.
    #[error("{operation}: Maton gateway: {kind} (HTTP {status}): {body}")]
    Gateway {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// What went wrong, from the status.
        kind: GatewayErrorKind,
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most 512 bytes.
        body: String,
    },
    /// A non-success status whose body is not a Chargebee error.
    #[error("{operation}: unexpected HTTP {status}: {body}")]
    Http {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most 512 bytes.
        body: String,
    },
    /// The request could not be sent or the response not read.
    #[error("{operation}: transport failure: {source}")]
    Transport {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The request did not finish within the configured timeout.
    #[error("{operation}: timed out")]
    Timeout {
        /// The operation, as `resource.operation`.
        operation: &'static str,
    },
    /// A success status with a body that is not the expected JSON.
    #[error(
        "{operation}: cannot decode the HTTP {status} response ({source}); body starts: {snippet}"
    )]
    Decode {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most 512 bytes.
        snippet: String,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
    /// The response body was larger than the client accepts.
    #[error("{operation}: the HTTP {status} response is larger than {limit} bytes")]
    BodyTooLarge {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The configured limit.
        limit: usize,
    },
    /// The client was configured wrongly (missing key, bad site or URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A parameter was refused before any request was made.
    #[error("invalid argument `{param}`: {message}")]
    InvalidArgument {
        /// The parameter.
        param: &'static str,
        /// Why it was refused.
        message: String,
    },
}

/// An error reported by Chargebee (`{"message", "type", "api_error_code", "param"}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ApiError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: u16,
    /// The human-readable explanation.
    pub message: String,
    /// `payment`, `invalid_request` or `operation_failed`, when given.
    #[serde(rename = "type", default)]
    pub error_type: Option<String>,
    /// The machine-readable code, such as `resource_not_found`.
    pub api_error_code: String,
    /// The parameter at fault, when one is.
    #[serde(default)]
    pub param: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Chargebee error {} (HTTP {})",
            self.api_error_code, self.status
        )?;
        if let Some(t) = &self.error_type {
            write!(f, ", type {t}")?;
        }
        if let Some(p) = &self.param {
            write!(f, ", param {p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why the Maton gateway refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayErrorKind {
    /// HTTP 400: no active Chargebee connection (or the one named is not usable).
    NoConnection,
    /// HTTP 401: the Maton API key is missing or wrong.
    Unauthorized,
    /// HTTP 429: too many requests.
    RateLimited,
    /// HTTP 5xx: the gateway or the upstream call failed.
    Failure,
}

impl GatewayErrorKind {
    /// The kind a gateway status means, if any.
    pub(crate) fn from_status(status: u16) -> Option<Self> {
        match status {
            400 => Some(Self::NoConnection),
            401 => Some(Self::Unauthorized),
            429 => Some(Self::RateLimited),
            500..=599 => Some(Self::Failure),
            _ => None,
        }
    }
}

impl fmt::Display for GatewayErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoConnection => "no usable Chargebee connection",
            Self::Unauthorized => "bad or missing Maton API key",
            Self::RateLimited => "rate limited",
            Self::Failure => "gateway failure",
        })
    }
}

impl Error {
    /// Whether the error is a rate limit: Chargebee's `api_request_limit_exceeded` or the
    /// gateway's HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api { error, .. } => {
                error.status == 429 || error.api_error_code == "api_request_limit_exceeded"
            }
            Error::Gateway { kind, .. } => *kind == GatewayErrorKind::RateLimited,
            Error::Http { status, .. } => *status == 429,
            _ => false,
        }
    }

    /// The HTTP status, for errors that come with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { error, .. } => Some(error.status),
            Error::Gateway { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The start of a body as text, cut at a character boundary within [`SNIPPET_LIMIT`] bytes.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    let mut s = text.into_owned();
    if s.len() > SNIPPET_LIMIT {
        let mut cut = SNIPPET_LIMIT;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    if body.len() > SNIPPET_LIMIT {
        s.push('…');
    }
    s
}
