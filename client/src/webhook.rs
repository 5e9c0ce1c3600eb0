//! Receiving Chargebee webhooks: decode the body into a typed event, and check the HTTP Basic
//! credentials Chargebee sends with it.
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
//! assert!(webhook::verify_basic_auth(Some(header), "hook", "s3cret"));
//! let event = webhook::parse_event(body).unwrap();
//! assert_eq!(event.event_type, Some(EventType::CustomerCreated));
//! assert_eq!(event.content.customer.unwrap().id, "cus_1");
//! ```

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
/// webhook. The comparison takes the same time wherever the header differs.
pub fn verify_basic_auth(authorization: Option<&str>, username: &str, password: &str) -> bool {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
    );
    let given = authorization.unwrap_or("").trim();
    constant_time_eq(given.as_bytes(), expected.as_bytes())
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

    #[test]
    fn credentials_must_match_exactly() {
        let good = "Basic aG9vazpzM2NyZXQ=";
        assert!(verify_basic_auth(Some(good), "hook", "s3cret"));
        assert!(!verify_basic_auth(Some(good), "hook", "s3cret!"));
        assert!(!verify_basic_auth(Some(good), "Hook", "s3cret"));
        assert!(!verify_basic_auth(
            Some("Basic aG9vazpzM2NyZXR="),
            "hook",
            "s3cret"
        ));
        assert!(!verify_basic_auth(
            Some("Bearer aG9vazpzM2NyZXQ="),
            "hook",
            "s3cret"
        ));
        assert!(!verify_basic_auth(None, "hook", "s3cret"));
        assert!(!verify_basic_auth(Some(""), "", ""));
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
