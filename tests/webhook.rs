//! Webhook bodies decode into the typed event, with the resources their content carries.

use chargebee::enums::{EventType, Source};
use chargebee::{subscription, webhook};
use chargebee_tests::fixture;
use serde_json::json;

fn body(event_type: &str, content: serde_json::Value) -> Vec<u8> {
    json!({
        "id": "ev_16BPgETyVrQbiGhA",
        "occurred_at": 1704067260,
        "source": "admin_console",
        "user": "ada@example.com",
        "object": "event",
        "api_version": "v2",
        "webhook_status": "scheduled",
        "event_type": event_type,
        "content": content
    })
    .to_string()
    .into_bytes()
}

#[test]
fn subscription_created_carries_subscription_customer_and_card() {
    let raw = body(
        "subscription_created",
        json!({"subscription": fixture("subscription"), "customer": fixture("customer"), "card": fixture("card")}),
    );
    let event = webhook::parse_event(&raw).unwrap();
    assert_eq!(event.id, "ev_16BPgETyVrQbiGhA");
    assert_eq!(event.event_type, Some(EventType::SubscriptionCreated));
    assert_eq!(event.source, Some(Source::AdminConsole));
    assert_eq!(event.occurred_at.map(|t| t.unix()), Some(1704067260));
    let content = &event.content;
    assert_eq!(
        content.subscription.as_ref().unwrap().status,
        Some(subscription::Status::Active)
    );
    assert_eq!(
        content.customer.as_ref().unwrap().email.as_deref(),
        Some("ada@example.com")
    );
    assert_eq!(
        content.card.as_ref().unwrap().last4.as_deref(),
        Some("1111")
    );
    assert!(content.invoice.is_none());
}

#[test]
fn payment_succeeded_carries_the_invoice() {
    let raw = body(
        "payment_succeeded",
        json!({"invoice": fixture("invoice"), "customer": fixture("customer")}),
    );
    let event = webhook::parse_event(&raw).unwrap();
    assert_eq!(event.event_type, Some(EventType::PaymentSucceeded));
    assert_eq!(event.content.invoice.unwrap().amount_paid, Some(3500));
}

#[test]
fn an_event_type_added_later_decodes_as_unknown() {
    let raw = body(
        "customer_teleported",
        json!({"customer": fixture("customer")}),
    );
    let event = webhook::parse_event(&raw).unwrap();
    assert_eq!(
        event.event_type,
        Some(EventType::Unknown("customer_teleported".into()))
    );
}

#[test]
fn a_body_that_is_not_an_event_is_an_error() {
    for bad in [&br#"{"occurred_at": 1704067260}"#[..], b"[]", b"<html>"] {
        let err = webhook::parse_event(bad).unwrap_err();
        assert!(err.to_string().contains("webhook"), "{err}");
    }
}
