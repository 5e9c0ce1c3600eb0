//! Exit codes by kind of failure, so scripts can tell a mistake from an outage, and the
//! failure as text or as JSON on stderr.

use chargebee::{Error, GatewayErrorKind};
use serde_json::{json, Value};

/// The reader of the output went away (`chargebee … --all | head`): nothing more to do, and
/// nothing to report.
pub const OUTPUT_CLOSED: u8 = 0;
/// Anything not named below.
pub const OTHER: u8 = 1;
/// The command line is wrong: unknown operation or parameter, bad value.
pub const USAGE: u8 = 2;
/// Chargebee answered with an error.
pub const API: u8 = 3;
/// The gateway refused the key.
pub const AUTH: u8 = 4;
/// Rate limited, after the client's retries.
pub const RATE_LIMITED: u8 = 5;
/// The network failed or the call ran out of time.
pub const NETWORK: u8 = 6;

/// Why the command failed, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Chargebee's error body, for an API error.
    pub api_error: Option<Value>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
            api_error: None,
        }
    }

    pub fn output_closed() -> Self {
        Failure {
            code: OUTPUT_CLOSED,
            message: "the output was closed".into(),
            api_error: None,
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: OTHER,
            message: message.into(),
            api_error: None,
        }
    }

    /// The kind of failure, as the JSON form names it.
    pub fn kind(&self) -> &'static str {
        match self.code {
            USAGE => "usage",
            API => "api",
            AUTH => "auth",
            RATE_LIMITED => "rate_limited",
            NETWORK => "network",
            _ => "other",
        }
    }

    /// `{"error": {"kind", "exit_code", "message", "api_error"?}}`, for `--json-errors`.
    pub fn to_json(&self) -> Value {
        let mut error = json!({
            "kind": self.kind(),
            "exit_code": self.code,
            "message": self.message,
        });
        if let Some(api_error) = &self.api_error {
            error["api_error"] = api_error.clone();
        }
        json!({ "error": error })
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            _ if error.is_rate_limited() => RATE_LIMITED,
            Error::InvalidArgument { .. } | Error::Config(_) => USAGE,
            Error::Api { .. } => API,
            Error::Gateway {
                kind: GatewayErrorKind::Unauthorized,
                ..
            } => AUTH,
            Error::Transport { .. } | Error::Timeout { .. } | Error::Deadline { .. } => NETWORK,
            _ => OTHER,
        };
        let api_error = match &error {
            Error::Api { error, .. } => serde_json::to_value(error).ok(),
            _ => None,
        };
        Failure {
            code,
            message: error.to_string(),
            api_error,
        }
    }
}
