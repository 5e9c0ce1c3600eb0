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
/// The server carried the request out, but its answer does not decode: the body is on
/// stdout, and a retry must reuse the idempotency key.
pub const DECODE: u8 = 7;

/// Why the command failed, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    /// Chargebee's error body, for an API error.
    pub api_error: Option<Value>,
    /// For an answer that does not decode: whether the request was carried out, and the
    /// idempotency key it was sent with.
    pub sent: Option<(bool, Option<String>)>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
            api_error: None,
            sent: None,
        }
    }

    pub fn output_closed() -> Self {
        Failure {
            code: OUTPUT_CLOSED,
            message: "the output was closed".into(),
            api_error: None,
            sent: None,
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: OTHER,
            message: message.into(),
            api_error: None,
            sent: None,
        }
    }

    /// The kind of failure, as the JSON form names it; `not_emulated` for an operation the
    /// emulator does not model, which says nothing about Chargebee.
    pub fn kind(&self) -> &'static str {
        let code = self.api_error.as_ref().map(|e| &e["api_error_code"]);
        if code.is_some_and(|c| c == "not_emulated") {
            return "not_emulated";
        }
        match self.code {
            USAGE => "usage",
            API => "api",
            AUTH => "auth",
            RATE_LIMITED => "rate_limited",
            NETWORK => "network",
            DECODE => "decode",
            _ => "other",
        }
    }

    /// `{"error": {"kind", "exit_code", "message", "api_error"?, "request_sent"?,
    /// "idempotency_key"?}}`, for `--json-errors`.
    pub fn to_json(&self) -> Value {
        let mut error = json!({
            "kind": self.kind(),
            "exit_code": self.code,
            "message": self.message,
        });
        if let Some(api_error) = &self.api_error {
            error["api_error"] = api_error.clone();
            // The parameter at fault, as the flag that sets it.
            if let Some(param) = api_error.get("param").and_then(Value::as_str) {
                error["flag"] = json!(crate::flags::flag_for_param(param));
            }
        }
        if let Some((request_sent, key)) = &self.sent {
            error["request_sent"] = json!(request_sent);
            error["idempotency_key"] = json!(key);
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
            Error::Decode {
                request_sent: true, ..
            } => DECODE,
            _ => OTHER,
        };
        let sent = match &error {
            Error::Decode {
                request_sent,
                idempotency_key,
                ..
            } => Some((*request_sent, idempotency_key.clone())),
            _ => None,
        };
        let mut message = error.to_string();
        if let Some((true, Some(key))) = &sent {
            message.push_str(&format!(
                " (the answer is on stdout; to retry, add --idempotency-key {key})"
            ));
        }
        let api_error = match &error {
            Error::Api { error, .. } => serde_json::to_value(error).ok(),
            _ => None,
        };
        Failure {
            code,
            message,
            api_error,
            sent,
        }
    }
}
