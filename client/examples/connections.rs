//! Several Maton connections from one client: list them, then call through each active one
//! with a handle that shares the client's connection pool and rate limiter, under a shorter
//! timeout; one request gets a timeout of its own.
//!
//! Needs `MATON_API_KEY`; `CHARGEBEE_BASE_URL` and `MATON_CONTROL_URL` (optional) point it at
//! another gateway and control root, such as a local emulator (both
//! `http://127.0.0.1:12111/chargebee` and `http://127.0.0.1:12111` for
//! `cargo run -p chargebee-emulator -- --port 12111`).

use chargebee::{connection, ApiEnum, Client, Error};
use std::time::Duration;

/// A gateway client from `MATON_API_KEY`, pointed at the roots the environment names.
fn client() -> Result<Client, Error> {
    let mut builder =
        Client::builder().maton_api_key(std::env::var(chargebee::API_KEY_VAR).unwrap_or_default());
    if let Ok(base) = std::env::var("CHARGEBEE_BASE_URL") {
        builder = builder.base_url(base);
    }
    if let Ok(control) = std::env::var("MATON_CONTROL_URL") {
        builder = builder.control_base_url(control);
    }
    builder.build()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = client()?;
    let connections = client.connections().list().send().await?.connections;
    println!("{} connections", connections.len());
    for connection in &connections {
        let Some(id) = &connection.connection_id else {
            continue;
        };
        let status = connection.status.as_ref().map(ApiEnum::as_str);
        println!("connection {id}: {}", status.unwrap_or("no status"));
        if connection.status != Some(connection::Status::Active) {
            continue;
        }
        let site = client
            .with_connection(id)?
            .with_timeout(Duration::from_secs(20));
        let page = site
            .customers()
            .list()
            .limit(5)
            .timeout(Duration::from_secs(10))
            .send()
            .await?;
        println!("  first customers: {}", page.list.len());
    }
    Ok(())
}
