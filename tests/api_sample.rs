//! Wire tests over a sample of the whole API: one or more operations of each resource group,
//! together using every construct of the spec on the wire (path parameters, nested objects,
//! per-field list indices, JSON-encoded values, JSON bodies, subdomain operations, filters of
//! every kind and in groups, sort, POST pages). Each call's request line, content type and
//! body are checked byte for byte; responses are left undecoded (the server answers `{}`).

use chargebee::enums::{DurationType, PeriodUnit};
use chargebee::{coupon, estimate, invoice, objects, subscription};
use chargebee::{
    BooleanFilter, EnumFilter, NumberFilter, Sort, StringFilter, Timestamp, TimestampFilter,
};
use chargebee_tests::{gateway_client, MockServer, BEARER, FORM};
use serde_json::json;

const JSON: Option<&str> = Some("application/json");

/// Sends the request and checks the one request it made.
macro_rules! wire {
    ($server:ident, $call:expr, $line:expr, $content_type:expr, $body:expr) => {{
        let before = $server.requests().len();
        let _ = $call.send().await;
        let requests = $server.requests();
        assert_eq!(
            requests.len(),
            before + 1,
            "{} sent {} requests",
            $line,
            requests.len() - before
        );
        let r = &requests[before];
        assert_eq!(r.line, format!("{} HTTP/1.1", $line));
        assert_eq!(r.header("content-type"), $content_type, "{}", $line);
        assert_eq!(r.body_text(), $body, "{}", $line);
        assert_eq!(r.header("authorization"), Some(BEARER), "{}", $line);
    }};
}

#[tokio::test]
async fn retrieves_and_deletes_across_resource_groups() {
    let server = MockServer::start(vec![]).await;
    let c = gateway_client(&server);
    wire!(
        server,
        c.coupons().retrieve("WELCOME10"),
        "GET /api/v2/coupons/WELCOME10",
        None,
        ""
    );
    wire!(
        server,
        c.plans().retrieve("basic"),
        "GET /api/v2/plans/basic",
        None,
        ""
    );
    wire!(
        server,
        c.addons().retrieve("extra-seat"),
        "GET /api/v2/addons/extra-seat",
        None,
        ""
    );
    wire!(
        server,
        c.item_families().retrieve("saas"),
        "GET /api/v2/item_families/saas",
        None,
        ""
    );
    wire!(
        server,
        c.payment_sources().retrieve("pm_1"),
        "GET /api/v2/payment_sources/pm_1",
        None,
        ""
    );
    wire!(
        server,
        c.transactions().retrieve("txn_1"),
        "GET /api/v2/transactions/txn_1",
        None,
        ""
    );
    wire!(
        server,
        c.credit_notes().retrieve("cn_1"),
        "GET /api/v2/credit_notes/cn_1",
        None,
        ""
    );
    wire!(
        server,
        c.orders().retrieve("ord_1"),
        "GET /api/v2/orders/ord_1",
        None,
        ""
    );
    wire!(
        server,
        c.gifts().retrieve("gift_1"),
        "GET /api/v2/gifts/gift_1",
        None,
        ""
    );
    wire!(
        server,
        c.quotes().retrieve("q_1"),
        "GET /api/v2/quotes/q_1",
        None,
        ""
    );
    wire!(
        server,
        c.events().retrieve("ev_1"),
        "GET /api/v2/events/ev_1",
        None,
        ""
    );
    wire!(
        server,
        c.comments().retrieve("cmt_1"),
        "GET /api/v2/comments/cmt_1",
        None,
        ""
    );
    wire!(
        server,
        c.features().retrieve("api-calls"),
        "GET /api/v2/features/api-calls",
        None,
        ""
    );
    wire!(
        server,
        c.webhook_endpoints().retrieve("we_1"),
        "GET /api/v2/webhook_endpoints/we_1",
        None,
        ""
    );
    wire!(
        server,
        c.time_machines().retrieve("delorean"),
        "GET /api/v2/time_machines/delorean",
        None,
        ""
    );
    wire!(
        server,
        c.coupons().delete("WELCOME10"),
        "POST /api/v2/coupons/WELCOME10/delete",
        FORM,
        ""
    );
    wire!(
        server,
        c.item_families().delete("saas"),
        "POST /api/v2/item_families/saas/delete",
        FORM,
        ""
    );
    wire!(
        server,
        c.comments().delete("cmt_1"),
        "POST /api/v2/comments/cmt_1/delete",
        FORM,
        ""
    );
    wire!(
        server,
        c.features().activate("api-calls"),
        "POST /api/v2/features/api-calls/activate_command",
        FORM,
        ""
    );
    wire!(
        server,
        c.time_machines()
            .travel_forward("delorean")
            .destination_time(Timestamp(1735689600)),
        "POST /api/v2/time_machines/delorean/travel_forward",
        FORM,
        "destination_time=1735689600"
    );
}

