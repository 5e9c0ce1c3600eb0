//! The one error type of the client, and Chargebee's error bodies.

use crate::types::ApiEnum;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
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
        /// How many attempts the call made; the error is the last one's answer.
        attempts: u32,
        /// The wait the last answer asked for in its `Retry-After` header, if it sent one.
        retry_after: Option<std::time::Duration>,
    },
    /// The Maton gateway refused or failed the call before Chargebee answered.
    #[error(
        "{operation}: Maton gateway: {kind} (HTTP {status}): {}",
        escape_controls(body)
    )]
    Gateway {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// What went wrong, from the status.
        kind: GatewayErrorKind,
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most 512 bytes.
        body: String,
        /// How many attempts the call made; the error is the last one's answer.
        attempts: u32,
        /// The wait the last answer asked for in its `Retry-After` header, if it sent one.
        retry_after: Option<std::time::Duration>,
    },
    /// A non-success status whose body is not a Chargebee error.
    #[error("{operation}: unexpected HTTP {status}: {}", escape_controls(body))]
    Http {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body, at most 512 bytes.
        body: String,
        /// How many attempts the call made; the error is the last one's answer.
        attempts: u32,
        /// The wait the last answer asked for in its `Retry-After` header, if it sent one.
        retry_after: Option<std::time::Duration>,
    },
    /// The server answered with a redirect. Redirects are never followed, so the key, the
    /// body and the idempotency key only ever reach the host they were meant for.
    #[error("{operation}: redirected (HTTP {status}) to {}; redirects are not followed", escape_controls(target.as_deref().unwrap_or("an unnamed place")))]
    Redirect {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status (301, 302, 303, 307, 308, …).
        status: u16,
        /// The host the redirect names (only the host: the rest may carry secrets), or
        /// `same host` for a relative location.
        target: Option<String>,
    },
    /// A list answered a `next_offset` it had already given: following it would page
    /// forever, so the stream stops here.
    #[error(
        "{operation}: the list repeated its next_offset `{}`; paging stopped",
        escape_controls(offset)
    )]
    RepeatedOffset {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The offset that came back again.
        offset: String,
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
    /// One HTTP exchange did not finish within the attempt timeout, and no retry followed.
    #[error("{operation}: the attempt timed out")]
    Timeout {
        /// The operation, as `resource.operation`.
        operation: &'static str,
    },
    /// The call did not finish within its timeout: queueing in the rate limiter, attempts
    /// and waits included. Also returned at once when the rate limiter's next slot comes
    /// after the deadline, and by a waiter (`wait_for_travel`, `wait_for_download`) whose
    /// polls saw no outcome within its timeout (`attempts` is then the number of polls).
    #[error("{operation}: no answer within the call's timeout of {timeout:?} ({attempts} attempts started)")]
    Deadline {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The timeout the call had.
        timeout: std::time::Duration,
        /// How many attempts were started.
        attempts: u32,
    },
    /// A success status with a body that is not the expected JSON.
    ///
    /// When `request_sent` is true the server acted on the request: a create, a charge or a
    /// cancellation happened even though its answer could not be read. Do not send it again
    /// as a new request; retry with the same `idempotency_key` (the request builders'
    /// `idempotency_key(…)`), and Chargebee answers from the first call instead of acting
    /// twice. `body` holds what the server answered.
    #[error(
        "{operation}: cannot decode the HTTP {status} response at `{}` ({}){}; body starts: {}",
        escape_controls(path), escape_controls(&source.to_string()),
        sent_note(*request_sent, idempotency_key.as_deref()), escape_controls(&snippet(body.as_bytes()))
    )]
    Decode {
        /// The operation, as `resource.operation`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// Where in the JSON the value at fault is, such as `list[3].subscription.mrr`
        /// (`.` for the whole body).
        path: String,
        /// The whole body as received (invalid UTF-8 replaced), within the client's
        /// `max_response_bytes`, with the client's key redacted.
        body: String,
        /// Whether the request reached the server, which answered with a success status: false
        /// only for a body decoded with no request, such as a webhook's.
        request_sent: bool,
        /// The idempotency key the request carried, if it carried one: reuse it to retry.
        idempotency_key: Option<String>,
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
    /// A time machine reported that its travel failed, or that time travel is not enabled
    /// for the site, with Chargebee's failure fields as it gave them. Chargebee asks for the
    /// machine to be started afresh after a failure.
    #[error(
        "time machine {machine}: travel {status}{}{}",
        failure_code.as_deref().map(|c| format!(" ({})", escape_controls(c))).unwrap_or_default(),
        failure_reason.as_deref().map(|r| format!(": {}", escape_controls(r))).unwrap_or_default()
    )]
    TimeTravel {
        /// The machine's name.
        machine: String,
        /// Its `time_travel_status`: `failed` or `not_enabled`.
        status: String,
        /// `failure_code`, in Chargebee's error-code convention.
        failure_code: Option<String>,
        /// `failure_reason`.
        failure_reason: Option<String>,
        /// `error_json`: the failure as Chargebee's error JSON, as text.
        error_json: Option<String>,
    },
    /// An export reported that it failed (`status: failed`): Chargebee gives no reason.
    #[error("export {}: failed", escape_controls(export))]
    ExportFailed {
        /// The export's id.
        export: String,
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
    /// The JSON parameters of a call by name ([`Client::dynamic`](crate::Client::dynamic)) do not
    /// fit the operation's parameters; nothing was sent.
    #[error(
        "{operation}: parameters at `{}`: {}",
        escape_controls(path),
        escape_controls(message)
    )]
    InvalidParams {
        /// The operation, as `resource.operation`.
        operation: String,
        /// Where the value at fault is, as a key path: `subscription_items[0].quantity`; for
        /// a missing field, the field's own path (`subscription_items[0].item_price_id`).
        path: String,
        /// Whether the field at `path` is required and absent.
        missing: bool,
        /// Why the value was refused, as the decoder put it.
        message: String,
    },
}

