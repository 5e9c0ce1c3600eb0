//! The one place a request is built, authenticated, sent and decoded.

use crate::client::{Auth, Client};
use crate::dry_run::{HttpRequest, REDACTED};
use crate::error::{decode_json, snippet, ApiError, Error, GatewayErrorKind};
use crate::form::{Form, FormEncode};
use crate::hooks::Attempt;
use crate::limiter::SlotPastDeadline as Late;
use crate::retry::{parse_retry_after, retryable, Failure};
use bytes::Bytes;
pub(crate) use chargebee_schema::{ApiBase, BodyKind, HttpMethod};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tracing::Instrument;

/// What the generated code knows about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    /// `resource.operation`, as named in errors and logs.
    pub(crate) id: &'static str,
    /// The path, split around its parameter when the code was generated.
    pub(crate) path: PathTemplate,
    /// The HTTP method.
    pub(crate) method: HttpMethod,
    /// Which API serves it.
    pub(crate) base: ApiBase,
    /// Where the parameters travel.
    pub(crate) body: BodyKind,
    /// The Chargebee subdomain serving it (`grow`, `ingest`, `file-ingest`), if any: direct
    /// mode sends it to `{site}.{subdomain}.chargebee.com`.
    pub(crate) subdomain: Option<&'static str>,
    /// Whether Chargebee accepts an idempotency key for it.
    pub(crate) idempotent: bool,
}

/// An operation's path, split around its one parameter (Chargebee's paths have at most one)
/// by the generator, so no request parses a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathTemplate {
    /// As documented, `/customers/{customer_id}`: for spans and logs.
    pub(crate) text: &'static str,
    /// What comes before the parameter: the whole path when it has none.
    pub(crate) head: &'static str,
    /// The parameter's name and what follows it: `("customer_id", "/delete")`.
    pub(crate) param: Option<(&'static str, &'static str)>,
}

impl PathTemplate {
    /// A path without a parameter.
    pub(crate) const fn fixed(text: &'static str) -> Self {
        PathTemplate {
            text,
            head: text,
            param: None,
        }
    }
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

/// Per-call settings a request builder carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    /// The caller's own idempotency key, instead of a generated one.
    pub(crate) idempotency_key: Option<String>,
    /// The most pages `stream()` fetches.
    pub(crate) max_pages: Option<usize>,
    /// This call's timeout, instead of the client's.
    pub(crate) timeout: Option<Duration>,
}

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

/// The header carrying an idempotency key.
pub(crate) const IDEMPOTENCY_KEY: &str = "chargebee-idempotency-key";
/// The header naming the Maton connection a gateway call goes through.
const MATON_CONNECTION: &str = "maton-connection";
/// The header saying a response was replayed.
const IDEMPOTENCY_REPLAYED: &str = "chargebee-idempotency-replayed";

/// A request ready to be sent, as many times as the retry policy allows.
struct Prepared {
    method: reqwest::Method,
    url: String,
    /// Every header the client sets, the credentials marked sensitive.
    headers: HeaderMap,
    /// The body, shared, not copied, by every attempt (its type is among the headers).
    body: Option<Bytes>,
    idempotency_key: Option<String>,
}

/// One attempt's answer, read in full.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    replayed: bool,
    body: Vec<u8>,
}

/// Parameters encoded for the wire, as `op.body` says.
enum Payload {
    /// A query string, without its `?`.
    Query(String),
    /// A body and its content type.
    Body(&'static str, Bytes),
}

impl Payload {
    /// `params` as `op` sends them.
    fn encode(op: &Operation, params: &dyn FormEncode) -> Result<Payload, Error> {
        Ok(match op.body {
            BodyKind::Query => Payload::Query(Form::encode(params)?),
            BodyKind::Form => Payload::Body(
                "application/x-www-form-urlencoded",
                Bytes::from(Form::encode(params)?),
            ),
            BodyKind::Json => {
                let json = params.json().ok_or_else(|| Error::InvalidArgument {
                    param: "params",
                    message: format!("{} takes a JSON body; these parameters have none", op.id),
                })?;
                let json = json.map_err(|e| Error::InvalidArgument {
                    param: "params",
                    message: format!("cannot be encoded as JSON: {e}"),
                })?;
                Payload::Body("application/json", Bytes::from(json))
            }
        })
    }
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

