//! Payments recorded against invoices (`invoice.record_payment`) as Chargebee documents them:
//! a partial payment lowers the amount due, a payment beyond it pays the invoice and leaves
//! the excess with the customer, a failed one changes nothing; each is a transaction.

use chargebee::Client;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};

use crate::support::call;

/// An emulator whose clock starts at `now`, its direct client, and the sample catalog.
async fn catalog_at(now: i64) -> (Emulator, Client) {
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
    (emulator, client)
}

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
    let (_emulator, client) = catalog_at(now).await;
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

/// A customer with a due invoice of 49.00 raised at `now`, no card yet: (client, invoice id).
async fn due_invoice(emulator: &Emulator) -> (Client, String) {
    let client = emulator.direct_client();
    crate::support::catalog(&client).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["invoice"]["status"], "payment_due");
    let invoice = created["invoice"]["id"].as_str().unwrap().to_string();
    (client, invoice)
}

/// Adds test card `number` for customer `customer`; its payment source id.
async fn add_card(client: &Client, customer: &str, number: &str) -> String {
    let params = json!({"customer_id": customer,
                        "card": {"number": number, "expiry_month": 12, "expiry_year": 2030}});
    let added = call(client, "payment_source.create_card", None, params).await;
    added["payment_source"]["id"].as_str().unwrap().to_string()
}

/// Every event type, oldest first.
async fn event_types(client: &Client) -> Vec<String> {
    let page = call(client, "event.list", None, json!({"limit": 100})).await;
    let mut kinds: Vec<String> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["event_type"].as_str().unwrap().to_string())
        .collect();
    kinds.reverse();
    kinds
}

#[tokio::test]
async fn collected_payments_charge_a_card_in_parts() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;

    // No card yet: nothing to charge.
    assert_eq!(
        refusal(&client, "invoice.collect_payment", &invoice, json!({})).await,
        (402, "payment_method_not_present".into())
    );
    let card = add_card(&client, "ada", "4111111111111111").await;

    // 10.00 of 49.00 now; 39.00 stays due.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(3_600));
    let part = call(
        &client,
        "invoice.collect_payment",
        Some(&invoice),
        json!({"amount": 1_000}),
    )
    .await;
    assert_eq!(part["invoice"]["status"], "payment_due");
    assert_eq!(part["invoice"]["amount_paid"], 1_000);
    assert_eq!(part["invoice"]["amount_due"], 3_900);
    let transaction = &part["transaction"];
    assert_eq!(transaction["amount"], 1_000);
    assert_eq!(transaction["status"], "success");
    assert_eq!(transaction["payment_source_id"], card.as_str());
    assert_eq!(transaction["date"], now + 3_600);
    assert_eq!(transaction["linked_invoices"][0]["invoice_total"], 4_900);
    assert_eq!(
        transaction["linked_invoices"][0]["invoice_status"],
        "payment_due"
    );
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["total_dues"], 3_900);

    // More than is due is refused by name; the rest, when not named, is what is due.
    let (status, code) = refusal(
        &client,
        "invoice.collect_payment",
        &invoice,
        json!({"amount": 3_901}),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "param_wrong_value"));
    let rest = call(
        &client,
        "invoice.collect_payment",
        Some(&invoice),
        json!({}),
    )
    .await;
    assert_eq!(rest["invoice"]["status"], "paid");
    assert_eq!(rest["invoice"]["amount_paid"], 4_900);
    assert_eq!(rest["invoice"]["amount_due"], 0);
    assert_eq!(rest["invoice"]["paid_at"], now + 3_600);
    assert_eq!(rest["transaction"]["amount"], 3_900);
    assert_eq!(
        rest["invoice"]["linked_payments"][1]["applied_amount"],
        3_900
    );
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["due_invoices_count"], 0);
    assert_eq!(sub["subscription"].get("total_dues"), None);

    // Paid: nothing left to collect.
    assert_eq!(
        refusal(&client, "invoice.collect_payment", &invoice, json!({})).await,
        (409, "invalid_state_for_request".into())
    );
    let kinds = event_types(&client).await;
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["payment_succeeded", "payment_succeeded"]
    );
    let page = call(&client, "event.list", None, json!({"limit": 1})).await;
    let content = &page["list"][0]["event"]["content"];
    assert_eq!(content["customer"]["id"], "ada");
    assert_eq!(content["subscription"]["id"], "sub");
    assert_eq!(content["invoice"]["status"], "paid");
}

#[tokio::test]
async fn declined_collections_are_kept_and_refused() {
    let now = 1_773_144_000;
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;
    let declining = add_card(&client, "ada", "4000000000000341").await;
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    let bobs = add_card(&client, "bob", "4111111111111111").await;

    // Another customer's card is not this invoice's to charge.
    let (status, code) = refusal(
        &client,
        "invoice.collect_payment",
        &invoice,
        json!({"payment_source_id": bobs}),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "param_wrong_value"));
    let authorized = json!({"authorization_transaction_id": "txn_1"});
    let (status, code) = refusal(&client, "invoice.collect_payment", &invoice, authorized).await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));

    // The declined charge answers 402; its transaction and event are kept.
    let e = client
        .call(
            "invoice.collect_payment",
            Some(&invoice),
            json!({"payment_source_id": declining}),
        )
        .await
        .expect_err("declined");
    let api = e.api_error().unwrap();
    assert_eq!(api.status, 402);
    assert_eq!(
        api.api_error_code
            .as_ref()
            .map(|c| c.to_string())
            .as_deref(),
        Some("payment_processing_failed")
    );
    let kept = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    let kept = &kept["invoice"];
    assert_eq!(kept["status"], "payment_due");
    assert_eq!(kept["amount_due"], 4_900);
    assert_eq!(kept["linked_payments"][0]["txn_status"], "failure");
    assert_eq!(kept["linked_payments"][0]["applied_amount"], 0);
    let txn = kept["linked_payments"][0]["txn_id"].as_str().unwrap();
    let transaction = call(&client, "transaction.retrieve", Some(txn), json!({})).await;
    assert_eq!(transaction["transaction"]["status"], "failure");
    assert_eq!(transaction["transaction"]["error_code"], "card_declined");
    assert_eq!(event_types(&client).await.last().unwrap(), "payment_failed");
}

