//! Everyday flows through the typed client against the emulator: state kept between calls,
//! filters with their operators, sorting, paging, custom fields and idempotent replay.

use chargebee::customer::ListSortField;
use chargebee::objects::CreateBillingAddressParams;
use chargebee::{
    ApiErrorCode, EnumFilter, ExtraFields, Sort, StringFilter, Timestamp, TimestampFilter,
};
use chargebee_emulator::{Config, Emulator};
use futures::TryStreamExt;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn customers_are_kept_updated_listed_and_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.client();
    let mut address = CreateBillingAddressParams::new();
    address.city = Some("London".into());
    let created = client
        .customers()
        .create()
        .email("ada@example.com")
        .first_name("Ada")
        .billing_address(address)
        .custom_field("cf_tier", "gold")
        .send()
        .await
        .unwrap()
        .customer;
    assert_eq!(created.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        created.billing_address.as_ref().unwrap().city.as_deref(),
        Some("London")
    );
    assert_eq!(created.extra_field("cf_tier"), Some(&json!("gold")));
    assert_eq!(created.object.as_deref(), Some("customer"));

    let fetched = client
        .customers()
        .retrieve(&created.id)
        .send()
        .await
        .unwrap()
        .customer;
    assert_eq!(fetched, created, "retrieve answers what create stored");

    let updated = client
        .customers()
        .update(&created.id)
        .last_name("Lovelace")
        .send()
        .await
        .unwrap()
        .customer;
    assert_eq!(updated.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(
        updated.email.as_deref(),
        Some("ada@example.com"),
        "update keeps other fields"
    );

    let deleted = client
        .customers()
        .delete(&created.id)
        .send()
        .await
        .unwrap()
        .customer;
    assert_eq!(deleted.deleted, Some(true));
    let gone = client
        .customers()
        .retrieve(&created.id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    for (i, domain) in ["a.test", "b.test", "a.test", "c.test", "a.test"]
        .iter()
        .enumerate()
    {
        client
            .customers()
            .create()
            .id(format!("cus_{i}"))
            .email(format!("user{i}@{domain}"))
            .send()
            .await
            .unwrap();
    }
    let ids = |page: &chargebee::Page<chargebee::customer::ListEntry>| -> Vec<String> {
        page.list.iter().map(|e| e.customer.id.clone()).collect()
    };

    let newest_first = client.customers().list().send().await.unwrap();
    assert_eq!(
        ids(&newest_first),
        ["cus_4", "cus_3", "cus_2", "cus_1", "cus_0"]
    );

    let is = client
        .customers()
        .list()
        .email(StringFilter::is("user3@c.test"))
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&is), ["cus_3"]);
    let starts = client
        .customers()
        .list()
        .id(StringFilter::starts_with("cus_"))
        .email(StringFilter::is_not("user1@b.test"))
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&starts), ["cus_4", "cus_3", "cus_2", "cus_0"]);
    let within = client
        .customers()
        .list()
        .id(StringFilter::in_(["cus_0", "cus_2", "nope"]))
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&within), ["cus_2", "cus_0"]);
    let outside = client
        .customers()
        .list()
        .id(StringFilter::not_in(["cus_0", "cus_2"]))
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&outside), ["cus_4", "cus_3", "cus_1"]);
    let recent = client
        .customers()
        .list()
        .created_at(TimestampFilter::after(1_000_000_000))
        .send()
        .await
        .unwrap();
    assert_eq!(recent.list.len(), 5);
    let ancient = client
        .customers()
        .list()
        .created_at(TimestampFilter::before(1_000_000_000))
        .send()
        .await
        .unwrap();
    assert!(ancient.list.is_empty());
    let on = client
        .customers()
        .list()
        .auto_collection(EnumFilter::is(chargebee::enums::AutoCollection::On))
        .send()
        .await
        .unwrap();
    assert_eq!(
        on.list.len(),
        5,
        "created customers default to the enum's first value"
    );

    // Creation times in an order of their own (customers made within one second tie), so a
    // sort that is ignored or reversed shows.
    let mut state = emulator.state();
    for customer in state["collections"]["customer"].as_array_mut().unwrap() {
        let created_at = match customer["id"].as_str().unwrap() {
            "cus_0" => 1_700_000_300,
            "cus_1" => 1_700_000_100,
            "cus_2" => 1_700_000_500,
            "cus_3" => 1_700_000_200,
            _ => 1_700_000_400,
        };
        customer["created_at"] = created_at.into();
    }
    emulator.restore(&state).unwrap();
    let by_creation = |sort| {
        let client = client.clone();
        async move {
            let page = client.customers().list().sort_by(sort).send().await;
            let page = page.unwrap();
            page.list
                .iter()
                .map(|e| e.customer.id.clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        by_creation(Sort::asc(ListSortField::CreatedAt)).await,
        ["cus_1", "cus_3", "cus_0", "cus_4", "cus_2"]
    );
    assert_eq!(
        by_creation(Sort::desc(ListSortField::CreatedAt)).await,
        ["cus_2", "cus_4", "cus_0", "cus_3", "cus_1"]
    );

    let first = client.customers().list().limit(2).send().await.unwrap();
    assert_eq!(ids(&first), ["cus_4", "cus_3"]);
    let next = first.next_offset.clone().expect("more pages");
    let second = client
        .customers()
        .list()
        .limit(2)
        .offset(next)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&second), ["cus_2", "cus_1"]);

    let all: Vec<_> = client
        .customers()
        .list()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let streamed: Vec<&str> = all.iter().map(|e| e.customer.id.as_str()).collect();
    assert_eq!(streamed, ["cus_4", "cus_3", "cus_2", "cus_1", "cus_0"]);
}

