//! What the client sends: custom fields, several operators on one filter field, parameters
//! read from the JSON the official SDKs take, and a clear refusal of every key it cannot
//! send. Each test checks the exact bytes on the wire, or that nothing was sent.

use chargebee::{customer, hosted_page, Error, HttpMethod, StringFilter, TimestampFilter};
use chargebee_tests::{assert_wire, fixture, gateway_client, Expect, MockServer, Reply};
use serde_json::json;

fn customer_reply() -> Vec<Reply> {
    vec![Reply::json(
        200,
        json!({"customer": fixture("customer")}).to_string(),
    )]
}

#[tokio::test]
async fn custom_fields_on_create() {
    let server = MockServer::start(customer_reply()).await;
    gateway_client(&server)
        .customers()
        .create()
        .email("ada@example.com")
        .custom_field("cf_plan_tier", "gold")
        .custom_field("cf_seats", 12)
        .custom_field("cf_vip", true)
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/customers HTTP/1.1",
            "email=ada%40example.com&cf_plan_tier=gold&cf_seats=12&cf_vip=true",
        ),
    );
}

#[tokio::test]
async fn custom_fields_on_update_and_in_a_parameter_object() {
    let server = MockServer::start(customer_reply()).await;
    gateway_client(&server)
        .customers()
        .update("cus_1")
        .custom_field("cf_plan_tier", "platinum plus")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/customers/cus_1 HTTP/1.1",
            "cf_plan_tier=platinum+plus",
        ),
    );

    let page = json!({"hosted_page": fixture("hosted_page")}).to_string();
    let server = MockServer::start(vec![Reply::json(200, page)]).await;
    gateway_client(&server)
        .hosted_pages()
        .checkout_new_for_items()
        .customer(
            hosted_page::CheckoutNewForItemsCustomerParams::new()
                .email("ada@example.com")
                .custom_field("cf_company_size", "50-200"),
        )
        .custom_field("cf_campaign", "spring")
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_form(
            "POST /api/v2/hosted_pages/checkout_new_for_items HTTP/1.1",
            "customer%5Bemail%5D=ada%40example.com&customer%5Bcf_company_size%5D=50-200\
             &cf_campaign=spring",
        ),
    );
}

