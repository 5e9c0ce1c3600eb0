//! Error answers as Chargebee and the Maton gateway give them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chargebee::{ApiEnum, ApiErrorCode, ErrorType};
use serde_json::{json, Map, Value};

/// A request the emulator refuses, with the answer to give.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: StatusCode,
    pub body: Value,
    /// Seconds to put in `Retry-After`.
    pub retry_after: Option<u64>,
    /// Events the call raised before it failed, with their content: a declined charge is
    /// kept, and so is its `payment_failed`.
    pub events: Vec<(&'static str, Map<String, Value>)>,
}

impl Failure {
    /// Chargebee's error JSON for `code`, with the HTTP status Chargebee's error table gives
    /// it ([`ApiErrorCode::http_status`]).
    fn chargebee(
        kind: Option<ErrorType>,
        code: ApiErrorCode,
        param: Option<&str>,
        message: String,
    ) -> Self {
        let status = code
            .http_status()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .expect("the emulator answers only codes whose status Chargebee documents");
        let mut body = json!({
            "message": message,
            "api_error_code": code.as_str(),
            "http_status_code": status.as_u16(),
        });
        if let Some(kind) = kind {
            body["type"] = json!(kind.as_str());
        }
        if let Some(param) = param {
            body["param"] = json!(param);
        }
        Failure {
            status,
            body,
            retry_after: None,
            events: Vec::new(),
        }
    }

    /// 400 for a parameter Chargebee would refuse, named as sent (`customer[email]`).
    pub fn param(param: &str, problem: impl std::fmt::Display) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::ParamWrongValue,
            Some(param),
            format!("{param} : {problem}"),
        )
    }

    /// 404 for an id that names nothing.
    pub fn not_found(resource: &str, id: &str) -> Self {
        Self::missing(resource, id, "id")
    }

    /// 404 for an id, given as parameter `param`, that names nothing.
    pub fn missing(resource: &str, id: &str, param: &str) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::ResourceNotFound,
            Some(param),
            format!("{resource} not found for id {id}"),
        )
    }

    /// 400 for an id already taken.
    pub fn duplicate(resource: &str, id: &str) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::DuplicateEntry,
            Some("id"),
            format!("id : the value {id} is already present for another {resource}"),
        )
    }

    /// 409 for a request the current state does not allow.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::InvalidStateForRequest,
            None,
            message.into(),
        )
    }

    /// 402 for a payment the gateway refused (`type: payment`).
    pub fn payment_declined(message: impl Into<String>) -> Self {
        Self::chargebee(
            Some(ErrorType::Payment),
            ApiErrorCode::PaymentProcessingFailed,
            None,
            message.into(),
        )
    }

    /// 402 for a customer without a payment method to charge.
    pub fn no_payment_method(message: impl Into<String>) -> Self {
        Self::chargebee(
            Some(ErrorType::Payment),
            ApiErrorCode::PaymentMethodNotPresent,
            None,
            message.into(),
        )
    }

    /// The failure, having raised event `kind` with `content` before it failed.
    pub fn with_event(mut self, kind: &'static str, content: Map<String, Value>) -> Self {
        self.events.push((kind, content));
        self
    }

    /// 400 for an idempotency key given again with another path id or other parameters:
    /// a key replays only the request it first answered.
    pub fn idempotency_key_reused(operation: &str) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::InvalidRequest,
            None,
            format!(
                "chargebee-idempotency-key : the key was used for a {operation} request with \
                 other parameters; a key replays only the request it first answered, so send \
                 these parameters with a new key"
            ),
        )
    }

    /// 501 for an operation the emulator does not model, naming it and the opt-in.
    pub fn not_emulated(operation: &str) -> Self {
        Self::chargebee(
            None,
            ApiErrorCode::NotEmulated,
            None,
            format!(
                "{operation} is not emulated: the emulator does not model it and answers no \
                 made-up success. To accept a synthesized answer (placeholder values, nothing \
                 kept), start it with --synthesize-op {operation} (or --synthesize for every \
                 such operation), or Config::synthesize in a test"
            ),
        )
    }

    /// 501 for a way of calling a modeled operation that the emulator does not model (an
    /// option that needs proration, unbilled charges, …), naming it and what to send instead.
    pub fn not_emulated_option(operation: &str, option: &str, instead: &str) -> Self {
        Self::chargebee(
            None,
            ApiErrorCode::NotEmulated,
            None,
            format!(
                "{operation} with {option} is not emulated: the emulator does not model it and \
                 answers no made-up success; {instead}"
            ),
        )
    }

    /// 401 for a wrong or missing Chargebee API key (direct calls).
    pub fn direct_unauthorized() -> Self {
        Self::chargebee(
            None,
            ApiErrorCode::ApiAuthenticationFailed,
            None,
            "Sorry, authentication failed. Invalid api key".into(),
        )
    }

    /// 404 for a path no operation serves.
    pub fn no_route(method: &str, path: &str) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::ResourceNotFound,
            None,
            format!("no operation serves {method} {path}"),
        )
    }

    /// 405 for a path an operation serves, called with another HTTP method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::chargebee(
            Some(ErrorType::InvalidRequest),
            ApiErrorCode::HttpMethodNotSupported,
            None,
            format!("{method} is not a method {path} answers to"),
        )
    }

    /// A gateway error: `{"error": message}`.
    pub fn gateway(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            status,
            body: json!({ "error": message.into() }),
            retry_after: None,
            events: Vec::new(),
        }
    }

    /// The gateway's 429, with the seconds to wait.
    pub fn rate_limited(retry_after: u64) -> Self {
        Failure {
            retry_after: Some(retry_after),
            ..Self::gateway(
                StatusCode::TOO_MANY_REQUESTS,
                "rate limit exceeded: 10 requests per second",
            )
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Chargebee error the emulator gives carries the status of its code in the table
    /// (`http_status_code` in the body too), checked against statuses written out here.
    #[test]
    fn each_error_takes_its_codes_status() {
        let cases = [
            (
                Failure::param("email", "is invalid"),
                "param_wrong_value",
                400,
            ),
            (
                Failure::not_found("customer", "x"),
                "resource_not_found",
                404,
            ),
            (Failure::duplicate("customer", "x"), "duplicate_entry", 400),
            (
                Failure::invalid_state("no"),
                "invalid_state_for_request",
                409,
            ),
            (
                Failure::idempotency_key_reused("customer.create"),
                "invalid_request",
                400,
            ),
            (Failure::not_emulated("quote.create"), "not_emulated", 501),
            (
                Failure::payment_declined("declined"),
                "payment_processing_failed",
                402,
            ),
            (
                Failure::not_emulated_option("subscription.resume", "x", "y"),
                "not_emulated",
                501,
            ),
            (
                Failure::direct_unauthorized(),
                "api_authentication_failed",
                401,
            ),
            (Failure::no_route("GET", "/x"), "resource_not_found", 404),
            (
                Failure::method_not_allowed("PUT", "/customers"),
                "http_method_not_supported",
                405,
            ),
        ];
        for (failure, code, status) in cases {
            assert_eq!(failure.body["api_error_code"], code);
            assert_eq!(failure.status.as_u16(), status, "{code}");
            assert_eq!(failure.body["http_status_code"], status, "{code}");
        }
    }
}
