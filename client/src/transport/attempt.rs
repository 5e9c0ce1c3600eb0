//! One attempt: the prepared request sent, its whole answer read (within the size limit,
//! redirects refused), and its status read as a success or as the error the answer carries.

use super::{Operation, Prepared};
use crate::client::Client;
#[cfg(test)]
use crate::error::decode_json;
use crate::error::{snippet, ApiError, Error, GatewayErrorKind};
use crate::retry::{parse_retry_after, Failure};
use reqwest::header::RETRY_AFTER;
#[cfg(test)]
use serde::de::DeserializeOwned;
use std::time::{Duration, SystemTime};

/// The header saying a response was replayed.
const IDEMPOTENCY_REPLAYED: &str = "chargebee-idempotency-replayed";

/// One attempt's answer, read in full.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) retry_after: Option<Duration>,
    pub(super) replayed: bool,
    pub(super) body: Vec<u8>,
}

impl Client {
    /// Sends one attempt and reads its whole answer.
    pub(super) async fn attempt(
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
        let too_large = || {
            let error = Error::BodyTooLarge {
                operation: op.id,
                status,
                limit,
            };
            (Failure::Status(status), error)
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(op, e))? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
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
fn decode<T: DeserializeOwned>(
    op: &Operation,
    status: u16,
    body: &[u8],
    via_maton: bool,
) -> Result<T, Error> {
    check_status(op, status, body, via_maton)?;
    decode_json(op.id, status, answer_json(body))
}

/// The JSON text of a 2xx answer's body: an empty body reads as `{}`.
pub(super) fn answer_json(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    }
}

/// `Ok` for a 2xx status; otherwise the error the answer carries. Never panics, whatever
/// the bytes.
pub(super) fn check_status(
    op: &Operation,
    status: u16,
    body: &[u8],
    via_maton: bool,
) -> Result<(), Error> {
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
mod properties {
    use super::{answer_json, decode};
    use crate::customer::RetrieveResponse;
    use crate::transport::{ApiBase, BodyKind, HttpMethod, Operation, PathTemplate};
    use crate::Error;
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