    /// The request `execute` would send first, shown and not sent; the credentials redacted.
    pub(crate) fn show(
        &self,
        op: &Operation,
        path: String,
        params: &dyn FormEncode,
        options: &CallOptions,
    ) -> Result<HttpRequest, Error> {
        let prepared = self.prepare(op, path, Payload::encode(op, params)?, options)?;
        Ok(HttpRequest {
            operation: op.id,
            method: op.method,
            headers: redacted(&prepared.headers),
            url: prepared.url,
            body: prepared
                .body
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        })
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

    /// The forms the client's key takes on the wire: as it is, and for direct calls the
    /// Base64 of HTTP Basic (with and without the empty password).
    fn secrets(&self) -> Vec<String> {
        use base64::Engine;
        let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        match &self.inner.auth {
            Auth::Gateway { key } => vec![key.expose().to_string()],
            Auth::Direct { key, .. } => {
                let key = key.expose();
                vec![key.to_string(), encode(&format!("{key}:")), encode(key)]
            }
        }
    }

    /// Builds the URL, body and headers that every attempt sends.
    fn prepare(
        &self,
        op: &Operation,
        path: String,
        payload: Payload,
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let inner = &self.inner;
        if let (Auth::Direct { .. }, ApiBase::Control) = (&inner.auth, op.base) {
            return Err(Error::Config(format!(
                "{} uses the Maton control API, which needs a Maton API key (gateway mode)",
                op.id
            )));
        }
        let mut url = self.api_root(op)?;
        url.push_str(&path);
        let method = match op.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let body = match payload {
            Payload::Query(query) => {
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(&query);
                }
                None
            }
            Payload::Body(content_type, bytes) => Some((content_type, bytes)),
        };
        let idempotency_key = match (
            &options.idempotency_key,
            op.idempotent && op.method == HttpMethod::Post,
        ) {
            // Checked with the other headers below.
            (Some(key), true) => Some(key.clone()),
            (None, true) => Some(uuid::Uuid::new_v4().to_string()),
            (_, false) => None,
        };
        let headers = self.headers(op, body.as_ref().map(|(kind, _)| *kind), &idempotency_key)?;
        Ok(Prepared {
            method,
            url,
            headers,
            body: body.map(|(_, bytes)| bytes),
            idempotency_key,
        })
    }

    /// The headers every attempt of `op` carries: what it accepts, the user agent, its
    /// body's type, the credentials (marked sensitive), the Maton connection and the
    /// idempotency key.
    fn headers(
        &self,
        op: &Operation,
        content_type: Option<&'static str>,
        idempotency_key: &Option<String>,
    ) -> Result<HeaderMap, Error> {
        use base64::Engine;
        let value = |what: &'static str, text: &str| {
            HeaderValue::from_str(text).map_err(|_| Error::InvalidArgument {
                param: what,
                message: "must be visible ASCII, as it travels in a header".into(),
            })
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        let credentials = match &self.inner.auth {
            Auth::Gateway { key } => format!("Bearer {}", key.expose()),
            Auth::Direct { key, .. } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{}:", key.expose()))
            ),
        };
        let mut credentials = value("api_key", &credentials)?;
        credentials.set_sensitive(true);
        headers.insert(AUTHORIZATION, credentials);
        if let (Some(connection), ApiBase::Chargebee) = (&self.settings.connection, op.base) {
            headers.insert(MATON_CONNECTION, value("connection", connection)?);
        }
        if let Some(key) = idempotency_key {
            headers.insert(IDEMPOTENCY_KEY, value("idempotency_key", key)?);
        }
        Ok(headers)
    }

