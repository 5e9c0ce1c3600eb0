//! Watching every attempt a call makes, for metrics and logs: a [`Hook`] set on the builder
//! is told about each HTTP exchange after it ends, with the request as sent (credentials
//! redacted) and how it ended.
//!
//! A hook sees a copy and returns nothing: it cannot change what is sent, retried or
//! redacted. Retries, the rate limiter, the deadline and idempotency keys stay the client's,
//! so a hook written for logging can never make a call unsafe to retry or leak the key.

use crate::{Error, HttpMethod};
use std::time::Duration;

/// One attempt of a call as it was sent and as it ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation, as `resource.operation`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The URL, query string included (credentials never travel in it).
    pub url: &'a str,
    /// The headers as sent; [`Attempt::headers`] reads them, credentials redacted.
    pub(crate) sent_headers: &'a reqwest::header::HeaderMap,
    /// The length of the body in bytes (0 without one).
    pub body_len: usize,
    /// Which attempt of the call this is, from 1.
    pub number: u32,
    /// How long the exchange took, from sending to the last byte of the answer or the
    /// failure.
    pub elapsed: Duration,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The error, when the attempt failed (an error status too); the call may still retry.
    pub error: Option<&'a Error>,
}

impl Attempt<'_> {
    /// The headers as sent, names in lower case, `authorization` redacted after its scheme
    /// (`Bearer <redacted>`). Worked out when asked for, so a hook that does not read them
    /// does not pay for them.
    pub fn headers(&self) -> Vec<(String, String)> {
        crate::transport::redacted(self.sent_headers)
    }
}

/// Told about every attempt of every call of a client (see the module docs for why it can
/// only watch). Called on the task making the call, after the attempt ends: keep it quick.
/// An attempt the call's own timeout cuts short never ends and is not reported: the call
/// ends with [`Error::Deadline`], which its trace span records.
pub trait Hook: Send + Sync {
    /// `attempt` ended.
    fn attempted(&self, attempt: &Attempt<'_>);
}