#[tokio::test]
async fn lists_with_filters_of_every_kind_and_sort() {
    let server = MockServer::start(vec![]).await;
    let c = gateway_client(&server);
    wire!(
        server,
        c.invoices()
            .list()
            .total(NumberFilter::between(100, 5000))
            .status(EnumFilter::is(invoice::Status::Paid)),
        "GET /api/v2/invoices?status%5Bis%5D=paid&total%5Bbetween%5D=%5B100%2C5000%5D",
        None,
        ""
    );
    wire!(
        server,
        c.customers()
            .list()
            .auto_close_invoices(BooleanFilter::is(true)),
        "GET /api/v2/customers?auto_close_invoices%5Bis%5D=true",
        None,
        ""
    );
    wire!(
        server,
        c.customers()
            .list()
            .relationship_parent_id(StringFilter::is("cus_parent")),
        "GET /api/v2/customers?relationship%5Bparent_id%5D%5Bis%5D=cus_parent",
        None,
        ""
    );
    wire!(
        server,
        c.events()
            .list()
            .occurred_at(TimestampFilter::after(Timestamp(1704067200)))
            .limit(5),
        "GET /api/v2/events?limit=5&occurred_at%5Bafter%5D=1704067200",
        None,
        ""
    );
    wire!(
        server,
        c.subscriptions()
            .list()
            .sort_by(Sort::asc(subscription::ListSortField::UpdatedAt)),
        "GET /api/v2/subscriptions?sort_by%5Basc%5D=updated_at",
        None,
        ""
    );
    wire!(
        server,
        c.subscriptions()
            .subscriptions_for_customer("cus_1")
            .limit(2),
        "GET /api/v2/customers/cus_1/subscriptions?limit=2",
        None,
        ""
    );
    wire!(
        server,
        c.transactions().payments_for_invoice("inv_1"),
        "GET /api/v2/invoices/inv_1/payments",
        None,
        ""
    );
    wire!(
        server,
        c.coupons().list().id(StringFilter::in_(["A", "B"])),
        "GET /api/v2/coupons?id%5Bin%5D=%5B%22A%22%2C%22B%22%5D",
        None,
        ""
    );
}