#[tokio::test]
async fn a_reused_idempotency_key_replays_the_first_answer() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let (first, info) = client
        .customers()
        .create()
        .email("once@example.com")
        .idempotency_key("key-1")
        .send_with_info()
        .await
        .unwrap();
    assert!(!info.replayed);
    let (again, info) = client
        .customers()
        .create()
        .email("once@example.com")
        .idempotency_key("key-1")
        .send_with_info()
        .await
        .unwrap();
    assert!(info.replayed, "the second call is a replay");
    assert_eq!(again.customer, first.customer);
    let page = client.customers().list().send().await.unwrap();
    assert_eq!(page.list.len(), 1, "the replay created nothing");

    // The same key with other parameters is refused, and changes nothing.
    let error = client
        .customers()
        .create()
        .email("twice@example.com")
        .idempotency_key("key-1")
        .send()
        .await
        .unwrap_err();
    let api = error.api_error().expect("an API error");
    assert_eq!(error.status(), Some(400));
    assert_eq!(api.api_error_code, Some(ApiErrorCode::InvalidRequest));
    let message = api.message.as_deref().unwrap_or_default();
    assert!(message.contains("other parameters"), "{message}");
    // The same key on another operation is another key.
    let (updated, info) = client
        .customers()
        .update(&first.customer.id)
        .first_name("Once")
        .idempotency_key("key-1")
        .send_with_info()
        .await
        .unwrap();
    assert!(!info.replayed);
    assert_eq!(updated.customer.first_name.as_deref(), Some("Once"));
    let page = client.customers().list().send().await.unwrap();
    assert_eq!(page.list.len(), 1);

    // The answers given to keys are part of the state: a saved and loaded emulator replays.
    let restored = Emulator::start().await.unwrap();
    restored.restore(&emulator.state()).unwrap();
    let (after, info) = restored
        .direct_client()
        .customers()
        .create()
        .email("once@example.com")
        .idempotency_key("key-1")
        .send_with_info()
        .await
        .unwrap();
    assert!(info.replayed, "replayed after a state save and load");
    assert_eq!(after.customer, first.customer);
}

/// Chargebee remembers a key for 30 minutes: within them the call replays, after them it
/// runs anew. Times are the emulator's clock, which stands still at the configured start.
#[tokio::test]
async fn an_idempotency_key_is_remembered_for_thirty_minutes() {
    // 2026-01-01T00:00:00Z.
    let start = 1_767_225_600;
    let config = Config {
        now: Some(start),
        ..Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    let create = |key: &'static str| {
        client
            .customers()
            .create()
            .email("once@example.com")
            .idempotency_key(key)
            .send_with_info()
    };
    let (first, _) = create("window").await.unwrap();
    assert_eq!(
        first.customer.created_at,
        Some(Timestamp(start)),
        "stamped by the clock"
    );

    emulator.clock().advance(Duration::from_secs(30 * 60 - 1));
    let (again, info) = create("window").await.unwrap();
    assert!(info.replayed, "29 min 59 s later: a replay");
    assert_eq!(again.customer.id, first.customer.id);

    emulator.clock().advance(Duration::from_secs(1));
    let (fresh, info) = create("window").await.unwrap();
    assert!(!info.replayed, "30 minutes later the key is forgotten");
    assert_ne!(fresh.customer.id, first.customer.id);
    assert_eq!(fresh.customer.created_at, Some(Timestamp(start + 30 * 60)));
    let page = client.customers().list().send().await.unwrap();
    assert_eq!(page.list.len(), 2);

    // Chargebee takes keys of up to 100 characters.
    let long: &'static str = "k".repeat(101).leak();
    let refused = create(long).await.unwrap_err();
    let api = refused.api_error().expect("an API error");
    assert_eq!(refused.status(), Some(400));
    assert_eq!(api.param.as_deref(), Some("chargebee-idempotency-key"));
    let page = client.customers().list().send().await.unwrap();
    assert_eq!(page.list.len(), 2, "a refused key creates nothing");
    let exact: &'static str = "k".repeat(100).leak();
    assert!(create(exact).await.is_ok(), "100 characters are taken");
}

