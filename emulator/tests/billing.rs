//! Catalog to invoice through the typed client: item family, item and price; a subscription
//! with items for a customer raises an invoice whose PDF link works; cancellation at term end
//! and at once; a hosted checkout page and a portal session whose URLs point at the emulator.

use crate::support::catalog;
use chargebee::enums::CancelOption;
use chargebee::objects::SubscriptionItemsParams;
use chargebee::subscription::{CreateWithItemsSubscriptionItemsParams, Status};
use chargebee::{ApiEnum, EnumFilter};
use chargebee_emulator::Emulator;

#[tokio::test]
async fn a_subscription_raises_an_invoice_and_is_cancelled() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let customer = client
        .customers()
        .create()
        .id("cus_ada")
        .email("ada@example.com")
        .send()
        .await
        .unwrap()
        .customer;

    let created = client
        .subscriptions()
        .create_with_items(&customer.id)
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )
        .quantity(3)])
        .send()
        .await
        .unwrap();
    let subscription = created.subscription;
    assert_eq!(subscription.status, Some(Status::Active));
    assert_eq!(subscription.customer_id.as_deref(), Some("cus_ada"));
    assert_eq!(subscription.currency_code.as_deref(), Some("USD"));
    let items = subscription.subscription_items.clone().unwrap_or_default();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].amount, Some(14_700));
    assert_eq!(created.customer.id, "cus_ada");

    let invoice = created
        .invoice
        .expect("an active subscription raises an invoice");
    assert_eq!(
        invoice.subscription_id.as_deref(),
        Some(subscription.id.as_str())
    );
    assert_eq!(invoice.total, Some(14_700));
    assert_eq!(invoice.id, "1", "invoices are numbered in sequence");
    assert_eq!(subscription.id.len(), 16, "{}", subscription.id);
    assert!(
        subscription.id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{}",
        subscription.id
    );
    assert_eq!(
        invoice.status,
        Some(chargebee::invoice::Status::PaymentDue),
        "no card on file"
    );
    let fetched = client
        .invoices()
        .retrieve(&invoice.id)
        .send()
        .await
        .unwrap()
        .invoice;
    assert_eq!(fetched.id, invoice.id);
    let listed = client.invoices().list().send().await.unwrap();
    assert_eq!(listed.list.len(), 1);

    let download = client
        .invoices()
        .pdf(&invoice.id)
        .send()
        .await
        .unwrap()
        .download;
    let url = download.download_url.clone().unwrap_or_default();
    assert!(url.starts_with(&emulator.url()), "{url}");
    assert!(download.valid_till.is_some());
    let pdf = reqwest_get(&url).await;
    assert!(pdf.starts_with(b"%PDF-"), "the link serves a PDF");

    let active = client
        .subscriptions()
        .list()
        .status(EnumFilter::is(Status::Active))
        .send()
        .await
        .unwrap();
    assert_eq!(active.list.len(), 1);
    assert_eq!(
        active.list[0].customer.id, "cus_ada",
        "each entry carries its customer"
    );

    let scheduled = client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .cancel_option(CancelOption::EndOfTerm)
        .send()
        .await
        .unwrap()
        .subscription;
    assert_eq!(scheduled.status, Some(Status::NonRenewing));
    assert_eq!(scheduled.cancelled_at, subscription.current_term_end);

    let cancelled = client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .cancel_option(CancelOption::Immediately)
        .send()
        .await
        .unwrap()
        .subscription;
    assert_eq!(cancelled.status, Some(Status::Cancelled));
    let again = client
        .subscriptions()
        .cancel_for_items(&subscription.id)
        .send()
        .await
        .unwrap_err();
    let refusal = again.api_error().expect("Chargebee's error JSON");
    assert!(refusal.is_invalid_state(), "{again}");
    assert_eq!(refusal.status, 409, "Chargebee's status for this code");
    assert_eq!(refusal.http_status_code, Some(409));
    let kept = client
        .subscriptions()
        .retrieve(&subscription.id)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.subscription.status, Some(Status::Cancelled));
}

#[tokio::test]
async fn a_subscription_needs_a_known_customer_and_price() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    let items = || vec![CreateWithItemsSubscriptionItemsParams::new("missing-price")];
    let e = client
        .subscriptions()
        .create_with_items("cus_nobody")
        .subscription_items(items())
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    client
        .customers()
        .create()
        .id("cus_1")
        .send()
        .await
        .unwrap();
    let e = client
        .subscriptions()
        .create_with_items("cus_1")
        .subscription_items(items())
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(
        e.api_error().and_then(|a| a.param.as_deref()),
        Some("subscription_items[item_price_id][0]")
    );
}

#[tokio::test]
async fn hosted_pages_and_portal_sessions_point_at_the_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let page = client
        .hosted_pages()
        .checkout_new_for_items()
        .subscription_items(vec![SubscriptionItemsParams::new("pro-usd-monthly")])
        .send()
        .await
        .unwrap()
        .hosted_page;
    let url = page.url.clone().unwrap_or_default();
    assert!(url.starts_with(&emulator.url()), "{url}");
    assert!(String::from_utf8_lossy(&reqwest_get(&url).await).contains("Checkout"));
    let id = page.id.clone().unwrap_or_default();
    let fetched = client
        .hosted_pages()
        .retrieve(&id)
        .send()
        .await
        .unwrap()
        .hosted_page;
    assert_eq!(fetched.url, page.url);

    client
        .customers()
        .create()
        .id("cus_portal")
        .send()
        .await
        .unwrap();
    let session = client
        .portal_sessions()
        .create()
        .customer(chargebee::portal_session::CreateCustomerParams::new(
            "cus_portal",
        ))
        .send()
        .await
        .unwrap()
        .portal_session;
    assert_eq!(session.customer_id.as_deref(), Some("cus_portal"));
    let access = session.access_url.clone().unwrap_or_default();
    assert!(access.starts_with(&emulator.url()), "{access}");
    assert!(String::from_utf8_lossy(&reqwest_get(&access).await).contains("cus_portal"));
}

