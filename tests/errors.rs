//! Each kind of failure maps to its own error, naming the operation and the status.

use chargebee::{ApiErrorCode, Error, ErrorType, GatewayErrorKind};
use chargebee_tests::{direct_client, gateway_client, MockServer, Reply};
use std::time::Duration;

async fn fail_with(reply: Reply) -> Error {
    let server = MockServer::start(vec![reply]).await;
    gateway_client(&server)
        .customers()
        .retrieve("cus_1")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn chargebee_error_body_is_an_api_error() {
    let err = fail_with(Reply::json(
        404,
        r#"{"message":"Sorry, we couldn't find that resource","type":"invalid_request","api_error_code":"resource_not_found","param":"customer_id","http_status_code":404}"#,
    ))
    .await;
    let Error::Api {
        operation, error, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*operation, "customer.retrieve");
    assert_eq!(error.status, 404);
    assert_eq!(error.api_error_code, Some(ApiErrorCode::ResourceNotFound));
    assert_eq!(error.error_type, Some(ErrorType::InvalidRequest));
    assert_eq!(error.param.as_deref(), Some("customer_id"));
    assert_eq!(error.http_status_code, Some(404));
    assert!(error.is_not_found() && error.is_invalid_request() && !error.is_payment());
    assert!(err.is_not_found());
    assert!(err.to_string().contains("resource_not_found"), "{err}");
}

#[tokio::test]
async fn a_bare_error_body_decodes_and_keeps_its_extra_keys() {
    // Only a message and a type; plus keys this crate does not name.
    let err = fail_with(Reply::json(
        400,
        r#"{"message":"The card was declined","type":"payment","error_cause_id":"gateway.card_declined","error_code":"payment_declined"}"#,
    ))
    .await;
    let error = err.api_error().expect("a Chargebee error");
    assert_eq!(error.message.as_deref(), Some("The card was declined"));
    assert_eq!(error.error_type, Some(ErrorType::Payment));
    assert_eq!(error.api_error_code, None);
    assert!(error.is_payment());
    assert_eq!(error.extra["error_cause_id"], "gateway.card_declined");
    assert_eq!(error.extra["error_code"], "payment_declined");
    let again = serde_json::to_value(error).unwrap();
    assert_eq!(
        again["error_cause_id"], "gateway.card_declined",
        "extra keys serialize back"
    );
}

#[tokio::test]
async fn codes_added_later_are_kept_as_unknown() {
    let err = fail_with(Reply::json(
        409,
        r#"{"message":"Later","type":"brand_new_type","api_error_code":"brand_new_code"}"#,
    ))
    .await;
    let error = err.api_error().unwrap();
    assert_eq!(
        error.api_error_code,
        Some(ApiErrorCode::Unknown("brand_new_code".into()))
    );
    assert_eq!(
        error.error_type,
        Some(ErrorType::Unknown("brand_new_type".into()))
    );
    assert!(!error.is_not_found());
}

#[tokio::test]
async fn chargebee_rate_limit_is_an_api_error_with_its_code() {
    let err = fail_with(Reply::json(
        429,
        r#"{"message":"Too many requests","api_error_code":"api_request_limit_exceeded","http_status_code":429}"#,
    ))
    .await;
    let Error::Api { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (error.status, error.api_error_code.clone()),
        (429, Some(ApiErrorCode::ApiRequestLimitExceeded))
    );
    assert_eq!(error.error_type, None);
    assert!(error.is_rate_limited() && err.is_rate_limited());
}

#[tokio::test]
async fn gateway_statuses_map_to_gateway_kinds() {
    for (status, kind) in [
        (400, GatewayErrorKind::NoConnection),
        (401, GatewayErrorKind::Unauthorized),
        (429, GatewayErrorKind::RateLimited),
        (502, GatewayErrorKind::Failure),
        (500, GatewayErrorKind::Failure),
    ] {
        let err = fail_with(Reply::json(status, r#"{"error":"from the gateway"}"#)).await;
        match &err {
            Error::Gateway {
                operation,
                kind: k,
                status: s,
                body,
                ..
            } => {
                assert_eq!((*operation, *k, *s), ("customer.retrieve", kind, status));
                assert!(body.contains("from the gateway"));
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn direct_mode_non_chargebee_errors_are_http_errors() {
    let server = MockServer::start(vec![Reply::raw(503, "text/html", "<html>down</html>")]).await;
    let err = direct_client(&server)
        .customers()
        .retrieve("cus_1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn undecodable_success_keeps_the_body_and_shows_a_bounded_part() {
    let huge = format!("<html>{}</html>", "x".repeat(10_000));
    let err = fail_with(Reply::raw(200, "text/html", huge.clone())).await;
    let shown = err.to_string();
    let Error::Decode {
        operation,
        status,
        body,
        request_sent,
        idempotency_key,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*operation, *status), ("customer.retrieve", 200));
    assert_eq!(body, &huge, "the whole body is kept");
    assert!(*request_sent);
    assert_eq!(idempotency_key, &None, "a GET carries no key");
    assert!(shown.contains("body starts: <html>xxx"), "{shown}");
    assert!(
        shown.len() < 1024,
        "the message shows a bounded part: {shown}"
    );
}

/// A POST whose answer does not decode was carried out: the error says so and gives the key
/// it was sent with, so a retry with that key is answered from the first call instead of
/// creating a second customer.
#[tokio::test]
async fn an_undecodable_answer_to_a_sent_post_carries_its_idempotency_key() {
    let answer =
        r#"{"customer":{"id":"cus_1","net_term_days":"thirty","note":"maton-test-key-7f3a"}}"#;
    let server = MockServer::start(vec![Reply::json(200, answer)]).await;
    let err = gateway_client(&server)
        .customers()
        .create()
        .email("ada@example.com")
        .idempotency_key("signup-42")
        .send()
        .await
        .unwrap_err();
    let shown = err.to_string();
    let Error::Decode {
        body,
        request_sent,
        idempotency_key,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(*request_sent);
    assert_eq!(idempotency_key.as_deref(), Some("signup-42"));
    assert_eq!(
        body, r#"{"customer":{"id":"cus_1","net_term_days":"thirty","note":"<redacted>"}}"#,
        "the body as received, the key redacted"
    );
    assert!(
        shown.contains("the request was carried out: retry only with idempotency key signup-42"),
        "{shown}"
    );
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("chargebee-idempotency-key"),
        Some("signup-42")
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let err = fail_with(Reply::json(
        200,
        r#"{"customer": {"id": "cus_1", "auto_coll"#,
    ))
    .await;
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}

#[tokio::test]
async fn a_decode_error_names_the_json_path_of_the_value_at_fault() {
    let server = MockServer::start(vec![Reply::json(
        200,
        r#"{"list":[{"customer":{"id":"a"}},{"customer":{"id":"b","net_term_days":"thirty"}}]}"#,
    )])
    .await;
    let err = gateway_client(&server)
        .customers()
        .list()
        .send()
        .await
        .unwrap_err();
    let Error::Decode {
        path, operation, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*operation, "customer.list");
    assert_eq!(path, "list[1].customer.net_term_days");
    assert!(
        err.to_string()
            .contains("at `list[1].customer.net_term_days`"),
        "{err}"
    );
}

/// The path runs through list fields inside a resource, and through keys the spec does
/// not name.
#[tokio::test]
async fn a_decode_error_path_names_list_entries_and_unnamed_keys() {
    async fn path_of(body: &str) -> String {
        let server = MockServer::start(vec![Reply::json(200, body)]).await;
        let err = gateway_client(&server)
            .invoices()
            .retrieve("inv_1")
            .send()
            .await
            .unwrap_err();
        match err {
            Error::Decode { path, .. } => path,
            other => panic!("{other:?}"),
        }
    }
    let bad_line = r#"{"invoice":{"id":"inv_1","line_items":[{"id":"l1","amount":5},{"id":"l2","amount":"five"}]}}"#;
    assert_eq!(path_of(bad_line).await, "invoice.line_items[1].amount");
    let bad_extra = r#"{"invoice":{"id":"inv_1","cf_note":{"a":[1,2,}}}"#;
    assert_eq!(path_of(bad_extra).await, "invoice.cf_note");
}

/// A raw call into the caller's own type still names the path of the value at fault.
#[tokio::test]
async fn a_raw_decode_error_names_the_path_in_the_callers_type() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Widget {
        sizes: Vec<u32>,
    }
    let server = MockServer::start(vec![Reply::json(200, r#"{"sizes":[1,"two"]}"#)]).await;
    let err = gateway_client(&server)
        .raw(chargebee::HttpMethod::Get, "/widgets/w_1")
        .send::<Widget>()
        .await
        .unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "sizes[1]"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn slow_response_is_a_timeout() {
    let server =
        MockServer::start(vec![Reply::json(200, "{}").delayed(Duration::from_secs(2))]).await;
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .retry(chargebee::RetryPolicy::none())
        .base_url(server.url())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .customers()
        .retrieve("cus_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "customer.retrieve"
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = chargebee::Client::builder()
        .maton_api_key("k")
        .retry(chargebee::RetryPolicy::none())
        .base_url(url)
        .build()
        .unwrap();
    let err = client
        .customers()
        .retrieve("cus_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "customer.retrieve",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn control_api_needs_a_maton_key() {
    let server = MockServer::start(vec![]).await;
    let err = direct_client(&server)
        .connections()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.requests().is_empty());
}