#[tokio::test]
async fn credit_notes_adjust_credit_and_write_off() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;

    // 9.00 of the 49.00 due adjusted away: 40.00 still due.
    let adjusted = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": invoice, "type": "adjustment", "total": 900,
               "reason_code": "waiver", "create_reason_code": "Goodwill"}),
    )
    .await;
    let note = &adjusted["credit_note"];
    assert_eq!(note["type"], "adjustment");
    assert_eq!(note["status"], "adjusted");
    assert_eq!(note["total"], 900);
    assert_eq!(note["amount_allocated"], 900);
    assert_eq!(note["amount_available"], 0);
    assert_eq!(note["reference_invoice_id"], invoice.as_str());
    assert_eq!(note["customer_id"], "ada");
    assert_eq!(note["currency_code"], "USD");
    assert_eq!(note["date"], now);
    assert_eq!(note["allocations"][0]["invoice_id"], invoice.as_str());
    assert_eq!(note["allocations"][0]["allocated_amount"], 900);
    assert_eq!(note["allocations"][0]["invoice_status"], "payment_due");
    let adjustment_id = note["id"].as_str().unwrap().to_string();
    let charged = &adjusted["invoice"];
    assert_eq!(charged["amount_adjusted"], 900);
    assert_eq!(charged["amount_due"], 4_000);
    assert_eq!(charged["status"], "payment_due");
    assert_eq!(
        charged["adjustment_credit_notes"][0]["cn_id"],
        adjustment_id.as_str()
    );
    assert_eq!(charged["adjustment_credit_notes"][0]["cn_total"], 900);
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["total_dues"], 4_000);

    // Not more than is due; nothing paid yet, so nothing to give back.
    let too_much = json!({"reference_invoice_id": invoice, "type": "adjustment", "total": 4_001});
    let refused = client.call("credit_note.create", None, too_much).await;
    let refused = refused.unwrap_err();
    assert_eq!(refused.api_error().unwrap().param.as_deref(), Some("total"));
    let unpaid = json!({"reference_invoice_id": invoice, "type": "refundable", "total": 1});
    let refused = client.call("credit_note.create", None, unpaid).await;
    assert_eq!(
        refused.unwrap_err().api_error().unwrap().param.as_deref(),
        Some("total")
    );

    // 15.00 paid, 10.00 of it credited back: the customer holds 10.00 of refundable credits.
    call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 1_500, "payment_method": "cash"}}),
    )
    .await;
    let credited = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": invoice, "type": "refundable", "total": 1_000,
               "create_reason_code": "Goodwill"}),
    )
    .await;
    let note = &credited["credit_note"];
    assert_eq!(note["status"], "refund_due");
    assert_eq!(note["amount_available"], 1_000);
    assert_eq!(note["amount_allocated"], 0);
    assert_eq!(note["amount_refunded"], 0);
    assert_eq!(
        credited["invoice"]["issued_credit_notes"][0]["cn_total"],
        1_000
    );
    assert_eq!(credited["invoice"]["amount_due"], 2_500);
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 1_000);
    // 5.00 of the payment is left to credit.
    let beyond = json!({"reference_invoice_id": invoice, "type": "refundable", "total": 501});
    let refused = client.call("credit_note.create", None, beyond).await;
    assert_eq!(
        refused.unwrap_err().api_error().unwrap().param.as_deref(),
        Some("total")
    );

    // An invoice holding a payment cannot be voided.
    assert_eq!(
        refusal(&client, "invoice.void_invoice", &invoice, json!({})).await,
        (409, "invalid_state_for_request".into())
    );

    // The 25.00 left written off: paid, 15.00 + 9.00 + 25.00 = 49.00.
    emulator.clock().advance(std::time::Duration::from_secs(60));
    let written = call(&client, "invoice.write_off", Some(&invoice), json!({})).await;
    let written_off = &written["invoice"];
    assert_eq!(written_off["status"], "paid");
    assert_eq!(written_off["paid_at"], now + 60);
    assert_eq!(written_off["amount_due"], 0);
    assert_eq!(written_off["write_off_amount"], 2_500);
    assert_eq!(written_off["amount_paid"], 1_500);
    assert_eq!(written_off["amount_adjusted"], 900);
    let note = &written["credit_note"];
    assert_eq!(note["type"], "adjustment");
    assert_eq!(note["reason_code"], "write_off");
    assert_eq!(note["create_reason_code"], "Write Off");
    assert_eq!(note["total"], 2_500);
    assert_eq!(note["allocations"][0]["invoice_status"], "paid");
    assert_eq!(
        written_off["adjustment_credit_notes"][1]["cn_id"],
        note["id"]
    );
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["due_invoices_count"], 0);
    assert_eq!(
        refusal(&client, "invoice.write_off", &invoice, json!({})).await,
        (409, "invalid_state_for_request".into())
    );

    // Kept: retrieved and listed, also the customer's.
    let kept = call(
        &client,
        "credit_note.retrieve",
        Some(&adjustment_id),
        json!({}),
    )
    .await;
    assert_eq!(kept["credit_note"]["total"], 900);
    let listed = call(
        &client,
        "credit_note.credit_notes_for_customer",
        Some("ada"),
        json!({}),
    )
    .await;
    assert_eq!(listed["list"].as_array().unwrap().len(), 3);

    // What is not modeled is refused by name.
    let store = json!({"reference_invoice_id": invoice, "type": "store", "total": 1});
    assert_eq!(
        client
            .call("credit_note.create", None, store)
            .await
            .unwrap_err()
            .api_error()
            .unwrap()
            .status,
        501
    );
    let standalone = json!({"customer_id": "ada", "type": "refundable", "total": 1});
    assert_eq!(
        client
            .call("credit_note.create", None, standalone)
            .await
            .unwrap_err()
            .api_error()
            .unwrap()
            .status,
        501
    );
    let kinds = event_types(&client).await;
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["credit_note_created", "invoice_updated"]
    );
    assert_eq!(
        kinds.iter().filter(|k| *k == "credit_note_created").count(),
        3
    );
}

#[tokio::test]
async fn voided_and_deleted_invoices_are_no_longer_owed() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, first) = due_invoice(&emulator).await;

    let voided = call(
        &client,
        "invoice.void_invoice",
        Some(&first),
        json!({"void_reason_code": "Raised in error"}),
    )
    .await;
    let voided = &voided["invoice"];
    assert_eq!(voided["status"], "voided");
    assert_eq!(voided["voided_at"], now);
    assert_eq!(voided["void_reason_code"], "Raised in error");
    assert_eq!(voided["amount_due"], 4_900);
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["due_invoices_count"], 0);
    assert_eq!(sub["subscription"].get("total_dues"), None);
    assert_eq!(
        refusal(&client, "invoice.void_invoice", &first, json!({})).await,
        (409, "invalid_state_for_request".into())
    );

    // The renewal on 2026-04-10T12:00:00Z (31 days on) raises the next invoice; it is deleted.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(31 * 86_400));
    let invoices = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({}),
    )
    .await;
    let second = invoices["list"][0]["invoice"].clone();
    assert_eq!(second["date"], now + 31 * 86_400);
    assert_eq!(second["status"], "payment_due");
    let second = second["id"].as_str().unwrap().to_string();
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["total_dues"], 4_900);

    let deleted = call(&client, "invoice.delete", Some(&second), json!({})).await;
    assert_eq!(deleted["invoice"]["deleted"], true);
    let gone = client
        .call("invoice.retrieve", Some(&second), json!({}))
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let listed = call(
        &client,
        "invoice.list",
        None,
        json!({"include_deleted": true, "id": {"is": second}}),
    )
    .await;
    assert_eq!(listed["list"][0]["invoice"]["deleted"], true);
    let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(sub["subscription"]["due_invoices_count"], 0);
    assert_eq!(
        event_types(&client).await.last().map(String::as_str),
        Some("invoice_deleted")
    );
    // A comment is not kept, and is refused by name rather than dropped.
    let (status, code) = refusal(
        &client,
        "invoice.void_invoice",
        &first,
        json!({"comment": "why"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (501, "not_emulated"));
}

/// The `event_type`s of every event, counted by type.
async fn count_events(client: &Client, kind: &str) -> usize {
    event_types(client)
        .await
        .iter()
        .filter(|k| k.as_str() == kind)
        .count()
}

#[tokio::test]
async fn card_payments_are_refunded_to_the_card() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = catalog_at(now).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let card = add_card(&client, "ada", "4111111111111111").await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["invoice"]["status"], "paid");
    let invoice = created["invoice"]["id"].as_str().unwrap().to_string();
    let payment = created["invoice"]["linked_payments"][0]["txn_id"]
        .as_str()
        .unwrap()
        .to_string();

    // 10.00 of 49.00 back to the card, through a note refunded at once.
    let refunded = call(
        &client,
        "invoice.refund",
        Some(&invoice),
        json!({"refund_amount": 1_000,
               "credit_note": {"reason_code": "product_unsatisfactory",
                               "create_reason_code": "Bad week"}}),
    )
    .await;
    let note = &refunded["credit_note"];
    assert_eq!(note["type"], "refundable");
    assert_eq!(note["status"], "refunded");
    assert_eq!(note["total"], 1_000);
    assert_eq!(note["amount_refunded"], 1_000);
    assert_eq!(note["amount_available"], 0);
    assert_eq!(note["refunded_at"], now);
    assert_eq!(note["reason_code"], "product_unsatisfactory");
    assert_eq!(note["create_reason_code"], "Bad week");
    let refund = &refunded["transaction"];
    assert_eq!(refund["type"], "refund");
    assert_eq!(refund["amount"], 1_000);
    assert_eq!(refund["status"], "success");
    assert_eq!(refund["payment_source_id"], card.as_str());
    assert_eq!(refund["reference_transaction_id"], payment.as_str());
    assert_eq!(refund["linked_credit_notes"][0]["cn_id"], note["id"]);
    assert_eq!(refund["linked_credit_notes"][0]["applied_amount"], 1_000);
    assert_eq!(note["linked_refunds"][0]["txn_id"], refund["id"]);
    assert_eq!(refunded["invoice"]["status"], "paid");
    assert_eq!(
        refunded["invoice"]["issued_credit_notes"][0]["cn_status"],
        "refunded"
    );
    let paid = call(&client, "transaction.retrieve", Some(&payment), json!({})).await;
    assert_eq!(
        paid["transaction"]["linked_refunds"][0]["txn_amount"],
        1_000
    );

    // 9.00 kept as credits; the card refund then gives back what is left to refund, 30.00.
    let credited = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": invoice, "type": "refundable", "total": 900}),
    )
    .await;
    let credit_id = credited["credit_note"]["id"].as_str().unwrap().to_string();
    let rest = call(&client, "invoice.refund", Some(&invoice), json!({})).await;
    assert_eq!(rest["transaction"]["amount"], 3_000);
    assert_eq!(
        refusal(&client, "invoice.refund", &invoice, json!({})).await,
        (409, "invalid_state_for_request".into())
    );

    // The 9.00 note refunded to the card in two steps.
    let part = call(
        &client,
        "credit_note.refund",
        Some(&credit_id),
        json!({"refund_amount": 400, "refund_reason_code": "Asked"}),
    )
    .await;
    assert_eq!(part["credit_note"]["status"], "refund_due");
    assert_eq!(part["credit_note"]["amount_available"], 500);
    assert_eq!(part["credit_note"]["amount_refunded"], 400);
    assert_eq!(
        part["credit_note"]["linked_refunds"][0]["refund_reason_code"],
        "Asked"
    );
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 500);
    let whole = call(&client, "credit_note.refund", Some(&credit_id), json!({})).await;
    assert_eq!(whole["transaction"]["amount"], 500);
    assert_eq!(whole["credit_note"]["status"], "refunded");
    assert_eq!(whole["credit_note"]["amount_available"], 0);
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 0);
    let kept = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    assert_eq!(
        kept["invoice"]["issued_credit_notes"][1]["cn_id"],
        credit_id.as_str()
    );
    assert_eq!(
        kept["invoice"]["issued_credit_notes"][1]["cn_status"],
        "refunded"
    );
    assert_eq!(
        refusal(&client, "credit_note.refund", &credit_id, json!({})).await,
        (409, "invalid_state_for_request".into())
    );
    // Four refunds: 10.00 + 30.00 + 4.00 + 5.00 = 49.00.
    let paid = call(&client, "transaction.retrieve", Some(&payment), json!({})).await;
    let refunds = paid["transaction"]["linked_refunds"].as_array().unwrap();
    let amounts: Vec<i64> = refunds
        .iter()
        .map(|r| r["txn_amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [1_000, 3_000, 400, 500]);
    assert_eq!(count_events(&client, "payment_refunded").await, 4);
    assert_eq!(count_events(&client, "credit_note_updated").await, 2);
}

#[tokio::test]
async fn recorded_refunds_draw_on_offline_payments_first() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;
    // 30.00 in cash, then 19.00 from a card.
    let cash = call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 3_000, "payment_method": "cash"}}),
    )
    .await;
    let cash = cash["transaction"]["id"].as_str().unwrap().to_string();
    add_card(&client, "ada", "4111111111111111").await;
    let collected = call(
        &client,
        "invoice.collect_payment",
        Some(&invoice),
        json!({}),
    )
    .await;
    assert_eq!(collected["invoice"]["status"], "paid");
    let card_payment = collected["transaction"]["id"].as_str().unwrap().to_string();
    // 2.00 kept as credits.
    let credited = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": invoice, "type": "refundable", "total": 200}),
    )
    .await;
    let credit_id = credited["credit_note"]["id"].as_str().unwrap().to_string();

    let missing = json!({"transaction": {"amount": 100, "date": now}});
    let refused = client
        .call("invoice.record_refund", Some(&invoice), missing)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("payment_method"), "{refused}");

    // 35.00 refunded by bank transfer: 30.00 of the cash, then 5.00 of the card payment.
    let recorded = call(
        &client,
        "invoice.record_refund",
        Some(&invoice),
        json!({"transaction": {"amount": 3_500, "payment_method": "bank_transfer",
                               "reference_number": "rf-1", "date": now}}),
    )
    .await;
    let note = &recorded["credit_note"];
    assert_eq!(note["status"], "refunded");
    assert_eq!(note["total"], 3_500);
    let parts: Vec<i64> = note["linked_refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["applied_amount"].as_i64().unwrap())
        .collect();
    assert_eq!(parts, [3_000, 500]);
    let first = &recorded["transaction"];
    assert_eq!(first["amount"], 3_000);
    assert_eq!(first["gateway"], "not_applicable");
    assert_eq!(first["payment_method"], "bank_transfer");
    assert_eq!(first["reference_number"], "rf-1");
    assert_eq!(first["reference_transaction_id"], cash.as_str());
    let second = note["linked_refunds"][1]["txn_id"].as_str().unwrap();
    let second = call(&client, "transaction.retrieve", Some(second), json!({})).await;
    assert_eq!(
        second["transaction"]["reference_transaction_id"],
        card_payment.as_str()
    );

    // The 2.00 note recorded as refunded by check: cash is spent, so from the card payment.
    let note_refund = call(
        &client,
        "credit_note.record_refund",
        Some(&credit_id),
        json!({"transaction": {"payment_method": "check", "date": now}}),
    )
    .await;
    assert_eq!(note_refund["credit_note"]["status"], "refunded");
    assert_eq!(note_refund["transaction"]["amount"], 200);
    assert_eq!(
        note_refund["transaction"]["reference_transaction_id"],
        card_payment.as_str()
    );

    // What is left, 12.00 (49.00 - 35.00 - 2.00), goes back to the card.
    let online = call(&client, "invoice.refund", Some(&invoice), json!({})).await;
    assert_eq!(online["transaction"]["amount"], 1_200);
    assert_eq!(online["transaction"]["gateway"], "chargebee");
    assert_eq!(
        refusal(
            &client,
            "invoice.record_refund",
            &invoice,
            json!({"transaction": {"payment_method": "cash", "date": now}})
        )
        .await,
        (409, "invalid_state_for_request".into())
    );
}

