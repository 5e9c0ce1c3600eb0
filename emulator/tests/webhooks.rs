//! State changes raise events: recorded for `event.list`, and POSTed in order to the
//! configured webhook with HTTP Basic, decodable by the client's webhook support.

use crate::support::catalog;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chargebee::enums::EventType;
use chargebee::event::WebhookStatus;
use chargebee::subscription::CreateWithItemsSubscriptionItemsParams;
use chargebee::webhook::{parse_event, verify_basic_auth};
use chargebee_emulator::{Config, Emulator, Webhook};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// A receiver on 127.0.0.1 passing each request's `Authorization` and body on.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(Option<String>, Bytes)>) {
    let (send, receive) = mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(
        |State(send): State<mpsc::UnboundedSender<(Option<String>, Bytes)>>,
         headers: HeaderMap,
         body: Bytes| async move {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let _ = send.send((auth, body));
            "ok"
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/chargebee", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app.with_state(send)).await });
    (url, receive)
}

#[tokio::test]
async fn changes_are_delivered_in_order_with_basic_auth() {
    let (url, mut received) = receiver().await;
    let webhook = Webhook {
        url,
        username: "hook".into(),
        password: "s3cret".into(),
        disorder: false,
    };
    let config = Config {
        webhook: Some(webhook),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();

    catalog(&client).await;
    client
        .customers()
        .create()
        .id("cus_hook")
        .email("hook@example.com")
        .send()
        .await
        .unwrap();
    client
        .customers()
        .update("cus_hook")
        .first_name("Hook")
        .send()
        .await
        .unwrap();
    let subscription = client
        .subscriptions()
        .create_with_items("cus_hook")
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )])
        .send()
        .await
        .unwrap()
        .subscription;
    client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .send()
        .await
        .unwrap();

    let expected = [
        EventType::ItemFamilyCreated,
        EventType::ItemCreated,
        EventType::ItemPriceCreated,
        EventType::CustomerCreated,
        EventType::CustomerChanged,
        EventType::SubscriptionCreated,
        EventType::InvoiceGenerated,
        EventType::SubscriptionCancelled,
    ];
    let mut ids = Vec::new();
    for want in &expected {
        let (auth, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
            .await
            .expect("delivered in time")
            .unwrap();
        assert!(
            verify_basic_auth(auth.as_deref(), "hook", "s3cret").unwrap(),
            "{auth:?}"
        );
        let event = parse_event(&body).unwrap();
        assert_eq!(event.event_type.as_ref(), Some(want));
        ids.push(event.id.clone());
        if *want == EventType::CustomerChanged {
            let customer = event
                .content
                .customer
                .expect("the customer is in the content");
            assert_eq!(customer.first_name.as_deref(), Some("Hook"));
        }
        if *want == EventType::SubscriptionCancelled {
            assert_eq!(event.content.subscription.unwrap().id, subscription.id);
        }
    }

    let listed = client.events().list().limit(20).send().await.unwrap();
    let mut listed_ids: Vec<String> = listed.list.iter().map(|e| e.event.id.clone()).collect();
    listed_ids.reverse();
    assert_eq!(
        listed_ids, ids,
        "event.list holds the same events, newest first"
    );
    let one = client
        .events()
        .retrieve(&ids[0])
        .send()
        .await
        .unwrap()
        .event;
    assert_eq!(one.event_type, Some(EventType::ItemFamilyCreated));
}