#[tokio::test]
async fn portal_sessions_log_in_once_and_out() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(now),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    let json = |value: &str| serde_json::from_str::<serde_json::Value>(value).unwrap();
    crate::support::call(&client, "customer.create", None, json(r#"{"id": "ada"}"#)).await;
    let create = json(r#"{"customer": {"id": "ada"}, "redirect_url": "https://app.example/back"}"#);
    let created =
        crate::support::call(&client, "portal_session.create", None, create.clone()).await;
    let session = &created["portal_session"];
    assert_eq!(session["status"], "created");
    assert_eq!(session["expires_at"], now + 3_600);
    assert_eq!(session["redirect_url"], "https://app.example/back");
    let id = session["id"].as_str().unwrap().to_string();
    let token = session["token"].as_str().unwrap().to_string();
    let access = session["access_url"].as_str().unwrap().to_string();

    // The link opens once, logging the session in.
    emulator.clock().advance(std::time::Duration::from_secs(60));
    assert!(String::from_utf8_lossy(&reqwest_get(&access).await).contains("ada"));
    let again = reqwest::get(&access).await.unwrap();
    assert_eq!(again.status(), 410);
    let read =
        crate::support::call(&client, "portal_session.retrieve", Some(&id), json("{}")).await;
    assert_eq!(read["portal_session"]["status"], "logged_in");
    assert_eq!(read["portal_session"]["login_at"], now + 60);

    // activate checks the token; logout ends the session, once.
    let wrong = client
        .call(
            "portal_session.activate",
            Some(&id),
            json(r#"{"token": "nope"}"#),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.api_error().unwrap().param.as_deref(), Some("token"));
    let token_json = serde_json::json!({ "token": token });
    let active = crate::support::call(
        &client,
        "portal_session.activate",
        Some(&id),
        token_json.clone(),
    )
    .await;
    assert_eq!(active["portal_session"]["status"], "logged_in");
    assert_eq!(active["portal_session"]["login_at"], now + 60);
    let out = crate::support::call(&client, "portal_session.logout", Some(&id), json("{}")).await;
    assert_eq!(out["portal_session"]["status"], "logged_out");
    assert_eq!(out["portal_session"]["logout_at"], now + 60);
    let out = crate::support::call(&client, "portal_session.logout", Some(&id), json("{}")).await;
    assert_eq!(out["portal_session"]["logout_at"], now + 60);
    let late = client
        .call("portal_session.activate", Some(&id), token_json)
        .await
        .unwrap_err();
    assert_eq!(late.api_error().unwrap().status, 409);

    // A link not opened within the hour is gone; forward_url is refused by name.
    let created = crate::support::call(&client, "portal_session.create", None, create).await;
    let access = created["portal_session"]["access_url"].as_str().unwrap();
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(3_600));
    assert_eq!(reqwest::get(access).await.unwrap().status(), 410);
    let forward = json(r#"{"customer": {"id": "ada"}, "forward_url": "https://x.example"}"#);
    let refused = client
        .call("portal_session.create", None, forward)
        .await
        .unwrap_err();
    assert!(refused.api_error().unwrap().is_not_emulated(), "{refused}");
}

/// The body of a plain GET.
async fn reqwest_get(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.unwrap().to_vec()
}

/// An answer embeds a related object as stored, or leaves it out: a subscription whose
/// customer is not stored is answered without one, never with a made-up customer.
#[tokio::test]
async fn a_related_object_that_is_not_stored_is_left_out() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    client
        .customers()
        .create()
        .id("cus_gone")
        .send()
        .await
        .unwrap();
    let subscription = client
        .subscriptions()
        .create_with_items("cus_gone")
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )])
        .send()
        .await
        .unwrap()
        .subscription;
    let kept = client
        .call(
            "subscription.retrieve",
            Some(&subscription.id),
            serde_json::json!({}),
        )
        .await
        .unwrap();
    assert_eq!(kept["customer"]["id"], "cus_gone", "the stored customer");
    // Deleting the customer would delete the subscription too: take the customer out of a
    // saved state instead.
    let mut state = emulator.state();
    state["collections"]["customer"] = serde_json::json!([]);
    emulator.restore(&state).unwrap();
    let raw: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v2/subscriptions/{}",
            emulator.url(),
            subscription.id
        ))
        .basic_auth("site-key", Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["subscription"]["id"], subscription.id.as_str());
    assert!(raw.get("customer").is_none(), "{raw}");
}

/// Subscribes `customer` to the catalog's monthly price: the subscription's id and that of
/// the invoice it raised.
async fn subscribe(client: &chargebee::Client, customer: &str) -> (String, String) {
    let created = client
        .subscriptions()
        .create_with_items(customer)
        .subscription_items(vec![CreateWithItemsSubscriptionItemsParams::new(
            "pro-usd-monthly",
        )])
        .send()
        .await
        .unwrap();
    let invoice = created
        .invoice
        .expect("an active subscription raises an invoice");
    (created.subscription.id, invoice.id)
}

/// Deleting a customer deletes its subscriptions and invoices (Chargebee also deletes its
/// credit notes and payment sources), leaves other customers' alone, and records
/// `customer_deleted` then a `…_deleted` event for each object it took with it.
#[tokio::test]
async fn deleting_a_customer_deletes_its_subscriptions_and_invoices() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let mut subscriptions = Vec::new();
    for customer in ["cus_goes", "cus_stays"] {
        client
            .customers()
            .create()
            .id(customer)
            .send()
            .await
            .unwrap();
        subscriptions.push(subscribe(&client, customer).await);
    }
    client.customers().delete("cus_goes").send().await.unwrap();

    let (gone_subscription, gone_invoice) = &subscriptions[0];
    let e = client
        .subscriptions()
        .retrieve(gone_subscription)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let e = client
        .invoices()
        .retrieve(gone_invoice)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let (kept_subscription, kept_invoice) = &subscriptions[1];
    client
        .subscriptions()
        .retrieve(kept_subscription)
        .send()
        .await
        .unwrap();
    client
        .invoices()
        .retrieve(kept_invoice)
        .send()
        .await
        .unwrap();
    let listed = client.subscriptions().list().send().await.unwrap();
    let ids: Vec<&str> = listed
        .list
        .iter()
        .map(|e| e.subscription.id.as_str())
        .collect();
    assert_eq!(ids, [kept_subscription.as_str()]);

    // The newest events first: the customer's, then what went with it, in order.
    let events = client.events().list().limit(3).send().await.unwrap();
    let raised: Vec<(String, Option<String>)> = events
        .list
        .iter()
        .rev()
        .map(|e| {
            let content = &e.event.content;
            let id = content
                .subscription
                .as_ref()
                .map(|s| s.id.clone())
                .or_else(|| content.invoice.as_ref().map(|i| i.id.clone()))
                .or_else(|| content.customer.as_ref().map(|c| c.id.clone()));
            (
                e.event.event_type.as_ref().unwrap().as_str().to_string(),
                id,
            )
        })
        .collect();
    assert_eq!(
        raised,
        [
            ("customer_deleted".to_string(), Some("cus_goes".to_string())),
            (
                "subscription_deleted".to_string(),
                Some(gone_subscription.clone())
            ),
            ("invoice_deleted".to_string(), Some(gone_invoice.clone())),
        ]
    );
}

