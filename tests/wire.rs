//! Wire tests: each seed endpoint's exact request line, headers and body, as received by a
//! local server on 127.0.0.1.

use chargebee::enums::{AutoCollection, DispositionType};
use chargebee::{connection, customer, hosted_page, objects, portal_session, subscription};
use chargebee::{EnumFilter, Sort, StringFilter, Timestamp, TimestampFilter};
use chargebee_tests::FORM;
use chargebee_tests::{
    assert_wire, direct_client, fixture, gateway_client, Expect, MockServer, Reply, BASIC, BEARER,
};
use serde_json::json;

const JSON: Option<&str> = Some("application/json");

fn reply(body: serde_json::Value) -> Vec<Reply> {
    vec![Reply::json(200, body.to_string())]
}

fn page(key: &str) -> Vec<Reply> {
    reply(json!({"list": [{key: fixture(key)}]}))
}

fn customer_reply() -> Vec<Reply> {
    reply(json!({"customer": fixture("customer"), "card": fixture("card")}))
}

fn subscription_reply() -> Vec<Reply> {
    reply(json!({"subscription": fixture("subscription"), "customer": fixture("customer")}))
}

#[tokio::test]
async fn list_customers_with_paging_filters_and_sort() {
    let server = MockServer::start(page("customer")).await;
    gateway_client(&server)
        .customers()
        .list()
        .limit(10)
        .offset("[\"1704067200000\",\"230000000123\"]")
        .email(StringFilter::is("a@b.c"))
        .auto_collection(EnumFilter::in_([AutoCollection::On, AutoCollection::Off]))
        .created_at(TimestampFilter::between(
            Timestamp(1704067200),
            Timestamp(1706745600),
        ))
        .sort_by(Sort::desc(customer::ListSortField::CreatedAt))
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/customers?limit=10&offset=%5B%221704067200000%22%2C%22230000000123%22%5D\
                   &email%5Bis%5D=a%40b.c&auto_collection%5Bin%5D=%5B%22on%22%2C%22off%22%5D\
                   &created_at%5Bbetween%5D=%5B1704067200%2C1706745600%5D&sort_by%5Bdesc%5D=created_at HTTP/1.1"),
    );
}

#[tokio::test]
async fn retrieve_customer() {
    let server = MockServer::start(customer_reply()).await;
    gateway_client(&server)
        .customers()
        .retrieve("cus_16CHqXU2pL1gH3Xz")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/customers/cus_16CHqXU2pL1gH3Xz HTTP/1.1"),
    );
}

#[tokio::test]
async fn create_customer_with_nested_and_json_params() {
    let server = MockServer::start(customer_reply()).await;
    gateway_client(&server)
        .customers()
        .create()
        .first_name("Ada")
        .email("ada@example.com")
        .auto_collection(AutoCollection::Off)
        .net_term_days(30)
        .meta_data(json!({"source": "rust"}))
        .billing_address(
            objects::CreateBillingAddressParams::new()
                .city("London")
                .country("GB"),
        )
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/customers HTTP/1.1",
            "first_name=Ada&email=ada%40example.com&auto_collection=off&net_term_days=30\
                   &meta_data=%7B%22source%22%3A%22rust%22%7D\
                   &billing_address%5Bcity%5D=London&billing_address%5Bcountry%5D=GB",
        ),
    );
}

#[tokio::test]
async fn update_customer_in_direct_mode() {
    let server = MockServer::start(customer_reply()).await;
    direct_client(&server)
        .customers()
        .update("cus_1")
        .company("Acme & Co")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect {
            line: "POST /api/v2/customers/cus_1 HTTP/1.1",
            auth: BASIC,
            content_type: FORM,
            body: "company=Acme+%26+Co",
            connection: None,
        },
    );
}

#[tokio::test]
async fn list_subscriptions_by_status() {
    let server = MockServer::start(reply(json!({"list": [{
        "subscription": fixture("subscription"), "customer": fixture("customer")
    }], "next_offset": "x"})))
    .await;
    let page = gateway_client(&server)
        .subscriptions()
        .list()
        .status(EnumFilter::is(subscription::Status::Active))
        .send()
        .await
        .unwrap();
    assert_eq!(page.next_offset.as_deref(), Some("x"));
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/subscriptions?status%5Bis%5D=active HTTP/1.1"),
    );
}

