//! The request every attempt of a call sends, built once: the URL (the API root, the path,
//! the query), the body, and the headers, the credentials among them marked sensitive so
//! that whatever shows them ([`redacted`]) shows their scheme only.

use super::{ApiBase, BodyKind, CallOptions, HttpMethod, Operation};
use crate::client::{Auth, Client};
use crate::error::Error;
use crate::form::{Form, FormEncode};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};

/// The header carrying an idempotency key.
pub(crate) const IDEMPOTENCY_KEY: &str = "chargebee-idempotency-key";
/// The header naming the Maton connection a gateway call goes through.
const MATON_CONNECTION: &str = "maton-connection";

/// What a sensitive header value shows of itself: its scheme (`Bearer`, `Basic`) and no more.
const REDACTED: &str = "<redacted>";

/// A request ready to be sent, as many times as the retry policy allows.
pub(crate) struct Prepared {
    pub(super) method: reqwest::Method,
    pub(crate) url: String,
    /// Every header the client sets, the credentials marked sensitive.
    pub(crate) headers: HeaderMap,
    /// The body, shared, not copied, by every attempt (its type is among the headers).
    pub(crate) body: Option<Bytes>,
    pub(super) idempotency_key: Option<String>,
}

/// Parameters encoded for the wire, as `op.body` says.
pub(crate) enum Payload {
    /// A query string, without its `?`.
    Query(String),
    /// A body and its content type.
    Body(&'static str, Bytes),
}

impl Payload {
    /// `params` as `op` sends them.
    pub(crate) fn encode(op: &Operation, params: &dyn FormEncode) -> Result<Payload, Error> {
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
    /// Builds the URL, body and headers that every attempt sends.
    pub(crate) fn prepare(
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

    /// The forms the client's key takes on the wire: as it is, and for direct calls the
    /// Base64 of HTTP Basic (with and without the empty password).
    pub(super) fn secrets(&self) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use crate::transport::PathTemplate;

    #[test]
    fn subdomain_operations_go_to_their_host_in_direct_mode() {
        use crate::transport::{ApiBase, BodyKind, HttpMethod, Operation};
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
        use crate::transport::{ApiBase, BodyKind, HttpMethod, Operation};
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
}
