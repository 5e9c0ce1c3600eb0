//! Sending an operation. The descriptor the generated code targets is in `descriptor`; the
//! request every attempt sends, credentials included, is built once in `prepare`; one attempt
//! and the reading of its answer are in `attempt`. Here is the call itself: its span, its
//! deadline, and the attempts the retry policy allows, each told to the hooks. A dry run
//! (`crate::dry_run`) shows what `prepare` builds and sends nothing.

mod attempt;
mod descriptor;
mod prepare;

use crate::client::Client;
use crate::error::{decode_json, Error};
use crate::form::FormEncode;
use crate::hooks::Attempt;
use crate::limiter::SlotPastDeadline as Late;
use crate::retry::{retryable, Failure};
use attempt::{answer_json, check_status};
use bytes::Bytes;
pub(crate) use descriptor::{
    ApiBase, BodyKind, CallOptions, HttpMethod, Operation, PathSegment, PathTemplate,
};
#[cfg(feature = "dynamic")]
pub(crate) use prepare::IDEMPOTENCY_KEY;
pub(crate) use prepare::{redacted, Payload, Prepared};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// What happened while a call was made, beside its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseInfo {
    /// The HTTP status of the answer.
    pub status: u16,
    /// How many attempts the call took (1 when it was not retried).
    pub attempts: u32,
    /// The `chargebee-idempotency-key` sent, the same on every attempt.
    pub idempotency_key: Option<String>,
    /// Whether Chargebee answered from an earlier call with the same key
    /// (`chargebee-idempotency-replayed: true`).
    pub replayed: bool,
}