impl From<chargebee_types::InvalidParam> for Error {
    fn from(refused: chargebee_types::InvalidParam) -> Self {
        Error::InvalidArgument {
            param: refused.param,
            message: refused.message,
        }
    }
}

/// An error reported by Chargebee: `{"message", "type", "api_error_code", "param",
/// "http_status_code"}`. Every key may be missing; keys not named here are kept in `extra`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: u16,
    /// The human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The error's class: payment, invalid request or operation failed.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<ErrorType>,
    /// The machine-readable code, such as `resource_not_found`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_error_code: Option<ApiErrorCode>,
    /// The parameter at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The HTTP status as Chargebee wrote it into the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<u16>,
    /// Keys not named above (`error_code`, `error_msg`, `error_cause_id`, …), as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// Reads a Chargebee error body: a JSON object naming at least one key only Chargebee's
    /// errors carry (`api_error_code`, `type`, `http_status_code`, `error_code`). Anything
    /// else (a gateway's own JSON, an HTML page) is `None`.
    pub(crate) fn from_body(status: u16, body: &[u8]) -> Option<ApiError> {
        let mut error: ApiError = serde_json::from_slice(body).ok()?;
        let chargebee_shaped = error.api_error_code.is_some()
            || error.error_type.is_some()
            || error.http_status_code.is_some()
            || error.extra.contains_key("error_code");
        error.status = status;
        chargebee_shaped.then_some(error)
    }

    /// The resource asked for does not exist (`resource_not_found`, or HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.api_error_code == Some(ApiErrorCode::ResourceNotFound) || self.status == 404
    }

    /// Too many requests (`api_request_limit_exceeded`, or HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.api_error_code == Some(ApiErrorCode::ApiRequestLimitExceeded) || self.status == 429
    }

    /// A payment failed or could not be attempted (`type: payment`).
    pub fn is_payment(&self) -> bool {
        self.error_type == Some(ErrorType::Payment)
    }

    /// A parameter was missing or wrong (`type: invalid_request`); `param` names it when
    /// Chargebee does.
    pub fn is_invalid_request(&self) -> bool {
        self.error_type == Some(ErrorType::InvalidRequest)
    }

    /// The API key was refused (`api_authentication_failed`, `basic_authentication_failed`,
    /// `api_authorization_failed`, or HTTP 401).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.api_error_code,
            Some(
                ApiErrorCode::ApiAuthenticationFailed
                    | ApiErrorCode::BasicAuthenticationFailed
                    | ApiErrorCode::ApiAuthorizationFailed
            )
        ) || self.status == 401
    }

    /// The resource is not in a state that allows the call (`invalid_state_for_request`).
    pub fn is_invalid_state(&self) -> bool {
        self.api_error_code == Some(ApiErrorCode::InvalidStateForRequest)
    }

    /// The emulator does not model the operation (`not_emulated`): the answer says nothing
    /// about what Chargebee would do.
    pub fn is_not_emulated(&self) -> bool {
        self.api_error_code == Some(ApiErrorCode::NotEmulated)
    }
}