#[tokio::test]
async fn refundable_credits_go_to_the_next_invoices_first() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(now).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let first = created["invoice"]["id"].as_str().unwrap().to_string();
    let credit = |invoice: String, total: i64| {
        let client = client.clone();
        async move {
            let params = json!({"reference_invoice_id": invoice, "type": "refundable",
                                "total": total});
            let note = call(&client, "credit_note.create", None, params).await;
            note["credit_note"]["id"].as_str().unwrap().to_string()
        }
    };
    let ten = credit(first.clone(), 1_000).await;
    let latest = |client: Client| async move {
        let page = call(
            &client,
            "invoice.invoices_for_subscription",
            Some("sub"),
            json!({"limit": 1}),
        )
        .await;
        page["list"][0]["invoice"].clone()
    };

    // 2026-04-10: 49.00, 10.00 of it from the credits, 39.00 charged to the card.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(31 * day as u64));
    let second = latest(client.clone()).await;
    assert_eq!(second["date"], now + 31 * day);
    assert_eq!(second["total"], 4_900);
    assert_eq!(second["credits_applied"], 1_000);
    assert_eq!(second["amount_paid"], 3_900);
    assert_eq!(second["amount_due"], 0);
    assert_eq!(second["status"], "paid");
    assert_eq!(second["applied_credits"][0]["cn_id"], ten.as_str());
    assert_eq!(second["applied_credits"][0]["applied_amount"], 1_000);
    assert_eq!(second["applied_credits"][0]["cn_status"], "refunded");
    assert_eq!(second["linked_payments"][0]["applied_amount"], 3_900);
    let note = call(&client, "credit_note.retrieve", Some(&ten), json!({})).await;
    let note = &note["credit_note"];
    assert_eq!(note["status"], "refunded");
    assert_eq!(note["amount_available"], 0);
    assert_eq!(note["amount_allocated"], 1_000);
    assert_eq!(note["refunded_at"], now + 31 * day);
    assert_eq!(note["allocations"][0]["invoice_id"], second["id"]);
    assert_eq!(note["allocations"][0]["invoice_status"], "paid");
    let credited = call(&client, "invoice.retrieve", Some(&first), json!({})).await;
    assert_eq!(
        credited["invoice"]["issued_credit_notes"][0]["cn_status"],
        "refunded"
    );
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 0);

    // 39.00 then 20.00 of credits, oldest note first: the 2026-05-10 invoice is paid by
    // them alone, and 1.00 of the second note is left.
    let second_id = second["id"].as_str().unwrap().to_string();
    let thirty_nine = credit(second_id, 3_900).await;
    let twenty = credit(first, 2_000).await;
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(30 * day as u64));
    let third = latest(client.clone()).await;
    assert_eq!(third["date"], now + 61 * day);
    assert_eq!(third["credits_applied"], 4_900);
    assert_eq!(third["amount_paid"], 0);
    assert_eq!(third["amount_due"], 0);
    assert_eq!(third["status"], "paid");
    assert_eq!(third.get("linked_payments"), None);
    let applied: Vec<(&str, i64)> = third["applied_credits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cn_id"].as_str().unwrap(),
                c["applied_amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        applied,
        [(thirty_nine.as_str(), 3_900), (twenty.as_str(), 1_000)]
    );
    let left = call(&client, "credit_note.retrieve", Some(&twenty), json!({})).await;
    assert_eq!(left["credit_note"]["status"], "refund_due");
    assert_eq!(left["credit_note"]["amount_available"], 1_000);
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 1_000);
}