#[tokio::test]
async fn retrieve_subscription() {
    let server = MockServer::start(subscription_reply()).await;
    gateway_client(&server)
        .subscriptions()
        .retrieve("sub_AzZlWqU2pLCq81Z")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/subscriptions/sub_AzZlWqU2pLCq81Z HTTP/1.1"),
    );
}

#[tokio::test]
async fn create_subscription_with_customer_object() {
    let server = MockServer::start(subscription_reply()).await;
    gateway_client(&server)
        .subscriptions()
        .create()
        .plan_id("basic")
        .customer(
            subscription::CreateCustomerParams::new()
                .email("ada@example.com")
                .first_name("Ada"),
        )
        .coupon_ids(vec!["WELCOME".into(), "SPRING".into()])
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/subscriptions HTTP/1.1",
            "plan_id=basic&coupon_ids%5B0%5D=WELCOME&coupon_ids%5B1%5D=SPRING\
                   &customer%5Bemail%5D=ada%40example.com&customer%5Bfirst_name%5D=Ada",
        ),
    );
}

#[tokio::test]
async fn cancel_subscription_at_end_of_term() {
    let server = MockServer::start(subscription_reply()).await;
    gateway_client(&server)
        .subscriptions()
        .cancel("sub_1")
        .end_of_term(true)
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/subscriptions/sub_1/cancel HTTP/1.1",
            "end_of_term=true",
        ),
    );
}

#[tokio::test]
async fn create_subscription_for_items_indexes_each_field() {
    let server = MockServer::start(subscription_reply()).await;
    gateway_client(&server)
        .subscriptions()
        .create_with_items("cus_1")
        .subscription_items(vec![
            subscription::CreateWithItemsSubscriptionItemsParams::new("basic-USD-monthly")
                .quantity(2),
            subscription::CreateWithItemsSubscriptionItemsParams::new("support-USD-monthly")
                .unit_price(500),
        ])
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/customers/cus_1/subscription_for_items HTTP/1.1",
            "subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD-monthly\
                   &subscription_items%5Bquantity%5D%5B0%5D=2\
                   &subscription_items%5Bitem_price_id%5D%5B1%5D=support-USD-monthly\
                   &subscription_items%5Bunit_price%5D%5B1%5D=500",
        ),
    );
}

#[tokio::test]
async fn cancel_subscription_for_items() {
    let server = MockServer::start(subscription_reply()).await;
    gateway_client(&server)
        .subscriptions()
        .cancel_for_items("sub_1")
        .end_of_term(false)
        .cancel_at(Timestamp(1706745600))
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/subscriptions/sub_1/cancel_for_items HTTP/1.1",
            "end_of_term=false&cancel_at=1706745600",
        ),
    );
}

#[tokio::test]
async fn list_item_prices() {
    let server = MockServer::start(page("item_price")).await;
    let page = gateway_client(&server)
        .item_prices()
        .list()
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(page.list[0].item_price.id, "basic-USD-monthly");
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/item_prices?limit=100 HTTP/1.1"),
    );
}

#[tokio::test]
async fn list_items() {
    let server = MockServer::start(page("item")).await;
    gateway_client(&server).items().list().send().await.unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/items HTTP/1.1"),
    );
}

#[tokio::test]
async fn list_invoices_after_a_date() {
    let server = MockServer::start(page("invoice")).await;
    gateway_client(&server)
        .invoices()
        .list()
        .date(TimestampFilter::after(Timestamp(1704067200)))
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get("GET /api/v2/invoices?date%5Bafter%5D=1704067200 HTTP/1.1"),
    );
}

#[tokio::test]
async fn invoice_pdf_returns_a_download() {
    let server = MockServer::start(reply(json!({"download": fixture("download")}))).await;
    let response = gateway_client(&server)
        .invoices()
        .pdf("inv_1042")
        .disposition_type(DispositionType::Inline)
        .send()
        .await
        .unwrap();
    assert_eq!(response.download.valid_till, Some(Timestamp(1704070800)));
    assert!(response
        .download
        .download_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://")));
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/invoices/inv_1042/pdf HTTP/1.1",
            "disposition_type=inline",
        ),
    );
}