    /// Where `op` is sent: the control API, the Chargebee API root, or in direct mode (with
    /// no base URL override) the subdomain host the operation lives on. Through the gateway,
    /// subdomain operations go to the same path as every other; how the gateway routes them
    /// is up to it. A control call of a client whose Chargebee root alone was replaced is
    /// refused: it would take the key to the real control API.
    pub(crate) fn api_root(&self, op: &Operation) -> Result<String, Error> {
        let inner = &self.inner;
        Ok(
            match (op.base, op.subdomain, &inner.auth, inner.base_overridden) {
                (ApiBase::Control, ..) => match &inner.control_base {
                    Ok(root) => root.clone(),
                    Err(unset) => return Err(unset.error(op.id)),
                },
                (ApiBase::Chargebee, Some(sub), Auth::Direct { site, .. }, false) => {
                    format!("https://{site}.{sub}.chargebee.com/api/v2")
                }
                (ApiBase::Chargebee, ..) => inner.chargebee_base.clone(),
            },
        )
    }

    /// Sends one attempt and reads its whole answer.
    async fn attempt(
        &self,
        op: &Operation,
        prepared: &Prepared,
    ) -> Result<Answer, (Failure, Error)> {
        let inner = &self.inner;
        let mut request = inner
            .http
            .request(prepared.method.clone(), &prepared.url)
            .timeout(self.settings.attempt_timeout)
            .headers(prepared.headers.clone());
        if let Some(bytes) = &prepared.body {
            request = request.body(bytes.clone());
        }
        tracing::debug!(operation = op.id, path = op.path.text, "sending request");
        let mut response = request.send().await.map_err(|e| transport_error(op, e))?;
        let status = response.status().as_u16();
        // The caller's HTTP client may follow redirects: an answer from elsewhere is refused.
        if inner.caller_http
            && reqwest::Url::parse(&prepared.url).ok().as_ref() != Some(response.url())
        {
            return Err((
                Failure::Status(status),
                Error::Redirect {
                    operation: op.id,
                    status,
                    target: Some(redirect_host(response.url().as_str())),
                },
            ));
        }
        let headers = response.headers();
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let replayed = headers
            .get(IDEMPOTENCY_REPLAYED)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        if (300..400).contains(&status) {
            let target = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(redirect_host);
            return Err((
                Failure::Status(status),
                Error::Redirect {
                    operation: op.id,
                    status,
                    target,
                },
            ));
        }
        let limit = inner.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err((
                Failure::Status(status),
                Error::BodyTooLarge {
                    operation: op.id,
                    status,
                    limit,
                },
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(op, e))? {
            if body.len() + chunk.len() > limit {
                return Err((
                    Failure::Status(status),
                    Error::BodyTooLarge {
                        operation: op.id,
                        status,
                        limit,
                    },
                ));
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(
            operation = op.id,
            status,
            bytes = body.len(),
            "received response"
        );
        Ok(Answer {
            status,
            retry_after,
            replayed,
            body,
        })
    }
}

/// `headers` as text, the sensitive ones (credentials) redacted after their scheme.
pub(crate) fn redacted(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let text = if value.is_sensitive() {
                let text = value.to_str().unwrap_or_default();
                let scheme = text.split_once(' ').map_or("", |(scheme, _)| scheme);
                format!("{scheme} {REDACTED}").trim_start().to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), text)
        })
        .collect()
}

/// The host a `Location` names, with no path, query or credentials; `same host` when it is
/// relative.
fn redirect_host(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) => url.host_str().unwrap_or("an unnamed host").to_string(),
        Err(_) => "same host".to_string(),
    }
}

