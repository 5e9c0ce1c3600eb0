//! Pages and the stream over all entries: three pages fetched in order, one at a time.

use chargebee::{Error, StringFilter};
use chargebee_tests::{fixture, gateway_client, MockServer, Reply};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let list: Vec<_> = ids
        .iter()
        .map(|id| {
            let mut c = fixture("customer");
            c["id"] = json!(id);
            json!({ "customer": c })
        })
        .collect();
    let mut body = json!({ "list": list });
    if let Some(n) = next {
        body["next_offset"] = json!(n);
    }
    Reply::json(200, body.to_string())
}

#[tokio::test]
async fn stream_walks_three_pages_in_order() {
    let server = MockServer::start(vec![
        page(&["c1", "c2"], Some("off-2")),
        page(&["c3", "c4"], Some("off-4")),
        page(&["c5"], None),
    ])
    .await;
    let ids: Vec<String> = gateway_client(&server)
        .customers()
        .list()
        .limit(2)
        .email(StringFilter::is_present(true))
        .stream()
        .map_ok(|e| e.customer.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    let lines: Vec<String> = server.requests().into_iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [
            "GET /api/v2/customers?limit=2&email%5Bis_present%5D=true HTTP/1.1",
            "GET /api/v2/customers?limit=2&offset=off-2&email%5Bis_present%5D=true HTTP/1.1",
            "GET /api/v2/customers?limit=2&offset=off-4&email%5Bis_present%5D=true HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn stream_fetches_lazily() {
    let server = MockServer::start(vec![
        page(&["c1", "c2"], Some("off-2")),
        page(&["c3"], None),
    ])
    .await;
    let mut stream = gateway_client(&server).customers().list().stream();
    assert_eq!(stream.next().await.unwrap().unwrap().customer.id, "c1");
    assert_eq!(stream.next().await.unwrap().unwrap().customer.id, "c2");
    assert_eq!(
        server.requests().len(),
        1,
        "the second page waits until it is needed"
    );
    assert_eq!(stream.next().await.unwrap().unwrap().customer.id, "c3");
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn stream_stops_at_the_first_error() {
    let server = MockServer::start(vec![
        page(&["c1"], Some("off-1")),
        Reply::json(
            500,
            r#"{"message":"boom","api_error_code":"internal_error"}"#,
        ),
    ])
    .await;
    let results: Vec<Result<_, Error>> = gateway_client(&server)
        .customers()
        .list()
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::Api { .. })));
}

#[tokio::test]
async fn stream_reports_bad_arguments_without_a_request() {
    let server = MockServer::start(vec![]).await;
    let results: Vec<_> = gateway_client(&server)
        .customers()
        .list()
        .custom_field("tier", "gold")
        .stream()
        .collect()
        .await;
    assert!(
        matches!(
            results.as_slice(),
            [Err(Error::InvalidArgument {
                param: "custom_fields",
                ..
            })]
        ),
        "{results:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_repeated_next_offset_stops_the_stream_with_an_error() {
    let server = MockServer::start(vec![
        page(&["c1"], Some("off-a")),
        page(&["c2"], Some("off-b")),
        page(&["c3"], Some("off-a")),
        page(&["never"], None),
    ])
    .await;
    let results: Vec<Result<String, Error>> = gateway_client(&server)
        .customers()
        .list()
        .stream()
        .map_ok(|e| e.customer.id)
        .collect()
        .await;
    let ids: Vec<&str> = results.iter().filter_map(|r| r.as_deref().ok()).collect();
    assert_eq!(
        ids,
        ["c1", "c2", "c3"],
        "the entries before the loop are kept"
    );
    match results.last() {
        Some(Err(Error::RepeatedOffset { offset, operation })) => {
            assert_eq!(offset, "off-a");
            assert_eq!(*operation, "customer.list");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        3,
        "the repeated offset is not fetched"
    );
}

#[tokio::test]
async fn max_pages_caps_the_stream() {
    let server = MockServer::start(vec![
        page(&["c1"], Some("off-1")),
        page(&["c2"], Some("off-2")),
        page(&["c3"], None),
    ])
    .await;
    let ids: Vec<String> = gateway_client(&server)
        .customers()
        .list()
        .max_pages(2)
        .stream()
        .map_ok(|e| e.customer.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["c1", "c2"]);
    assert_eq!(server.requests().len(), 2);
}