#[tokio::test]
async fn changes_at_once_are_prorated_to_the_second() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z; the term ends 2026-04-10T12:00:00Z
    let day = 86_400;
    let term_end = start + 31 * day;
    let (emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let first = created["invoice"]["id"].as_str().unwrap().to_string();
    let quantity = |n: i64| json!({"subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": n}]});

    // 2026-03-20T12:00:00Z, 21 of 31 days left, 1 → 3 seats: 49.00 × 21/31 = 33.1935… is
    // credited (33.19) and 147.00 × 21/31 = 99.5806… charged (99.58); the card pays 66.39.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(10 * day as u64));
    let up = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        quantity(3),
    )
    .await;
    assert_eq!(up["subscription"]["mrr"], 14_700);
    let credit = &up["credit_notes"][0];
    assert_eq!(credit["type"], "refundable");
    assert_eq!(credit["reason_code"], "subscription_change");
    assert_eq!(credit["total"], 3_319);
    assert_eq!(credit["reference_invoice_id"], first.as_str());
    let invoice = &up["invoice"];
    assert_eq!(invoice["total"], 9_958);
    assert_eq!(invoice["credits_applied"], 3_319);
    assert_eq!(invoice["amount_paid"], 6_639);
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["first_invoice"], false);
    let line = &invoice["line_items"][0];
    assert_eq!(line["date_from"], start + 10 * day);
    assert_eq!(line["date_to"], term_end);
    assert_eq!(line["quantity"], 3);
    assert_eq!(line["amount"], 9_958);
    let note = call(
        &client,
        "credit_note.retrieve",
        Some(credit["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(note["credit_note"]["status"], "refunded");

    // 2026-03-31T12:00:00Z, 10 days left, 3 → 1: 147.00 × 10/31 = 47.419… credited (47.42)
    // against the upgrade's invoice, 49.00 × 10/31 = 15.806… charged (15.81), paid by the
    // credit; 31.61 stays with the customer for the renewal.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(11 * day as u64));
    let down = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        quantity(1),
    )
    .await;
    let credit = &down["credit_notes"][0];
    assert_eq!(credit["total"], 4_742);
    assert_eq!(credit["reference_invoice_id"], up["invoice"]["id"]);
    assert_eq!(down["invoice"]["total"], 1_581);
    assert_eq!(down["invoice"]["credits_applied"], 1_581);
    assert_eq!(down["invoice"]["amount_paid"], 0);
    assert_eq!(down["invoice"]["status"], "paid");
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 3_161);
    let kinds = event_types(&client).await;
    // Paid by the credit alone: no payment event.
    assert_eq!(
        kinds[kinds.len() - 3..],
        [
            "subscription_changed",
            "invoice_generated",
            "credit_note_created"
        ]
    );

    // The renewal: 49.00, 31.61 of it from the credits, 17.39 charged.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(10 * day as u64));
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({"limit": 1}),
    )
    .await;
    let renewal = &page["list"][0]["invoice"];
    assert_eq!(renewal["date"], term_end);
    assert_eq!(renewal["total"], 4_900);
    assert_eq!(renewal["credits_applied"], 3_161);
    assert_eq!(renewal["amount_paid"], 1_739);

    // Without proration, nothing is credited or charged.
    let mut unprorated = quantity(2);
    unprorated["prorate"] = json!(false);
    let plain = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        unprorated,
    )
    .await;
    assert!(plain.get("invoice").is_none());
    assert!(plain.get("credit_notes").is_none());
}

/// The fields an invoice estimate shares with the invoice it estimates, and its lines'.
fn estimated_fields(invoice: &Value) -> Value {
    let lines: Vec<Value> = invoice["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            json!([
                line["date_from"],
                line["date_to"],
                line["quantity"],
                line["unit_amount"],
                line["amount"],
                line["entity_id"]
            ])
        })
        .collect();
    json!({
        "total": invoice["total"],
        "sub_total": invoice["sub_total"],
        "credits_applied": invoice["credits_applied"],
        "currency_code": invoice["currency_code"],
        "recurring": invoice["recurring"],
        "lines": lines,
    })
}

#[tokio::test]
async fn estimates_are_the_invoices_the_operations_raise() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    let items = |n: i64| json!([{"item_price_id": "pro-usd-monthly", "quantity": n}]);

    // A creation: estimated, then carried out; the estimate created nothing.
    let estimate = call(
        &client,
        "estimate.create_sub_item_for_customer_estimate",
        Some("ada"),
        json!({"subscription_items": items(2)}),
    )
    .await;
    let estimate = &estimate["estimate"];
    let invoice_estimate = &estimate["invoice_estimate"];
    assert_eq!(invoice_estimate["total"], 9_800);
    assert_eq!(invoice_estimate["amount_paid"], 0);
    assert_eq!(invoice_estimate["amount_due"], 9_800);
    assert_eq!(estimate["subscription_estimate"]["status"], "active");
    assert_eq!(estimate["subscription_estimate"].get("id"), None);
    assert_eq!(
        estimate["subscription_estimate"]["next_billing_at"],
        start + 31 * day
    );
    let listed = call(&client, "subscription.list", None, json!({})).await;
    assert_eq!(listed["list"].as_array().unwrap().len(), 0);
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": items(2)}),
    )
    .await;
    assert_eq!(
        estimated_fields(invoice_estimate),
        estimated_fields(&created["invoice"])
    );

    // A change at once on 2026-03-20: its prorated invoice and credit note.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(10 * day as u64));
    let change = json!({"subscription": {"id": "sub"}, "subscription_items": items(3)});
    let estimate = call(
        &client,
        "estimate.update_subscription_for_items",
        None,
        change,
    )
    .await;
    let estimate = &estimate["estimate"];
    // 98.00 × 21/31 = 66.387… credited; 147.00 × 21/31 = 99.580… charged.
    assert_eq!(estimate["credit_note_estimates"][0]["total"], 6_639);
    assert_eq!(estimate["invoice_estimate"]["total"], 9_958);
    assert_eq!(estimate["invoice_estimate"]["credits_applied"], 6_639);
    assert_eq!(estimate["invoice_estimate"]["amount_due"], 3_319);
    let changed = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        json!({"subscription_items": items(3)}),
    )
    .await;
    assert_eq!(
        estimated_fields(&estimate["invoice_estimate"]),
        estimated_fields(&changed["invoice"])
    );
    assert_eq!(changed["credit_notes"][0]["total"], 6_639);

    // A change at the term end: the next invoice bills it.
    let later = json!({"subscription": {"id": "sub"}, "subscription_items": items(1),
                       "end_of_term": true});
    let estimate = call(
        &client,
        "estimate.update_subscription_for_items",
        None,
        later,
    )
    .await;
    assert_eq!(
        estimate["estimate"]["next_invoice_estimate"]["total"],
        4_900
    );
    let scheduled = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
    assert_eq!(scheduled["subscription"]["has_scheduled_changes"], false);

    // A renewal, with 10.00 of credits: estimated, then raised on 2026-04-10.
    let first = created["invoice"]["id"].as_str().unwrap();
    call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": first, "type": "refundable", "total": 1_000}),
    )
    .await;
    let renewal = call(&client, "estimate.renewal_estimate", Some("sub"), json!({})).await;
    let renewal = &renewal["estimate"];
    let invoice_estimate = &renewal["invoice_estimate"];
    assert_eq!(invoice_estimate["total"], 14_700);
    assert_eq!(invoice_estimate["credits_applied"], 1_000);
    assert_eq!(invoice_estimate["amount_due"], 13_700);
    assert_eq!(
        invoice_estimate["line_items"][0]["date_from"],
        start + 31 * day
    );
    assert_eq!(
        renewal["subscription_estimate"]["next_billing_at"],
        start + 31 * day
    );
    let upcoming = call(
        &client,
        "estimate.upcoming_invoices_estimate",
        Some("ada"),
        json!({}),
    )
    .await;
    assert_eq!(
        estimated_fields(&upcoming["estimate"]["invoice_estimates"][0]),
        estimated_fields(invoice_estimate)
    );
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(21 * day as u64));
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({"limit": 1}),
    )
    .await;
    let raised = &page["list"][0]["invoice"];
    assert_eq!(raised["date"], start + 31 * day);
    assert_eq!(estimated_fields(invoice_estimate), estimated_fields(raised));

    // A trial: the first invoice comes at its end.
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    let trial_end = start + 45 * day;
    let estimate = call(
        &client,
        "estimate.create_sub_item_for_customer_estimate",
        Some("bob"),
        json!({"subscription": {"trial_end": trial_end}, "subscription_items": items(1)}),
    )
    .await;
    let estimate = &estimate["estimate"];
    assert_eq!(estimate.get("invoice_estimate"), None);
    assert_eq!(estimate["next_invoice_estimate"]["total"], 4_900);
    assert_eq!(
        estimate["next_invoice_estimate"]["line_items"][0]["date_from"],
        trial_end
    );
    assert_eq!(estimate["subscription_estimate"]["status"], "in_trial");
}

#[tokio::test]
async fn voided_credit_notes_give_back_what_they_took() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(now),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;
    let note = |params: Value| {
        let client = client.clone();
        async move {
            let created = call(&client, "credit_note.create", None, params).await;
            created["credit_note"]["id"].as_str().unwrap().to_string()
        }
    };
    // 49.00: 9.00 adjusted, 15.00 paid (10.00 of it credited back), 25.00 written off.
    let adjustment =
        note(json!({"reference_invoice_id": invoice, "type": "adjustment", "total": 900})).await;
    call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 1_500, "payment_method": "cash"}}),
    )
    .await;
    let refundable =
        note(json!({"reference_invoice_id": invoice, "type": "refundable", "total": 1_000})).await;
    let written = call(&client, "invoice.write_off", Some(&invoice), json!({})).await;
    let write_off = written["credit_note"]["id"].as_str().unwrap().to_string();
    let void = |id: String| {
        let client = client.clone();
        async move {
            call(
                &client,
                "credit_note.void_credit_note",
                Some(&id),
                json!({}),
            )
            .await
        }
    };
    let dues = |client: Client| async move {
        let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
        (
            sub["subscription"]["due_invoices_count"].clone(),
            sub["subscription"]["total_dues"].clone(),
        )
    };

    // The write-off undone: 25.00 due again, not_paid.
    let voided = void(write_off.clone()).await;
    assert_eq!(voided["credit_note"]["status"], "voided");
    assert_eq!(voided["credit_note"]["voided_at"], now);
    let kept = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    let kept = &kept["invoice"];
    assert_eq!(kept["status"], "not_paid");
    assert_eq!(kept["amount_due"], 2_500);
    assert_eq!(kept.get("write_off_amount"), None);
    assert_eq!(kept.get("paid_at"), None);
    assert_eq!(kept["adjustment_credit_notes"][1]["cn_status"], "voided");
    assert_eq!(dues(client.clone()).await, (json!(1), json!(2_500)));

    // The unused refundable note: its 10.00 leave the customer's credits.
    void(refundable).await;
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["refundable_credits"], 0);
    let kept = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    assert_eq!(
        kept["invoice"]["issued_credit_notes"][0]["cn_status"],
        "voided"
    );

    // The adjustment: 9.00 due again, 34.00 in all.
    void(adjustment.clone()).await;
    let kept = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    assert_eq!(kept["invoice"]["amount_adjusted"], 0);
    assert_eq!(kept["invoice"]["amount_due"], 3_400);
    assert_eq!(dues(client.clone()).await, (json!(1), json!(3_400)));
    assert_eq!(
        refusal(
            &client,
            "credit_note.void_credit_note",
            &adjustment,
            json!({})
        )
        .await,
        (409, "invalid_state_for_request".into())
    );
    let kinds = event_types(&client).await;
    assert_eq!(
        kinds[kinds.len() - 2..],
        ["credit_note_updated", "invoice_updated"]
    );
}

