//! Setup shared by the emulator's tests.

use chargebee::enums::{ItemType, PeriodUnit, PricingModel};
use chargebee::Client;
use serde_json::Value;

/// A catalog of one plan: item family `saas`, item `pro`, and its monthly price
/// `pro-usd-monthly` of 49.00 USD per unit.
pub async fn catalog(client: &Client) {
    client
        .item_families()
        .create("saas", "SaaS")
        .send()
        .await
        .unwrap();
    client
        .items()
        .create("pro", "Pro", ItemType::Plan, "saas")
        .send()
        .await
        .unwrap();
    client
        .item_prices()
        .create("pro-usd-monthly", "Pro monthly", "pro")
        .pricing_model(PricingModel::PerUnit)
        .price(4_900)
        .currency_code("USD")
        .period(1)
        .period_unit(PeriodUnit::Month)
        .send()
        .await
        .unwrap();
}

/// Calls `operation` by name with JSON parameters; panics, naming it, when it fails.
pub async fn call(client: &Client, operation: &str, id: Option<&str>, params: Value) -> Value {
    client
        .call(operation, id, params)
        .await
        .unwrap_or_else(|e| panic!("{operation}: {e}"))
}
