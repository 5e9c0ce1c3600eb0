//! Webhook bodies decode into the typed event, with the resources their content carries.

use chargebee::enums::{EventType, Source};
use chargebee::event_content::{EventContent, SubscriptionCreated};
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

/// A body for event `id` of type `event_type` carrying the sample subscription.
fn event_body(id: &str, event_type: &str) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(&body(
        event_type,
        json!({"subscription": fixture("subscription"), "customer": fixture("customer")}),
    ))
    .unwrap();
    value["id"] = json!(id);
    value.to_string().into_bytes()
}

/// The `Authorization` header of `hook` / `s3cret`.
const GOOD: &str = "Basic aG9vazpzM2NyZXQ=";

/// A receiver whose handlers note what they saw in `seen`: subscription ids for
/// `subscription_created`, `fallback:<type>` for any other type; a `payment_failed` handler
/// that fails until `fail` is cleared.
fn receiver(
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    fail: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> webhook::Receiver {
    use std::sync::atomic::Ordering;
    let (created, other) = (seen.clone(), seen);
    let dispatcher = webhook::Dispatcher::new()
        .on(move |event, content: SubscriptionCreated| {
            let seen = created.clone();
            async move {
                // The resources moved into the typed content; the event keeps none.
                assert!(event.content.subscription.is_none());
                let subscription = content.subscription.ok_or("no subscription")?;
                let customer = content.customer.ok_or("no customer")?;
                seen.lock()
                    .unwrap()
                    .push(format!("{} of {}", subscription.id, customer.id));
                Ok(())
            }
        })
        .on_type(EventType::PaymentFailed, move |_| {
            let fail = fail.load(Ordering::SeqCst);
            async move {
                if fail {
                    return Err("the ledger is down".into());
                }
                Ok(())
            }
        })
        .fallback(move |event| {
            let seen = other.clone();
            async move {
                let kind = match event.event_type {
                    Some(EventType::Unknown(kind)) => kind,
                    other => format!("{other:?}"),
                };
                seen.lock().unwrap().push(format!("fallback:{kind}"));
                Ok(())
            }
        });
    webhook::Receiver::new(dispatcher, "hook", "s3cret").unwrap()
}

#[tokio::test]
async fn events_reach_their_handler_once_and_are_answered_as_chargebee_expects() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use webhook::Outcome;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fail = Arc::new(AtomicBool::new(true));
    let receiver = receiver(seen.clone(), fail.clone());
    let subscription_id = format!(
        "{} of {}",
        fixture("subscription")["id"].as_str().unwrap(),
        fixture("customer")["id"].as_str().unwrap()
    );

    let created = event_body("ev_1", "subscription_created");
    let receipt = receiver.receive(Some(GOOD), &created).await;
    assert_eq!(
        (receipt.status, receipt.outcome),
        (200, Some(Outcome::Handled))
    );
    // The same event again: answered 200, not handled twice.
    let receipt = receiver.receive(Some(GOOD), &created).await;
    assert_eq!(
        (receipt.status, receipt.outcome),
        (200, Some(Outcome::Duplicate))
    );
    // A type this version does not know reaches the fallback.
    let later = event_body("ev_2", "subscription_teleported");
    assert_eq!(receiver.receive(Some(GOOD), &later).await.status, 200);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            subscription_id,
            "fallback:subscription_teleported".to_string()
        ]
    );

    // A failing handler: 500, so Chargebee sends it again; handled once it succeeds.
    let failed = event_body("ev_3", "payment_failed");
    let receipt = receiver.receive(Some(GOOD), &failed).await;
    assert_eq!((receipt.status, receipt.outcome), (500, None));
    fail.store(false, Ordering::SeqCst);
    let receipt = receiver.receive(Some(GOOD), &failed).await;
    assert_eq!(
        (receipt.status, receipt.outcome),
        (200, Some(Outcome::Handled))
    );

    // Wrong or missing credentials: 401, nothing handled; a body that is no event: 400.
    let other = event_body("ev_4", "subscription_created");
    for header in [
        None,
        Some("Basic aG9vazp3cm9uZw=="),
        Some("Bearer aG9vazpzM2NyZXQ="),
    ] {
        let receipt = receiver.receive(header, &other).await;
        assert_eq!((receipt.status, receipt.outcome), (401, None), "{header:?}");
    }
    assert_eq!(receiver.receive(Some(GOOD), b"<html>").await.status, 400);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // Empty credentials are refused when the receiver is made.
    let refused = webhook::Receiver::new(webhook::Dispatcher::new(), "hook", "");
    assert!(matches!(refused, Err(chargebee::Error::Config(_))));
}