/// Moving the clock delivers what fell due without any call: a renewal's events reach the
/// webhook, decodable, with the renewal's time and the new term.
#[tokio::test]
async fn moving_the_clock_delivers_renewals() {
    let (url, mut received) = receiver().await;
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        webhook: Some(Webhook {
            url,
            username: "hook".into(),
            password: "s3cret".into(),
            disorder: false,
        }),
        now: Some(start),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    client.customers().create().id("ada").send().await.unwrap();
    client
        .subscriptions()
        .create_with_items("ada")
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )])
        .send()
        .await
        .unwrap();
    let before = [
        EventType::ItemFamilyCreated,
        EventType::ItemCreated,
        EventType::ItemPriceCreated,
        EventType::CustomerCreated,
        EventType::SubscriptionCreated,
        EventType::InvoiceGenerated,
    ];
    for want in &before {
        let (_, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
            .await
            .expect("delivered in time")
            .unwrap();
        assert_eq!(parse_event(&body).unwrap().event_type.as_ref(), Some(want));
    }

    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let may = 1_778_414_400; // 2026-05-10T12:00:00Z
    emulator.clock().set(april).unwrap();
    let (_, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("delivered without a call")
        .unwrap();
    let reminder = parse_event(&body).unwrap();
    assert_eq!(
        reminder.event_type,
        Some(EventType::SubscriptionRenewalReminder)
    );
    // 7 April 2026, 12:00: 3 days before the renewal.
    assert_eq!(reminder.occurred_at.map(|t| t.0), Some(1_775_563_200));
    let (_, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("delivered without a call")
        .unwrap();
    let renewed = parse_event(&body).unwrap();
    assert_eq!(renewed.event_type, Some(EventType::SubscriptionRenewed));
    assert_eq!(renewed.occurred_at.map(|t| t.0), Some(april));
    let subscription = renewed.content.subscription.expect("the subscription");
    assert_eq!(subscription.current_term_start.map(|t| t.0), Some(april));
    assert_eq!(subscription.current_term_end.map(|t| t.0), Some(may));
    let (_, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("delivered without a call")
        .unwrap();
    let invoiced = parse_event(&body).unwrap();
    assert_eq!(invoiced.event_type, Some(EventType::InvoiceGenerated));
    assert_eq!(
        invoiced
            .content
            .invoice
            .expect("the invoice")
            .date
            .map(|t| t.0),
        Some(april)
    );
}

/// A receiver that answers HTTP 500, then 404, then 204: the event is delivered three times,
/// 2 and then 6 minutes apart on the emulator's clock, and its `webhook_status` goes
/// `re_scheduled`, then `succeeded` (any 2XX answer is a success, as Chargebee documents).
#[tokio::test]
async fn a_failed_delivery_is_retried_on_chargebees_schedule() {
    let answers = Arc::new(Mutex::new(vec![500u16, 404, 204]));
    let (send, mut received) = mpsc::unbounded_channel::<Bytes>();
    let app = axum::Router::new().fallback(move |body: Bytes| {
        let (answers, send) = (answers.clone(), send.clone());
        async move {
            let _ = send.send(body);
            let status = answers.lock().unwrap().remove(0);
            axum::http::StatusCode::from_u16(status).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = Config {
        webhook: Some(Webhook {
            url,
            username: "hook".into(),
            password: "s3cret".into(),
            disorder: false,
        }),
        now: Some(1_773_144_000),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    client.customers().create().id("ada").send().await.unwrap();
    let status = |client: chargebee::Client| async move {
        let page = client.events().list().send().await.unwrap();
        let event = page.list[0].event.clone();
        (event.id, event.webhook_status)
    };
    let wait_for = |want: WebhookStatus| {
        let client = client.clone();
        async move {
            for _ in 0..200 {
                let (_, got) = status(client.clone()).await;
                if got.as_ref() == Some(&want) {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("webhook_status never became {want:?}");
        }
    };
    let first = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .unwrap()
        .unwrap();
    wait_for(WebhookStatus::ReScheduled).await;
    // Not before the 2 minutes are up.
    emulator.clock().advance(Duration::from_secs(119));
    assert!(
        tokio::time::timeout(Duration::from_millis(100), received.recv())
            .await
            .is_err()
    );
    emulator.clock().advance(Duration::from_secs(1));
    let second = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .unwrap()
        .unwrap();
    wait_for(WebhookStatus::ReScheduled).await;
    emulator.clock().advance(Duration::from_secs(360));
    let third = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .unwrap()
        .unwrap();
    wait_for(WebhookStatus::Succeeded).await;
    let (id, _) = status(client.clone()).await;
    for body in [first, second, third] {
        assert_eq!(
            parse_event(&body).unwrap().id,
            id,
            "the same event each time"
        );
    }
    // Nothing more is sent.
    emulator.clock().advance(Duration::from_secs(86_400 * 3));
    client.customers().list().send().await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(100), received.recv())
            .await
            .is_err()
    );
}

/// With `disorder`, each event comes twice and after the one raised next: a subscription's
/// creation raises `subscription_created` then `invoice_generated`, which arrive as
/// `invoice_generated` twice, then `subscription_created` twice.
#[tokio::test]
async fn disorder_delivers_twice_and_out_of_order() {
    // The catalog and customer come from a state made without a webhook, so the one call
    // below raises the only events.
    let setup = Emulator::start().await.unwrap();
    catalog(&setup.direct_client()).await;
    setup
        .direct_client()
        .customers()
        .create()
        .id("ada")
        .send()
        .await
        .unwrap();
    let (url, mut received) = receiver().await;
    let config = Config {
        webhook: Some(Webhook {
            url,
            username: "hook".into(),
            password: "s3cret".into(),
            disorder: true,
        }),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    emulator.restore(&setup.state()).unwrap();
    emulator
        .direct_client()
        .subscriptions()
        .create_with_items("ada")
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )])
        .send()
        .await
        .unwrap();
    let mut kinds = Vec::new();
    for _ in 0..4 {
        let (_, body) = tokio::time::timeout(Duration::from_secs(5), received.recv())
            .await
            .unwrap()
            .unwrap();
        kinds.push(parse_event(&body).unwrap().event_type.unwrap());
    }
    assert_eq!(
        kinds,
        [
            EventType::InvoiceGenerated,
            EventType::InvoiceGenerated,
            EventType::SubscriptionCreated,
            EventType::SubscriptionCreated
        ]
    );
}
