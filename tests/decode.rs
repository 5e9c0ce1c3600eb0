//! Decoding realistic responses for each seed endpoint into the generated types, including
//! an enum value the spec does not know, fields it does not name, and custom fields.

use chargebee::enums::DunningStatus;
use chargebee::enums::{AutoCollection, ItemType, PricingModel};
use chargebee::{customer, hosted_page, subscription, ExtraFields, Timestamp};
use chargebee_tests::{fixture, gateway_client, MockServer, Reply};
use serde_json::json;

async fn respond(body: serde_json::Value) -> (MockServer, chargebee::Client) {
    let server = MockServer::start(vec![Reply::json(200, body.to_string())]).await;
    let client = gateway_client(&server);
    (server, client)
}

#[tokio::test]
async fn customer_with_card_custom_fields_and_extra_keys() {
    let (_server, client) =
        respond(json!({"customer": fixture("customer"), "card": fixture("card")})).await;
    let r = client
        .customers()
        .retrieve("cus_16CHqXU2pL1gH3Xz")
        .send()
        .await
        .unwrap();
    let c = &r.customer;
    assert_eq!(c.id, "cus_16CHqXU2pL1gH3Xz");
    assert_eq!(c.auto_collection, Some(AutoCollection::On));
    assert_eq!(c.created_at, Some(Timestamp(1704067200)));
    assert_eq!(c.resource_version, Some(1706745600123));
    let address = c.billing_address.as_ref().unwrap();
    assert_eq!(address.city.as_deref(), Some("London"));
    assert_eq!(c.extra_field("cf_plan_tier"), Some(&json!("gold")));
    let custom: Vec<&str> = c.custom_fields().map(|(k, _)| k).collect();
    assert_eq!(custom, ["cf_plan_tier", "cf_seats"]);
    let unnamed: Vec<&String> = c.extra.keys().collect();
    assert_eq!(unnamed, ["cf_plan_tier", "cf_seats"]);
    assert_eq!(
        c.object.as_deref(),
        Some("customer"),
        "the type tag is kept too"
    );
    assert_eq!(address.object.as_deref(), Some("billing_address"));
    let card = r.card.unwrap();
    assert_eq!(card.last4.as_deref(), Some("1111"));
    assert_eq!(card.expiry_year, Some(2030));
}

#[tokio::test]
async fn customer_without_optional_card() {
    let (_server, client) = respond(json!({"customer": fixture("customer")})).await;
    let r = client.customers().create().send().await.unwrap();
    assert!(r.card.is_none());
}

#[tokio::test]
async fn unknown_enum_value_decodes_as_unknown() {
    let (_server, client) = respond(json!({"list": [{"invoice": fixture("invoice")}]})).await;
    let page = client.invoices().list().send().await.unwrap();
    let invoice = &page.list[0].invoice;
    assert_eq!(
        invoice.dunning_status,
        Some(DunningStatus::Unknown(
            "in_progress_new_state_from_2027".into()
        ))
    );
    assert_eq!(invoice.total, Some(3500));
    assert_eq!(
        invoice.line_items.as_ref().unwrap()[0].entity_id.as_deref(),
        Some("basic-USD-monthly")
    );
    assert_eq!(
        invoice.extra_field("cf_po_reference"),
        Some(&json!("PO-7781"))
    );
    // An unknown value goes back on the wire as it came.
    let again = serde_json::to_value(invoice).unwrap();
    assert_eq!(again["dunning_status"], "in_progress_new_state_from_2027");
}

#[tokio::test]
async fn subscription_with_items_and_customer() {
    let (_server, client) =
        respond(json!({"subscription": fixture("subscription"), "customer": fixture("customer"), "card": fixture("card")}))
            .await;
    let r = client
        .subscriptions()
        .retrieve("sub_AzZlWqU2pLCq81Z")
        .send()
        .await
        .unwrap();
    let s = &r.subscription;
    assert_eq!(s.status, Some(subscription::Status::Active));
    let items = s.subscription_items.as_ref().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].item_type, Some(ItemType::Plan));
    assert_eq!(items[1].amount, Some(500));
    assert_eq!(s.extra_field("cf_region"), Some(&json!("emea")));
    assert_eq!(r.customer.email.as_deref(), Some("ada@example.com"));
}