/// Lists scoped by a path id read the same store: a customer's subscriptions and invoices,
/// a subscription's invoices; an unknown customer is 404.
#[tokio::test]
async fn lists_scoped_by_a_path_id_read_the_store() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let mut made = Vec::new();
    for customer in ["cus_a", "cus_b", "cus_a"] {
        if client.customers().retrieve(customer).send().await.is_err() {
            client
                .customers()
                .create()
                .id(customer)
                .send()
                .await
                .unwrap();
        }
        made.push(subscribe(&client, customer).await);
    }
    let page = client
        .subscriptions()
        .subscriptions_for_customer("cus_a")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = page
        .list
        .iter()
        .map(|e| e.subscription.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [made[2].0.as_str(), made[0].0.as_str()],
        "newest first"
    );
    let page = client
        .invoices()
        .invoices_for_customer("cus_b")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = page.list.iter().map(|e| e.invoice.id.as_str()).collect();
    assert_eq!(ids, [made[1].1.as_str()]);
    let page = client
        .invoices()
        .invoices_for_subscription(&made[2].0)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = page.list.iter().map(|e| e.invoice.id.as_str()).collect();
    assert_eq!(ids, [made[2].1.as_str()]);
    let e = client
        .subscriptions()
        .subscriptions_for_customer("cus_nobody")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

/// A subscription's item prices follow Chargebee's rules: exactly one plan item price, every
/// price in the plan's currency, a recurring addon billed every period the plan is. A broken
/// rule is a 400 naming the entry, and nothing is kept.
#[tokio::test]
async fn a_subscription_takes_one_plan_and_matching_prices() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    client
        .customers()
        .create()
        .id("cus_r")
        .send()
        .await
        .unwrap();
    let call = |op: &'static str, params: serde_json::Value| {
        let client = client.clone();
        async move { client.call(op, None, params).await.unwrap() }
    };
    call(
        "item.create",
        serde_json::json!({"id": "seats", "name": "Seats", "type": "addon", "item_family_id": "saas"}),
    )
    .await;
    call(
        "item.create",
        serde_json::json!({"id": "team", "name": "Team", "type": "plan", "item_family_id": "saas"}),
    )
    .await;
    for (id, item, currency, unit) in [
        ("seats-usd-monthly", "seats", "USD", "month"),
        ("seats-usd-yearly", "seats", "USD", "year"),
        ("seats-eur-monthly", "seats", "EUR", "month"),
        ("team-usd-monthly", "team", "USD", "month"),
    ] {
        call(
            "item_price.create",
            serde_json::json!({"id": id, "name": id, "item_id": item, "price": 500,
                "currency_code": currency, "period": 1, "period_unit": unit}),
        )
        .await;
    }
    let subscribe = |prices: &'static [&'static str]| {
        let client = client.clone();
        async move {
            client
                .subscriptions()
                .create_with_items("cus_r")
                .subscription_items(
                    prices
                        .iter()
                        .map(|p| CreateWithItemsSubscriptionItemsParams::new(*p))
                        .collect(),
                )
                .send()
                .await
        }
    };
    for (prices, param) in [
        (
            &["seats-usd-monthly"][..],
            "subscription_items[item_price_id]",
        ),
        (
            &["pro-usd-monthly", "team-usd-monthly"][..],
            "subscription_items[item_price_id][1]",
        ),
        (
            &["pro-usd-monthly", "seats-eur-monthly"][..],
            "subscription_items[item_price_id][1]",
        ),
        (
            &["seats-usd-yearly", "pro-usd-monthly"][..],
            "subscription_items[item_price_id][0]",
        ),
    ] {
        let e = subscribe(prices).await.unwrap_err();
        let api = e.api_error().unwrap_or_else(|| panic!("{prices:?}: {e}"));
        assert_eq!(
            (api.status, api.param.as_deref()),
            (400, Some(param)),
            "{prices:?}: {e}"
        );
    }
    let listed = client.subscriptions().list().send().await.unwrap();
    assert!(listed.list.is_empty(), "a refused subscription is not kept");
    let created = subscribe(&["pro-usd-monthly", "seats-usd-monthly"])
        .await
        .unwrap();
    let items = created.subscription.subscription_items.unwrap_or_default();
    assert_eq!(items.len(), 2);
    // 49.00 for the plan and 5.00 for one seat, in cents.
    assert_eq!(created.invoice.unwrap().total, Some(4_900 + 500));
}

/// Each pricing model prices a subscription's items and its first invoice, computed by hand:
/// 25 seats on tiers 1–10 at 10.00, 11–20 at 8.00, 21 and up at 5.00 cost 205.00 tiered,
/// 125.00 by volume and 5.00 stairstep; a flat fee takes no quantity.
#[tokio::test]
async fn pricing_models_price_items_and_invoices() {
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let call = |operation: &'static str, id: Option<&'static str>, params: serde_json::Value| {
        let client = client.clone();
        async move {
            client
                .call(operation, id, params)
                .await
                .unwrap_or_else(|e| panic!("{operation}: {e}"))
        }
    };
    let tiers = serde_json::json!([
        {"starting_unit": 1, "ending_unit": 10, "price": 1_000},
        {"starting_unit": 11, "ending_unit": 20, "price": 800},
        {"starting_unit": 21, "price": 500},
    ]);
    for model in ["tiered", "volume", "stairstep"] {
        call(
            "item_price.create",
            None,
            serde_json::json!({"id": format!("pro-{model}"), "name": format!("Pro {model}"),
                               "item_id": "pro", "pricing_model": model, "tiers": tiers,
                               "currency_code": "USD", "period": 1, "period_unit": "month"}),
        )
        .await;
    }
    call("customer.create", None, serde_json::json!({"id": "ada"})).await;
    for (model, total) in [("tiered", 20_500), ("volume", 12_500), ("stairstep", 500)] {
        let created = call(
            "subscription.create_with_items",
            Some("ada"),
            serde_json::json!({"subscription_items": [
                {"item_price_id": format!("pro-{model}"), "quantity": 25}]}),
        )
        .await;
        let item = &created["subscription"]["subscription_items"][0];
        assert_eq!(item["amount"], total, "{model}");
        assert!(
            item.get("unit_price").is_none(),
            "{model} has no unit price"
        );
        assert_eq!(created["invoice"]["total"], total, "{model}");
        assert_eq!(
            created["invoice"]["line_items"][0]["amount"], total,
            "{model}"
        );
    }
    call(
        "item_price.create",
        None,
        serde_json::json!({"id": "pro-flat", "name": "Pro flat", "item_id": "pro",
                           "price": 4_900, "currency_code": "USD", "period": 1,
                           "period_unit": "month"}),
    )
    .await;
    let refused = client
        .call(
            "subscription.create_with_items",
            Some("ada"),
            serde_json::json!({"subscription_items": [
                {"item_price_id": "pro-flat", "quantity": 2}]}),
        )
        .await
        .unwrap_err();
    let api = refused.api_error().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(
        api.param.as_deref(),
        Some("subscription_items[quantity][0]")
    );
}

/// Posts a checkout page's card form, not following redirects: (status, Location, body).
async fn submit_card(url: &str, number: &str) -> (u16, Option<String>, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [
        ("card[number]", number),
        ("card[expiry_month]", "12"),
        ("card[expiry_year]", "2030"),
    ];
    let response = client.post(url).form(&form).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, response.text().await.unwrap())
}