impl Client {
    /// Sends `op` to `path` with `params`, retrying as the policy allows, and decodes a `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
    ) -> Result<(T, ResponseInfo), Error> {
        self.execute_with(op, path, params, options, decode_json)
            .await
    }

    /// [`Client::execute`] decoding the 2xx answer with `decode` (given the operation id,
    /// the status and the body); a decode error has the client's key redacted.
    pub(crate) async fn execute_with<T>(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
        decode: fn(&'static str, u16, &[u8]) -> Result<T, Error>,
    ) -> Result<(T, ResponseInfo), Error> {
        let (body, info) = self.fetch(op, path, params, options).await?;
        match decode(op.id, info.status, answer_json(&body)) {
            Ok(value) => Ok((value, info)),
            Err(error) => Err(error
                .after_sending(info.idempotency_key.as_deref())
                .redacted(&self.secrets())),
        }
    }

    /// Sends `op` to `path` with `params`, retrying as the policy allows, until a 2xx
    /// answer, whose body it returns, or an error for good.
    ///
    /// Nothing here is generic: the parameters encode themselves through [`FormEncode`],
    /// and only the decoding of the answer (by the caller) depends on the operation, so each
    /// operation adds little code of its own to the crate.
    async fn fetch(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
    ) -> Result<(Vec<u8>, ResponseInfo), Error> {
        // One span per call, its fields after OpenTelemetry's HTTP client conventions; the
        // path is the template, so ids stay out. The key and the body are never recorded.
        let span = tracing::info_span!(
            "chargebee.call",
            otel.name = op.id,
            otel.kind = "client",
            http.request.method = op.method.as_str(),
            url.path = op.path.text,
            chargebee.operation = op.id,
            chargebee.idempotency_key_present = tracing::field::Empty,
            chargebee.attempts = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        let attempts = AtomicU32::new(0);
        let outcome = self
            .fetch_in(op, path, params, options, &attempts, &span)
            .instrument(span.clone())
            .await;
        span.record("chargebee.attempts", attempts.load(Ordering::Relaxed));
        let status = match &outcome {
            Ok((_, info)) => Some(info.status),
            Err(error) => {
                span.record("error.type", error.kind());
                error.status()
            }
        };
        if let Some(status) = status {
            span.record("http.response.status_code", status);
        }
        outcome
    }

    /// [`Client::fetch`] within its span, counting attempts in `attempts`.
    async fn fetch_in(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
        attempts: &AtomicU32,
        span: &tracing::Span,
    ) -> Result<(Vec<u8>, ResponseInfo), Error> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Config(format!(
                "{}: calls need a Tokio runtime (with time and I/O enabled); none is running here",
                op.id
            )));
        }
        let prepared = self.prepare(op, path, Payload::encode(op, params)?, options)?;
        span.record(
            "chargebee.idempotency_key_present",
            prepared.idempotency_key.is_some(),
        );
        let timeout = options.timeout.unwrap_or(self.settings.timeout);
        // A timeout too long to represent is no deadline at all.
        let deadline = Instant::now().checked_add(timeout);
        let calls = self.attempts(op, &prepared, deadline, attempts);
        let outcome = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, calls).await,
            None => Ok(calls.await),
        };
        match outcome {
            Ok(Ok(result)) => result,
            Ok(Err(Late)) | Err(_) => Err(Error::Deadline {
                operation: op.id,
                timeout,
                attempts: attempts.load(Ordering::Relaxed),
            }),
        }
    }

    /// Makes attempts until one succeeds, fails for good, or the retry policy or `deadline`
    /// leaves no room for another; counts them in `attempts`. `Err(Late)` when the rate
    /// limiter's next slot comes after the deadline.
    async fn attempts(
        &self,
        op: &Operation,
        prepared: &Prepared,
        deadline: Option<Instant>,
        attempts: &AtomicU32,
    ) -> Result<Result<(Vec<u8>, ResponseInfo), Error>, Late> {
        let policy = self.settings.retry;
        let replay_safe = op.method != HttpMethod::Post || prepared.idempotency_key.is_some();
        loop {
            if let Some(limiter) = &self.inner.limiter {
                limiter.acquire(deadline.map(Instant::into_std)).await?;
            }
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let started = Instant::now();
            let (failure, retry_after, result) = match self.attempt(op, prepared).await {
                Ok(answer) => {
                    let status = answer.status;
                    let info = ResponseInfo {
                        status,
                        attempts: attempt,
                        idempotency_key: prepared.idempotency_key.clone(),
                        replayed: answer.replayed,
                    };
                    let result = check_status(
                        op,
                        status,
                        &answer.body,
                        self.is_gateway() || op.base == ApiBase::Control,
                    )
                    .map(|()| (answer.body, info))
                    .map_err(|error| error.answered(attempt, answer.retry_after));
                    (Failure::Status(status), answer.retry_after, result)
                }
                Err((failure, error)) => (failure, None, Err(error)),
            };
            let result = result.map_err(|error| error.redacted(&self.secrets()));
            if !self.inner.hooks.is_empty() {
                self.tell_hooks(op, prepared, attempt, started.elapsed(), &result);
            }
            let error = match result {
                Ok(answer) => return Ok(Ok(answer)),
                Err(error) => error,
            };
            let delay = policy.delay(attempt, retry_after);
            let in_time =
                deadline.is_none_or(|d| Instant::now().checked_add(delay).is_some_and(|t| t < d));
            if attempt >= policy.max_attempts || !in_time || !retryable(failure, replay_safe) {
                return Ok(Err(error));
            }
            tracing::info!(operation = op.id, attempt, ?delay, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Tells every hook about attempt `number` of `op`, which took `elapsed` and ended in
    /// `result`.
    fn tell_hooks(
        &self,
        op: &Operation,
        prepared: &Prepared,
        number: u32,
        elapsed: Duration,
        result: &Result<(Vec<u8>, ResponseInfo), Error>,
    ) {
        let (status, error) = match result {
            Ok((_, info)) => (Some(info.status), None),
            Err(error) => (error.status(), Some(error)),
        };
        let attempt = Attempt {
            operation: op.id,
            method: op.method,
            url: &prepared.url,
            sent_headers: &prepared.headers,
            body_len: prepared.body.as_ref().map_or(0, Bytes::len),
            number,
            elapsed,
            status,
            error,
        };
        for hook in &self.inner.hooks {
            hook.attempted(&attempt);
        }
    }
}