#[tokio::test]
async fn subscription_create_response_with_invoice_and_unbilled_charges() {
    let (_server, client) = respond(json!({
        "subscription": fixture("subscription"),
        "customer": fixture("customer"),
        "invoice": fixture("invoice"),
        "unbilled_charges": [{
            "currency_code": "USD", "entity_type": "plan_item_price", "is_voided": false,
            "updated_at": 1704067200, "deleted": false, "amount": 3000, "object": "unbilled_charge"
        }]
    }))
    .await;
    let r = client
        .subscriptions()
        .create_with_items("cus_1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.invoice.unwrap().id, "inv_1042");
    assert_eq!(r.unbilled_charges.unwrap()[0].amount, Some(3000));
}

#[tokio::test]
async fn item_and_item_price_lists() {
    let (_server, client) =
        respond(json!({"list": [{"item": fixture("item")}], "next_offset": "1"})).await;
    let page = client.items().list().send().await.unwrap();
    assert_eq!(page.list[0].item.r#type, Some(ItemType::Plan));
    assert!(page.has_more());

    let (_server, client) = respond(json!({"list": [{"item_price": fixture("item_price")}]})).await;
    let page = client.item_prices().list().send().await.unwrap();
    let price = &page.list[0].item_price;
    assert_eq!(price.pricing_model, Some(PricingModel::PerUnit));
    assert_eq!(price.tiers.as_ref().unwrap()[1].ending_unit, None);
    assert!(!page.has_more());
}

#[tokio::test]
async fn hosted_page_and_portal_session() {
    let (_server, client) = respond(json!({"hosted_page": fixture("hosted_page")})).await;
    let r = client
        .hosted_pages()
        .checkout_new_for_items()
        .send()
        .await
        .unwrap();
    assert_eq!(r.hosted_page.state, Some(hosted_page::State::Created));
    assert_eq!(r.hosted_page.expires_at, Some(Timestamp(1704078000)));

    let (_server, client) = respond(json!({"portal_session": fixture("portal_session")})).await;
    let r = client.portal_sessions().create().send().await.unwrap();
    let session = &r.portal_session;
    let token = session.token.as_deref().unwrap();
    assert!(session.access_url.as_deref().unwrap().contains(token));
}

#[tokio::test]
async fn subscription_cancel_responses() {
    let mut cancelled = fixture("subscription");
    cancelled["status"] = json!("cancelled");
    cancelled["cancelled_at"] = json!(1706745600);
    cancelled["cancel_reason"] = json!("not_paid");
    let mut credit_note = json!({"id": "CN-7", "object": "credit_note", "total": 1250});
    credit_note["reference_invoice_id"] = json!("INV-3");
    let answer = json!({
        "subscription": cancelled,
        "customer": fixture("customer"),
        "credit_notes": [credit_note],
    });
    for (operation, path) in [
        ("cancel", "/api/v2/subscriptions/sub_1/cancel"),
        (
            "cancel_for_items",
            "/api/v2/subscriptions/sub_1/cancel_for_items",
        ),
    ] {
        let (server, client) = respond(answer.clone()).await;
        let subscriptions = client.subscriptions();
        let r = if operation == "cancel" {
            subscriptions.cancel("sub_1").send().await
        } else {
            subscriptions.cancel_for_items("sub_1").send().await
        }
        .unwrap();
        assert_eq!(
            server.only_request().line,
            format!("POST {path} HTTP/1.1"),
            "{operation}"
        );
        assert_eq!(r.subscription.id, "sub_AzZlWqU2pLCq81Z");
        assert_eq!(r.subscription.status, Some(subscription::Status::Cancelled));
        assert_eq!(
            r.subscription.cancelled_at.map(|t| t.unix()),
            Some(1706745600)
        );
        assert_eq!(
            r.subscription.cancel_reason,
            Some(chargebee::enums::CancelReason::NotPaid)
        );
        assert_eq!(r.customer.id, "cus_16CHqXU2pL1gH3Xz");
        let notes = r.credit_notes.expect("the credit notes are kept");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].id, "CN-7");
        assert_eq!(notes[0].total, Some(1250));
        assert_eq!(notes[0].reference_invoice_id.as_deref(), Some("INV-3"));
        assert!(r.invoice.is_none() && r.card.is_none() && r.unbilled_charges.is_none());
    }
}

#[test]
fn params_can_be_built_from_json() {
    let params: customer::CreateParams = serde_json::from_value(json!({
        "email": "ada@example.com",
        "auto_collection": "off",
        "billing_address": {"city": "London"}
    }))
    .unwrap();
    assert_eq!(params.auto_collection, Some(AutoCollection::Off));
    assert_eq!(
        params.billing_address.unwrap().city.as_deref(),
        Some("London")
    );
}