#[tokio::test]
async fn hosted_checkout_completes_with_a_test_card() {
    let now = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(now),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let created = crate::support::call(
        &client,
        "hosted_page.checkout_new_for_items",
        None,
        serde_json::json!({
            "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 2}],
            "subscription": {"id": "sub_ada"},
            "customer": {"id": "ada", "email": "ada@example.com"},
            "billing_address": {"first_name": "Ada", "city": "London", "country": "GB"},
            "redirect_url": "https://shop.example/done",
            "pass_thru_content": "order-7",
        }),
    )
    .await;
    let page = &created["hosted_page"];
    assert_eq!(page["state"], "created");
    assert_eq!(page["expires_at"], now + 3 * 86_400);
    let id = page["id"].as_str().unwrap().to_string();
    let url = page["url"].as_str().unwrap().to_string();
    let early = client
        .call("hosted_page.acknowledge", Some(&id), serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(early.api_error().unwrap().status, 409);
    let form = String::from_utf8_lossy(&reqwest_get(&url).await).to_string();
    assert!(form.contains("name=\"card[number]\""), "{form}");

    // A declined card creates nothing and shows the form again.
    let (status, location, body) = submit_card(&url, "4000000000000341").await;
    assert_eq!((status, location), (400, None));
    assert!(body.contains("declined"), "{body}");
    let missing = client
        .call("customer.retrieve", Some("ada"), serde_json::json!({}))
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    // A good card: the customer, card, subscription and paid invoice, then the redirect.
    let (status, location, _) = submit_card(&url, "4111 1111 1111 1111").await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("https://shop.example/done?id={id}&state=succeeded").as_str())
    );
    let done = crate::support::call(
        &client,
        "hosted_page.retrieve",
        Some(&id),
        serde_json::json!({}),
    )
    .await;
    let done = &done["hosted_page"];
    assert_eq!(done["state"], "succeeded");
    assert_eq!(done["pass_thru_content"], "order-7");
    let content = &done["content"];
    assert_eq!(content["customer"]["id"], "ada");
    assert_eq!(content["customer"]["email"], "ada@example.com");
    assert_eq!(content["customer"]["billing_address"]["city"], "London");
    assert_eq!(content["customer"]["card_status"], "valid");
    assert_eq!(content["subscription"]["id"], "sub_ada");
    assert_eq!(content["subscription"]["status"], "active");
    assert_eq!(content["subscription"]["current_term_start"], now);
    assert_eq!(content["invoice"]["status"], "paid");
    assert_eq!(content["invoice"]["total"], 9_800);
    assert_eq!(content["invoice"]["amount_paid"], 9_800);
    let page =
        crate::support::call(&client, "event.list", None, serde_json::json!({"limit": 5})).await;
    let mut kinds: Vec<&str> = page["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["event_type"].as_str().unwrap())
        .collect();
    kinds.reverse();
    assert_eq!(
        kinds,
        [
            "customer_created",
            "payment_source_added",
            "subscription_created",
            "invoice_generated",
            "payment_succeeded"
        ]
    );

    // Submitted once only; then acknowledged once.
    let (status, _, body) = submit_card(&url, "4111111111111111").await;
    assert_eq!(status, 200);
    assert!(body.contains("succeeded"), "{body}");
    let subscriptions =
        crate::support::call(&client, "subscription.list", None, serde_json::json!({})).await;
    assert_eq!(subscriptions["list"].as_array().unwrap().len(), 1);
    let acknowledged = crate::support::call(
        &client,
        "hosted_page.acknowledge",
        Some(&id),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(acknowledged["hosted_page"]["state"], "acknowledged");
    let again = client
        .call("hosted_page.acknowledge", Some(&id), serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(again.api_error().unwrap().status, 409);

    // What a checkout does not model is refused by name; a customer id taken is a duplicate.
    let coupons = serde_json::json!({
        "subscription_items": [{"item_price_id": "pro-usd-monthly"}],
        "coupon_ids": ["SAVE10"],
    });
    let refused = client
        .call("hosted_page.checkout_new_for_items", None, coupons)
        .await
        .unwrap_err();
    assert!(refused.api_error().unwrap().is_not_emulated(), "{refused}");
    let taken = serde_json::json!({
        "subscription_items": [{"item_price_id": "pro-usd-monthly"}],
        "customer": {"id": "ada"},
    });
    let refused = client
        .call("hosted_page.checkout_new_for_items", None, taken)
        .await
        .unwrap_err();
    assert_eq!(refused.api_error().unwrap().status, 400);
}

#[tokio::test]
async fn coupons_take_their_discount_off_the_invoices_they_last_for() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let (april, may) = (1_775_822_400, 1_778_414_400); // 2026-04-10, 2026-05-10 12:00Z
    let config = chargebee_emulator::Config {
        now: Some(start),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    for coupon in [
        serde_json::json!({"id": "eighth", "name": "12.5% off", "discount_type": "percentage",
               "discount_percentage": 12.5, "duration_type": "forever",
               "apply_on": "invoice_amount"}),
        serde_json::json!({"id": "five-off", "name": "5.00 off once", "discount_type": "fixed_amount",
               "discount_amount": 500, "currency_code": "USD", "duration_type": "one_time",
               "apply_on": "invoice_amount"}),
        serde_json::json!({"id": "half-2m", "name": "Half off for two months",
               "discount_type": "percentage", "discount_percentage": 50.0,
               "duration_type": "limited_period", "period": 2, "period_unit": "month",
               "apply_on": "invoice_amount", "max_redemptions": 1}),
        serde_json::json!({"id": "five-eur", "name": "5.00 EUR off", "discount_type": "fixed_amount",
               "discount_amount": 500, "currency_code": "EUR", "duration_type": "forever",
               "apply_on": "invoice_amount"}),
    ] {
        crate::support::call(&client, "coupon.create_for_items", None, coupon).await;
    }
    let subscribe = |customer: &'static str, coupon: &'static str| {
        let client = client.clone();
        async move {
            crate::support::call(
                &client,
                "customer.create",
                None,
                serde_json::json!({"id": customer}),
            )
            .await;
            client
                .call(
                    "subscription.create_with_items",
                    Some(customer),
                    serde_json::json!({"id": customer, "coupon_ids": [coupon],
                           "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
                )
                .await
        }
    };
    // 12.5 % of 49.00 is 6.125: 6.13 off, 42.87 due.
    let eighth = subscribe("ann", "eighth").await.unwrap();
    let invoice = &eighth["invoice"];
    assert_eq!(invoice["sub_total"], 4_900);
    assert_eq!(invoice["total"], 4_287);
    assert_eq!(invoice["amount_due"], 4_287);
    assert_eq!(invoice["discounts"][0]["amount"], 613);
    assert_eq!(
        invoice["discounts"][0]["entity_type"],
        "document_level_coupon"
    );
    assert_eq!(invoice["discounts"][0]["entity_id"], "eighth");
    assert_eq!(invoice["discounts"][0]["discount_type"], "percentage");
    assert_eq!(eighth["subscription"]["coupons"][0]["coupon_id"], "eighth");
    assert_eq!(eighth["subscription"]["coupons"][0]["applied_count"], 1);
    let once = subscribe("ben", "five-off").await.unwrap();
    assert_eq!(once["invoice"]["total"], 4_400);
    let half = subscribe("cat", "half-2m").await.unwrap();
    assert_eq!(half["invoice"]["total"], 2_450);
    assert_eq!(half["subscription"]["coupons"][0]["apply_till"], may);

    // Refused by name: another currency, an unknown coupon, a coupon used up.
    let refused = subscribe("dan", "five-eur").await.unwrap_err();
    let api = refused.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (400, Some("coupon_ids[0]"))
    );
    let refused = client
        .call(
            "subscription.create_with_items",
            Some("dan"),
            serde_json::json!({"coupon_ids": ["nope"],
                   "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
        )
        .await
        .unwrap_err();
    assert!(refused.is_not_found(), "{refused}");
    let refused = client
        .call(
            "subscription.create_with_items",
            Some("dan"),
            serde_json::json!({"coupon_ids": ["half-2m"],
                   "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.api_error().unwrap().status, 400, "{refused}");
    let coupon = crate::support::call(
        &client,
        "coupon.retrieve",
        Some("eighth"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(coupon["coupon"]["redemptions"], 1);

    // The renewals: forever again, one-time no more, two months then no more.
    let total_on = |customer: &'static str, at: i64| {
        let client = client.clone();
        async move {
            let page = crate::support::call(
                &client,
                "invoice.list",
                None,
                serde_json::json!({"subscription_id": {"is": customer}, "date": {"on": at}}),
            )
            .await;
            page["list"][0]["invoice"]["total"].clone()
        }
    };
    emulator.clock().set(april).unwrap();
    assert_eq!(total_on("ann", april).await, 4_287);
    assert_eq!(total_on("ben", april).await, 4_900);
    assert_eq!(total_on("cat", april).await, 2_450);
    emulator.clock().set(may).unwrap();
    assert_eq!(total_on("ann", may).await, 4_287);
    assert_eq!(total_on("cat", may).await, 4_900);
    let ann = crate::support::call(
        &client,
        "subscription.retrieve",
        Some("ann"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(ann["subscription"]["coupons"][0]["applied_count"], 3);
}

#[tokio::test]
async fn hosted_pages_change_a_subscription_and_its_card() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(start),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let json = |value: &str| serde_json::from_str::<serde_json::Value>(value).unwrap();
    let subscribe = |customer: &'static str, card: Option<&'static str>| {
        let client = client.clone();
        async move {
            let id = serde_json::json!({ "id": customer });
            crate::support::call(&client, "customer.create", None, id).await;
            if let Some(number) = card {
                let card = serde_json::json!({"customer_id": customer, "card": {
                    "number": number, "expiry_month": 12, "expiry_year": 2030}});
                crate::support::call(&client, "payment_source.create_card", None, card).await;
            }
            let items = serde_json::json!({"id": customer,
                "subscription_items": [{"item_price_id": "pro-usd-monthly"}]});
            crate::support::call(
                &client,
                "subscription.create_with_items",
                Some(customer),
                items,
            )
            .await
        }
    };
    subscribe("ada", Some("4111111111111111")).await;
    let page_for = |params: serde_json::Value, operation: &'static str| {
        let client = client.clone();
        async move {
            let page = crate::support::call(&client, operation, None, params).await;
            page["hosted_page"]["url"].as_str().unwrap().to_string()
        }
    };

    // Ten days in, 3 seats through a hosted page, paid with a new card: prorated as
    // update_for_items prorates (33.19 credited, 99.58 charged, 66.39 from the card).
    emulator
        .clock()
        .advance(std::time::Duration::from_secs(10 * 86_400));
    let existing = json(
        r#"{"subscription": {"id": "ada"}, "redirect_url": "https://shop.example/changed",
            "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}]}"#,
    );
    let url = page_for(existing, "hosted_page.checkout_existing_for_items").await;
    let (status, location, _) = submit_card(&url, "5555555555554444").await;
    assert_eq!(status, 303, "{location:?}");
    let id = url.split('/').nth_back(1).unwrap().to_string();
    let page = crate::support::call(&client, "hosted_page.retrieve", Some(&id), json("{}")).await;
    let page = &page["hosted_page"];
    assert_eq!(page["type"], "checkout_existing");
    assert_eq!(page["state"], "succeeded");
    let content = &page["content"];
    assert_eq!(
        content["subscription"]["subscription_items"][0]["quantity"],
        3
    );
    assert_eq!(content["invoice"]["total"], 9_958);
    assert_eq!(content["invoice"]["amount_paid"], 6_639);
    let primary = content["customer"]["primary_payment_source_id"].clone();
    let source = crate::support::call(
        &client,
        "payment_source.retrieve",
        Some(primary.as_str().unwrap()),
        json("{}"),
    )
    .await;
    assert_eq!(source["payment_source"]["card"]["last4"], "4444");

    // Managing payment sources: the new card becomes the primary one.
    let manage = json(r#"{"customer": {"id": "ada"}}"#);
    let url = page_for(manage, "hosted_page.manage_payment_sources").await;
    let (status, _, body) = submit_card(&url, "378282246310005").await;
    assert_eq!(status, 200, "{body}");
    let customer =
        crate::support::call(&client, "customer.retrieve", Some("ada"), json("{}")).await;
    let primary = customer["customer"]["primary_payment_source_id"]
        .as_str()
        .unwrap();
    let source = crate::support::call(
        &client,
        "payment_source.retrieve",
        Some(primary),
        json("{}"),
    )
    .await;
    assert_eq!(source["payment_source"]["card"]["last4"], "0005");

    // A change the subscription refuses (its term's invoice is due, so nothing to credit)
    // shows the form again and leaves the card out.
    subscribe("bob", None).await;
    let refused = json(
        r#"{"subscription": {"id": "bob"},
            "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 3}]}"#,
    );
    let url = page_for(refused, "hosted_page.checkout_existing_for_items").await;
    let (status, _, body) = submit_card(&url, "4111111111111111").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("proration"), "{body}");
    let bob = crate::support::call(&client, "customer.retrieve", Some("bob"), json("{}")).await;
    assert_eq!(bob["customer"].get("primary_payment_source_id"), None);
    let sources = crate::support::call(
        &client,
        "payment_source.list",
        None,
        json(r#"{"customer_id": {"is": "bob"}}"#),
    )
    .await;
    assert_eq!(sources["list"].as_array().unwrap().len(), 0);
    let unknown = client
        .call(
            "hosted_page.manage_payment_sources",
            None,
            json(r#"{"customer": {"id": "nobody"}}"#),
        )
        .await
        .unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");
}

#[tokio::test]
async fn one_time_charges_are_billed_on_the_first_invoice_only() {
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(start),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let json = |value: &str| serde_json::from_str::<serde_json::Value>(value).unwrap();
    crate::support::call(
        &client,
        "item.create",
        None,
        json(r#"{"id": "setup", "name": "Setup", "type": "charge", "item_family_id": "saas"}"#),
    )
    .await;
    crate::support::call(
        &client,
        "item_price.create",
        None,
        json(
            r#"{"id": "setup-usd", "name": "Setup", "item_id": "setup", "price": 9900,
                "currency_code": "USD", "pricing_model": "flat_fee"}"#,
        ),
    )
    .await;
    crate::support::call(&client, "customer.create", None, json(r#"{"id": "ada"}"#)).await;
    let created = crate::support::call(
        &client,
        "subscription.create_with_items",
        Some("ada"),
        json(
            r#"{"id": "sub", "subscription_items": [{"item_price_id": "pro-usd-monthly"},
                                                     {"item_price_id": "setup-usd"}]}"#,
        ),
    )
    .await;
    // 49.00 for the month and 99.00 set-up once; the subscription's mrr is the 49.00.
    assert_eq!(created["invoice"]["total"], 14_800);
    assert_eq!(
        created["invoice"]["line_items"][1]["entity_id"],
        "setup-usd"
    );
    assert_eq!(created["subscription"]["mrr"], 4_900);
    emulator.clock().set(april).unwrap();
    let page = crate::support::call(
        &client,
        "invoice.list",
        None,
        json(r#"{"subscription_id": {"is": "sub"}, "date": {"on": 1775822400}}"#),
    )
    .await;
    assert_eq!(page["list"][0]["invoice"]["total"], 4_900);
    assert_eq!(
        page["list"][0]["invoice"]["line_items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Not modeled, refused by name: a charge on a subscription billed later, or added later.
    let trial = json(
        r#"{"trial_end": 1778414400, "subscription_items": [
            {"item_price_id": "pro-usd-monthly"}, {"item_price_id": "setup-usd"}]}"#,
    );
    let refused = client
        .call("subscription.create_with_items", Some("ada"), trial)
        .await
        .unwrap_err();
    assert!(refused.api_error().unwrap().is_not_emulated(), "{refused}");
    let added = json(r#"{"subscription_items": [{"item_price_id": "setup-usd"}]}"#);
    let refused = client
        .call("subscription.update_for_items", Some("sub"), added)
        .await
        .unwrap_err();
    assert!(refused.api_error().unwrap().is_not_emulated(), "{refused}");
}

#[tokio::test]
async fn coupon_codes_stand_for_their_coupon_once() {
    use serde_json::json;
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let call = |operation: &'static str, id: Option<&str>, params: serde_json::Value| {
        let client = client.clone();
        let id = id.map(str::to_string);
        async move { client.call(operation, id.as_deref(), params).await }
    };
    for (id, percent) in [("tenth", 10.0), ("half", 50.0)] {
        let coupon = json!({"id": id, "name": id, "discount_type": "percentage",
            "discount_percentage": percent, "duration_type": "forever",
            "apply_on": "invoice_amount"});
        call("coupon.create_for_items", None, coupon).await.unwrap();
    }
    let code = |code: &'static str| json!({"coupon_id": "tenth", "coupon_set_name": "Launch", "code": code});
    let created = call("coupon_code.create", None, code("LAUNCH-1"))
        .await
        .unwrap();
    let created = &created["coupon_code"];
    assert_eq!(created["status"], "not_redeemed");
    assert_eq!(created["coupon_set_name"], "Launch");
    // The set of that name was created with the code.
    let set_id = created["coupon_set_id"].as_str().unwrap();
    let counts = || async {
        let set = call("coupon_set.retrieve", Some(set_id), json!({}))
            .await
            .unwrap();
        let set = &set["coupon_set"];
        (
            set["total_count"].clone(),
            set["redeemed_count"].clone(),
            set["archived_count"].clone(),
        )
    };
    assert_eq!(counts().await, (json!(1), json!(0), json!(0)));
    let more = json!({"code": ["LAUNCH-2", "LAUNCH-3"]});
    call("coupon_set.add_coupon_codes", Some(set_id), more)
        .await
        .unwrap();
    assert_eq!(counts().await, (json!(3), json!(0), json!(0)));

    // A code taken, or a set of another coupon, is refused naming it; nothing is added.
    let taken = json!({"code": ["LAUNCH-4", "LAUNCH-2"]});
    let e = call("coupon_set.add_coupon_codes", Some(set_id), taken)
        .await
        .unwrap_err();
    assert_eq!(e.api_error().unwrap().param.as_deref(), Some("code[1]"));
    let e = call("coupon_code.retrieve", Some("LAUNCH-4"), json!({}))
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let other = json!({"coupon_id": "half", "coupon_set_name": "Launch", "code": "HALF-1"});
    let e = call("coupon_code.create", None, other).await.unwrap_err();
    assert_eq!(
        e.api_error().unwrap().param.as_deref(),
        Some("coupon_set_name")
    );
    assert_eq!(counts().await, (json!(3), json!(0), json!(0)));

    // Redeemed by a subscription: its coupon's 10 % off 49.00 is 4.90, and the code is used.
    let subscribe = |customer: &'static str, code: &'static str| {
        let client = client.clone();
        async move {
            client
                .call("customer.create", None, json!({"id": customer}))
                .await
                .unwrap();
            client
                .call(
                    "subscription.create_with_items",
                    Some(customer),
                    json!({"coupon_ids": [code],
                           "subscription_items": [{"item_price_id": "pro-usd-monthly"}]}),
                )
                .await
        }
    };
    let redeemed = subscribe("ada", "LAUNCH-1").await.unwrap();
    assert_eq!(redeemed["invoice"]["total"], 4_410);
    assert_eq!(redeemed["invoice"]["discounts"][0]["entity_id"], "tenth");
    let entry = &redeemed["subscription"]["coupons"][0];
    assert_eq!(entry["coupon_id"], "tenth");
    assert_eq!(entry["coupon_code"], "LAUNCH-1");
    let kept = call("coupon_code.retrieve", Some("LAUNCH-1"), json!({}))
        .await
        .unwrap();
    assert_eq!(kept["coupon_code"]["status"], "redeemed");
    assert_eq!(counts().await, (json!(3), json!(1), json!(0)));
    let coupon = call("coupon.retrieve", Some("tenth"), json!({}))
        .await
        .unwrap();
    assert_eq!(coupon["coupon"]["redemptions"], 1);
    let again = subscribe("bob", "LAUNCH-1").await.unwrap_err();
    let api = again.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (400, Some("coupon_ids[0]"))
    );

    // Archived: no longer redeemable; a redeemed code cannot be archived.
    let archived = call("coupon_code.archive", Some("LAUNCH-2"), json!({}))
        .await
        .unwrap();
    assert_eq!(archived["coupon_code"]["status"], "archived");
    assert_eq!(counts().await, (json!(3), json!(1), json!(1)));
    let e = subscribe("cat", "LAUNCH-2").await.unwrap_err();
    assert_eq!(
        e.api_error().unwrap().param.as_deref(),
        Some("coupon_ids[0]")
    );
    let e = call("coupon_code.archive", Some("LAUNCH-1"), json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.api_error().unwrap().status, 409);

    // The unused codes deleted: only LAUNCH-3 was unused.
    call(
        "coupon_set.delete_unused_coupon_codes",
        Some(set_id),
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(counts().await, (json!(2), json!(1), json!(1)));
    let e = call("coupon_code.retrieve", Some("LAUNCH-3"), json!({}))
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let listed = call(
        "coupon_code.list",
        None,
        json!({"status": {"is": "redeemed"}}),
    )
    .await
    .unwrap();
    let codes: Vec<&serde_json::Value> = listed["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["coupon_code"]["code"])
        .collect();
    assert_eq!(codes, [&json!("LAUNCH-1")]);

    // Saved and loaded, codes are kept under their code.
    let state = emulator.state();
    emulator.restore(&state).unwrap();
    let kept = call("coupon_code.retrieve", Some("LAUNCH-1"), json!({}))
        .await
        .unwrap();
    assert_eq!(kept["coupon_code"]["status"], "redeemed");
}

#[tokio::test]
async fn item_coupons_come_off_their_lines_before_invoice_coupons() {
    use serde_json::{json, Value};
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(start),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let call = |operation: &'static str, id: Option<&'static str>, params: serde_json::Value| {
        let client = client.clone();
        async move { client.call(operation, id, params).await }
    };
    let seats = json!({"id": "seats", "name": "Seats", "type": "addon", "item_family_id": "saas"});
    call("item.create", None, seats).await.unwrap();
    let price = json!({"id": "seats-usd-monthly", "name": "Seats", "item_id": "seats",
        "pricing_model": "per_unit", "price": 500, "currency_code": "USD", "period": 1,
        "period_unit": "month"});
    call("item_price.create", None, price).await.unwrap();
    for coupon in [
        json!({"id": "seat-20", "name": "20% off seats", "discount_type": "percentage",
            "discount_percentage": 20.0, "duration_type": "forever",
            "apply_on": "each_specified_item",
            "item_constraints": [{"item_type": "addon", "constraint": "specific",
                                  "item_price_ids": ["seats-usd-monthly"]}]}),
        json!({"id": "plan-3off", "name": "3.00 off the plan once", "discount_type": "fixed_amount",
            "discount_amount": 300, "currency_code": "USD", "duration_type": "one_time",
            "apply_on": "each_specified_item",
            "item_constraints": [{"item_type": "plan", "constraint": "all"}]}),
        json!({"id": "ten", "name": "10% off", "discount_type": "percentage",
            "discount_percentage": 10.0, "duration_type": "forever", "apply_on": "invoice_amount"}),
        json!({"id": "five", "name": "5% off", "discount_type": "percentage",
            "discount_percentage": 5.0, "duration_type": "forever", "apply_on": "invoice_amount"}),
        json!({"id": "picky", "name": "By criteria", "discount_type": "percentage",
            "discount_percentage": 5.0, "duration_type": "forever",
            "apply_on": "each_specified_item",
            "item_constraints": [{"item_type": "plan", "constraint": "criteria"}]}),
    ] {
        call("coupon.create_for_items", None, coupon).await.unwrap();
    }
    let items = json!([{"item_price_id": "pro-usd-monthly"},
                       {"item_price_id": "seats-usd-monthly", "quantity": 4}]);
    let subscribe = |customer: &'static str, coupons: serde_json::Value| {
        let client = client.clone();
        let items = items.clone();
        async move {
            client
                .call("customer.create", None, json!({"id": customer}))
                .await
                .unwrap();
            client
                .call(
                    "subscription.create_with_items",
                    Some(customer),
                    json!({"id": customer, "coupon_ids": coupons, "subscription_items": items}),
                )
                .await
        }
    };

    // 49.00 + 4 × 5.00 = 69.00. The plan's 3.00 first (a fixed amount on an item), then 20 %
    // of the seats' 20.00 (4.00), then 10 % of the 62.00 left (6.20): 55.80.
    let created = subscribe("ada", json!(["ten", "seat-20", "plan-3off"]))
        .await
        .unwrap();
    let invoice = &created["invoice"];
    assert_eq!(invoice["sub_total"], 6_900);
    assert_eq!(invoice["total"], 5_580);
    let discounts: Vec<(&Value, &Value, &Value)> = invoice["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (&d["entity_id"], &d["entity_type"], &d["amount"]))
        .collect();
    assert_eq!(
        discounts,
        [
            (
                &json!("plan-3off"),
                &json!("item_level_coupon"),
                &json!(300)
            ),
            (&json!("seat-20"), &json!("item_level_coupon"), &json!(400)),
            (&json!("ten"), &json!("document_level_coupon"), &json!(620)),
        ]
    );
    let lines = invoice["line_items"].as_array().unwrap();
    assert_eq!(lines[0]["item_level_discount_amount"], 300);
    assert_eq!(lines[1]["item_level_discount_amount"], 400);
    let line_discounts = invoice["line_item_discounts"].as_array().unwrap();
    assert_eq!(line_discounts.len(), 2);
    assert_eq!(line_discounts[1]["line_item_id"], lines[1]["id"]);
    assert_eq!(line_discounts[1]["coupon_id"], "seat-20");
    assert_eq!(line_discounts[1]["discount_amount"], 400);

    // The renewal: the one-time plan coupon is spent; 20 % of 20.00 (4.00), then 10 % of
    // 65.00 (6.50): 58.50.
    emulator.clock().set(april).unwrap();
    let page = call(
        "invoice.invoices_for_subscription",
        Some("ada"),
        json!({"limit": 1}),
    )
    .await
    .unwrap();
    let renewal = &page["list"][0]["invoice"];
    assert_eq!(renewal["date"], april);
    assert_eq!(renewal["total"], 5_850);

    // Two coupons of one type, and a coupon constrained by criteria, are refused by name.
    let e = subscribe("bob", json!(["ten", "five"])).await.unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(
        (api.status, api.param.as_deref()),
        (400, Some("coupon_ids[1]"))
    );
    let e = call(
        "subscription.create_with_items",
        Some("bob"),
        json!({"coupon_ids": ["picky"], "subscription_items": items}),
    )
    .await
    .unwrap_err();
    assert!(e.api_error().unwrap().is_not_emulated(), "{e}");
}

#[tokio::test]
async fn hosted_checkout_completes_headlessly() {
    use serde_json::json;
    let emulator = Emulator::start().await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let checkout = |customer: &'static str| {
        let client = client.clone();
        async move {
            let params = json!({
                "subscription_items": [{"item_price_id": "pro-usd-monthly", "quantity": 2}],
                "customer": {"id": customer},
                "redirect_url": "https://shop.example/done",
            });
            let page =
                crate::support::call(&client, "hosted_page.checkout_new_for_items", None, params)
                    .await;
            page["hosted_page"]["id"].as_str().unwrap().to_string()
        }
    };

    // A declining card: refused with the reason, nothing created.
    let declined = checkout("bob").await;
    let e = emulator
        .complete_hosted_page(&declined, "4000000000000341")
        .unwrap_err();
    assert!(e.to_string().contains("declined"), "{e}");
    let missing = client
        .call("customer.retrieve", Some("bob"), json!({}))
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    // A good card: where the browser would go, and the page's content as the official
    // flow reads it: 2 × 49.00 paid.
    let id = checkout("ada").await;
    let redirect = emulator
        .complete_hosted_page(&id, "4111111111111111")
        .unwrap();
    assert_eq!(
        redirect,
        Some(format!("https://shop.example/done?id={id}&state=succeeded"))
    );
    let page = crate::support::call(&client, "hosted_page.retrieve", Some(&id), json!({})).await;
    let page = &page["hosted_page"];
    assert_eq!(page["state"], "succeeded");
    assert_eq!(page["content"]["customer"]["id"], "ada");
    assert_eq!(page["content"]["subscription"]["status"], "active");
    assert_eq!(page["content"]["invoice"]["status"], "paid");
    assert_eq!(page["content"]["invoice"]["amount_paid"], 9_800);
    let events = crate::support::call(
        &client,
        "event.list",
        None,
        json!({"event_type": {"is": "subscription_created"}}),
    )
    .await;
    assert_eq!(events["list"].as_array().unwrap().len(), 1);

    // Once only; an unknown page is named.
    let again = emulator
        .complete_hosted_page(&id, "4111111111111111")
        .unwrap_err();
    assert!(again.to_string().contains("submitted"), "{again}");
    let unknown = emulator
        .complete_hosted_page("nope", "4111111111111111")
        .unwrap_err();
    assert!(unknown.to_string().contains("nope"), "{unknown}");
}

#[tokio::test]
async fn decimal_quantities_are_priced_per_unit_to_the_minor_unit() {
    use serde_json::json;
    let start = 1_773_144_000; // 2026-03-10T12:00:00Z
    let april = 1_775_822_400; // 2026-04-10T12:00:00Z
    let config = chargebee_emulator::Config {
        now: Some(start),
        ..Default::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let client = emulator.direct_client();
    catalog(&client).await;
    let call = |operation: &'static str, id: Option<&'static str>, params: serde_json::Value| {
        let client = client.clone();
        async move { client.call(operation, id, params).await }
    };
    let storage =
        json!({"id": "storage", "name": "Storage", "type": "addon", "item_family_id": "saas"});
    call("item.create", None, storage).await.unwrap();
    let per_gb = json!({"id": "storage-usd-monthly", "name": "Storage per GB", "item_id": "storage",
        "pricing_model": "per_unit", "price": 250, "currency_code": "USD", "period": 1,
        "period_unit": "month"});
    call("item_price.create", None, per_gb).await.unwrap();
    call("customer.create", None, json!({"id": "ada"}))
        .await
        .unwrap();
    let items = |gb: &str| {
        json!([{"item_price_id": "pro-usd-monthly"},
               {"item_price_id": "storage-usd-monthly", "quantity_in_decimal": gb}])
    };

    // 10.25 GB at 2.50: 25.625, rounded once, half up: 25.63; with the plan, 74.63.
    let created = call(
        "subscription.create_with_items",
        Some("ada"),
        json!({"id": "ada", "subscription_items": items("10.25")}),
    )
    .await
    .unwrap();
    let invoice = &created["invoice"];
    assert_eq!(invoice["total"], 7_463);
    let line = &invoice["line_items"][1];
    assert_eq!(line["quantity_in_decimal"], "10.25");
    assert_eq!(line.get("quantity"), None);
    assert_eq!(line["amount"], 2_563);
    assert_eq!(
        created["subscription"]["subscription_items"][1]["quantity_in_decimal"],
        "10.25"
    );

    // 4.5 GB from the renewal: 11.25, with the plan 60.25; the plan's entry is untouched.
    let change = json!({"subscription_items": [
        {"item_price_id": "storage-usd-monthly", "quantity_in_decimal": "4.5"}],
        "end_of_term": true});
    call("subscription.update_for_items", Some("ada"), change)
        .await
        .unwrap();
    emulator.clock().set(april).unwrap();
    let page = call(
        "invoice.invoices_for_subscription",
        Some("ada"),
        json!({"limit": 1}),
    )
    .await
    .unwrap();
    let renewal = &page["list"][0]["invoice"];
    assert_eq!(renewal["date"], april);
    assert_eq!(renewal["total"], 6_025);
    assert_eq!(renewal["line_items"][0]["quantity"], 1);
    assert_eq!(renewal["line_items"][1]["quantity_in_decimal"], "4.5");

    // Refused by name: a negative or malformed decimal, both quantities, a decimal quantity
    // on a price not per unit.
    call("customer.create", None, json!({"id": "bob"}))
        .await
        .unwrap();
    for (gb, param) in [
        ("-1", "subscription_items[quantity_in_decimal][1]"),
        ("1e3", "subscription_items[quantity_in_decimal][1]"),
    ] {
        let e = call(
            "subscription.create_with_items",
            Some("bob"),
            json!({"subscription_items": items(gb)}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.api_error().unwrap().param.as_deref(), Some(param), "{gb}");
    }
    let both = json!({"subscription_items": [{"item_price_id": "pro-usd-monthly",
        "quantity": 1, "quantity_in_decimal": "1.5"}]});
    let e = call("subscription.create_with_items", Some("bob"), both)
        .await
        .unwrap_err();
    assert_eq!(
        e.api_error().unwrap().param.as_deref(),
        Some("subscription_items[quantity_in_decimal][0]")
    );
    let flat = json!({"id": "flat-usd-monthly", "name": "Flat", "item_id": "pro",
        "pricing_model": "flat_fee", "price": 1_000, "currency_code": "USD", "period": 1,
        "period_unit": "month"});
    call("item_price.create", None, flat).await.unwrap();
    let on_flat = json!({"subscription_items": [{"item_price_id": "flat-usd-monthly",
        "quantity_in_decimal": "1.5"}]});
    let e = call("subscription.create_with_items", Some("bob"), on_flat)
        .await
        .unwrap_err();
    assert!(e.api_error().unwrap().is_not_emulated(), "{e}");
}
