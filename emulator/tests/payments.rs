//! Payments recorded against invoices (`invoice.record_payment`) as Chargebee documents them:
//! a partial payment lowers the amount due, a payment beyond it pays the invoice and leaves
//! the excess with the customer, a failed one changes nothing; each is a transaction.

use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};

mod support;
use support::call;

/// The status, code and param of a refused call.
async fn refusal(client: &Client, operation: &str, id: &str, params: Value) -> (u16, String) {
    let e = client
        .call(operation, Some(id), params)
        .await
        .expect_err(operation);
    let api = e.api_error().unwrap_or_else(|| panic!("{operation}: {e}"));
    let code = api.api_error_code.as_ref().map(|c| c.to_string());
    (api.status, code.unwrap_or_default())
}

#[tokio::test]
async fn recorded_payments_pay_invoices_and_keep_the_excess() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    support::catalog(&client).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let invoice = created["invoice"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["invoice"]["status"], "payment_due");
    assert_eq!(created["invoice"]["amount_due"], 4_900);

    // 20.00 of 49.00 by bank transfer: 29.00 still due.
    let partial = call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 2_000, "payment_method": "bank_transfer",
                               "reference_number": "wire-1"}}),
    )
    .await;
    assert_eq!(partial["invoice"]["status"], "payment_due");
    assert_eq!(partial["invoice"]["amount_paid"], 2_000);
    assert_eq!(partial["invoice"]["amount_due"], 2_900);
    let first = partial["transaction"]["id"].as_str().unwrap().to_string();
    assert!(first.starts_with("txn_"), "{first}");
    assert_eq!(partial["invoice"]["linked_payments"][0]["txn_id"], first);
    assert_eq!(
        partial["invoice"]["linked_payments"][0]["applied_amount"],
        2_000
    );
    let dues = |client: Client| async move {
        let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
        let sub = &sub["subscription"];
        (
            sub["due_invoices_count"].clone(),
            sub["total_dues"].clone(),
            sub["due_since"].clone(),
        )
    };
    // The subscription still owes 29.00 on one invoice, due since it was raised.
    assert_eq!(
        dues(client.clone()).await,
        (json!(1), json!(2_900), json!(now))
    );

    // A failed payment is kept, and changes nothing.
    let failed = call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 2_900, "payment_method": "check",
                               "status": "failure", "error_text": "bounced"}}),
    )
    .await;
    assert_eq!(failed["transaction"]["status"], "failure");
    assert_eq!(failed["invoice"]["amount_due"], 2_900);

    // 50.00 in cash for the 29.00 due: paid, and 21.00 left as excess payments.
    let paid = call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 5_000, "payment_method": "cash"}}),
    )
    .await;
    assert_eq!(paid["invoice"]["status"], "paid");
    assert_eq!(paid["invoice"]["amount_paid"], 4_900);
    assert_eq!(paid["invoice"]["amount_due"], 0);
    assert_eq!(paid["invoice"]["paid_at"], now);
    let transaction = &paid["transaction"];
    assert_eq!(transaction["amount"], 5_000);
    assert_eq!(transaction["amount_unused"], 2_100);
    assert_eq!(transaction["gateway"], "not_applicable");
    assert_eq!(transaction["type"], "payment");
    assert_eq!(transaction["linked_invoices"][0]["applied_amount"], 2_900);
    assert_eq!(transaction["linked_invoices"][0]["invoice_status"], "paid");
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["excess_payments"], 2_100);
    assert_eq!(
        dues(client.clone()).await,
        (json!(0), Value::Null, Value::Null)
    );

    // Kept: retrieved and listed.
    let kept = call(&client, "transaction.retrieve", Some(&first), json!({})).await;
    assert_eq!(kept["transaction"]["reference_number"], "wire-1");
    assert_eq!(kept["transaction"]["payment_method"], "bank_transfer");
    let listed = call(
        &client,
        "transaction.list",
        None,
        json!({"customer_id": {"is": "ada"}}),
    )
    .await;
    assert_eq!(listed["list"].as_array().unwrap().len(), 3);

    // A paid invoice takes no more payments; what is not kept is refused by name.
    let again = json!({"transaction": {"amount": 100, "payment_method": "cash"}});
    assert_eq!(
        refusal(&client, "invoice.record_payment", &invoice, again).await,
        (409, "invalid_state_for_request".into())
    );
    let commented = json!({"comment": "thanks", "transaction": {"payment_method": "cash"}});
    let (status, code) = refusal(&client, "invoice.record_payment", &invoice, commented).await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));

    let page = call(&client, "event.list", None, json!({"limit": 4})).await;
    let kinds: Vec<&str> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "invoice_updated",
            "transaction_created",
            "invoice_updated",
            "transaction_created"
        ]
    );
}