#[test]
fn only_a_missing_id_fails_and_names_it() {
    let mut body = fixture("customer");
    let fields = body.as_object_mut().unwrap();
    fields.remove("auto_collection");
    fields.remove("created_at");
    let lenient = serde_json::from_value::<customer::Customer>(body.clone()).unwrap();
    assert_eq!(
        lenient.auto_collection, None,
        "an absent field is not invented"
    );
    body.as_object_mut().unwrap().remove("id");
    let err = serde_json::from_value::<customer::Customer>(body).unwrap_err();
    assert!(err.to_string().contains("`id`"), "{err}");
}

/// Generated types are `#[non_exhaustive]`, so callers build them with `new` (the fields
/// decoding requires) or `Default`, then set fields one by one: what a test double needs.
#[test]
fn generated_values_are_built_with_new_and_default() {
    let mut customer = chargebee::customer::Customer::new("cus_1");
    customer.email = Some("ada@example.com".into());
    customer.auto_collection = Some(AutoCollection::Off);
    let answer = customer::RetrieveResponse::new(customer.clone());
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"customer": {"id": "cus_1", "email": "ada@example.com", "auto_collection": "off"}})
    );
    let back: customer::RetrieveResponse =
        serde_json::from_value(serde_json::to_value(&answer).unwrap()).unwrap();
    assert_eq!(back.customer, customer);

    // Nothing required: `Default`, and the same JSON as an empty object.
    let mut address = chargebee::customer::BillingAddress::default();
    address.city = Some("Lyon".into());
    assert_eq!(
        serde_json::to_value(&address).unwrap(),
        json!({"city": "Lyon"})
    );

    // Parameters likewise: `new` with the required ones, then fields or setters.
    let mut params = chargebee::customer::CreateParams::default();
    params.email = Some("ada@example.com".into());
    assert_eq!(params.to_form().unwrap(), "email=ada%40example.com");
}

/// Keys and enum values are matched on their bytes: escapes decode before matching, a key
/// or value the spec does not know is kept with its decoded text, and one that is not UTF-8
/// is an error rather than a lossy copy.
#[test]
fn keys_and_enum_values_are_matched_after_unescaping() {
    let text = r#"{"id":"c1","first\u005fname":"Ada","auto_collection":"o\u006e","channel":"k\u0069osk","cf_t\u0069er":"gold","object":"customer"}"#;
    let c: customer::Customer = serde_json::from_str(text).unwrap();
    assert_eq!(c.first_name.as_deref(), Some("Ada"), "escaped known key");
    assert_eq!(
        c.auto_collection,
        Some(AutoCollection::On),
        "escaped known value"
    );
    assert_eq!(
        c.channel.as_ref().map(|v| v.to_string()).as_deref(),
        Some("kiosk"),
        "an unknown value keeps its decoded text"
    );
    assert_eq!(c.extra_field("cf_tier"), Some(&json!("gold")));
    assert_eq!(c.object.as_deref(), Some("customer"));

    let lone_surrogate = r#"{"id":"c1","cf_\ud800":1}"#;
    let err = serde_json::from_str::<customer::Customer>(lone_surrogate).unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
    let bad_value = r#"{"id":"c1","auto_collection":"\ud800"}"#;
    let err = serde_json::from_str::<customer::Customer>(bad_value).unwrap_err();
    assert!(err.is_data() || err.is_syntax(), "{err}");
}

/// The same payload decodes alike from JSON text, from a `serde_json::Value` (owned and
/// borrowed), and from serde's buffered content (a caller's untagged enum), which hand keys
/// and values over as strings rather than bytes.
#[test]
fn models_decode_from_text_value_and_buffered_content() {
    #[derive(serde::Deserialize, Debug)]
    #[serde(untagged)]
    enum Either {
        Customer(Box<customer::Customer>),
        Other(serde_json::Value),
    }
    let body = fixture("customer");
    let text = body.to_string();
    let from_text: customer::Customer = serde_json::from_str(&text).unwrap();
    let from_value: customer::Customer = serde_json::from_value(body.clone()).unwrap();
    let from_ref = <customer::Customer as serde::Deserialize>::deserialize(&body).unwrap();
    let buffered = match serde_json::from_str::<Either>(&text).unwrap() {
        Either::Customer(c) => c,
        Either::Other(v) => panic!("the customer decoded as the fallback variant: {v}"),
    };
    for (how, c) in [
        ("value", &from_value),
        ("&value", &from_ref),
        ("buffered", &buffered),
    ] {
        assert_eq!(c, &from_text, "decoded from {how}");
    }
    assert_eq!(from_text.auto_collection, Some(AutoCollection::On));
    assert_eq!(from_text.extra_field("cf_seats"), Some(&json!(12)));
    assert_eq!(serde_json::to_value(&from_text).unwrap(), body);
}