#[tokio::test]
async fn charges_left_unbilled_are_billed_later() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(start).await;
    let subscribe = |customer: &'static str, invoice_now: bool| {
        let client = client.clone();
        async move {
            call(&client, "customer.create", None, json!({ "id": customer })).await;
            add_card(&client, customer, "4111111111111111").await;
            let params = json!({"id": customer, "invoice_immediately": invoice_now,
                "subscription_items": [{"item_price_id": "pro-usd-monthly"}]});
            call(
                &client,
                "subscription.create_with_items",
                Some(customer),
                params,
            )
            .await
        }
    };
    let unbilled = |subscription: &'static str, deleted: bool| {
        let client = client.clone();
        async move {
            let params = json!({"subscription_id": {"is": subscription},
                                "include_deleted": deleted});
            let page = call(&client, "unbilled_charge.list", None, params).await;
            page["list"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["unbilled_charge"].clone())
                .collect::<Vec<Value>>()
        }
    };

    // Created without invoicing: the first term's 49.00 is left unbilled.
    let ada = subscribe("ada", false).await;
    assert!(ada.get("invoice").is_none());
    assert_eq!(ada["subscription"]["status"], "active");
    let charges = unbilled("ada", false).await;
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0]["amount"], 4_900);
    assert_eq!(charges[0]["date_from"], start);
    assert_eq!(charges[0]["date_to"], start + 31 * day);
    assert_eq!(charges[0]["entity_id"], "pro-usd-monthly");
    assert_eq!(charges[0]["entity_type"], "plan_item_price");

    subscribe("cat", false).await;
    let cat = unbilled("cat", false).await;
    let id = cat[0]["id"].as_str().unwrap();
    call(&client, "unbilled_charge.delete", Some(id), json!({})).await;
    assert!(unbilled("cat", false).await.is_empty());

    // A prorated upgrade left unbilled: the credit note now, the 99.58 charge unbilled,
    // then invoiced on demand, paid by the credit (33.19) and the card (66.39).
    subscribe("bob", true).await;
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(10 * day as u64));
    let changed = call(
        &client,
        "subscription.update_for_items",
        Some("bob"),
        json!({"invoice_immediately": false,
               "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}]}),
    )
    .await;
    assert!(changed.get("invoice").is_none());
    assert_eq!(changed["credit_notes"][0]["total"], 3_319);
    let charges = unbilled("bob", false).await;
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0]["amount"], 9_958);
    assert_eq!(charges[0]["date_from"], start + 10 * day);
    let invoiced = call(
        &client,
        "unbilled_charge.invoice_unbilled_charges",
        None,
        json!({"subscription_id": "bob"}),
    )
    .await;
    let invoice = &invoiced["invoices"][0];
    assert_eq!(invoice["total"], 9_958);
    assert_eq!(invoice["credits_applied"], 3_319);
    assert_eq!(invoice["amount_paid"], 6_639);
    assert_eq!(invoice["line_items"][0]["date_from"], start + 10 * day);
    assert!(unbilled("bob", false).await.is_empty());
    let kept = unbilled("bob", true).await;
    assert_eq!(kept[0]["deleted"], true);
    let refused = client
        .call("unbilled_charge.invoice_unbilled_charges", None, json!({}))
        .await
        .unwrap_err();
    assert_eq!(refused.api_error().unwrap().status, 400);

    // ada's first term comes with the renewal; cat's, deleted, is never billed.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(21 * day as u64));
    let renewal = |subscription: &'static str| {
        let client = client.clone();
        async move {
            let page = call(
                &client,
                "invoice.invoices_for_subscription",
                Some(subscription),
                json!({"limit": 1}),
            )
            .await;
            page["list"][0]["invoice"].clone()
        }
    };
    let ada = renewal("ada").await;
    assert_eq!(ada["date"], start + 31 * day);
    assert_eq!(ada["total"], 9_800);
    assert_eq!(ada["line_items"][1]["date_from"], start);
    assert_eq!(renewal("cat").await["total"], 4_900);
}

#[tokio::test]
async fn excess_payments_pay_later_invoices_after_credits() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (april, may) = (1_775_822_400, 1_778_414_400); // 2026-04-10, 2026-05-10 12:00Z
    let config = Config {
        now: Some(start),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, invoice) = due_invoice(&emulator).await;
    // 100.00 in cash for 49.00: 51.00 in excess; 10.00 of the 49.00 credited back.
    let cash = call(
        &client,
        "invoice.record_payment",
        Some(&invoice),
        json!({"transaction": {"amount": 10_000, "payment_method": "cash"}}),
    )
    .await;
    let cash = cash["transaction"]["id"].as_str().unwrap().to_string();
    call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": invoice, "type": "refundable", "total": 1_000}),
    )
    .await;
    let latest = |client: Client| async move {
        let page = call(
            &client,
            "invoice.invoices_for_subscription",
            Some("sub"),
            json!({"limit": 1}),
        )
        .await;
        page["list"][0]["invoice"].clone()
    };

    // April's 49.00: 10.00 of credits first, then 39.00 of the excess.
    emulator.clock().set(april).unwrap();
    let renewal = latest(client.clone()).await;
    assert_eq!(renewal["date"], april);
    assert_eq!(renewal["credits_applied"], 1_000);
    assert_eq!(renewal["amount_paid"], 3_900);
    assert_eq!(renewal["status"], "paid");
    assert_eq!(renewal["linked_payments"][0]["txn_id"], cash.as_str());
    assert_eq!(renewal["linked_payments"][0]["applied_amount"], 3_900);
    let transaction = call(&client, "transaction.retrieve", Some(&cash), json!({})).await;
    assert_eq!(transaction["transaction"]["amount_unused"], 1_200);
    assert_eq!(
        transaction["transaction"]["linked_invoices"][1]["invoice_id"],
        renewal["id"]
    );
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["excess_payments"], 1_200);
    assert_eq!(customer["customer"]["refundable_credits"], 0);

    // May's: the last 12.00 of the excess; 37.00 is due, with no card to charge.
    emulator.clock().set(may).unwrap();
    let renewal = latest(client.clone()).await;
    assert_eq!(renewal["amount_paid"], 1_200);
    assert_eq!(renewal["amount_due"], 3_700);
    assert_eq!(renewal["status"], "payment_due");
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["excess_payments"], 0);
    assert!(!event_types(&client)
        .await
        .contains(&"payment_succeeded".to_string()));
}

