//! Answering Chargebee's webhook requests as Chargebee expects: 401 without the configured
//! credentials, 400 for a body that is not an event, 500 when a handler fails (Chargebee then
//! sends the event again), 200 otherwise (a duplicate and an event no handler takes
//! included: sending them again would change nothing).

use super::{parse_event, verify_basic_auth, Dispatcher, Outcome};
use crate::Error;

/// A webhook endpoint's logic, apart from any web framework: give it each request's
/// `Authorization` header and body, answer with the [`Receipt`]'s status. Behind the
/// feature `axum`, `Receiver::router` serves it.
pub struct Receiver {
    dispatcher: Dispatcher,
    username: String,
    password: String,
}

/// How to answer one webhook request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The HTTP status to answer with.
    pub status: u16,
    /// What the dispatcher did, when the request held an event.
    pub outcome: Option<Outcome>,
    /// A short text for the answer's body.
    pub message: &'static str,
}

impl Receiver {
    /// A receiver dispatching with `dispatcher` the events that come with HTTP Basic
    /// credentials `username` and `password` (as configured on the webhook in Chargebee).
    /// Empty credentials, or a user name with `:`, are [`Error::Config`].
    pub fn new(
        dispatcher: Dispatcher,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Receiver, Error> {
        let (username, password) = (username.into(), password.into());
        verify_basic_auth(None, &username, &password)?;
        Ok(Receiver {
            dispatcher,
            username,
            password,
        })
    }

    /// Checks, decodes and dispatches one request: its `Authorization` header and body.
    pub async fn receive(&self, authorization: Option<&str>, body: &[u8]) -> Receipt {
        let answer = |status, outcome, message| Receipt {
            status,
            outcome,
            message,
        };
        if !matches!(
            verify_basic_auth(authorization, &self.username, &self.password),
            Ok(true)
        ) {
            return answer(401, None, "unauthorized");
        }
        let Ok(event) = parse_event(body) else {
            return answer(400, None, "the body is not a Chargebee event");
        };
        let id = event.id.clone();
        match self.dispatcher.dispatch(event).await {
            Ok(outcome) => answer(200, Some(outcome), "ok"),
            Err(error) => {
                tracing::warn!(event = %id, %error, "a webhook handler failed");
                answer(500, None, "the handler failed; send it again")
            }
        }
    }
}

#[cfg(feature = "axum")]
impl Receiver {
    /// An axum router answering `POST path` with [`Receiver::receive`] (feature `axum`).
    pub fn router(self, path: &str) -> axum::Router {
        use axum::http::{header, HeaderMap, StatusCode};
        let receiver = std::sync::Arc::new(self);
        let route = move |headers: HeaderMap, body: axum::body::Bytes| {
            let receiver = receiver.clone();
            async move {
                let authorization = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok());
                let receipt = receiver.receive(authorization, &body).await;
                let status = StatusCode::from_u16(receipt.status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, receipt.message)
            }
        };
        axum::Router::new().route(path, axum::routing::post(route))
    }
}