/// Server text shown with its control characters escaped (`\n`, `\u{1b}`), so it cannot
/// forge lines or terminal sequences in logs.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = match &self.api_error_code {
            Some(code) => format!("Chargebee error {code} (HTTP {})", self.status),
            None => format!("Chargebee error (HTTP {})", self.status),
        };
        if let Some(t) = &self.error_type {
            text.push_str(&format!(", type {t}"));
        }
        if let Some(p) = &self.param {
            text.push_str(&format!(", param {p}"));
        }
        if let Some(message) = &self.message {
            text.push_str(&format!(": {message}"));
        }
        f.write_str(&escape_controls(&text))
    }
}

/// Declares an enum of wire values with a catch-all, implementing [`ApiEnum`].
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }
        impl ApiEnum for $name {
            fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }
            fn known(value: &[u8]) -> Option<Self> {
                match value {
                    $(v if v == $wire.as_bytes() => Some(Self::$variant),)*
                    _ => None,
                }
            }
            fn unknown(value: String) -> Self {
                Self::Unknown(value)
            }
        }
        crate::api_enum_traits!($name);
    };
}

wire_enum! {
    /// The class of a Chargebee error (`type`).
    ErrorType {
        /// `payment`: the payment failed or could not be attempted.
        Payment = "payment",
        /// `invalid_request`: a parameter was missing or wrong.
        InvalidRequest = "invalid_request",
        /// `operation_failed`: the request was valid but could not be carried out.
        OperationFailed = "operation_failed",
    }
}

wire_enum! {
    /// Chargebee's machine-readable error codes (`api_error_code`).
    ApiErrorCode {
        /// `resource_not_found`.
        ResourceNotFound = "resource_not_found",
        /// `resource_limit_exhausted`.
        ResourceLimitExhausted = "resource_limit_exhausted",
        /// `param_wrong_value`.
        ParamWrongValue = "param_wrong_value",
        /// `duplicate_entry`.
        DuplicateEntry = "duplicate_entry",
        /// `db_connection_failure`.
        DbConnectionFailure = "db_connection_failure",
        /// `invalid_state_for_request`.
        InvalidStateForRequest = "invalid_state_for_request",
        /// `http_method_not_supported`.
        HttpMethodNotSupported = "http_method_not_supported",
        /// `invalid_request`.
        InvalidRequest = "invalid_request",
        /// `unable_to_process_request`.
        UnableToProcessRequest = "unable_to_process_request",
        /// `api_request_limit_exceeded`.
        ApiRequestLimitExceeded = "api_request_limit_exceeded",
        /// `lock_timeout`.
        LockTimeout = "lock_timeout",
        /// `api_authentication_failed`.
        ApiAuthenticationFailed = "api_authentication_failed",
        /// `basic_authentication_failed`.
        BasicAuthenticationFailed = "basic_authentication_failed",
        /// `api_authorization_failed`.
        ApiAuthorizationFailed = "api_authorization_failed",
        /// `site_not_found`.
        SiteNotFound = "site_not_found",
        /// `site_not_ready`.
        SiteNotReady = "site_not_ready",
        /// `site_read_only_mode`.
        SiteReadOnlyMode = "site_read_only_mode",
        /// `configuration_incompatible`.
        ConfigurationIncompatible = "configuration_incompatible",
        /// `request_blocked`.
        RequestBlocked = "request_blocked",
        /// `internal_error`.
        InternalError = "internal_error",
        /// `internal_temporary_error`.
        InternalTemporaryError = "internal_temporary_error",
        /// `payment_processing_failed`.
        PaymentProcessingFailed = "payment_processing_failed",
        /// `payment_method_verification_failed`.
        PaymentMethodVerificationFailed = "payment_method_verification_failed",
        /// `payment_method_not_present`.
        PaymentMethodNotPresent = "payment_method_not_present",
        /// `payment_gateway_currency_incompatible`.
        PaymentGatewayCurrencyIncompatible = "payment_gateway_currency_incompatible",
        /// `payment_intent_invalid`.
        PaymentIntentInvalid = "payment_intent_invalid",
        /// `payment_intent_invalid_amount`.
        PaymentIntentInvalidAmount = "payment_intent_invalid_amount",
        /// `not_emulated`: not Chargebee's; `chargebee-emulator` answers it for an
        /// operation it does not model, instead of a made-up success.
        NotEmulated = "not_emulated",
    }
}

