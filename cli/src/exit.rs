//! Exit codes by kind of failure, so scripts can tell a mistake from an outage, and the
//! failure as text or as JSON on stderr.

use chargebee::{Error, GatewayErrorKind};
use serde_json::{json, Map, Value};

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
/// The Maton gateway has no usable Chargebee connection: none is active, or the one named is
/// not.
pub const CONNECTION: u8 = 8;

/// What a failure for want of a connection adds to the gateway's words.
const AUTHORIZE_HINT: &str = "authorize one: `chargebee connection create --app chargebee` \
    prints the URL to open; `chargebee connection list` shows their status";

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
    /// For a usage error: what a program needs to correct the command (`flag`, `allowed`,
    /// `suggestion`, `missing`).
    pub details: Map<String, Value>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
            api_error: None,
            sent: None,
            details: Map::new(),
        }
    }

    /// A usage error with what a program needs to correct it.
    pub fn usage_with(message: impl Into<String>, details: Value) -> Self {
        let mut failure = Failure::usage(message);
        if let Value::Object(details) = details {
            failure.details = details;
        }
        failure
    }

    pub fn output_closed() -> Self {
        Failure {
            code: OUTPUT_CLOSED,
            message: "the output was closed".into(),
            api_error: None,
            sent: None,
            details: Map::new(),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: OTHER,
            message: message.into(),
            api_error: None,
            sent: None,
            details: Map::new(),
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
            CONNECTION => "connection",
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
        }
        if let Some((request_sent, key)) = &self.sent {
            error["request_sent"] = json!(request_sent);
            error["idempotency_key"] = json!(key);
        }
        if let Some(error) = error.as_object_mut() {
            error.extend(self.details.clone());
        }
        json!({ "error": error })
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            _ if error.is_rate_limited() => RATE_LIMITED,
            Error::InvalidArgument { .. } | Error::InvalidParams { .. } | Error::Config(_) => USAGE,
            // Chargebee refusing the key of a direct call, as the gateway refusing its own.
            Error::Api { error, .. } if error.status == 401 => AUTH,
            Error::Http { status: 401, .. } => AUTH,
            Error::Api { .. } => API,
            Error::Gateway {
                kind: GatewayErrorKind::Unauthorized,
                ..
            } => AUTH,
            Error::Gateway {
                kind: GatewayErrorKind::NoConnection,
                ..
            } => CONNECTION,
            // The control API's own errors (no such connection) are the API's answer.
            Error::Http {
                operation, status, ..
            } if operation.starts_with("connection.") && (400..500).contains(status) => API,
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
        if code == CONNECTION {
            message.push_str(&format!("; {AUTHORIZE_HINT}"));
        }
        if let Some((true, Some(key))) = &sent {
            message.push_str(&format!(
                " (the answer is on stdout; to retry, add --idempotency-key {key})"
            ));
        }
        let api_error = match &error {
            Error::Api { error, .. } => serde_json::to_value(error).ok(),
            _ => None,
        };
        if code == RATE_LIMITED {
            let mut said = Vec::new();
            match error.attempts() {
                Some(1) => said.push("after 1 attempt".to_string()),
                Some(n) => said.push(format!("after {n} attempts")),
                None => {}
            }
            if let Some(wait) = error.retry_after() {
                said.push(format!("the server asks to wait {} s", whole_seconds(wait)));
            }
            if !said.is_empty() {
                message.push_str(&format!(" ({})", said.join("; ")));
            }
        }
        let details = remedy(&error);
        Failure {
            code,
            message,
            api_error,
            sent,
            details,
        }
    }
}

/// What a program needs to correct or retry a failed call: the parameter at fault as
/// Chargebee or the client names it (`param`), as the flag that sets it (`flag`) and, when it
/// is required and absent, in `missing`; for a rate limit, the `attempts` made and the
/// `retry_after` seconds the server asked for (`null` when it named no wait).
pub fn remedy(error: &Error) -> Map<String, Value> {
    let mut details = Map::new();
    let mut name = |param: &str| {
        details.insert("param".into(), json!(param));
        details.insert("flag".into(), json!(crate::flags::flag_for_param(param)));
    };
    match error {
        Error::Api { error, .. } => {
            if let Some(param) = &error.param {
                name(param);
            }
        }
        Error::InvalidArgument { param, .. } => name(param),
        Error::InvalidParams { path, missing, .. } => {
            name(path);
            if *missing {
                details.insert(
                    "missing".into(),
                    json!([crate::flags::flag_for_param(path)]),
                );
            }
        }
        _ => {}
    }
    if error.is_rate_limited() {
        details.insert("attempts".into(), json!(error.attempts()));
        details.insert(
            "retry_after".into(),
            json!(error.retry_after().map(whole_seconds)),
        );
    }
    details
}

/// A wait in whole seconds, a part second counting as one.
fn whole_seconds(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}