#[test]
fn the_memory_log_forgets_the_oldest_ids_beyond_its_capacity() {
    use webhook::EventLog;
    let log = webhook::MemoryEventLog::new(2);
    for id in ["ev_1", "ev_2", "ev_3"] {
        log.mark_handled(id);
    }
    assert!(!log.handled("ev_1"));
    assert!(log.handled("ev_2") && log.handled("ev_3"));
    log.mark_handled("ev_3");
    assert!(
        log.handled("ev_2"),
        "marking an id again does not push one out"
    );
}

#[tokio::test]
async fn the_axum_route_answers_with_the_receipts_status() {
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let router = receiver(seen.clone(), Arc::new(AtomicBool::new(false))).router("/chargebee");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/chargebee", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let http = reqwest::Client::new();
    let post = |authorization: Option<&'static str>, body: Vec<u8>| {
        let mut request = http.post(&url).body(body);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let created = event_body("ev_1", "subscription_created");
    assert_eq!(post(Some(GOOD), created.clone()).await, 200);
    assert_eq!(post(Some(GOOD), created).await, 200);
    assert_eq!(
        post(None, event_body("ev_2", "subscription_created")).await,
        401
    );
    assert_eq!(post(Some(GOOD), b"not json".to_vec()).await, 400);
    assert_eq!(seen.lock().unwrap().len(), 1, "handled once");
}

#[test]
fn typed_content_holds_the_resources_its_type_carries_and_keeps_the_rest() {
    let raw = body(
        "subscription_created",
        json!({"subscription": fixture("subscription"), "customer": fixture("customer"),
            "gift": {"id": "gift_1"}, "loyalty_card": {"points": 12}}),
    );
    let event = webhook::parse_event(&raw).unwrap();
    let EventContent::SubscriptionCreated(content) =
        EventContent::new(event.event_type.as_ref(), event.content)
    else {
        panic!("not the content of subscription_created");
    };
    assert_eq!(
        content.subscription.unwrap().status,
        Some(subscription::Status::Active)
    );
    assert_eq!(
        content.customer.unwrap().email.as_deref(),
        Some("ada@example.com")
    );
    assert!(content.card.is_none() && content.invoice.is_none());
    // What the type does not list stays in `other`: a resource, and a key no resource names.
    assert_eq!(content.other.gift.unwrap().id, "gift_1");
    assert_eq!(content.other.extra["loyalty_card"], json!({"points": 12}));
    assert!(content.other.subscription.is_none());

    // A type with no documented list, and one this version does not know: the whole content.
    for kind in ["dunning_updated", "customer_teleported"] {
        let raw = body(kind, json!({"customer": fixture("customer")}));
        let event = webhook::parse_event(&raw).unwrap();
        let EventContent::Other(content) =
            EventContent::new(event.event_type.as_ref(), event.content)
        else {
            panic!("{kind} has no typed content");
        };
        assert!(content.customer.is_some(), "{kind}");
    }
}

/// Every event type the spec lists the content of: a body carrying each listed resource (and
/// one resource it does not list) becomes that type's content, holding the listed resources,
/// with only the other one left in `other`.
#[test]
fn every_listed_event_type_has_its_own_content_type() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let files = chargebee_codegen::load::load_dir(&root.join("spec")).unwrap();
    let api = chargebee_codegen::validate::validate(&files).unwrap();
    assert!(
        api.event_contents.len() >= 200,
        "{}",
        api.event_contents.len()
    );
    for listed in &api.event_contents {
        let stray = if listed.keys.iter().any(|k| k == "gift") {
            "order"
        } else {
            "gift"
        };
        let mut content = serde_json::Map::new();
        for key in listed.keys.iter().map(String::as_str).chain([stray]) {
            content.insert(key.to_string(), json!({"id": format!("{key}_1")}));
        }
        let event = webhook::parse_event(&body(&listed.event_type, content.into())).unwrap();
        let typed = format!(
            "{:?}",
            EventContent::new(event.event_type.as_ref(), event.content)
        );
        let kind = &listed.event_type;
        assert!(
            typed.starts_with(&format!("{}({} {{", listed.name, listed.name)),
            "{kind}: {typed:.80}"
        );
        let (own, other) = typed.split_once(" other: Content {").expect(kind);
        for key in &listed.keys {
            let id = format!("\"{key}_1\"");
            assert!(
                own.contains(&format!("{key}: Some(")) && own.contains(&id),
                "{kind}: {key}"
            );
            assert!(!other.contains(&id), "{kind}: {key} left in other");
        }
        assert!(other.contains(&format!("\"{stray}_1\"")), "{kind}: {stray}");
    }
}