impl ApiErrorCode {
    /// The HTTP status Chargebee answers with this code, as its error table lists it; `None`
    /// where the table gives none (or for a code this crate does not know). The emulator
    /// answers every error it gives with this status.
    pub fn http_status(&self) -> Option<u16> {
        use ApiErrorCode::*;
        Some(match self {
            ResourceNotFound | SiteNotFound => 404,
            ParamWrongValue | DuplicateEntry | InvalidRequest => 400,
            InvalidStateForRequest => 409,
            HttpMethodNotSupported => 405,
            ApiRequestLimitExceeded | LockTimeout => 429,
            ApiAuthenticationFailed | BasicAuthenticationFailed => 401,
            ApiAuthorizationFailed => 403,
            SiteNotReady | SiteReadOnlyMode | InternalTemporaryError => 503,
            InternalError => 500,
            PaymentProcessingFailed | PaymentMethodVerificationFailed | PaymentMethodNotPresent => {
                402
            }
            NotEmulated => 501,
            _ => return None,
        })
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
    /// Chargebee's error, when Chargebee answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether Chargebee said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_not_found)
    }

    /// Whether the error is a rate limit: Chargebee's `api_request_limit_exceeded` or the
    /// gateway's HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api { error, .. } => error.is_rate_limited(),
            Error::Gateway { kind, .. } => *kind == GatewayErrorKind::RateLimited,
            Error::Http { status, .. } => *status == 429,
            _ => false,
        }
    }

    /// What kind of error it is, one word for logs, metrics and trace spans: `api`,
    /// `gateway`, `http`, `redirect`, `repeated_offset`, `transport`, `timeout`, `deadline`,
    /// `decode`, `body_too_large`, `time_travel`, `export_failed`, `config` or
    /// `invalid_argument` (for `InvalidArgument` and `InvalidParams` alike).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "api",
            Error::Gateway { .. } => "gateway",
            Error::Http { .. } => "http",
            Error::Redirect { .. } => "redirect",
            Error::RepeatedOffset { .. } => "repeated_offset",
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Deadline { .. } => "deadline",
            Error::Decode { .. } => "decode",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::TimeTravel { .. } => "time_travel",
            Error::ExportFailed { .. } => "export_failed",
            Error::Config(_) => "config",
            Error::InvalidArgument { .. } | Error::InvalidParams { .. } => "invalid_argument",
        }
    }

    /// How many attempts the call made, for the errors a server's answer or the call's
    /// timeout ended: `Api`, `Gateway`, `Http` and `Deadline`.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api { attempts, .. }
            | Error::Gateway { attempts, .. }
            | Error::Http { attempts, .. }
            | Error::Deadline { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The wait the server asked for in the `Retry-After` header of its last answer: how
    /// long to hold off before calling again, after a rate limit above all.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Api { retry_after, .. }
            | Error::Gateway { retry_after, .. }
            | Error::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The same error, as the answer to attempt number `attempt`, whose `Retry-After` asked
    /// for `wait`.
    pub(crate) fn answered(mut self, attempt: u32, wait: Option<std::time::Duration>) -> Error {
        if let Error::Api {
            attempts,
            retry_after,
            ..
        }
        | Error::Gateway {
            attempts,
            retry_after,
            ..
        }
        | Error::Http {
            attempts,
            retry_after,
            ..
        } = &mut self
        {
            *attempts = attempt;
            *retry_after = wait;
        }
        self
    }

    /// The HTTP status, for errors that come with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { error, .. } => Some(error.status),
            Error::Gateway { status, .. }
            | Error::Http { status, .. }
            | Error::Redirect { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Decodes a JSON body as `T`. A failure names the JSON path of the value at fault, as the
/// crate's own decoders note it on the way out; a success costs nothing extra.
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    crate::json_path::recording(|| serde_json::from_slice(body)).map_err(|(source, path)| {
        Error::Decode {
            operation,
            status,
            path,
            body: String::from_utf8_lossy(body).into_owned(),
            request_sent: false,
            idempotency_key: None,
            source,
        }
    })
}

/// [`decode_json`] for a caller's own type, which notes no path: when none was noted, the
/// body is read a second time to find it. Only what a caller instantiates pays for that.
pub(crate) fn decode_json_any<T: DeserializeOwned>(
    operation: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    decode_json(operation, status, body).map_err(|mut error| {
        if let Error::Decode { path, .. } = &mut error {
            if path == "." {
                let mut reader = serde_json::Deserializer::from_slice(body);
                if let Err(found) = serde_path_to_error::deserialize::<_, T>(&mut reader) {
                    *path = found.path().to_string();
                }
            }
        }
        error
    })
}

/// What a decode error adds about the request: that it was acted on, and the key to retry with.
fn sent_note(request_sent: bool, idempotency_key: Option<&str>) -> String {
    match (request_sent, idempotency_key) {
        (false, _) => String::new(),
        (true, Some(key)) => format!(
            "; the request was carried out: retry only with idempotency key {}",
            escape_controls(key)
        ),
        (true, None) => "; the request was carried out".to_string(),
    }
}

/// `text` with every control character escaped as Rust writes it (`\n`, `\u{1b}`).
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl Error {
    /// The same error, a decode error marked as the answer to a request that was sent, with
    /// the idempotency key that request carried.
    pub(crate) fn after_sending(mut self, sent_key: Option<&str>) -> Error {
        if let Error::Decode {
            request_sent,
            idempotency_key,
            ..
        } = &mut self
        {
            *request_sent = true;
            *idempotency_key = sent_key.map(str::to_string);
        }
        self
    }

    /// The same error with every occurrence of `secrets` in server text replaced by
    /// `<redacted>`: a server that echoes the request must not put the key into errors.
    pub(crate) fn redacted(mut self, secrets: &[String]) -> Error {
        let clean = |text: &mut String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                if text.contains(secret.as_str()) {
                    *text = text.replace(secret.as_str(), "<redacted>");
                }
            }
        };
        match &mut self {
            Error::Api { error, .. } => {
                error
                    .message
                    .iter_mut()
                    .chain(error.param.iter_mut())
                    .for_each(clean);
                error
                    .extra
                    .values_mut()
                    .for_each(|v| redact_value(v, &clean));
            }
            Error::Gateway { body, .. } | Error::Http { body, .. } => clean(body),
            Error::Decode { body, .. } => clean(body),
            Error::RepeatedOffset { offset, .. } => clean(offset),
            Error::Redirect {
                target: Some(target),
                ..
            } => clean(target),
            _ => {}
        }
        self
    }
}

fn redact_value(value: &mut serde_json::Value, clean: &dyn Fn(&mut String)) {
    match value {
        serde_json::Value::String(s) => clean(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, clean)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact_value(v, clean)),
        _ => {}
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
