//! Payloads shaped as Chargebee really sends them (written for these tests from its documented
//! behaviour): fields the SDK's types call required left out, events older than fields added
//! later, deleted-resource events carrying a subset, keys this crate does not know at every
//! level, and list-valued event content. All decode, and nothing is lost.

use chargebee::enums::EventType;
use chargebee::{webhook, ExtraFields};
use chargebee_tests::{gateway_client, MockServer, Reply};
use serde_json::json;

#[tokio::test]
async fn one_short_entry_does_not_fail_a_page() {
    // The second subscription lacks `has_scheduled_advance_invoices`, `decommissioned`,
    // `currency_code` and more; the first carries a key added after this crate was built.
    let body = json!({
        "list": [
            {"subscription": {"id": "sub_a", "status": "active", "currency_code": "EUR",
                "has_scheduled_advance_invoices": false, "decommissioned": false,
                "billing_period": 1, "billing_period_unit": "month", "object": "subscription",
                "cf_region": "emea", "auto_renew_grace_days": 3},
             "customer": {"id": "cus_a", "object": "customer"}},
            {"subscription": {"id": "sub_b", "status": "in_trial", "object": "subscription"},
             "customer": {"id": "cus_b"}, "card": {"last4": "4242", "brand": "visa"}}
        ],
        "next_offset": "[\"1700000000000\",\"4000000123\"]"
    });
    let server = MockServer::start(vec![Reply::json(200, body.to_string())]).await;
    let page = gateway_client(&server)
        .subscriptions()
        .list()
        .send()
        .await
        .unwrap();
    assert_eq!(page.list.len(), 2);
    let first = &page.list[0].subscription;
    assert_eq!(first.has_scheduled_advance_invoices, Some(false));
    assert_eq!(first.extra_field("auto_renew_grace_days"), Some(&json!(3)));
    let second = &page.list[1];
    assert_eq!(second.subscription.id, "sub_b");
    assert_eq!(second.subscription.decommissioned, None, "not invented");
    assert_eq!(second.subscription.currency_code, None);
    let card = second.card.as_ref().unwrap();
    assert_eq!(card.extra_field("brand"), Some(&json!("visa")));
}

#[test]
fn unknown_keys_at_every_level_survive_a_round_trip() {
    let customer = json!({
        "id": "cus_1",
        "object": "customer",
        "first_seen_channel": "partner",
        "billing_address": {"city": "Lyon", "object": "billing_address", "cedex": "12"},
        "balances": [{"currency_code": "EUR", "object": "customer_balance", "held": 10}],
        "relationship": {"parent_id": "cus_0", "root_id": "cus_root"}
    });
    let entry = json!({"customer": customer, "score": {"risk": "low"}});
    let decoded: chargebee::customer::ListEntry = serde_json::from_value(entry.clone()).unwrap();
    let c = &decoded.customer;
    assert_eq!(
        c.billing_address.as_ref().unwrap().extra_field("cedex"),
        Some(&json!("12"))
    );
    assert_eq!(
        c.relationship.as_ref().unwrap().extra_field("root_id"),
        Some(&json!("cus_root"))
    );
    assert_eq!(
        c.balances.as_ref().unwrap()[0].extra_field("held"),
        Some(&json!(10))
    );
    assert_eq!(decoded.extra_field("score"), Some(&json!({"risk": "low"})));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), entry);
}

fn event(event_type: &str, content: serde_json::Value) -> Vec<u8> {
    json!({"id": "ev_x", "occurred_at": 1546300800, "source": "scheduled_job",
           "object": "event", "webhook_status": "scheduled", "event_type": event_type,
           "content": content})
    .to_string()
    .into_bytes()
}

#[test]
fn an_old_event_without_newer_fields_decodes() {
    // An event from before `api_version`, `webhooks` and most customer fields existed.
    let body = event(
        "customer_created",
        json!({"customer": {"id": "cus_2019", "email": "old@example.com", "object": "customer"}}),
    );
    let e = webhook::parse_event(&body).unwrap();
    assert_eq!(e.api_version, None);
    assert_eq!(e.webhooks, None);
    let customer = e.content.customer.unwrap();
    assert_eq!(customer.email.as_deref(), Some("old@example.com"));
    assert_eq!(customer.auto_collection, None);
    assert_eq!(customer.net_term_days, None);
}

#[test]
fn deleted_resource_events_carry_a_subset() {
    let body = event(
        "plan_deleted",
        json!({"plan": {"id": "basic", "name": "Basic", "status": "deleted", "object": "plan"}}),
    );
    let e = webhook::parse_event(&body).unwrap();
    assert_eq!(e.event_type, Some(EventType::PlanDeleted));
    let plan = e.content.plan.unwrap();
    assert_eq!(
        (plan.id.as_str(), plan.name.as_deref()),
        ("basic", Some("Basic"))
    );
    assert_eq!(plan.price, None);
}

#[test]
fn list_valued_event_content_is_typed() {
    let body = event(
        "customer_deleted",
        json!({
            "customer": {"id": "cus_9", "deleted": true},
            "subscriptions": [{"id": "sub_1", "status": "cancelled"}, {"id": "sub_2"}],
            "card": {"customer_id": "cus_9", "status": "valid"}
        }),
    );
    let e = webhook::parse_event(&body).unwrap();
    let ids: Vec<&str> = e
        .content
        .subscriptions
        .iter()
        .flatten()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, ["sub_1", "sub_2"]);

    let body = event(
        "unbilled_charges_created",
        json!({"unbilled_charges": [
            {"id": "li_1", "amount": 1200, "currency_code": "USD", "entity_type": "addon_item_price"},
            {"id": "li_2", "amount": 300, "currency_code": "USD", "future_field": [1, 2]}
        ]}),
    );
    let e = webhook::parse_event(&body).unwrap();
    let charges = e.content.unbilled_charges.as_ref().unwrap();
    let amounts: Vec<Option<i64>> = charges.iter().map(|c| c.amount).collect();
    assert_eq!(amounts, [Some(1200), Some(300)]);
    assert_eq!(charges[1].extra_field("future_field"), Some(&json!([1, 2])));
    // Keys no event is known to carry are kept in the content's own extra keys.
    let body = event("something_new", json!({"gizmos": [{"id": "g1"}]}));
    let e = webhook::parse_event(&body).unwrap();
    assert_eq!(
        e.content.extra_field("gizmos"),
        Some(&json!([{"id": "g1"}]))
    );
}
