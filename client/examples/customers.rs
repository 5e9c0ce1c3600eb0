//! Customers from start to end: create one with a custom field, read it back, update it,
//! find it with a filter, walk every customer page by page, and delete it.
//!
//! Needs `MATON_API_KEY`. `CHARGEBEE_BASE_URL` (optional) points it at another gateway root,
//! such as a local emulator: `cargo run -p chargebee-emulator -- --port 12111`, then
//! `CHARGEBEE_BASE_URL=http://127.0.0.1:12111/chargebee MATON_API_KEY=emulator-maton-key
//! cargo run -p chargebee --example customers`.

use chargebee::enums::AutoCollection;
use chargebee::{Client, ExtraFields, StringFilter, Timestamp};
use futures::TryStreamExt;

/// A gateway client from `MATON_API_KEY`, pointed at `CHARGEBEE_BASE_URL` when it is set.
fn client() -> Result<Client, chargebee::Error> {
    match std::env::var("CHARGEBEE_BASE_URL") {
        Ok(base) => Client::builder()
            .maton_api_key(std::env::var(chargebee::API_KEY_VAR).unwrap_or_default())
            .base_url(base)
            .build(),
        Err(_) => Client::from_env(),
    }
}

#[tokio::main]
async fn main() -> Result<(), chargebee::Error> {
    let client = client()?;
    let email = format!("example-{}@example.com", Timestamp::now().unix());

    let created = client
        .customers()
        .create()
        .first_name("Ada")
        .email(&email)
        .auto_collection(AutoCollection::Off)
        .custom_field("cf_tier", "gold")
        .send()
        .await?
        .customer;
    println!("created {} ({:?})", created.id, created.email);

    let read = client
        .customers()
        .retrieve(&created.id)
        .send()
        .await?
        .customer;
    println!("custom field cf_tier: {:?}", read.extra_field("cf_tier"));

    let updated = client
        .customers()
        .update(&created.id)
        .last_name("Lovelace")
        .send()
        .await?
        .customer;
    println!("updated last name: {:?}", updated.last_name);

    let found = client
        .customers()
        .list()
        .email(StringFilter::is(&email))
        .send()
        .await?;
    println!("customers with that email: {}", found.list.len());

    let mut all = client.customers().list().limit(50).stream();
    let mut count = 0;
    while let Some(entry) = all.try_next().await? {
        count += 1;
        if count <= 3 {
            println!("  {} {:?}", entry.customer.id, entry.customer.email);
        }
    }
    println!("customers in all: {count}");

    let deleted = client
        .customers()
        .delete(&created.id)
        .send()
        .await?
        .customer;
    println!("deleted {}", deleted.id);

    // A customer that is no longer there is an API error Chargebee calls not found.
    match client.customers().retrieve(&created.id).send().await {
        Err(e) if e.is_not_found() => println!("gone: {e}"),
        Err(e) => return Err(e),
        Ok(answer) => println!(
            "still readable (deleted customers may be kept): {}",
            answer.customer.id
        ),
    }
    Ok(())
}
