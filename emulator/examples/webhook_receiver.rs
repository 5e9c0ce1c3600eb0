//! A webhook receiver on a real HTTP server: `chargebee::webhook::Receiver` checks the HTTP
//! Basic credentials configured for the endpoint, decodes each event and hands it, once, to
//! the `Dispatcher`'s handler of its type with its typed content, answering with the status
//! Chargebee expects.
//!
//! `cargo run -p chargebee-emulator --example webhook_receiver` serves the receiver on
//! 127.0.0.1 (`Receiver::router`, feature `axum` of `chargebee`), starts an emulator that
//! delivers its events there, makes the calls that raise them (a customer, a catalog, a
//! subscription, its cancellation), and ends once every event has arrived, in order. It also
//! shows a delivery with the wrong password refused with 401.

use chargebee::enums::{CancelOption, ItemType, PeriodUnit};
use chargebee::event_content::{
    CustomerCreated, InvoiceGenerated, SubscriptionCancelled, SubscriptionCreated,
};
use chargebee::subscription::CreateWithItemsSubscriptionItemsParams;
use chargebee::webhook::{Dispatcher, Receiver};
use chargebee::ApiEnum;
use chargebee_emulator::{Config, Emulator, Webhook};
use std::time::Duration;
use tokio::sync::mpsc;

/// The credentials configured for the endpoint, in Chargebee and here.
const USER: &str = "hooks";
const PASSWORD: &str = "a-long-random-password";

/// The event types the calls below raise, in the order they happen.
const EXPECTED: [&str; 7] = [
    "item_family_created",
    "item_created",
    "item_price_created",
    "customer_created",
    "subscription_created",
    "invoice_generated",
    "subscription_cancelled",
];

/// The handlers: a few event types acted on, the rest printed; each reports its type on
/// `handled`.
fn dispatcher(handled: mpsc::UnboundedSender<String>) -> Dispatcher {
    let report = move |event: &chargebee::webhook_event::WebhookEvent| {
        let kind = event.event_type.as_ref().map_or("", ApiEnum::as_str);
        let _ = handled.send(kind.to_string());
    };
    let (welcome, provision, bill, deprovision, other) = (
        report.clone(),
        report.clone(),
        report.clone(),
        report.clone(),
        report,
    );
    Dispatcher::new()
        .on(move |event, content: CustomerCreated| {
            let email = content.customer.and_then(|c| c.email);
            println!("{}: welcome {email:?}", event.id);
            welcome(&event);
            async { Ok(()) }
        })
        .on(move |event, content: SubscriptionCreated| {
            if let Some(subscription) = &content.subscription {
                println!(
                    "{}: provision {} ({:?})",
                    event.id, subscription.id, subscription.status
                );
            }
            provision(&event);
            async { Ok(()) }
        })
        .on(move |event, content: InvoiceGenerated| {
            if let Some(invoice) = &content.invoice {
                println!(
                    "{}: invoice {} for {:?} cents",
                    event.id, invoice.id, invoice.total
                );
            }
            bill(&event);
            async { Ok(()) }
        })
        .on(move |event, content: SubscriptionCancelled| {
            if let Some(subscription) = &content.subscription {
                println!("{}: deprovision {}", event.id, subscription.id);
            }
            deprovision(&event);
            async { Ok(()) }
        })
        .fallback(move |event| {
            let kind = event.event_type.as_ref().map_or("untyped", ApiEnum::as_str);
            println!("{}: {kind} (not handled here)", event.id);
            other(&event);
            async { Ok(()) }
        })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (handled, mut arrivals) = mpsc::unbounded_channel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/chargebee/webhooks", listener.local_addr()?);
    let app = Receiver::new(dispatcher(handled), USER, PASSWORD)?.router("/chargebee/webhooks");
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiving webhooks at {url}");

    // Someone without the password is turned away.
    let forged = reqwest::Client::new()
        .post(&url)
        .basic_auth(USER, Some("guess"))
        .body(r#"{"id":"ev_forged","event_type":"customer_created","content":{}}"#)
        .send()
        .await?;
    println!(
        "a delivery with the wrong password: HTTP {}",
        forged.status()
    );
    assert_eq!(forged.status(), reqwest::StatusCode::UNAUTHORIZED);

    let config = Config {
        webhook: Some(Webhook {
            url,
            username: USER.into(),
            password: PASSWORD.into(),
            disorder: false,
        }),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await?;
    let client = emulator.client();
    client
        .item_families()
        .create("hooks-family", "Hooks")
        .send()
        .await?;
    client
        .items()
        .create("hooks-plan", "Hooks plan", ItemType::Plan, "hooks-family")
        .send()
        .await?;
    client
        .item_prices()
        .create("hooks-plan-usd", "Hooks plan monthly", "hooks-plan")
        .price(1_000)
        .currency_code("USD")
        .period(1)
        .period_unit(PeriodUnit::Month)
        .send()
        .await?;
    let customer = client
        .customers()
        .create()
        .email("ada@example.com")
        .send()
        .await?
        .customer;
    let subscription = client
        .subscriptions()
        .create_with_items(&customer.id)
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "hooks-plan-usd",
        )])
        .send()
        .await?
        .subscription;
    client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .cancel_option(CancelOption::Immediately)
        .send()
        .await?;

    let mut seen = Vec::new();
    while seen.len() < EXPECTED.len() {
        match tokio::time::timeout(Duration::from_secs(10), arrivals.recv()).await {
            Ok(Some(kind)) => seen.push(kind),
            _ => return Err(format!("only these events arrived: {seen:?}").into()),
        }
    }
    if seen != EXPECTED {
        return Err(format!("events arrived as {seen:?}, not {EXPECTED:?}").into());
    }
    println!("all {} events arrived in order", seen.len());
    Ok(())
}