#[tokio::test]
async fn promotional_credits_come_off_invoices_first() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let added = call(
        &client,
        "customer.add_promotional_credits",
        Some("ada"),
        json!({"amount": 1_500, "currency_code": "USD", "description": "Referral"}),
    )
    .await;
    assert_eq!(added["customer"]["promotional_credits"], 1_500);
    let deducted = call(
        &client,
        "promotional_credit.deduct",
        None,
        json!({"customer_id": "ada", "amount": 500, "description": "Correction"}),
    )
    .await;
    let entry = &deducted["promotional_credit"];
    assert_eq!(entry["type"], "decrement");
    assert_eq!(entry["amount"], 500);
    assert_eq!(entry["closing_balance"], 1_000);
    assert_eq!(entry["currency_code"], "USD");
    assert_eq!(entry["credit_type"], "general");
    let set = call(
        &client,
        "promotional_credit.set",
        None,
        json!({"customer_id": "ada", "amount": 2_000, "currency_code": "USD",
               "description": "Loyalty", "credit_type": "loyalty_credits"}),
    )
    .await;
    assert_eq!(set["promotional_credit"]["type"], "increment");
    assert_eq!(set["promotional_credit"]["amount"], 1_000);
    let entry_id = set["promotional_credit"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let too_much = client
        .call(
            "promotional_credit.deduct",
            None,
            json!({"customer_id": "ada", "amount": 5_000, "description": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        too_much.api_error().unwrap().param.as_deref(),
        Some("amount")
    );
    let euros = client
        .call(
            "customer.add_promotional_credits",
            Some("ada"),
            json!({"amount": 100, "currency_code": "EUR", "description": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        euros.api_error().unwrap().param.as_deref(),
        Some("currency_code")
    );

    // The first invoice: 49.00 less the 20.00 of promotional credits.
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let invoice = &created["invoice"];
    assert_eq!(invoice["sub_total"], 4_900);
    assert_eq!(invoice["total"], 2_900);
    assert_eq!(invoice["amount_due"], 2_900);
    assert_eq!(
        invoice["discounts"][0]["entity_type"],
        "promotional_credits"
    );
    assert_eq!(invoice["discounts"][0]["amount"], 2_000);
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["promotional_credits"], 0);
    let listed = call(
        &client,
        "promotional_credit.list",
        None,
        json!({"customer_id": {"is": "ada"}}),
    )
    .await;
    let entries = listed["list"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let used = &entries[0]["promotional_credit"];
    assert_eq!(used["type"], "decrement");
    assert_eq!(used["amount"], 2_000);
    assert_eq!(used["closing_balance"], 0);
    assert_eq!(used["reference"], invoice["id"]);
    let kept = call(
        &client,
        "promotional_credit.retrieve",
        Some(&entry_id),
        json!({}),
    )
    .await;
    assert_eq!(kept["promotional_credit"]["credit_type"], "loyalty_credits");
    let kinds = event_types(&client).await;
    let promotional: Vec<&String> = kinds
        .iter()
        .filter(|k| k.starts_with("promotional"))
        .collect();
    assert_eq!(
        promotional,
        [
            "promotional_credits_added",
            "promotional_credits_deducted",
            "promotional_credits_added"
        ]
    );
}

#[tokio::test]
async fn credits_and_excess_payments_apply_to_invoices_already_due() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = Config {
        now: Some(start),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let (client, first) = due_invoice(&emulator).await;
    let second = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub2", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let second = second["invoice"]["id"].as_str().unwrap().to_string();
    // 60.00 in cash for the first 49.00: 11.00 in excess; 10.00 of it credited back.
    let cash = call(
        &client,
        "invoice.record_payment",
        Some(&first),
        json!({"transaction": {"amount": 6_000, "payment_method": "cash"}}),
    )
    .await;
    let cash = cash["transaction"]["id"].as_str().unwrap().to_string();
    let note = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": first, "type": "refundable", "total": 1_000}),
    )
    .await;
    let note = note["credit_note"]["id"].as_str().unwrap().to_string();

    // The credits, then 5.00 of the excess, then the rest of it.
    let credited = call(&client, "invoice.apply_credits", Some(&second), json!({})).await;
    let invoice = &credited["invoice"];
    assert_eq!(invoice["credits_applied"], 1_000);
    assert_eq!(invoice["amount_due"], 3_900);
    assert_eq!(invoice["applied_credits"][0]["cn_id"], note.as_str());
    let part = call(
        &client,
        "invoice.apply_payments",
        Some(&second),
        json!({"transactions": [{"id": cash, "amount": 500}]}),
    )
    .await;
    assert_eq!(part["invoice"]["amount_paid"], 500);
    assert_eq!(part["invoice"]["amount_due"], 3_400);
    let rest = call(&client, "invoice.apply_payments", Some(&second), json!({})).await;
    assert_eq!(rest["invoice"]["amount_paid"], 1_100);
    assert_eq!(rest["invoice"]["amount_due"], 2_800);
    assert_eq!(rest["invoice"]["status"], "payment_due");
    let transaction = call(&client, "transaction.retrieve", Some(&cash), json!({})).await;
    assert_eq!(transaction["transaction"]["amount_unused"], 0);
    let customer = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
    assert_eq!(customer["customer"]["excess_payments"], 0);
    assert_eq!(customer["customer"]["refundable_credits"], 0);
    let sub = call(&client, "subscription.retrieve", Some("sub2"), json!({})).await;
    assert_eq!(sub["subscription"]["total_dues"], 2_800);

    // Nothing left to apply; another customer's note is not this invoice's.
    assert_eq!(
        refusal(&client, "invoice.apply_payments", &second, json!({})).await,
        (409, "invalid_state_for_request".into())
    );
    let foreign = json!({"credit_notes": [{"id": note}]});
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    let bob = call(
        &client,
        "subscription.create_with_items",
        Some("bob"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let bobs = bob["invoice"]["id"].as_str().unwrap();
    let refused = client
        .call("invoice.apply_credits", Some(bobs), foreign)
        .await
        .unwrap_err();
    assert_eq!(
        refused.api_error().unwrap().param.as_deref(),
        Some("credit_notes[id][0]")
    );
}

#[tokio::test]
async fn cancellations_bill_unbilled_charges_as_their_estimates_say() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(start).await;
    let items = json!([{"item_price_id": "pro-usd-monthly", "quantity": 2}]);

    // A creation for a customer not yet created: 2 × 49.00, and nothing kept.
    let estimate = call(
        &client,
        "estimate.create_sub_item_estimate",
        None,
        json!({"subscription_items": items}),
    )
    .await;
    let invoice_estimate = &estimate["estimate"]["invoice_estimate"];
    assert_eq!(invoice_estimate["total"], 9_800);
    assert_eq!(invoice_estimate["amount_due"], 9_800);
    assert_eq!(invoice_estimate.get("customer_id"), None);
    assert_eq!(invoice_estimate["line_items"][0].get("customer_id"), None);
    let customers = call(&client, "customer.list", None, json!({})).await;
    assert_eq!(customers["list"].as_array().unwrap().len(), 0);

    let subscribe = |customer: &'static str| {
        let client = client.clone();
        let items = items.clone();
        async move {
            call(&client, "customer.create", None, json!({ "id": customer })).await;
            let params = json!({"id": customer, "invoice_immediately": false,
                                "subscription_items": items});
            call(
                &client,
                "subscription.create_with_items",
                Some(customer),
                params,
            )
            .await
        }
    };
    let unbilled = |subscription: &'static str| {
        let client = client.clone();
        async move {
            let params = json!({"subscription_id": {"is": subscription}});
            let page = call(&client, "unbilled_charge.list", None, params).await;
            page["list"].as_array().unwrap().len()
        }
    };
    let created = subscribe("ada").await;
    assert_eq!(
        estimated_fields(invoice_estimate)["lines"],
        json!([[start, start + 31 * day, 2, 4_900, 9_800, "pro-usd-monthly"]])
    );
    assert!(created.get("invoice").is_none());

    // Cancelled now on 2026-03-15: the 98.00 left unbilled is invoiced, as estimated.
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(5 * day as u64));
    let now = start + 5 * day;
    let estimate = call(
        &client,
        "estimate.cancel_subscription_for_items",
        Some("ada"),
        json!({}),
    )
    .await;
    let estimate = &estimate["estimate"];
    assert_eq!(estimate["subscription_estimate"]["status"], "cancelled");
    assert_eq!(estimate["invoice_estimate"]["total"], 9_800);
    assert_eq!(unbilled("ada").await, 1);
    let cancelled = call(
        &client,
        "subscription.cancel_for_items",
        Some("ada"),
        json!({}),
    )
    .await;
    assert_eq!(cancelled["subscription"]["status"], "cancelled");
    assert_eq!(cancelled["subscription"]["cancelled_at"], now);
    let invoice = &cancelled["invoice"];
    assert_eq!(invoice["date"], now);
    assert_eq!(invoice["status"], "payment_due");
    assert_eq!(
        estimated_fields(&estimate["invoice_estimate"]),
        estimated_fields(invoice)
    );
    assert_eq!(unbilled("ada").await, 0);
    let ada = call(&client, "subscription.retrieve", Some("ada"), json!({})).await;
    assert_eq!(ada["subscription"]["total_dues"], 9_800);
    assert_eq!(count_events(&client, "invoice_generated").await, 1);

    // Cancelled now with the charges deleted: no invoice.
    subscribe("bob").await;
    let params = json!({"unbilled_charges_option": "delete"});
    let estimate = call(
        &client,
        "estimate.cancel_subscription_for_items",
        Some("bob"),
        params.clone(),
    )
    .await;
    assert_eq!(estimate["estimate"].get("invoice_estimate"), None);
    let cancelled = call(
        &client,
        "subscription.cancel_for_items",
        Some("bob"),
        params,
    )
    .await;
    assert_eq!(cancelled.get("invoice"), None);
    assert_eq!(unbilled("bob").await, 0);

    // Cancelled at the term end (2026-04-15): the charges are invoiced then.
    subscribe("cat").await;
    let at_end = json!({"end_of_term": true, "unbilled_charges_option": "delete"});
    let (status, code) = refusal(&client, "subscription.cancel_for_items", "cat", at_end).await;
    assert_eq!((status, code.as_str()), (400, "param_wrong_value"));
    let params = json!({"end_of_term": true});
    let estimate = call(
        &client,
        "estimate.cancel_subscription_for_items",
        Some("cat"),
        params.clone(),
    )
    .await;
    let estimate = &estimate["estimate"];
    assert_eq!(estimate["subscription_estimate"]["status"], "non_renewing");
    assert_eq!(estimate.get("invoice_estimate"), None);
    let scheduled = call(
        &client,
        "subscription.cancel_for_items",
        Some("cat"),
        params,
    )
    .await;
    assert_eq!(scheduled.get("invoice"), None);
    let term_end = now + 31 * day;
    assert_eq!(scheduled["subscription"]["cancelled_at"], term_end);
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(31 * day as u64));
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("cat"),
        json!({}),
    )
    .await;
    let invoices = page["list"].as_array().unwrap();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0]["invoice"];
    assert_eq!(invoice["date"], term_end);
    assert_eq!(invoice["total"], 9_800);
    assert_eq!(
        invoice["line_items"][0]["date_to"],
        now + 31 * day,
        "the charge's period is the first term's"
    );
    let cat = call(&client, "subscription.retrieve", Some("cat"), json!({})).await;
    assert_eq!(cat["subscription"]["status"], "cancelled");
}