#[tokio::test]
async fn checkout_new_for_items() {
    let server = MockServer::start(reply(json!({"hosted_page": fixture("hosted_page")}))).await;
    gateway_client(&server)
        .hosted_pages()
        .checkout_new_for_items()
        .subscription_items(vec![objects::SubscriptionItemsParams::new(
            "basic-USD-monthly",
        )
        .quantity(1)])
        .customer(hosted_page::CheckoutNewForItemsCustomerParams::new().id("cus_1"))
        .redirect_url("https://example.com/done")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/hosted_pages/checkout_new_for_items HTTP/1.1",
            "redirect_url=https%3A%2F%2Fexample.com%2Fdone&customer%5Bid%5D=cus_1\
                   &subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD-monthly\
                   &subscription_items%5Bquantity%5D%5B0%5D=1",
        ),
    );
}

#[tokio::test]
async fn create_portal_session() {
    let server =
        MockServer::start(reply(json!({"portal_session": fixture("portal_session")}))).await;
    gateway_client(&server)
        .portal_sessions()
        .create()
        .customer(portal_session::CreateCustomerParams::new("cus_1"))
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/portal_sessions HTTP/1.1",
            "customer%5Bid%5D=cus_1",
        ),
    );
}

#[tokio::test]
async fn list_active_chargebee_connections() {
    let server = MockServer::start(reply(json!({"connections": [fixture("connection")]}))).await;
    let response = gateway_client(&server)
        .connections()
        .list()
        .app("chargebee")
        .status(connection::Status::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.connections[0].status,
        Some(connection::Status::Active)
    );
    assert_wire(
        &server.only_request(),
        Expect {
            line: "GET /connections?app=chargebee&status=ACTIVE HTTP/1.1",
            auth: BEARER,
            content_type: None,
            body: "",
            connection: None,
        },
    );
}

#[tokio::test]
async fn create_connection_sends_json() {
    let server = MockServer::start(reply(json!({"connection": fixture("connection")}))).await;
    gateway_client(&server)
        .connections()
        .create("chargebee")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect {
            line: "POST /connections HTTP/1.1",
            auth: BEARER,
            content_type: JSON,
            body: r#"{"app":"chargebee"}"#,
            connection: None,
        },
    );
}

#[tokio::test]
async fn retrieve_connection() {
    let server = MockServer::start(reply(json!({"connection": fixture("connection")}))).await;
    let response = gateway_client(&server)
        .connections()
        .retrieve("21fd90f9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.connection.app.as_deref(), Some("chargebee"));
    assert_wire(
        &server.only_request(),
        Expect {
            line: "GET /connections/21fd90f9 HTTP/1.1",
            auth: BEARER,
            content_type: None,
            body: "",
            connection: None,
        },
    );
}

#[tokio::test]
async fn delete_connection_accepts_an_empty_body() {
    let server = MockServer::start(vec![Reply::raw(200, "application/json", "")]).await;
    gateway_client(&server)
        .connections()
        .delete("21fd90f9")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect {
            line: "DELETE /connections/21fd90f9 HTTP/1.1",
            auth: BEARER,
            content_type: None,
            body: "",
            connection: None,
        },
    );
}

#[tokio::test]
async fn hostile_ids_stay_inside_one_path_segment() {
    let server = MockServer::start(vec![]).await;
    let client = gateway_client(&server);
    for id in ["../x", "a/b", "a?b=c", "a#b", "ünï"] {
        client.customers().retrieve(id).send().await.unwrap_err();
    }
    for id in ["..", ".", ""] {
        let err = client.customers().retrieve(id).send().await.unwrap_err();
        assert!(
            matches!(
                err,
                chargebee::Error::InvalidArgument {
                    param: "customer_id",
                    ..
                }
            ),
            "{err}"
        );
    }
    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [
            "GET /api/v2/customers/..%2Fx HTTP/1.1",
            "GET /api/v2/customers/a%2Fb HTTP/1.1",
            "GET /api/v2/customers/a%3Fb%3Dc HTTP/1.1",
            "GET /api/v2/customers/a%23b HTTP/1.1",
            "GET /api/v2/customers/%C3%BCn%C3%AF HTTP/1.1",
        ]
    );
}
