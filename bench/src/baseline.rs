//! Hand-written baselines: the smallest structs that hold the fields of the benchmark page,
//! and the subscription form written out by hand.

// The structs exist to be decoded for the comparison; their fields are never read.
#![allow(dead_code)]

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Page {
    pub list: Vec<Entry>,
    pub next_offset: Option<String>,
}

#[derive(Deserialize)]
pub struct Entry {
    pub customer: Customer,
    pub card: Option<Card>,
}

#[derive(Deserialize)]
pub struct Customer {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub auto_collection: String,
    pub net_term_days: i64,
    pub allow_direct_debit: bool,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    pub taxability: Option<String>,
    pub pii_cleared: Option<String>,
    pub channel: Option<String>,
    pub resource_version: Option<i64>,
    pub deleted: bool,
    pub card_status: Option<String>,
    pub billing_address: Option<Address>,
    pub promotional_credits: i64,
    pub refundable_credits: i64,
    pub excess_payments: i64,
    pub unbilled_charges: i64,
    pub preferred_currency_code: Option<String>,
    pub primary_payment_source_id: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    pub cf_plan_tier: Option<String>,
    pub cf_seats: Option<i64>,
}

#[derive(Deserialize)]
pub struct Address {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub line1: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub validation_status: Option<String>,
}

#[derive(Deserialize)]
pub struct PaymentMethod {
    #[serde(rename = "type")]
    pub kind: String,
    pub reference_id: Option<String>,
    pub gateway: String,
    pub gateway_account_id: Option<String>,
    pub status: String,
}

#[derive(Deserialize)]
pub struct Card {
    pub payment_source_id: String,
    pub status: String,
    pub gateway: String,
    pub gateway_account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub iin: String,
    pub last4: String,
    pub card_type: Option<String>,
    pub funding_type: String,
    pub expiry_month: i64,
    pub expiry_year: i64,
    pub masked_number: Option<String>,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    pub resource_version: Option<i64>,
    pub customer_id: String,
}

/// The subscription-for-items form, written out directly.
pub fn subscription_form(items: usize) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("billing_cycles", "12");
    form.append_pair("coupon_ids[0]", "WELCOME");
    form.append_pair("meta_data", r#"{"source":"bench"}"#);
    form.append_pair("shipping_address[first_name]", "Ada");
    form.append_pair("shipping_address[city]", "London");
    form.append_pair("shipping_address[country]", "GB");
    for i in 0..items {
        form.append_pair(
            &format!("subscription_items[item_price_id][{i}]"),
            &format!("price-{i}-USD-monthly"),
        );
        form.append_pair(
            &format!("subscription_items[quantity][{i}]"),
            &(i + 1).to_string(),
        );
        form.append_pair(&format!("subscription_items[unit_price][{i}]"), "1500");
    }
    form.finish()
}