#[tokio::test]
async fn payments_and_credits_are_taken_back_off_invoices() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let (emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let first = created["invoice"]["id"].as_str().unwrap().to_string();
    let payment = created["invoice"]["linked_payments"][0]["txn_id"]
        .as_str()
        .unwrap()
        .to_string();
    let balances = |client: Client| async move {
        let ada = call(&client, "customer.retrieve", Some("ada"), json!({})).await;
        let sub = call(&client, "subscription.retrieve", Some("sub"), json!({})).await;
        (
            ada["customer"]["excess_payments"].clone(),
            ada["customer"]["refundable_credits"].clone(),
            sub["subscription"]["total_dues"].clone(),
        )
    };

    // The card payment of 49.00 taken off: due again (its due date has come, and it is
    // collected automatically: not_paid), the 49.00 the customer's excess payments.
    let removed = call(
        &client,
        "invoice.remove_payment",
        Some(&first),
        json!({"transaction": {"id": payment}}),
    )
    .await;
    let invoice = &removed["invoice"];
    assert_eq!(invoice["status"], "not_paid");
    assert_eq!(invoice["amount_paid"], 0);
    assert_eq!(invoice["amount_due"], 4_900);
    assert_eq!(invoice.get("paid_at"), None);
    assert_eq!(invoice["linked_payments"], json!([]));
    assert_eq!(removed["transaction"]["amount_unused"], 4_900);
    assert_eq!(removed["transaction"]["linked_invoices"], json!([]));
    assert_eq!(
        balances(client.clone()).await,
        (json!(4_900), json!(0), json!(4_900))
    );
    let again = client
        .call(
            "invoice.remove_payment",
            Some(&first),
            json!({"transaction": {"id": payment}}),
        )
        .await
        .unwrap_err();
    let api = again.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (400, Some("transaction[id]"))
    );

    // Applied back from the excess payments: paid, nothing owed.
    let applied = call(&client, "invoice.apply_payments", Some(&first), json!({})).await;
    assert_eq!(applied["invoice"]["status"], "paid");
    assert_eq!(balances(client.clone()).await.0, json!(0));

    // A refundable note of 10.00 issued: the payment can no longer be removed.
    let note = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": first, "type": "refundable", "total": 1_000}),
    )
    .await;
    let note = note["credit_note"]["id"].as_str().unwrap().to_string();
    let refused = client
        .call(
            "invoice.remove_payment",
            Some(&first),
            json!({"transaction": {"id": payment}}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.api_error().unwrap().status, 409);

    // The renewal on 2026-04-10 takes the note's 10.00 and 39.00 from the card; the note
    // taken back off it: 10.00 due again, the note refund_due with 10.00 available.
    emulator.clock().set(april).unwrap();
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({"limit": 1}),
    )
    .await;
    let renewal = page["list"][0]["invoice"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(page["list"][0]["invoice"]["credits_applied"], 1_000);
    assert_eq!(page["list"][0]["invoice"]["amount_paid"], 3_900);
    let removed = call(
        &client,
        "invoice.remove_credit_note",
        Some(&renewal),
        json!({"credit_note": {"id": note}}),
    )
    .await;
    let invoice = &removed["invoice"];
    assert_eq!(invoice["status"], "not_paid");
    assert_eq!(invoice["credits_applied"], 0);
    assert_eq!(invoice["amount_due"], 1_000);
    assert_eq!(invoice["applied_credits"], json!([]));
    let credit_note = &removed["credit_note"];
    assert_eq!(credit_note["status"], "refund_due");
    assert_eq!(credit_note["amount_allocated"], 0);
    assert_eq!(credit_note["amount_available"], 1_000);
    assert_eq!(credit_note["allocations"], json!([]));
    assert_eq!(
        balances(client.clone()).await,
        (json!(0), json!(1_000), json!(1_000))
    );
    let first_now = call(&client, "invoice.retrieve", Some(&first), json!({})).await;
    assert_eq!(
        first_now["invoice"]["issued_credit_notes"][0]["cn_status"],
        "refund_due"
    );
    assert_eq!(count_events(&client, "credit_note_updated").await, 1);

    // Applied again: paid. An unknown note names nothing; an adjustment note cannot be
    // taken off.
    let applied = call(&client, "invoice.apply_credits", Some(&renewal), json!({})).await;
    assert_eq!(applied["invoice"]["status"], "paid");
    assert_eq!(
        balances(client.clone()).await,
        (json!(0), json!(0), Value::Null)
    );
    let refused = client
        .call(
            "invoice.remove_credit_note",
            Some(&renewal),
            json!({"credit_note": {"id": "nope"}}),
        )
        .await
        .unwrap_err();
    assert!(refused.is_not_found(), "{refused}");
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    let owed = call(
        &client,
        "subscription.create_with_items",
        Some("bob"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let owed = owed["invoice"]["id"].as_str().unwrap().to_string();
    let adjustment = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": owed, "type": "adjustment", "total": 500}),
    )
    .await;
    let adjustment = adjustment["credit_note"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = client
        .call(
            "invoice.remove_credit_note",
            Some(&owed),
            json!({"credit_note": {"id": adjustment}}),
        )
        .await
        .unwrap_err();
    assert!(refused.api_error().unwrap().is_not_emulated(), "{refused}");
}

#[tokio::test]
async fn credit_notes_credit_lines_and_are_deleted() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (_emulator, client) = catalog_at(now).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub",
               "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}]}),
    )
    .await;
    let invoice = created["invoice"]["id"].as_str().unwrap().to_string();
    let line = created["invoice"]["line_items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(created["invoice"]["amount_due"], 14_700);
    let by_line = |amount: Option<i64>| {
        let mut entry = json!({ "reference_line_item_id": line });
        if let Some(amount) = amount {
            entry["amount"] = json!(amount);
        }
        json!({"reference_invoice_id": invoice, "type": "adjustment", "line_items": [entry]})
    };
    let refused_param = |params: Value| {
        let client = client.clone();
        async move {
            let e = client
                .call("credit_note.create", None, params)
                .await
                .unwrap_err();
            let api = e.api_error().unwrap();
            (api.status, api.param.clone().unwrap_or_default())
        }
    };

    // 49.00 of the 147.00 line: the note's total, its line naming the invoice's.
    let first = call(&client, "credit_note.create", None, by_line(Some(4_900))).await;
    let note = &first["credit_note"];
    assert_eq!(note["total"], 4_900);
    assert_eq!(
        note["line_items"][0]["reference_line_item_id"],
        line.as_str()
    );
    assert_eq!(note["line_items"][0]["amount"], 4_900);
    assert_eq!(note["line_items"][0]["entity_id"], "pro-usd-monthly");
    assert_eq!(first["invoice"]["amount_due"], 9_800);
    let first = note["id"].as_str().unwrap().to_string();

    // More than the 98.00 the line has left, a total beside lines, a line it does not have.
    assert_eq!(
        refused_param(by_line(Some(9_801))).await,
        (400, "line_items[amount][0]".to_string())
    );
    let mut both = by_line(Some(100));
    both["total"] = json!(100);
    assert_eq!(refused_param(both).await, (400, "total".to_string()));
    let mut unknown = by_line(Some(100));
    unknown["line_items"][0]["reference_line_item_id"] = json!("li_nope");
    assert_eq!(
        refused_param(unknown).await,
        (400, "line_items[reference_line_item_id][0]".to_string())
    );

    // No amount: the rest of the line, 98.00; the invoice is paid off by adjustments.
    let second = call(&client, "credit_note.create", None, by_line(None)).await;
    assert_eq!(second["credit_note"]["total"], 9_800);
    assert_eq!(second["invoice"]["status"], "paid");
    assert_eq!(second["invoice"]["amount_adjusted"], 14_700);

    // The first note deleted: its 49.00 is due again, the invoice no longer lists it, and
    // the line has 49.00 to credit again.
    let deleted = call(&client, "credit_note.delete", Some(&first), json!({})).await;
    assert_eq!(deleted["credit_note"]["deleted"], true);
    let after = call(&client, "invoice.retrieve", Some(&invoice), json!({})).await;
    let after = &after["invoice"];
    assert_eq!(after["status"], "not_paid");
    assert_eq!(after["amount_due"], 4_900);
    assert_eq!(after["amount_adjusted"], 9_800);
    let listed: Vec<&Value> = after["adjustment_credit_notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["cn_total"])
        .collect();
    assert_eq!(listed, [&json!(9_800)]);
    let gone = client
        .call("credit_note.retrieve", Some(&first), json!({}))
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let kept = call(
        &client,
        "credit_note.list",
        None,
        json!({"include_deleted": true, "id": {"is": first}}),
    )
    .await;
    assert_eq!(kept["list"][0]["credit_note"]["deleted"], true);
    assert_eq!(count_events(&client, "credit_note_deleted").await, 1);
    assert_eq!(
        refused_param(by_line(Some(4_901))).await,
        (400, "line_items[amount][0]".to_string())
    );
    let third = call(&client, "credit_note.create", None, by_line(Some(4_900))).await;
    assert_eq!(third["invoice"]["status"], "paid");

    // A refundable note deleted: its credits leave the customer.
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    add_card(&client, "bob", "4111111111111111").await;
    let paid = call(
        &client,
        "subscription.create_with_items",
        Some("bob"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let paid_line = &paid["invoice"]["line_items"][0]["id"];
    let refundable = call(
        &client,
        "credit_note.create",
        None,
        json!({"reference_invoice_id": paid["invoice"]["id"], "type": "refundable",
               "line_items": [{"reference_line_item_id": paid_line, "amount": 1_000}]}),
    )
    .await;
    let credits = |client: Client| async move {
        let bob = call(&client, "customer.retrieve", Some("bob"), json!({})).await;
        bob["customer"]["refundable_credits"].clone()
    };
    assert_eq!(credits(client.clone()).await, 1_000);
    let id = refundable["credit_note"]["id"].as_str().unwrap();
    call(&client, "credit_note.delete", Some(id), json!({})).await;
    assert_eq!(credits(client.clone()).await, 0);
    let paid_now = call(
        &client,
        "invoice.retrieve",
        Some(paid["invoice"]["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(paid_now["invoice"]["issued_credit_notes"], json!([]));
}

#[tokio::test]
async fn changes_in_a_thirty_day_term_round_halves_up() {
    let start = 1_775_822_400; // 2026-04-10T12:00:00Z; the term ends 2026-05-10T12:00:00Z
    let (emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    let created = call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    assert_eq!(created["subscription"]["current_term_end"], 1_778_414_400);

    // 2026-04-20T18:00:00Z: 1,706,400 of the term's 2,592,000 seconds left (19.75 of 30
    // days). 49.00 × 1,706,400 ÷ 2,592,000 = 32.2583… is credited (32.26); 147.00 × the same
    // = 96.775 exactly, charged rounded half up (96.78); the card pays 64.52.
    emulator.clock().set(1_776_708_000).unwrap();
    let up = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        json!({"subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}]}),
    )
    .await;
    assert_eq!(up["credit_notes"][0]["total"], 3_226);
    let invoice = &up["invoice"];
    assert_eq!(invoice["total"], 9_678);
    assert_eq!(invoice["credits_applied"], 3_226);
    assert_eq!(invoice["amount_paid"], 6_452);
    assert_eq!(invoice["line_items"][0]["date_from"], 1_776_708_000);
    assert_eq!(invoice["line_items"][0]["date_to"], 1_778_414_400);
}

#[tokio::test]
async fn moving_the_term_end_is_prorated_as_a_changed_billing_date() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z; the term ends 2026-04-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(start).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let (april_10, april_15, april_20) = (start + 31 * day, start + 36 * day, start + 41 * day);

    // On 2026-03-20, 10 days added: charged at one month from now (2026-03-20 to 04-20,
    // 31 days): 49.00 × 10 ÷ 31 = 15.806… → 15.81, for 04-10 to 04-20, from the card.
    emulator.clock().set(start + 10 * day).unwrap();
    let extended = call(
        &client,
        "subscription.change_term_end",
        Some("sub"),
        json!({"term_ends_at": april_20}),
    )
    .await;
    assert_eq!(extended["subscription"]["current_term_end"], april_20);
    assert_eq!(extended["subscription"]["next_billing_at"], april_20);
    let invoice = &extended["invoice"];
    assert_eq!(invoice["total"], 1_581);
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["line_items"][0]["date_from"], april_10);
    assert_eq!(invoice["line_items"][0]["date_to"], april_20);
    assert_eq!(count_events(&client, "invoice_generated").await, 2);

    // On 2026-03-25, 5 days taken off: credited at the term's rate (2026-03-10 to 04-20,
    // 41 days): 49.00 × 5 ÷ 41 = 5.9756… → 5.98, a refundable note.
    emulator.clock().set(start + 15 * day).unwrap();
    let reduced = call(
        &client,
        "subscription.change_term_end",
        Some("sub"),
        json!({"term_ends_at": april_15}),
    )
    .await;
    assert_eq!(reduced["subscription"]["current_term_end"], april_15);
    assert_eq!(reduced.get("invoice"), None);
    let note = &reduced["credit_notes"][0];
    assert_eq!(note["total"], 598);
    assert_eq!(note["type"], "refundable");
    assert_eq!(note["reference_invoice_id"], invoice["id"]);

    // The renewal on 2026-04-15 takes the 5.98 first: 43.02 from the card.
    emulator.clock().set(april_15).unwrap();
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({"limit": 1}),
    )
    .await;
    let renewal = &page["list"][0]["invoice"];
    assert_eq!(renewal["date"], april_15);
    assert_eq!(renewal["credits_applied"], 598);
    assert_eq!(renewal["amount_paid"], 4_302);

    // prorate=false moves the end alone.
    let plain = call(
        &client,
        "subscription.change_term_end",
        Some("sub"),
        json!({"term_ends_at": april_15 + 40 * day, "prorate": false}),
    )
    .await;
    assert_eq!(plain.get("invoice"), None);
    assert_eq!(plain.get("credit_notes"), None);
}

#[tokio::test]
async fn a_new_billing_period_at_once_starts_a_new_term() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z; the term ends 2026-04-10T12:00:00Z
    let day = 86_400;
    let (emulator, client) = catalog_at(start).await;
    let yearly = json!({"id": "pro-usd-yearly", "name": "Pro yearly", "item_id": "pro",
        "pricing_model": "per_unit", "price": 49_000, "currency_code": "USD", "period": 1,
        "period_unit": "year"});
    call(&client, "item_price.create", None, yearly).await;
    call(&client, "customer.create", None, json!({"id": "ada"})).await;
    add_card(&client, "ada", "4111111111111111").await;
    call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let to_yearly = json!({"replace_items_list": true,
                           "subscription_items": [{"item_price_id": "pro-usd-yearly"}]});

    // On 2026-03-20, 21 of 31 days left: 49.00 × 21/31 = 33.19 credited, 490.00 charged
    // for a year from now, 456.81 from the card.
    let now = start + 10 * day;
    let next_year = 1_805_544_000; // 2027-03-20T12:00:00Z
    emulator.clock().set(now).unwrap();
    let changed = call(
        &client,
        "subscription.update_for_items",
        Some("sub"),
        to_yearly.clone(),
    )
    .await;
    let subscription = &changed["subscription"];
    assert_eq!(subscription["billing_period_unit"], "year");
    assert_eq!(subscription["current_term_start"], now);
    assert_eq!(subscription["current_term_end"], next_year);
    assert_eq!(subscription["next_billing_at"], next_year);
    assert_eq!(subscription["mrr"], 49_000);
    assert_eq!(changed["credit_notes"][0]["total"], 3_319);
    let invoice = &changed["invoice"];
    assert_eq!(invoice["total"], 49_000);
    assert_eq!(invoice["credits_applied"], 3_319);
    assert_eq!(invoice["amount_paid"], 45_681);
    assert_eq!(invoice["line_items"][0]["date_from"], now);
    assert_eq!(invoice["line_items"][0]["date_to"], next_year);

    // Nothing is billed again until the year is over; then 490.00.
    emulator.clock().set(next_year).unwrap();
    let page = call(
        &client,
        "invoice.invoices_for_subscription",
        Some("sub"),
        json!({}),
    )
    .await;
    let dates: Vec<&Value> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["invoice"]["date"])
        .collect();
    assert_eq!(dates, [&json!(next_year), &json!(now), &json!(start)]);
    assert_eq!(page["list"][0]["invoice"]["total"], 49_000);

    // A trial's period changes at once without a charge.
    call(&client, "customer.create", None, json!({"id": "bob"})).await;
    let trial_end = next_year + 30 * day;
    call(
        &client,
        "subscription.create_with_items",
        Some("bob"),
        json!({"id": "trial", "trial_end": trial_end,
               "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
    )
    .await;
    let trial = call(
        &client,
        "subscription.update_for_items",
        Some("trial"),
        to_yearly,
    )
    .await;
    assert_eq!(trial["subscription"]["billing_period_unit"], "year");
    assert_eq!(trial.get("invoice"), None);
}
