//! The everyday Chargebee flows end to end: connections, a catalog (item family, item, item
//! price), customers with paging, a subscription with items, its invoice (listed with a date
//! filter) and PDF, cancellation, a hosted checkout page and a portal session.
//!
//! `cargo run -p chargebee-emulator --example usage_guide` runs them against an in-process
//! emulator, with no key. With `MATON_API_KEY` set, they run against the real Maton gateway
//! instead, and create real objects in the connected Chargebee site.

use chargebee::enums::{CancelOption, ItemType, PeriodUnit, PricingModel};
use chargebee::objects::SubscriptionItemsParams;
use chargebee::portal_session::CreateCustomerParams;
use chargebee::subscription::{CreateWithItemsSubscriptionItemsParams, Status};
use chargebee::{Client, EnumFilter, StringFilter, Timestamp, TimestampFilter};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keeps the emulator running while the flows use it.
    let (client, _emulator) = match std::env::var("MATON_API_KEY") {
        Ok(key) if !key.is_empty() => {
            println!("against the Maton gateway (MATON_API_KEY is set)");
            (Client::from_env()?, None)
        }
        _ => {
            let emulator = chargebee_emulator::Emulator::start().await?;
            println!("against an in-process emulator at {}", emulator.url());
            (emulator.client(), Some(emulator))
        }
    };
    // Ids unique to this run, so it can run again against the same site.
    let run = Timestamp::now().unix();

    let connections = client.connections().list().send().await?.connections;
    println!("connections: {}", connections.len());

    let family = format!("guide-family-{run}");
    let item = format!("guide-plan-{run}");
    let price = format!("{item}-usd-monthly");
    client
        .item_families()
        .create(&family, "Guide family")
        .send()
        .await?;
    client
        .items()
        .create(&item, format!("Guide plan {run}"), ItemType::Plan, &family)
        .send()
        .await?;
    client
        .item_prices()
        .create(&price, format!("Guide plan {run} monthly"), &item)
        .pricing_model(PricingModel::PerUnit)
        .price(2_500)
        .currency_code("USD")
        .period(1)
        .period_unit(PeriodUnit::Month)
        .send()
        .await?;
    println!("catalog: family {family}, item {item}, price {price}");

    let mut customer_ids = Vec::new();
    for name in ["Ada", "Grace", "Edsger"] {
        let customer = client
            .customers()
            .create()
            .first_name(name)
            .email(format!("{}-{run}@example.com", name.to_lowercase()))
            .send()
            .await?
            .customer;
        customer_ids.push(customer.id);
    }
    let ada = customer_ids[0].clone();
    client
        .customers()
        .update(&ada)
        .last_name("Lovelace")
        .send()
        .await?;
    let fetched = client.customers().retrieve(&ada).send().await?.customer;
    println!(
        "customer {ada}: {:?} {:?}",
        fetched.first_name, fetched.last_name
    );
    let ours: Vec<_> = client
        .customers()
        .list()
        .limit(2)
        .id(StringFilter::in_(customer_ids.clone()))
        .stream()
        .try_collect()
        .await?;
    println!("customers of this run, paged two at a time: {}", ours.len());

    let created = client
        .subscriptions()
        .create_with_items(&ada)
        .subscription_items(vec![
            CreateWithItemsSubscriptionItemsParams::new(&price).quantity(2)
        ])
        .send()
        .await?;
    let subscription = created.subscription;
    println!(
        "subscription {}: {:?}",
        subscription.id, subscription.status
    );
    let active = client
        .subscriptions()
        .list()
        .status(EnumFilter::is(Status::Active))
        .limit(5)
        .send()
        .await?;
    println!(
        "active subscriptions on the first page: {}",
        active.list.len()
    );

    let invoices = client
        .invoices()
        .list()
        .customer_id(StringFilter::is(&ada))
        .date(TimestampFilter::after(run - 60))
        .send()
        .await?;
    println!(
        "invoices of {ada} since the run started: {}",
        invoices.list.len()
    );
    if let Some(entry) = invoices.list.first() {
        let download = client
            .invoices()
            .pdf(&entry.invoice.id)
            .send()
            .await?
            .download;
        println!(
            "invoice {} PDF: {:?}",
            entry.invoice.id, download.download_url
        );
    }

    let cancelled = client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .cancel_option(CancelOption::EndOfTerm)
        .send()
        .await?
        .subscription;
    println!("after cancelling at term end: {:?}", cancelled.status);

    let page = client
        .hosted_pages()
        .checkout_new_for_items()
        .subscription_items(vec![SubscriptionItemsParams::new(&price)])
        .send()
        .await?
        .hosted_page;
    println!("hosted checkout: {:?}", page.url);
    let session = client
        .portal_sessions()
        .create()
        .customer(CreateCustomerParams::new(&ada))
        .send()
        .await?
        .portal_session;
    println!("portal session: {:?}", session.access_url);
    Ok(())
}
