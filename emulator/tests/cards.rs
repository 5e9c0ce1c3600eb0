//! The emulator's card gateway: test cards added as payment sources, invoices collected
//! automatically charged to the primary card when raised, at creation and at each renewal,
//! each charge a transaction and a `payment_succeeded` or `payment_failed` event.

use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};

use crate::support::call;

async fn add_card(
    client: &Client,
    customer: &str,
    number: &str,
) -> Result<Value, chargebee::Error> {
    let params = json!({"customer_id": customer,
                        "card": {"number": number, "expiry_month": 12, "expiry_year": 2030}});
    client
        .call("payment_source.create_card", None, params)
        .await
}

/// Every event, oldest first: (type, occurred_at, source).
async fn events(client: &Client) -> Vec<(String, i64, String)> {
    let page = call(client, "event.list", None, json!({"limit": 100})).await;
    let mut rows: Vec<(String, i64, String)> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let e = &e["event"];
            (
                e["event_type"].as_str().unwrap().to_string(),
                e["occurred_at"].as_i64().unwrap(),
                e["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.reverse();
    rows
}

#[tokio::test]
async fn invoices_are_charged_to_the_primary_card() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
    for id in ["ada", "bob"] {
        call(&client, "customer.create", None, json!({"id": id})).await;
    }

    let params = json!({"customer_id": "ada",
                        "card": {"number": "4111 1111 1111 1111", "expiry_month": 12,
                                 "expiry_year": 2030, "cvv": "123", "billing_zip": "94110"}});
    let added = call(&client, "payment_source.create_card", None, params).await;
    assert_eq!(added["payment_source"]["card"]["billing_zip"], "94110");
    assert!(
        added["payment_source"]["card"].get("cvv").is_none(),
        "a CVV is never kept"
    );
    let source = &added["payment_source"];
    let source_id = source["id"].as_str().unwrap().to_string();
    assert!(source_id.starts_with("pm_"), "{source_id}");
    assert_eq!(source["card"]["brand"], "visa");
    assert_eq!(source["card"]["last4"], "1111");
    assert_eq!(source["card"]["masked_number"], "************1111");
    assert_eq!(added["customer"]["card_status"], "valid");
    assert_eq!(added["customer"]["primary_payment_source_id"], source_id);

    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "paid", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let invoice = &created["invoice"];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_paid"], 4_900);
    assert_eq!(invoice["amount_due"], 0);
    assert_eq!(invoice["paid_at"], now);
    let txn = invoice["linked_payments"][0]["txn_id"].as_str().unwrap();
    let transaction = call(&client, "transaction.retrieve", Some(txn), json!({})).await;
    let transaction = &transaction["transaction"];
    assert_eq!(transaction["status"], "success");
    assert_eq!(transaction["amount"], 4_900);
    assert_eq!(transaction["payment_method"], "card");
    assert_eq!(transaction["payment_source_id"], source_id);
    assert_eq!(created["subscription"]["due_invoices_count"], 0);

    // A card whose charges are declined: the invoice stays due, the failure is kept.
    add_card(&client, "bob", "4000000000000341").await.unwrap();
    let declined = call(
        &client,
        "subscription.create_with_items",
        Some("bob"),
        json!({"id": "due", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(declined["invoice"]["status"], "payment_due");
    assert_eq!(declined["invoice"]["amount_due"], 4_900);
    assert_eq!(declined["subscription"]["due_invoices_count"], 1);
    let txn = declined["invoice"]["linked_payments"][0]["txn_id"]
        .as_str()
        .unwrap();
    let failed = call(&client, "transaction.retrieve", Some(txn), json!({})).await;
    assert_eq!(failed["transaction"]["status"], "failure");
    assert_eq!(failed["transaction"]["error_code"], "card_declined");

    // The renewal on 10 April is charged too, by the scheduler; `due`, its retries failed,
    // was cancelled before it.
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    emulator.clock().set(april).unwrap();
    let page = call(
        &client,
        "invoice.list",
        None,
        json!({"subscription_id": {"is": "paid"}, "date": {"on": april}}),
    )
    .await;
    assert_eq!(page["list"][0]["invoice"]["status"], "paid");

    let recorded = events(&client).await;
    let api = |kind: &str, at: i64| (kind.to_string(), at, "api".to_string());
    let job = |kind: &str, at: i64| (kind.to_string(), at, "scheduled_job".to_string());
    let tail = &recorded[recorded.len() - 16..];
    assert_eq!(
        tail,
        [
            api("payment_source_added", now),
            api("subscription_created", now),
            api("invoice_generated", now),
            api("payment_succeeded", now),
            api("payment_source_added", now),
            api("subscription_created", now),
            api("invoice_generated", now),
            api("payment_failed", now),
            // Dunning for `due`: retries on 13, 16 and 19 March fail, then it is cancelled.
            job("payment_failed", 1_773_403_200),
            job("payment_failed", 1_773_662_400),
            job("payment_failed", 1_773_921_600),
            job("subscription_cancelled", 1_773_921_600),
            // 7 April 12:00: 3 days before the renewal of `paid`, charged when it renews.
            job("subscription_renewal_reminder", 1_775_563_200),
            job("subscription_renewed", april),
            job("invoice_generated", april),
            job("payment_succeeded", april),
        ]
    );
}

#[tokio::test]
async fn cards_the_gateway_refuses_are_not_kept() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let declined = add_card(&client, "ada", "4000000000000002")
        .await
        .unwrap_err();
    let api = declined.api_error().unwrap();
    assert_eq!(api.status, 402);
    assert_eq!(
        api.api_error_code
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("payment_processing_failed")
    );
    let scheme = json!({"customer_id": "ada",
                        "card": {"number": "4111111111111111", "expiry_month": 12,
                                 "expiry_year": 2030, "preferred_scheme": "visa"}});
    let scheme = client
        .call("payment_source.create_card", None, scheme)
        .await
        .unwrap_err();
    assert!(
        scheme.to_string().contains("card[preferred_scheme]"),
        "{scheme}"
    );
    let unknown = add_card(&client, "ada", "4242424242424242")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.api_error().unwrap().param.as_deref(),
        Some("card[number]")
    );
    let expired = json!({"customer_id": "ada",
                         "card": {"number": "4111111111111111", "expiry_month": 1,
                                  "expiry_year": 2001}});
    let expired = client
        .call("payment_source.create_card", None, expired)
        .await
        .unwrap_err();
    assert_eq!(
        expired.api_error().unwrap().param.as_deref(),
        Some("card[expiry_year]")
    );
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["card_status"], "no_card");
    let sources = call(&client, "payment_source.list", None, json!({})).await;
    assert_eq!(sources["list"].as_array().unwrap().len(), 0);
}

/// Dunning on the emulator's clock with the default settings (three retries, 3 days apart,
/// then cancellation): a retry after the card is replaced pays the invoice; retries that all
/// fail leave it `not_paid` and cancel the subscription (`cancel_reason: not_paid`); a
/// payment recorded mid-dunning stops it.
#[tokio::test]
async fn failed_charges_are_retried_then_cancel() {
    const DAY: i64 = 86_400;
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
    let mut invoices = std::collections::HashMap::new();
    for (customer, card) in [
        ("bob", "4000000000000341"),
        ("cy", "4000000000009995"),
        ("dee", "4000000000000341"),
    ] {
        call(&client, "customer.create", None, json!({"id": customer})).await;
        add_card(&client, customer, card).await.unwrap();
        let created = call(
            &client,
            "subscription.create_with_items",
            Some(customer),
            json!({"id": customer,
                   "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
        )
        .await;
        let invoice = &created["invoice"];
        assert_eq!(invoice["status"], "payment_due");
        assert_eq!(invoice["dunning_status"], "in_progress");
        assert_eq!(invoice["next_retry_at"], now + 3 * DAY);
        assert_eq!(invoice["dunning_attempts"][0]["attempt"], 0);
        invoices.insert(customer, invoice["id"].as_str().unwrap().to_string());
    }
    let invoice = |customer: &'static str| {
        let (client, id) = (client.clone(), invoices[customer].clone());
        async move { call(&client, "invoice.retrieve", Some(&id), json!({})).await["invoice"].clone() }
    };
    let subscription = |id: &'static str| {
        let client = client.clone();
        async move {
            call(&client, "subscription.retrieve", Some(id), json!({})).await["subscription"]
                .clone()
        }
    };

    // Dee pays by bank transfer a day in: dunning stops.
    emulator.clock().set(now + DAY).unwrap();
    call(
        &client,
        "invoice.record_payment",
        Some(&invoices["dee"]),
        json!({"transaction": {"payment_method": "bank_transfer"}}),
    )
    .await;

    // The first retry, 13 March 12:00, fails for all who still owe.
    emulator.clock().set(now + 3 * DAY).unwrap();
    let bob = invoice("bob").await;
    assert_eq!(bob["dunning_attempts"].as_array().unwrap().len(), 2);
    assert_eq!(bob["next_retry_at"], now + 6 * DAY);
    let dee = invoice("dee").await;
    assert_eq!(dee["status"], "paid");
    assert_eq!(dee["dunning_status"], "stopped");
    assert_eq!(
        dee["dunning_attempts"].as_array().unwrap().len(),
        1,
        "no retry"
    );

    // Bob replaces his card; the second retry, 16 March, succeeds.
    emulator.clock().set(now + 4 * DAY).unwrap();
    let good = json!({"customer_id": "bob", "replace_primary_payment_source": true,
                      "card": {"number": "4111111111111111", "expiry_month": 12,
                               "expiry_year": 2030}});
    call(&client, "payment_source.create_card", None, good).await;
    emulator.clock().set(now + 6 * DAY).unwrap();
    let bob = invoice("bob").await;
    assert_eq!(bob["status"], "paid");
    assert_eq!(bob["dunning_status"], "success");
    assert_eq!(bob["amount_paid"], 4_900);
    assert_eq!(bob["paid_at"], now + 6 * DAY);
    assert!(bob.get("next_retry_at").is_none());
    assert_eq!(subscription("bob").await["due_invoices_count"], 0);

    // Cy's third retry, 19 March, fails: not paid, and the subscription is cancelled.
    emulator.clock().set(now + 9 * DAY - 1).unwrap();
    assert_eq!(subscription("cy").await["status"], "active");
    emulator.clock().set(now + 9 * DAY).unwrap();
    let cy = invoice("cy").await;
    assert_eq!(cy["status"], "not_paid");
    assert_eq!(cy["dunning_status"], "exhausted");
    assert_eq!(cy["dunning_attempts"].as_array().unwrap().len(), 4);
    let sub = subscription("cy").await;
    assert_eq!(sub["status"], "cancelled");
    assert_eq!(sub["cancel_reason"], "not_paid");
    assert_eq!(sub["cancelled_at"], now + 9 * DAY);
    assert_eq!(sub["due_invoices_count"], 1);

    let recorded = events(&client).await;
    let late: Vec<(String, i64)> = recorded
        .into_iter()
        .filter(|(_, at, _)| *at > now + DAY)
        .map(|(kind, at, _)| (kind, at))
        .collect();
    let at = |days: i64| now + days * DAY;
    assert_eq!(
        late,
        [
            ("payment_failed".to_string(), at(3)),
            ("payment_failed".to_string(), at(3)),
            ("payment_source_added".to_string(), at(4)),
            ("payment_succeeded".to_string(), at(6)),
            ("payment_failed".to_string(), at(6)),
            ("payment_failed".to_string(), at(9)),
            ("subscription_cancelled".to_string(), at(9)),
        ]
    );
}

#[tokio::test]
async fn deleting_a_primary_card_promotes_the_latest_other() {
    let emulator = Emulator::start_with(Config::default(), 0).await.unwrap();
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let first = add_card(&client, "ada", "4111111111111111").await.unwrap();
    let first = first["payment_source"]["id"].as_str().unwrap().to_string();
    let second = add_card(&client, "ada", "5555555555554444").await.unwrap();
    let second = second["payment_source"]["id"].as_str().unwrap().to_string();
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(
        customer["customer"]["primary_payment_source_id"],
        first.as_str()
    );

    let deleted = call(&client, "payment_source.delete", Some(&first), json!({})).await;
    assert_eq!(deleted["payment_source"]["deleted"], true);
    assert_eq!(
        deleted["customer"]["primary_payment_source_id"],
        second.as_str()
    );
    assert_eq!(deleted["customer"]["card_status"], "valid");
    let gone = client
        .call("payment_source.retrieve", Some(&first), json!({}))
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    // The last card gone: no payment method, and the next invoice is left due.
    let deleted = call(
        &client,
        "payment_source.delete_local",
        Some(&second),
        json!({}),
    )
    .await;
    let customer = &deleted["customer"];
    assert_eq!(customer.get("primary_payment_source_id"), None);
    assert_eq!(customer.get("payment_method"), None);
    assert_eq!(customer["card_status"], "no_card");
    let again = client
        .call("payment_source.delete", Some(&second), json!({}))
        .await
        .unwrap_err();
    assert!(again.is_not_found(), "{again}");
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["invoice"]["status"], "payment_due");
    let kinds: Vec<String> = events(&client)
        .await
        .into_iter()
        .map(|(kind, _, _)| kind)
        .filter(|kind| kind.starts_with("payment_source"))
        .collect();
    assert_eq!(
        kinds,
        [
            "payment_source_added",
            "payment_source_added",
            "payment_source_deleted",
            "payment_source_deleted"
        ]
    );
}