/// The ids of one page of customers, and its `next_offset`.
async fn page_of(
    client: &chargebee::Client,
    sort: Option<Sort<ListSortField>>,
    offset: Option<String>,
) -> (Vec<String>, Option<String>) {
    let mut request = client.customers().list().limit(10);
    if let Some(sort) = sort {
        request = request.sort_by(sort);
    }
    if let Some(offset) = offset {
        request = request.offset(offset);
    }
    let page = request.send().await.unwrap();
    let ids = page.list.iter().map(|e| e.customer.id.clone()).collect();
    (ids, page.next_offset)
}

/// `next_offset` names the last row's place: rows created or deleted between pages neither
/// make a later row skipped nor an earlier one repeated, whatever the order; ties in the sort
/// keep creation order.
#[tokio::test]
async fn paging_neither_skips_nor_repeats_rows_under_writes() {
    let orders = [
        (None, (0..25).rev().collect::<Vec<_>>()),
        // Created within a second or two: ties keep creation order.
        (Some(Sort::asc(ListSortField::CreatedAt)), (0..25).collect()),
    ];
    for (round, (sort, expected)) in orders.into_iter().enumerate() {
        let emulator = Emulator::start().await.unwrap();
        let client = emulator.direct_client();
        let create = |id: String| {
            let client = client.clone();
            async move {
                client.customers().create().id(id).send().await.unwrap();
            }
        };
        for i in 0..25 {
            create(format!("c{i:02}")).await;
        }
        let expected: Vec<String> = expected.iter().map(|i| format!("c{i:02}")).collect();
        let (first, offset) = page_of(&client, sort, None).await;
        assert_eq!(first, expected[..10], "round {round}");
        // Between pages: a row already seen is deleted, one not yet seen too, and a new one
        // is created.
        let unseen_gone = expected[15].clone();
        for gone in [&first[3], &unseen_gone] {
            client.customers().delete(gone).send().await.unwrap();
        }
        create("new".to_string()).await;
        let (second, offset) = page_of(&client, sort, offset).await;
        let (third, last) = page_of(&client, sort, offset).await;
        assert_eq!(last, None, "three pages");
        let mut seen = first.clone();
        seen.extend(second);
        seen.extend(third);
        let mut wanted: Vec<String> = expected
            .into_iter()
            .filter(|id| *id != unseen_gone)
            .collect();
        if sort.is_some() {
            // Ascending by creation, the new row sorts after the cursor; newest first, before.
            wanted.push("new".into());
        }
        assert_eq!(seen, wanted, "round {round}");
    }
}

/// An empty `offset=` (the official Python SDK sends it) is the first page; an offset the
/// list did not give is refused by name.
#[tokio::test]
async fn an_empty_offset_is_the_first_page() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    client.customers().create().id("only").send().await.unwrap();
    let page = client.customers().list().offset("").send().await.unwrap();
    assert_eq!(page.list[0].customer.id, "only");
    let e = client
        .customers()
        .list()
        .offset("[\"3\",\"elsewhere\"]")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.api_error().and_then(|a| a.param.as_deref()),
        Some("offset")
    );
}

#[tokio::test]
async fn items_and_prices_are_kept() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    client
        .item_families()
        .create("family-1", "Family")
        .send()
        .await
        .unwrap();
    let missing = client
        .item_families()
        .retrieve("family-2")
        .send()
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    let family = client
        .item_families()
        .retrieve("family-1")
        .send()
        .await
        .unwrap()
        .item_family;
    assert_eq!(family.name.as_deref(), Some("Family"));
    let duplicate = client
        .item_families()
        .create("family-1", "Again")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        duplicate.api_error().and_then(|e| e.param.as_deref()),
        Some("id")
    );
}