fn transport_error(op: &Operation, e: reqwest::Error) -> (Failure, Error) {
    if e.is_timeout() {
        (Failure::Interrupted, Error::Timeout { operation: op.id })
    } else if e.is_connect() {
        (
            Failure::Connect,
            Error::Transport {
                operation: op.id,
                source: e.without_url(),
            },
        )
    } else {
        (
            Failure::Interrupted,
            Error::Transport {
                operation: op.id,
                source: e.without_url(),
            },
        )
    }
}

/// Turns a response into the expected value or the matching error through the two steps every
/// answer passes, in their order: [`check_status`] in the attempt loop, then `decode_json`
/// over [`answer_json`] in [`Client::execute_with`].
#[cfg(test)]
pub(crate) fn decode<T: DeserializeOwned>(
    op: &Operation,
    status: u16,
    body: &[u8],
    via_maton: bool,
) -> Result<T, Error> {
    check_status(op, status, body, via_maton)?;
    decode_json(op.id, status, answer_json(body))
}

/// The JSON text of a 2xx answer's body: an empty body reads as `{}`.
fn answer_json(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    }
}

/// `Ok` for a 2xx status; otherwise the error the answer carries. Never panics, whatever
/// the bytes.
fn check_status(op: &Operation, status: u16, body: &[u8], via_maton: bool) -> Result<(), Error> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    if let Some(error) = ApiError::from_body(status, body) {
        return Err(Error::Api {
            operation: op.id,
            error: Box::new(error),
            attempts: 1,
            retry_after: None,
        });
    }
    match GatewayErrorKind::from_status(status) {
        Some(kind) if via_maton => Err(Error::Gateway {
            operation: op.id,
            kind,
            status,
            body: snippet(body),
            attempts: 1,
            retry_after: None,
        }),
        _ => Err(Error::Http {
            operation: op.id,
            status,
            body: snippet(body),
            attempts: 1,
            retry_after: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{PathSegment, PathTemplate};

    #[test]
    fn subdomain_operations_go_to_their_host_in_direct_mode() {
        use super::{ApiBase, BodyKind, HttpMethod, Operation};
        let op = |subdomain| Operation {
            id: "usage_event.create",
            path: PathTemplate::fixed("/usage_events"),
            method: HttpMethod::Post,
            base: ApiBase::Chargebee,
            body: BodyKind::Json,
            subdomain,
            idempotent: false,
        };
        let direct = crate::Client::builder()
            .direct("acme", "key")
            .build()
            .unwrap();
        assert_eq!(
            direct.api_root(&op(Some("ingest"))).unwrap(),
            "https://acme.ingest.chargebee.com/api/v2"
        );
        assert_eq!(
            direct.api_root(&op(Some("file-ingest"))).unwrap(),
            "https://acme.file-ingest.chargebee.com/api/v2"
        );
        assert_eq!(
            direct.api_root(&op(None)).unwrap(),
            "https://acme.chargebee.com/api/v2"
        );
        let gateway = crate::Client::builder().maton_api_key("k").build().unwrap();
        assert_eq!(
            gateway.api_root(&op(Some("grow"))).unwrap(),
            "https://gateway.maton.ai/chargebee/api/v2"
        );
        let proxied = crate::Client::builder()
            .direct("acme", "key")
            .base_url("https://proxy.example")
            .build()
            .unwrap();
        assert_eq!(
            proxied.api_root(&op(Some("grow"))).unwrap(),
            "https://proxy.example/api/v2"
        );
    }

    #[test]
    fn control_calls_need_a_control_root_once_the_chargebee_root_is_replaced() {
        use super::{ApiBase, BodyKind, HttpMethod, Operation};
        let list = Operation {
            id: "connection.list",
            path: PathTemplate::fixed("/connections"),
            method: HttpMethod::Get,
            base: ApiBase::Control,
            body: BodyKind::Query,
            subdomain: None,
            idempotent: false,
        };
        let local = || {
            crate::Client::builder()
                .maton_api_key("k")
                .base_url("http://127.0.0.1:12111/chargebee")
        };
        let err = local().build().unwrap().api_root(&list).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, crate::Error::Config(_)), "{message}");
        assert!(message.contains("connection.list"), "{message}");
        assert!(message.contains("127.0.0.1:12111"), "{message}");
        assert!(message.contains("ctrl.maton.ai"), "{message}");
        let both = local()
            .control_base_url("http://127.0.0.1:12111")
            .build()
            .unwrap();
        assert_eq!(both.api_root(&list).unwrap(), "http://127.0.0.1:12111");
        let default = crate::Client::builder().maton_api_key("k").build().unwrap();
        assert_eq!(default.api_root(&list).unwrap(), "https://ctrl.maton.ai");
    }

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

#[cfg(test)]
mod properties {
    use super::*;
    use crate::customer::RetrieveResponse;
    use proptest::prelude::*;

    const OP: Operation = Operation {
        id: "customer.retrieve",
        path: PathTemplate {
            text: "/customers/{customer_id}",
            head: "/customers/",
            param: Some(("customer_id", "")),
        },
        method: HttpMethod::Get,
        base: ApiBase::Chargebee,
        body: BodyKind::Query,
        subdomain: None,
        idempotent: false,
    };

    const CUSTOMER: &str = r#"{"customer":{"id":"c","auto_collection":"on","net_term_days":0,
        "allow_direct_debit":false,"created_at":1,"promotional_credits":0,"refundable_credits":0,
        "excess_payments":0,"unbilled_charges":0,"deleted":false,"cf_x":[1,{"a":null}]}}"#;

    /// What every answer must give: for a 2xx status the value or a `Decode` error carrying
    /// the status and the body as received; for any other status an error of that status
    /// that is not a `Decode` error; and in every message, server text with its control
    /// characters escaped.
    fn check_outcome(status: u16, body: &[u8], outcome: &Result<RetrieveResponse, Error>) {
        let error = match outcome {
            Ok(_) => {
                assert!(
                    (200..300).contains(&status),
                    "HTTP {status} decoded as a success"
                );
                return;
            }
            Err(error) => error,
        };
        let shown = error.to_string();
        assert!(!shown.chars().any(char::is_control), "unescaped: {shown:?}");
        if (200..300).contains(&status) {
            let Error::Decode {
                status: s,
                body: kept,
                ..
            } = error
            else {
                panic!("HTTP {status}: {error:?}");
            };
            assert_eq!(*s, status);
            assert_eq!(kept, &String::from_utf8_lossy(answer_json(body)));
        } else {
            assert!(!matches!(error, Error::Decode { .. }), "{error:?}");
            assert_eq!(error.status(), Some(status), "{error:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn arbitrary_answers_give_the_outcome_their_status_means(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
            let outcome = decode::<RetrieveResponse>(&OP, status, &body, true);
            check_outcome(status, &body, &outcome);
        }

        #[test]
        fn damaged_answers_give_the_outcome_their_status_means(cut in 0usize..400, at in 0usize..400, byte in any::<u8>(), status in prop::sample::select(vec![200u16, 400, 404, 429, 500])) {
            let mut body = CUSTOMER.as_bytes().to_vec();
            let at = at % body.len();
            body[at] = byte;
            body.truncate(cut.min(body.len()));
            let outcome = decode::<RetrieveResponse>(&OP, status, &body, at.is_multiple_of(2));
            check_outcome(status, &body, &outcome);
            if status == 200 && body == CUSTOMER.as_bytes() {
                prop_assert_eq!(outcome.unwrap().customer.id, "c");
            }
        }
    }

    #[test]
    fn the_sample_customer_decodes() {
        let r: RetrieveResponse = decode(&OP, 200, CUSTOMER.as_bytes(), true).unwrap();
        assert_eq!(r.customer.id, "c");
    }
}
