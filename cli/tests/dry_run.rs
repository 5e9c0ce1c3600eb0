//! `--dry-run` prints the request the typed client sends, byte for byte: checked for every
//! operation of the spec against what a local server receives, and golden for a dozen
//! operations given as flags.

use chargebee::Client;
use chargebee_description::{Api, HttpMethod};
use chargebee_tests::{MockServer, Reply};
use futures::StreamExt;
use std::sync::Arc;
use tokio::process::Command;

/// The key both sides use; a dry run shows it redacted.
const KEY: &str = "dry-run-test-key";
/// The idempotency key given to both sides, where the operation takes one.
const IDEMPOTENCY_KEY: &str = "fixed-key-1";

/// Runs `chargebee` with the test key and `args`; its stdout, after asserting success.
async fn chargebee(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_chargebee"))
        .args(args)
        .env("MATON_API_KEY", KEY)
        .env_remove("CHARGEBEE_SITE")
        .env_remove("CHARGEBEE_API_KEY")
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// What a dry run printed, split into its request line, headers and body.
fn parse_dry_run(text: &str) -> (String, Vec<(String, String)>, Option<String>) {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, Some(body.strip_suffix('\n').unwrap().to_string())),
        None => (text.trim_end(), None),
    };
    let mut lines = head.lines();
    let first = lines.next().unwrap().to_string();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(": ").unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    (first, headers, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_dry_runs_to_the_bytes_the_typed_client_sends() {
    let api = Api::embedded();
    // Every request gets a Chargebee 404, so the client neither retries nor waits.
    let server = MockServer::with_handler(Arc::new(|_| {
        Reply::json(
            404,
            r#"{"message":"recorded","type":"invalid_request","api_error_code":"resource_not_found","http_status_code":404}"#,
        )
    }))
    .await;
    let url = server.url().to_string();
    let client = Client::builder()
        .maton_api_key(KEY)
        .base_url(&url)
        .control_base_url(&url)
        .rate_limit(None)
        .build()
        .unwrap();

    // What the typed client puts on the wire for each operation, one at a time.
    let mut sent = Vec::new();
    for op in &api.operations {
        let params = api.sample_params(op);
        let mut call = client.dynamic(op.id.clone()).params(params.clone());
        if op.path_parameter().is_some() {
            call = call.id("sample id/1");
        }
        let idempotent = op.idempotent && op.method == HttpMethod::Post;
        if idempotent {
            call = call.idempotency_key(IDEMPOTENCY_KEY);
        }
        let error = call.send().await.unwrap_err();
        assert!(error.is_not_found(), "{}: {error}", op.id);
        let wire = server.requests().pop().unwrap();
        sent.push((op, params, idempotent, wire));
    }

    // The dry runs, two processes at a time.
    let runs = futures::stream::iter(sent.iter().map(|(op, params, idempotent, _)| {
        let url = url.clone();
        async move {
            let json = params.to_string();
            let mut args = vec![
                "--dry-run",
                "--base-url",
                &url,
                "--control-url",
                &url,
                &op.resource,
                &op.name,
                "--json",
                &json,
            ];
            if op.path_parameter().is_some() {
                args.push("sample id/1");
            }
            if *idempotent {
                args.extend(["--idempotency-key", IDEMPOTENCY_KEY]);
            }
            chargebee(&args).await
        }
    }))
    .buffered(2)
    .collect::<Vec<String>>()
    .await;

    for ((op, _, _, wire), shown) in sent.iter().zip(runs) {
        let (first, headers, body) = parse_dry_run(&shown);
        let (method, target) = first.split_once(' ').unwrap();
        let path = target.strip_prefix(&url).unwrap();
        assert_eq!(wire.line, format!("{method} {path} HTTP/1.1"), "{}", op.id);
        assert_eq!(
            wire.body,
            body.unwrap_or_default().into_bytes(),
            "{}: body",
            op.id
        );
        // Every header the wire carried is shown, the key redacted; the HTTP library adds
        // only host and content-length.
        let mut on_wire: Vec<(String, String)> = wire
            .headers
            .iter()
            .filter(|(n, _)| n != "host" && n != "content-length")
            .cloned()
            .collect();
        let mut shown_headers = headers;
        for (name, value) in on_wire.iter_mut() {
            if name == "authorization" {
                assert_eq!(value, &format!("Bearer {KEY}"), "{}", op.id);
                *value = "Bearer <redacted>".into();
            }
        }
        on_wire.sort();
        shown_headers.sort();
        assert_eq!(on_wire, shown_headers, "{}: headers", op.id);
    }
}

/// The dry run of `args` against a fixed base URL (nothing listens there).
async fn golden(args: &[&str]) -> String {
    let mut all = vec![
        "--dry-run",
        "--base-url",
        "http://127.0.0.1:9",
        "--control-url",
        "http://127.0.0.1:9/ctrl",
    ];
    all.extend_from_slice(args);
    let text = chargebee(&all).await;
    let agent = text
        .lines()
        .find_map(|l| l.strip_prefix("user-agent: chargebee-rust/"))
        .expect("the client's user agent");
    text.replace(&format!("chargebee-rust/{agent}"), USER_AGENT)
}

/// The client's user agent in golden texts, the version left out.
const USER_AGENT: &str = "chargebee-rust/VERSION";

/// The headers of a dry run, after its request line.
fn with_headers(request_line: &str, content_type: Option<&str>, idempotent: bool) -> String {
    let mut text = format!("{request_line}\naccept: application/json\nuser-agent: {USER_AGENT}\n");
    if let Some(content_type) = content_type {
        text.push_str(&format!("content-type: {content_type}\n"));
    }
    text.push_str("authorization: Bearer <redacted>\n");
    if idempotent {
        text.push_str(&format!("chargebee-idempotency-key: {IDEMPOTENCY_KEY}\n"));
    }
    text
}

fn form_request(request_line: &str, body: &str) -> String {
    format!(
        "{}\n{body}\n",
        with_headers(
            request_line,
            Some("application/x-www-form-urlencoded"),
            true
        )
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_dry_runs_of_flags() {
    let base = "http://127.0.0.1:9/api/v2";
    let cases: Vec<(Vec<&str>, String)> = vec![
        // Scalars, an object parameter's fields, an enum.
        (
            vec![
                "customer", "create", "--email", "ada@example.com", "--first_name", "Ada",
                "--auto_collection", "off", "--billing_address.city", "Paris",
                "--billing_address.country", "FR",
            ],
            form_request(
                &format!("POST {base}/customers"),
                "first_name=Ada&email=ada%40example.com&auto_collection=off&billing_address%5Bcity%5D=Paris&billing_address%5Bcountry%5D=FR",
            ),
        ),
        // A list of objects: the n-th value of each field goes to the n-th entry.
        (
            vec![
                "subscription", "create_with_items", "cus_1",
                "--subscription_items.item_price_id", "basic-USD",
                "--subscription_items.quantity", "2",
                "--subscription_items.item_price_id", "seats-USD",
                "--subscription_items.quantity", "5",
            ],
            form_request(
                &format!("POST {base}/customers/cus_1/subscription_for_items"),
                "subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD&subscription_items%5Bquantity%5D%5B0%5D=2&subscription_items%5Bitem_price_id%5D%5B1%5D=seats-USD&subscription_items%5Bquantity%5D%5B1%5D=5",
            ),
        ),
        // A list of values, one flag per value.
        (
            vec![
                "subscription", "update_for_items", "sub_1",
                "--coupon_ids", "SAVE10", "--coupon_ids", "WELCOME",
            ],
            form_request(
                &format!("POST {base}/subscriptions/sub_1/update_for_items"),
                "coupon_ids%5B0%5D=SAVE10&coupon_ids%5B1%5D=WELCOME",
            ),
        ),
        // Two operators on one filter field, a list operator, sort and paging.
        (
            vec![
                "customer", "list", "--created_at.after", "1704067200",
                "--created_at.before", "1706745600", "--id.in", "c1", "--id.in", "c2",
                "--sort_by.asc", "created_at", "--limit", "5",
            ],
            with_headers(
                &format!("GET {base}/customers?limit=5&id%5Bin%5D=%5B%22c1%22%2C%22c2%22%5D&created_at%5Bafter%5D=1704067200&created_at%5Bbefore%5D=1706745600&sort_by%5Basc%5D=created_at"),
                None,
                false,
            ),
        ),
        // A filter inside a group, and between.
        (
            vec![
                "customer", "list", "--relationship.parent_id.is", "parent_1",
                "--created_at.between", "1704067200", "--created_at.between", "1706745600",
            ],
            with_headers(
                &format!("GET {base}/customers?created_at%5Bbetween%5D=%5B1704067200%2C1706745600%5D&relationship%5Bparent_id%5D%5Bis%5D=parent_1"),
                None,
                false,
            ),
        ),
        // A date filter on invoices, with an enum filter.
        (
            vec![
                "invoice", "list", "--date.on", "1704067200", "--status.is", "paid",
            ],
            with_headers(
                &format!("GET {base}/invoices?status%5Bis%5D=paid&date%5Bon%5D=1704067200"),
                None,
                false,
            ),
        ),
        // A path id that needs escaping, with no parameters.
        (
            vec!["customer", "retrieve", "a/b c"],
            with_headers(&format!("GET {base}/customers/a%2Fb%20c"), None, false),
        ),
        // A JSON parameter given as a flag.
        (
            vec![
                "customer", "update", "cus_1", "--meta_data", r#"{"tier":"gold"}"#,
            ],
            form_request(
                &format!("POST {base}/customers/cus_1"),
                "meta_data=%7B%22tier%22%3A%22gold%22%7D",
            ),
        ),
        // Custom fields through --json, beside a flag.
        (
            vec![
                "customer", "update", "cus_1", "--json", r#"{"cf_team":"core"}"#,
                "--company", "Acme",
            ],
            form_request(
                &format!("POST {base}/customers/cus_1"),
                "company=Acme&cf_team=core",
            ),
        ),
        // Flags override the same key of --json.
        (
            vec![
                "customer", "create", "--json", r#"{"email":"old@example.com"}"#,
                "--email", "new@example.com",
            ],
            form_request(&format!("POST {base}/customers"), "email=new%40example.com"),
        ),
        // The PDF of an invoice.
        (
            vec!["invoice", "pdf", "inv_1", "--disposition_type", "inline"],
            form_request(
                &format!("POST {base}/invoices/inv_1/pdf"),
                "disposition_type=inline",
            ),
        ),
        // A hosted checkout page for items.
        (
            vec![
                "hosted_page", "checkout_new_for_items",
                "--subscription_items.item_price_id", "basic-USD",
                "--customer.email", "ada@example.com",
            ],
            form_request(
                &format!("POST {base}/hosted_pages/checkout_new_for_items"),
                "customer%5Bemail%5D=ada%40example.com&subscription_items%5Bitem_price_id%5D%5B0%5D=basic-USD",
            ),
        ),
        // A Maton connection, on the control API, with a JSON body.
        (
            vec!["connections", "create", "--app", "chargebee"],
            format!(
                "{}\n{{\"app\":\"chargebee\"}}\n",
                with_headers(
                    "POST http://127.0.0.1:9/ctrl/connections",
                    Some("application/json"),
                    false
                )
            ),
        ),
    ];
    let mut wrong = Vec::new();
    for (mut args, expected) in cases {
        if expected.contains("chargebee-idempotency-key") {
            args.extend(["--idempotency-key", IDEMPOTENCY_KEY]);
        }
        let shown = golden(&args).await;
        if shown != expected {
            wrong.push(format!("{args:?}\nshown:\n{shown}expected:\n{expected}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
