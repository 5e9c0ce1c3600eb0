//! Receiving Chargebee webhooks: decode the body into a typed event, and check the HTTP Basic
//! credentials Chargebee sends with it; or let a [`Receiver`] do both and route each event,
//! once, to the handler of its type ([`Dispatcher`]), answering with the status Chargebee
//! expects (behind the feature `axum`, as an axum route).
//!
//! ```
//! use chargebee::webhook;
//! use chargebee::enums::EventType;
//!
//! let body = br#"{"id": "ev_1", "occurred_at": 1704067200, "source": "admin_console",
//!     "webhook_status": "scheduled", "event_type": "customer_created",
//!     "content": {"customer": {"id": "cus_1", "auto_collection": "on", "net_term_days": 0,
//!     "allow_direct_debit": false, "created_at": 1704067200, "deleted": false,
//!     "promotional_credits": 0, "refundable_credits": 0, "excess_payments": 0,
//!     "unbilled_charges": 0}}}"#;
//! let header = "Basic aG9vazpzM2NyZXQ="; // hook:s3cret
//! assert!(webhook::verify_basic_auth(Some(header), "hook", "s3cret")?);
//! let event = webhook::parse_event(body).unwrap();
//! assert_eq!(event.event_type, Some(EventType::CustomerCreated));
//! assert_eq!(event.content.customer.unwrap().id, "cus_1");
//! # Ok::<(), chargebee::Error>(())
//! ```

mod dispatch;
mod receiver;

pub use dispatch::{Dispatcher, EventLog, HandlerError, MemoryEventLog, Outcome};
pub use receiver::{Receipt, Receiver};

use crate::error::decode_json;
use crate::webhook_event::WebhookEvent;
use crate::Error;
use base64::Engine;

/// Decodes a webhook body. An event type this version does not know decodes as
/// `EventType::Unknown`, and the resources in `content` are whichever the event carries.
// Inline: the decoder of every resource an event can carry is compiled only into the crates
// that read webhooks.
#[inline]
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, Error> {
    decode_json("webhook", 200, body)
}

/// Whether an `Authorization` header carries the user name and password configured for the
/// webhook (HTTP Basic, RFC 7617: the scheme in any case). The comparison takes the same time
/// wherever the credentials differ.
///
/// An empty user name or password is [`Error::Config`], never a match: an unset environment
/// variable must not let anyone post events. So is a user name with `:`, which HTTP Basic
/// cannot carry.
pub fn verify_basic_auth(
    authorization: Option<&str>,
    username: &str,
    password: &str,
) -> Result<bool, Error> {
    if username.is_empty() || password.is_empty() {
        return Err(Error::Config(
            "the webhook's user name or password is empty: empty credentials would let anyone \
             post events (is an environment variable unset?)"
                .into(),
        ));
    }
    if username.contains(':') {
        return Err(Error::Config(
            "the webhook's user name contains `:`, which HTTP Basic cannot carry".into(),
        ));
    }
    let Some((scheme, token)) = authorization.and_then(|h| h.trim().split_once([' ', '\t'])) else {
        return Ok(false);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(false);
    }
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(token.trim()) else {
        return Ok(false);
    };
    let expected = format!("{username}:{password}");
    Ok(constant_time_eq(&given, expected.as_bytes()))
}

/// Compares every byte of the longer input, so the time does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(std::hint::black_box(x ^ y));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `verify_basic_auth` with the configuration `hook` / `s3cret`.
    fn verify(header: Option<&str>) -> bool {
        verify_basic_auth(header, "hook", "s3cret").unwrap()
    }

    #[test]
    fn credentials_must_match_exactly() {
        let good = "Basic aG9vazpzM2NyZXQ="; // hook:s3cret
        assert!(verify(Some(good)));
        assert!(!verify_basic_auth(Some(good), "hook", "s3cret!").unwrap());
        assert!(!verify_basic_auth(Some(good), "Hook", "s3cret").unwrap());
        assert!(!verify(Some("Basic aG9vazpzM2NyZXR=")));
        assert!(!verify(Some("Bearer aG9vazpzM2NyZXQ=")));
        assert!(!verify(Some("BasicaG9vazpzM2NyZXQ=")));
        assert!(!verify(Some("Basic not base64!")));
        assert!(!verify(Some("Basic Og==")), "`:`, an empty pair");
        assert!(!verify(Some("")));
        assert!(!verify(None));
    }

    #[test]
    fn the_scheme_is_matched_in_any_case() {
        for header in [
            "basic aG9vazpzM2NyZXQ=",
            "BASIC aG9vazpzM2NyZXQ=",
            "bAsIc  aG9vazpzM2NyZXQ=",
            " Basic\taG9vazpzM2NyZXQ= ",
        ] {
            assert!(verify(Some(header)), "{header:?}");
        }
    }

    #[test]
    fn empty_configured_credentials_are_a_configuration_error() {
        let empty_pair = Some("Basic Og=="); // `:`
        for (user, password) in [("", ""), ("hook", ""), ("", "s3cret")] {
            let err = verify_basic_auth(empty_pair, user, password).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err}");
            assert!(err.to_string().contains("empty"), "{err}");
            let err = verify_basic_auth(None, user, password).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err}");
        }
        let err = verify_basic_auth(Some("Basic YTpiOmM="), "a:b", "c").unwrap_err();
        assert!(err.to_string().contains("`:`"), "{err}");
    }

    #[test]
    fn equality_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn a_bad_body_is_a_decode_error() {
        let err = parse_event(b"<html>").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Decode {
                    operation: "webhook",
                    ..
                }
            ),
            "{err}"
        );
    }
}