#[tokio::test]
async fn posts_with_nested_objects_lists_and_json_values() {
    let server = MockServer::start(vec![]).await;
    let c = gateway_client(&server);
    wire!(
        server,
        c.subscriptions().update_for_items("sub_1").meta_data(json!({"plan": "gold"})).subscription_items(vec![
            subscription::UpdateForItemsSubscriptionItemsParams::new("seat-USD").quantity(3),
        ]),
        "POST /api/v2/subscriptions/sub_1/update_for_items",
        FORM,
        "meta_data=%7B%22plan%22%3A%22gold%22%7D\
         &subscription_items%5Bitem_price_id%5D%5B0%5D=seat-USD&subscription_items%5Bquantity%5D%5B0%5D=3"
    );
    wire!(
        server,
        c.estimates().create_sub_item_estimate().subscription_items(vec![
            objects::SubscriptionItemsParams::new("basic-USD"),
            objects::SubscriptionItemsParams::new("seat-USD").quantity(5),
        ]).discounts(vec![estimate::CreateSubItemEstimateDiscountsParams::new(DurationType::OneTime).percentage(12.5)]),
        "POST /api/v2/estimates/create_subscription_for_items",
        FORM,
        "subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD\
         &subscription_items%5Bitem_price_id%5D%5B1%5D=seat-USD&subscription_items%5Bquantity%5D%5B1%5D=5\
         &discounts%5Bduration_type%5D%5B0%5D=one_time&discounts%5Bpercentage%5D%5B0%5D=12.5"
    );
    wire!(
        server,
        c.item_families()
            .create("saas", "SaaS")
            .description("Software"),
        "POST /api/v2/item_families",
        FORM,
        "id=saas&name=SaaS&description=Software"
    );
    wire!(
        server,
        c.attached_items().create("basic", "seat").quantity(2),
        "POST /api/v2/items/basic/attached_items",
        FORM,
        "item_id=seat&quantity=2"
    );
    wire!(
        server,
        c.coupons()
            .create_for_items("SPRING", "Spring", coupon::ApplyOn::InvoiceAmount)
            .discount_percentage(20.0)
            .duration_type(DurationType::Forever),
        "POST /api/v2/coupons/create_for_items",
        FORM,
        "id=SPRING&name=Spring&discount_percentage=20&apply_on=invoice_amount&duration_type=forever"
    );
    wire!(
        server,
        c.plans()
            .create("basic", "Basic")
            .period(1)
            .period_unit(PeriodUnit::Month),
        "POST /api/v2/plans",
        FORM,
        "id=basic&name=Basic&period=1&period_unit=month"
    );
    wire!(
        server,
        c.promotional_credits()
            .add("cus_1", "Welcome credit")
            .amount(500),
        "POST /api/v2/promotional_credits/add",
        FORM,
        "customer_id=cus_1&amount=500&description=Welcome+credit"
    );
    wire!(
        server,
        c.comments()
            .create("customer".into(), "cus_1", "Called about the invoice"),
        "POST /api/v2/comments",
        FORM,
        "entity_type=customer&entity_id=cus_1&notes=Called+about+the+invoice"
    );
    wire!(
        server,
        c.exports()
            .customers()
            .customer_id(StringFilter::starts_with("cus_")),
        "POST /api/v2/exports/customers",
        FORM,
        "customer%5Bid%5D%5Bstarts_with%5D=cus_"
    );
}

#[tokio::test]
async fn json_bodies_and_subdomain_operations() {
    let server = MockServer::start(vec![]).await;
    let c = gateway_client(&server);
    wire!(
        server,
        c.usage_events().create(
            "dedup-1",
            "sub_1",
            Timestamp(1704067200),
            json!({"calls": 3})
        ),
        "POST /api/v2/usage_events",
        JSON,
        r#"{"deduplication_id":"dedup-1","subscription_id":"sub_1","usage_timestamp":1704067200,"properties":{"calls":3}}"#
    );
    wire!(
        server,
        c.ledger_operations()
            .capture("sub_1", "credits", "12.50", Timestamp(1704067200))
            .id("op_1"),
        "POST /api/v2/ledger_operations/capture",
        JSON,
        r#"{"id":"op_1","subscription_id":"sub_1","unit_id":"credits","amount":"12.50","ledger_operation_timestamp":1704067200}"#
    );
    wire!(
        server,
        c.usage_files().processing_status("uf_1"),
        "GET /api/v2/usage_files/uf_1/processing_status",
        None,
        ""
    );
    wire!(
        server,
        c.offer_fulfillments().offer_fulfillments_get("of_1"),
        "GET /api/v2/offer_fulfillments/of_1",
        None,
        ""
    );
}