/// A new object holds what Chargebee documents for the parameters left out, copies what
/// Chargebee copies from the object it refers to, and nothing else: a field with no such
/// value stays absent. A reference to an object that does not exist is refused by name.
#[tokio::test]
async fn new_objects_hold_documented_defaults_and_nothing_made_up() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let call = |op: &'static str, id: Option<&'static str>, params: serde_json::Value| {
        let client = client.clone();
        async move { client.call(op, id, params).await }
    };
    let customer = call("customer.create", None, json!({"email": "d@example.com"}))
        .await
        .unwrap();
    let customer = &customer["customer"];
    assert_eq!(customer["auto_collection"], "on");
    assert_eq!(customer["card_status"], "no_card");
    assert_eq!(customer["taxability"], "taxable");
    assert_eq!(customer["net_term_days"], 0);
    assert_eq!(customer["excess_payments"], 0);
    assert_eq!(customer["deleted"], false);
    for absent in [
        "first_name",
        "company",
        "billing_address",
        "preferred_currency_code",
    ] {
        assert!(
            customer.get(absent).is_none(),
            "customer.{absent}: {customer}"
        );
    }

    let e = call(
        "item.create",
        None,
        json!({"id": "pro", "name": "Pro", "type": "plan", "item_family_id": "none"}),
    )
    .await
    .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (404, Some("item_family_id"))
    );
    call(
        "item_family.create",
        None,
        json!({"id": "saas", "name": "SaaS"}),
    )
    .await
    .unwrap();
    let item = call(
        "item.create",
        None,
        json!({"id": "pro", "name": "Pro", "type": "plan", "item_family_id": "saas"}),
    )
    .await
    .unwrap();
    let item = &item["item"];
    assert_eq!(item["status"], "active");
    assert_eq!(item["enabled_for_checkout"], true);
    assert_eq!(item["enabled_in_portal"], true);
    assert_eq!(item["is_giftable"], false);
    assert_eq!(item["metered"], false);
    assert_eq!(item["item_applicability"], "all");
    for absent in ["unit", "description", "usage_calculation", "redirect_url"] {
        assert!(item.get(absent).is_none(), "item.{absent}: {item}");
    }

    let e = call(
        "item_price.create",
        None,
        json!({"id": "pro-m", "name": "Pro monthly", "item_id": "basic", "price": 4900}),
    )
    .await
    .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!((api.status, api.param.as_deref()), (404, Some("item_id")));
    let price = call(
        "item_price.create",
        None,
        json!({"id": "pro-m", "name": "Pro monthly", "item_id": "pro", "price": 4900,
               "currency_code": "USD", "period": 1, "period_unit": "month"}),
    )
    .await
    .unwrap();
    let price = &price["item_price"];
    assert_eq!(price["item_type"], "plan", "copied from the item");
    assert_eq!(price["item_family_id"], "saas", "copied from the item");
    assert_eq!(price["status"], "active");
    assert_eq!(price["pricing_model"], "flat_fee");
    assert_eq!(price["free_quantity"], 0);
    assert_eq!(price["price"], 4900);
    for absent in ["tiers", "trial_period", "description", "shipping_period"] {
        assert!(price.get(absent).is_none(), "item_price.{absent}: {price}");
    }
}

/// Deleting a customer keeps it only for lists that ask for deleted ones (`include_deleted`),
/// marked `deleted: true`; every other operation no longer knows it.
#[tokio::test]
async fn a_deleted_customer_is_listed_only_with_include_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    for id in ["stays", "goes"] {
        client.customers().create().id(id).send().await.unwrap();
    }
    let deleted = client.customers().delete("goes").send().await.unwrap();
    assert_eq!(deleted.customer.deleted, Some(true));
    let e = client
        .customers()
        .retrieve("goes")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let e = client.customers().update("goes").send().await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let ids = |page: chargebee::Page<chargebee::customer::ListEntry>| {
        page.list
            .into_iter()
            .map(|e| (e.customer.id, e.customer.deleted))
            .collect::<Vec<_>>()
    };
    let page = client.customers().list().send().await.unwrap();
    assert_eq!(ids(page), [("stays".to_string(), Some(false))]);
    let page = client
        .customers()
        .list()
        .include_deleted(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids(page),
        [
            ("goes".to_string(), Some(true)),
            ("stays".to_string(), Some(false))
        ]
    );
}

/// An `email` parameter takes one address, at any depth, in form and JSON bodies alike;
/// anything else is a 400 naming the parameter, and nothing is created.
#[tokio::test]
async fn an_email_parameter_takes_one_address() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let e = client
        .customers()
        .create()
        .email("ada.example.com")
        .send()
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!((api.status, api.param.as_deref()), (400, Some("email")));
    let e = client
        .call(
            "customer.create",
            None,
            json!({"billing_address": {"email": "ada@example"}}),
        )
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (400, Some("billing_address[email]"))
    );
    let page = client.customers().list().send().await.unwrap();
    assert!(page.list.is_empty());
    client
        .customers()
        .create()
        .email("ada@example.com")
        .send()
        .await
        .unwrap();
}