#[tokio::test]
async fn a_name_that_is_not_a_custom_field_is_refused_before_sending() {
    let server = MockServer::start(customer_reply()).await;
    let err = gateway_client(&server)
        .customers()
        .update("cus_1")
        .custom_field("plan_tier", "gold")
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::InvalidArgument { param, message } => {
            assert_eq!(*param, "custom_fields");
            assert!(message.contains("`plan_tier`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn two_operators_on_one_filter_field() {
    let server = MockServer::start(vec![Reply::json(200, r#"{"list": []}"#)]).await;
    gateway_client(&server)
        .customers()
        .list()
        .created_at(TimestampFilter::after(1704067200))
        .created_at(TimestampFilter::before(1706745600))
        // The same operator again replaces the earlier one.
        .created_at(TimestampFilter::after(1704153600))
        .relationship_parent_id(StringFilter::starts_with("cus_parent"))
        .relationship_parent_id(StringFilter::is_not("cus_parent_9"))
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get(
            "GET /api/v2/customers?created_at%5Bbefore%5D=1706745600&created_at%5Bafter%5D=1704153600\
             &relationship%5Bparent_id%5D%5Bstarts_with%5D=cus_parent\
             &relationship%5Bparent_id%5D%5Bis_not%5D=cus_parent_9 HTTP/1.1",
        ),
    );
}

#[tokio::test]
async fn params_in_the_sdk_json_shape_send_the_same_request() {
    let params: customer::ListParams = serde_json::from_value(json!({
        "limit": 5,
        "email": {"is": "ada@example.com"},
        "created_at": {"after": 1704067200, "before": 1706745600},
        "relationship": {"parent_id": {"is": "cus_parent"}},
        "auto_collection": {"in": ["on", "off"]},
        "sort_by": {"asc": "created_at"}
    }))
    .unwrap();
    let server = MockServer::start(vec![Reply::json(200, r#"{"list": []}"#)]).await;
    gateway_client(&server)
        .customers()
        .list()
        .with_params(params.clone())
        .send()
        .await
        .unwrap();
    assert_wire(
        &server.only_request(),
        Expect::gateway_get(
            "GET /api/v2/customers?limit=5&email%5Bis%5D=ada%40example.com\
             &auto_collection%5Bin%5D=%5B%22on%22%2C%22off%22%5D\
             &created_at%5Bafter%5D=1704067200&created_at%5Bbefore%5D=1706745600\
             &relationship%5Bparent_id%5D%5Bis%5D=cus_parent&sort_by%5Basc%5D=created_at HTTP/1.1",
        ),
    );
    // The JSON form round-trips: serializing gives back the SDK shape.
    let again = serde_json::to_value(&params).unwrap();
    assert_eq!(
        again["created_at"],
        json!({"after": 1704067200, "before": 1706745600})
    );
    assert_eq!(
        again["relationship"],
        json!({"parent_id": {"is": "cus_parent"}})
    );
    assert_eq!(again["sort_by"], json!({"asc": "created_at"}));
}

#[test]
fn custom_fields_read_from_json_are_sent() {
    let params: customer::CreateParams =
        serde_json::from_value(json!({"email": "ada@example.com", "cf_plan_tier": "gold"}))
            .unwrap();
    assert_eq!(
        params.to_form().unwrap(),
        "email=ada%40example.com&cf_plan_tier=gold"
    );
}

#[test]
fn every_unknown_key_is_an_error_that_names_it() {
    let refused = [
        // A misspelt parameter, on an operation open to custom fields.
        (json!({"emial": "ada@example.com"}), "emial"),
        // The bracketed wire form of a filter is not the JSON form (the sort's, which the
        // official SDKs' type declarations use, is read).
        (json!({"email[is]": "ada@example.com"}), "email[is]"),
        // A filter group member that does not exist.
        (
            json!({"relationship": {"grandparent_id": {"is": "x"}}}),
            "grandparent_id",
        ),
        // An operator the filter kind does not have.
        (json!({"email": {"contains": "ada"}}), "contains"),
    ];
    for (input, key) in refused {
        let err = serde_json::from_value::<customer::ListParams>(input.clone()).unwrap_err();
        assert!(err.to_string().contains(key), "{input}: {err}");
    }
    let err = serde_json::from_value::<customer::CreateParams>(json!({"emial": "x"})).unwrap_err();
    assert!(
        err.to_string().contains("unknown parameter `emial`"),
        "{err}"
    );
    // Nested parameter objects refuse unknown keys too.
    let err = serde_json::from_value::<customer::CreateParams>(
        json!({"billing_address": {"city": "London", "town": "London"}}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`town`"), "{err}");
}

#[test]
fn parameters_read_from_json_keep_every_key_once() {
    use chargebee::{comment, coupon};
    let text = r#"{"email": "ada@example.com", "first_name": null,
        "billing_address": {"city": "London", "line1": "1 Main St"}, "cf_tier": "gold"}"#;
    let from_text: customer::CreateParams = serde_json::from_str(text).unwrap();
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let from_value: customer::CreateParams = serde_json::from_value(value).unwrap();
    assert_eq!(from_text, from_value);
    // `null` is the same as absent; the nested object and the custom field are kept.
    assert_eq!(from_text.first_name, None);
    assert_eq!(
        from_text.to_form().unwrap(),
        "email=ada%40example.com&billing_address%5Bline1%5D=1+Main+St\
         &billing_address%5Bcity%5D=London&cf_tier=gold"
    );
    // A key given twice is refused, not overwritten: named, nested or custom.
    for (input, key) in [
        (r#"{"email": "a@x.io", "email": "b@x.io"}"#, "`email`"),
        (
            r#"{"billing_address": {"city": "a", "city": "b"}}"#,
            "`city`",
        ),
        (r#"{"cf_tier": "a", "cf_tier": "b"}"#, "`cf_tier`"),
    ] {
        let err = serde_json::from_str::<customer::CreateParams>(input).unwrap_err();
        assert!(
            err.to_string().contains(&format!("duplicate field {key}")),
            "{input}: {err}"
        );
    }
    // A required parameter that is absent is named.
    let err = serde_json::from_value::<comment::CreateParams>(
        json!({"entity_type": "customer", "entity_id": "c_1"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("missing field `notes`"), "{err}");
    // Where custom fields are not taken, an unknown key is refused with the keys there are.
    let err = serde_json::from_value::<coupon::CreateForItemsCouponConstraintsParams>(
        json!({"entity_type": "plan", "type": "max_redemptions", "cf_x": 1}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown field `cf_x`, expected one of `entity_type`, `type`, `value`"),
        "{err}"
    );
    // A value of the wrong type names what was expected.
    let err = serde_json::from_value::<customer::CreateParams>(json!({"email": 5})).unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[test]
fn an_operator_the_field_does_not_accept_is_refused_when_read() {
    // The types leave such an operator no constructor; read from JSON, it is refused with
    // the field, the operator and the operators the field accepts.
    let err = serde_json::from_value::<customer::ListParams>(
        json!({"business_entity_id": {"is": "a", "starts_with": "b"}}),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "filter `business_entity_id`, operator `starts_with`: not accepted by this field, \
         which accepts: is"
    );
    // An operator the field accepts is read.
    let params: customer::ListParams =
        serde_json::from_value(json!({"business_entity_id": {"is": "a"}})).unwrap();
    assert_eq!(params.to_form().unwrap(), "business_entity_id%5Bis%5D=a");
}

#[tokio::test]
async fn a_raw_call_goes_through_the_same_transport() {
    let server = MockServer::start(vec![
        Reply::json(200, r#"{"widget": {"id": "w_1", "size": 3}}"#),
        Reply::json(200, r#"{"list": []}"#),
        Reply::json(
            404,
            r#"{"message":"no such widget","type":"invalid_request","api_error_code":"resource_not_found"}"#,
        ),
    ])
    .await;
    let client = gateway_client(&server);
    let answer: serde_json::Value = client
        .raw(HttpMethod::Post, "/widgets/w_1/polish")
        .params(json!({"level": 2, "tags": ["a", "b"], "owner": {"id": "cus_1"}}))
        .idempotency_key("key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer["widget"]["size"], 3);
    let post = &server.requests()[0];
    assert_wire(
        post,
        Expect::gateway_form(
            "POST /api/v2/widgets/w_1/polish HTTP/1.1",
            "level=2&owner%5Bid%5D=cus_1&tags%5B0%5D=a&tags%5B1%5D=b",
        ),
    );
    assert_eq!(post.header("chargebee-idempotency-key"), Some("key-1"));

    client
        .raw(HttpMethod::Get, "/widgets")
        .params(json!({"size[gt]": 2}))
        .send::<serde_json::Value>()
        .await
        .unwrap();
    assert_wire(
        &server.requests()[1],
        Expect::gateway_get("GET /api/v2/widgets?size%5Bgt%5D=2 HTTP/1.1"),
    );

    let err = client
        .raw(HttpMethod::Get, "/widgets/w_9")
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().starts_with("raw: "), "{err}");

    let refused = client
        .raw(HttpMethod::Get, "/widgets/../sites")
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        Error::InvalidArgument { param: "path", .. }
    ));
    assert_eq!(server.requests().len(), 3, "the refused call sent nothing");
}
