//! The `chargebee` binary against the emulator: the everyday flows, paging with `--all`,
//! help from the spec, and exit codes by kind of failure.

use chargebee_emulator::{Emulator, DEFAULT_MATON_API_KEY};
use chargebee_tests::{MockServer, Reply};
use serde_json::Value;
use tokio::process::Command;

/// What one run printed and how it ended.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The one JSON document printed.
    fn json(&self) -> Value {
        assert_eq!(self.code, 0, "failed: {}", self.stderr);
        serde_json::from_str(&self.stdout).expect("stdout is one JSON document")
    }
}

/// Runs `chargebee` with `args`, with the emulator's key in the environment.
async fn chargebee(args: &[&str]) -> Run {
    spawn(args, &[("MATON_API_KEY", DEFAULT_MATON_API_KEY)], "").await
}

/// Runs `chargebee` with `args`, `stdin` as its input, and of the credentials exactly those
/// in `env`.
async fn spawn(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chargebee"))
        .args(args)
        .env_remove("MATON_API_KEY")
        .env_remove("CHARGEBEE_SITE")
        .env_remove("CHARGEBEE_API_KEY")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = child.wait_with_output().await.unwrap();
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

/// `chargebee` pointed at `emulator`'s gateway and control API.
async fn against(emulator: &Emulator, args: &[&str]) -> Run {
    let base = format!("{}/chargebee", emulator.url());
    let control = emulator.url();
    let mut all = vec!["--base-url", &base, "--control-url", &control];
    all.extend_from_slice(args);
    chargebee(&all).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_everyday_flows() {
    let emulator = Emulator::start().await.unwrap();
    let connections = against(&emulator, &["connection", "list"]).await.json();
    assert_eq!(connections["connections"][0]["status"], "ACTIVE");

    against(
        &emulator,
        &["item_family", "create", "--id", "fam", "--name", "Family"],
    )
    .await
    .json();
    let item = against(
        &emulator,
        &[
            "item",
            "create",
            "--id",
            "plan",
            "--name",
            "Plan",
            "--type",
            "plan",
            "--item_family_id",
            "fam",
        ],
    )
    .await
    .json();
    assert_eq!(item["item"]["type"], "plan");
    let price = against(
        &emulator,
        &[
            "item_price",
            "create",
            "--id",
            "plan-usd",
            "--name",
            "Plan USD",
            "--item_id",
            "plan",
            "--price",
            "1500",
            "--currency_code",
            "USD",
            "--period",
            "1",
            "--period_unit",
            "month",
            "--pricing_model",
            "per_unit",
        ],
    )
    .await
    .json();
    assert_eq!(price["item_price"]["price"], 1500);

    let mut ids = Vec::new();
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        let created = against(&emulator, &["customer", "create", "--email", email])
            .await
            .json();
        ids.push(created["customer"]["id"].as_str().unwrap().to_string());
    }
    let read = against(&emulator, &["customer", "retrieve", &ids[1]])
        .await
        .json();
    assert_eq!(read["customer"]["email"], "b@example.com");

    // Every page, one entry per line, fetched one entry per page.
    let all = against(&emulator, &["customer", "list", "--limit", "1", "--all"]).await;
    assert_eq!(all.code, 0, "{}", all.stderr);
    let emails: Vec<String> = all
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["customer"]["email"].to_string())
        .collect();
    assert_eq!(emails.len(), 3, "{}", all.stdout);

    // Nested lists and filters go in --json, in the official SDKs' shape.
    let filtered = against(
        &emulator,
        &[
            "customer",
            "list",
            "--json",
            r#"{"email": {"is": "c@example.com"}}"#,
        ],
    )
    .await
    .json();
    assert_eq!(filtered["list"].as_array().unwrap().len(), 1);
    // A list of objects from flags: one value per entry.
    let subscription = against(
        &emulator,
        &[
            "subscription",
            "create_with_items",
            &ids[0],
            "--subscription_items.item_price_id",
            "plan-usd",
            "--subscription_items.quantity",
            "2",
        ],
    )
    .await
    .json();
    let sub_id = subscription["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(subscription["subscription"]["status"], "active");
    assert_eq!(
        subscription["subscription"]["subscription_items"][0]["quantity"],
        2
    );

    // The invoice it raised, found by a date filter, and its PDF.
    let invoice = &subscription["invoice"];
    let date = invoice["date"].as_i64().unwrap();
    let count = |run: Run| run.json()["list"].as_array().unwrap().len();
    let after = (date - 60).to_string();
    let before = (date - 60).to_string();
    let found = against(&emulator, &["invoice", "list", "--date.after", &after]).await;
    assert_eq!(count(found), 1);
    let none = against(&emulator, &["invoice", "list", "--date.before", &before]).await;
    assert_eq!(count(none), 0);
    let pdf = against(
        &emulator,
        &["invoice", "pdf", invoice["id"].as_str().unwrap()],
    )
    .await
    .json();
    let download_url = pdf["download"]["download_url"].as_str().unwrap();
    assert!(download_url.starts_with(&emulator.url()), "{pdf}");

    // A hosted checkout page and a portal session, both served by the emulator.
    let page = against(
        &emulator,
        &[
            "hosted_page",
            "checkout_new_for_items",
            "--subscription_items.item_price_id",
            "plan-usd",
        ],
    )
    .await
    .json();
    let page_url = page["hosted_page"]["url"].as_str().unwrap();
    assert!(page_url.starts_with(&emulator.url()), "{page}");
    let session = against(
        &emulator,
        &["portal_session", "create", "--customer.id", &ids[0]],
    )
    .await
    .json();
    assert_eq!(session["portal_session"]["customer_id"], ids[0].as_str());
    let access_url = session["portal_session"]["access_url"].as_str().unwrap();
    assert!(access_url.starts_with(&emulator.url()), "{session}");
    let cancelled = against(
        &emulator,
        &[
            "subscription",
            "cancel_for_items",
            &sub_id,
            "--cancel_option",
            "immediately",
        ],
    )
    .await
    .json();
    assert_eq!(cancelled["subscription"]["status"], "cancelled");
}

#[tokio::test]
async fn the_emulator_flag_needs_no_key() {
    let run = chargebee(&[
        "--emulator",
        "customer",
        "create",
        "--email",
        "ada@example.com",
    ])
    .await;
    assert_eq!(run.json()["customer"]["email"], "ada@example.com");
}

#[tokio::test]
async fn mistakes_are_usage_errors_that_name_what_is_wrong() {
    let run = chargebee(&[
        "--emulator",
        "customer",
        "create",
        "--auto_collection",
        "maybe",
    ])
    .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`maybe` is not one of: on, off"),
        "{}",
        run.stderr
    );

    let run = chargebee(&[
        "--emulator",
        "customer",
        "create",
        "--json",
        r#"{"emial": "x"}"#,
    ])
    .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("customer.create has no parameter `emial`; did you mean `email`?"),
        "{}",
        run.stderr
    );

    let run = chargebee(&["--emulator", "customer", "list", "--limit", "ten"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--limit: `ten` is not a whole number"),
        "{}",
        run.stderr
    );

    let run = chargebee(&["--emulator", "item", "create", "--name", "Plan"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "item.create needs --id, --type, --item_family_id (or the same keys in --json)"
        ),
        "{}",
        run.stderr
    );

    let run = chargebee(&["--emulator", "customer", "creat"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("create"),
        "suggests the closest: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn exit_codes_tell_api_errors_from_auth_and_network() {
    let emulator = Emulator::start().await.unwrap();
    let run = against(&emulator, &["customer", "retrieve", "nobody"]).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("resource_not_found"), "{}", run.stderr);

    let base = format!("{}/chargebee", emulator.url());
    let output = Command::new(env!("CARGO_BIN_EXE_chargebee"))
        .args(["--base-url", &base, "customer", "list"])
        .env("MATON_API_KEY", "wrong-key")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(4));

    let output = Command::new(env!("CARGO_BIN_EXE_chargebee"))
        .args(["customer", "list"])
        .env_remove("MATON_API_KEY")
        .env_remove("CHARGEBEE_SITE")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no credentials"));

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let run = chargebee(&[
        "--base-url",
        &format!("http://{closed}"),
        "customer",
        "list",
    ])
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
}

#[tokio::test]
async fn help_comes_from_the_spec() {
    let run = chargebee(&["--help"]).await;
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("subscription") && run.stdout.contains("item_price"));
    assert!(
        run.stdout.contains("A person or company the site bills"),
        "{}",
        run.stdout
    );
    let run = chargebee(&["customer", "create", "--help"]).await;
    assert!(
        run.stdout
            .contains("Creates a customer: the person or company billed.\n\nPOST /customers\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--auto_collection <VALUE>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("One of: on, off"), "{}", run.stdout);
    let run = chargebee(&["customer", "list", "--help"]).await;
    assert!(run.stdout.contains("--all"), "{}", run.stdout);
    // The catalog an operation belongs to, and whether it is destructive.
    let run = chargebee(&["subscription", "create", "--help"]).await;
    assert!(
        run.stdout
            .contains("POST /subscriptions · Product Catalog 1.0 only\n"),
        "{}",
        run.stdout
    );
    let run = chargebee(&["subscription", "--help"]).await;
    assert!(
        run.stdout
            .contains("Creates a subscription for an existing customer from item prices"),
        "{}",
        run.stdout
    );
    let run = chargebee(&["invoice", "void_invoice", "--help"]).await;
    assert!(
        run.stdout.contains(
            "POST /invoices/{invoice_id}/void · destructive: it cannot be undone, or it moves money"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn connections_by_their_plural_and_create_prints_where_to_authorize() {
    let emulator = Emulator::start().await.unwrap();
    let created = against(&emulator, &["connections", "create", "--app", "chargebee"]).await;
    let connection = created.json()["connection"].clone();
    let url = connection["url"].as_str().unwrap();
    assert!(
        created
            .stderr
            .contains(&format!("Open this URL to authorize the connection: {url}")),
        "{}",
        created.stderr
    );
    let id = connection["connection_id"].as_str().unwrap();
    let fetched = against(&emulator, &["connections", "get", id]).await.json();
    assert_eq!(fetched["connection"]["connection_id"], id);
    let listed = against(&emulator, &["connections", "list"]).await.json();
    assert_eq!(listed["connections"].as_array().unwrap().len(), 2);
    against(&emulator, &["connections", "delete", id])
        .await
        .json();
    let listed = against(&emulator, &["connections", "list"]).await.json();
    assert_eq!(listed["connections"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_dry_run_sends_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let run = against(
        &emulator,
        &[
            "--dry-run",
            "customer",
            "create",
            "--email",
            "ada@example.com",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let host = emulator.url().replace("http://", "");
    assert_eq!(run.stderr, format!("dry run: not sent to {host}\n"));
    assert!(run.stdout.starts_with("POST "), "{}", run.stdout);
    assert!(run.stdout.contains("authorization: Bearer <redacted>"));
    assert!(
        !run.stdout.contains(DEFAULT_MATON_API_KEY),
        "the key never shows"
    );
    let listed = against(&emulator, &["customer", "list"]).await.json();
    assert_eq!(listed["list"].as_array().unwrap().len(), 0);
}

/// The Maton key goes only to the hosts the command line names: a replaced Chargebee root
/// alone leaves connection commands refused (they would reach the real control API), except
/// for a loopback emulator's gateway root, whose control API is its root.
#[tokio::test]
async fn the_key_goes_only_where_the_user_pointed() {
    let emulator = Emulator::start().await.unwrap();
    let gateway_root = format!("{}/chargebee", emulator.url());
    let run = chargebee(&["--base-url", &gateway_root, "connection", "list"]).await;
    assert_eq!(run.json()["connections"][0]["status"], "ACTIVE");

    for base in [
        format!("{}/elsewhere", emulator.url()),
        "https://proxy.example/chargebee".to_string(),
    ] {
        for args in [
            vec!["connection", "list"],
            vec!["--dry-run", "connection", "list"],
        ] {
            let mut all = vec!["--base-url", base.as_str()];
            all.extend(args);
            let run = chargebee(&all).await;
            assert_eq!(run.code, 2, "{base}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "{}", run.stdout);
            assert!(run.stderr.contains("connection.list"), "{}", run.stderr);
            assert!(run.stderr.contains("ctrl.maton.ai"), "{}", run.stderr);
            assert!(run.stderr.contains("control"), "{}", run.stderr);
        }
    }

    for target in ["--base-url", "--control-url"] {
        let run = chargebee(&["--emulator", target, &gateway_root, "customer", "list"]).await;
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    }
}

#[tokio::test]
async fn failures_as_json_on_stderr_when_asked() {
    let emulator = Emulator::start().await.unwrap();
    let run = against(
        &emulator,
        &["--json-errors", "customer", "retrieve", "nobody"],
    )
    .await;
    assert_eq!(run.code, 3);
    let error: Value = serde_json::from_str(run.stderr.trim()).expect("one JSON object");
    assert_eq!(error["error"]["kind"], "api");
    assert_eq!(error["error"]["exit_code"], 3);
    assert_eq!(
        error["error"]["api_error"]["api_error_code"],
        "resource_not_found"
    );

    // An operation the emulator does not model says so, never a made-up success.
    let run = chargebee(&["--emulator", "--json-errors", "quote", "retrieve", "q1"]).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // The first line gives notice that the emulator's state is not kept; the last is the error.
    let lines: Vec<&str> = run.stderr.trim().lines().collect();
    let notice: Value = serde_json::from_str(lines[0]).expect("a JSON notice");
    assert!(
        notice["notice"]
            .as_str()
            .unwrap()
            .contains("--emulator-state"),
        "{notice}"
    );
    let error: Value = serde_json::from_str(lines[lines.len() - 1]).expect("one JSON object");
    assert_eq!(error["error"]["kind"], "not_emulated");
    assert_eq!(
        error["error"]["api_error"]["api_error_code"],
        "not_emulated"
    );
    assert_eq!(error["error"]["api_error"]["http_status_code"], 501);
    // Made-up answers only when asked for, and only with the emulator.
    let run = chargebee(&["--emulator", "--synthesize", "quote", "list"]).await;
    assert_eq!(run.json()["list"][0]["quote"]["id"], "sample-text");
    let run = chargebee(&["--synthesize", "quote", "list"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--emulator"), "{}", run.stderr);

    // Usage errors too, clap's own included.
    for args in [
        vec![
            "--json-errors",
            "customer",
            "create",
            "--auto_collection",
            "maybe",
        ],
        vec!["--json-errors", "customer", "creat"],
    ] {
        let run = chargebee(&args).await;
        assert_eq!(run.code, 2);
        let error: Value = serde_json::from_str(run.stderr.trim()).expect("one JSON object");
        assert_eq!(error["error"]["kind"], "usage", "{args:?}");
        assert!(error["error"]["message"].as_str().unwrap().len() > 10);
    }
}

/// A create the server carried out, whose answer does not decode, is not reported as a plain
/// failure: the answer is on stdout, the exit code is its own, and the JSON error gives the
/// idempotency key the request carried, to retry with.
#[tokio::test]
async fn an_answer_that_does_not_decode_is_printed_with_the_key_to_retry_with() {
    let answer = r#"{"customer":{"id":"cus_1","net_term_days":"thirty"}}"#;
    let server = MockServer::start(vec![Reply::json(200, answer)]).await;
    let run = chargebee(&[
        "--base-url",
        server.url(),
        "--json-errors",
        "customer",
        "create",
        "--email",
        "ada@example.com",
    ])
    .await;
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{answer}\n"));
    let error: Value = serde_json::from_str(run.stderr.trim()).expect("one JSON object");
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "sent once, not retried");
    let key = sent[0]
        .header("chargebee-idempotency-key")
        .expect("a create carries a key");
    assert_eq!(error["error"]["kind"], "decode");
    assert_eq!(error["error"]["exit_code"], 7);
    assert_eq!(error["error"]["request_sent"], true);
    assert_eq!(error["error"]["idempotency_key"], key);
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("--idempotency-key {key}")),
        "{message}"
    );
}

#[tokio::test]
async fn shell_completions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = chargebee(&["completions", shell]).await;
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("subscription"), "{shell}");
        assert!(run.stdout.contains("create_with_items"), "{shell}");
    }
    let run = chargebee(&["completions", "tcsh"]).await;
    assert_eq!(run.code, 2);
}

#[tokio::test]
async fn a_reader_that_goes_away_ends_the_command_quietly() {
    // The script is far larger than a pipe's buffer, so writing it meets the closed pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_chargebee"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `chargebee` with `args` and, of the credentials, exactly those in `env`.
async fn spawn_as(args: &[&str], env: &[(&str, &str)]) -> Run {
    spawn(args, env, "").await
}

/// Runs `chargebee` with `args`, the emulator's key and `env` in the environment, and
/// `stdin` as its input.
async fn chargebee_with(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut all = vec![("MATON_API_KEY", DEFAULT_MATON_API_KEY)];
    all.extend_from_slice(env);
    spawn(args, &all, stdin).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_go_anywhere_and_come_from_the_environment() {
    let emulator = Emulator::start().await.unwrap();
    let base = format!("{}/chargebee", emulator.url());
    let control = emulator.url();
    // Global options after the operation.
    let run = chargebee(&[
        "customer",
        "list",
        "--base-url",
        &base,
        "--fields",
        "customer.id",
    ])
    .await;
    assert_eq!(run.json(), serde_json::json!({"list": []}));
    // The target and the connection from the environment.
    let env = [
        ("CHARGEBEE_BASE_URL", base.as_str()),
        ("MATON_CONTROL_URL", control.as_str()),
        ("MATON_CONNECTION", "conn_from_env"),
    ];
    let run = chargebee_with(&["connection", "list"], &env, "").await;
    assert_eq!(run.json()["connections"][0]["status"], "ACTIVE");
    let run = chargebee_with(&["customer", "list", "--dry-run"], &env, "").await;
    assert!(
        run.stdout
            .starts_with(&format!("GET {base}/api/v2/customers")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nmaton-connection: conn_from_env\n"),
        "{}",
        run.stdout
    );
    // --emulator ignores the target and connection from the environment, and refuses URLs
    // given with it.
    let run = chargebee_with(&["--emulator", "customer", "list"], &env, "").await;
    assert_eq!(run.json(), serde_json::json!({"list": []}));
    let run = chargebee(&["customer", "list", "--emulator", "--base-url", &base]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot be used with --base-url"),
        "{}",
        run.stderr
    );

    let run = chargebee(&["--version"]).await;
    assert_eq!(
        run.stdout.trim(),
        format!("chargebee {}", env!("CARGO_PKG_VERSION"))
    );
    let run = chargebee(&["customer", "list", "--emulator", "--timeout", "0"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iso_dates_json_from_files_or_stdin_and_chosen_fields() {
    // A date where Unix seconds are taken; one that is not a date is refused by name.
    let run = chargebee(&[
        "--emulator",
        "--dry-run",
        "customer",
        "list",
        "--created_at.after",
        "2024-01-01T00:00:00Z",
    ])
    .await;
    assert!(
        run.stdout.contains("created_at%5Bafter%5D=1704067200\n"),
        "{}",
        run.stdout
    );
    let run = chargebee(&[
        "--emulator",
        "customer",
        "list",
        "--created_at.after",
        "2024-13-01",
    ])
    .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--created_at.after: `2024-13-01` is not a time: Unix seconds, or ISO 8601"),
        "{}",
        run.stderr
    );

    // In --json too: timestamp parameters, nested ones, and timestamp filters.
    let run = chargebee(&[
        "--emulator", "--dry-run", "subscription", "create_with_items", "ada", "--json",
        r#"{"start_date": "2026-01-01", "subscription_items": [{"item_price_id": "p", "trial_end": "2026-02-01T00:00:00Z"}]}"#,
    ])
    .await;
    assert!(
        run.stdout.ends_with("\n\nstart_date=1767225600&subscription_items%5Bitem_price_id%5D%5B0%5D=p&subscription_items%5Btrial_end%5D%5B0%5D=1769904000\n"),
        "{}",
        run.stdout
    );
    let run = chargebee(&[
        "--emulator",
        "--dry-run",
        "customer",
        "list",
        "--json",
        r#"{"created_at": {"between": ["2024-01-01", "2024-02-01"]}}"#,
    ])
    .await;
    assert!(
        run.stdout
            .contains("created_at%5Bbetween%5D=%5B1704067200%2C1706745600%5D\n"),
        "{}",
        run.stdout
    );

    let dir = std::env::temp_dir().join(format!("chargebee-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("params.json");
    std::fs::write(&file, r#"{"email": "ada@example.com", "cf_team": "core"}"#).unwrap();
    let at_file = format!("@{}", file.display());
    let run = chargebee(&[
        "--emulator",
        "--dry-run",
        "customer",
        "create",
        "--json",
        &at_file,
    ])
    .await;
    assert!(
        run.stdout
            .ends_with("\n\nemail=ada%40example.com&cf_team=core\n"),
        "{}",
        run.stdout
    );
    let run = chargebee_with(
        &[
            "--emulator",
            "--dry-run",
            "customer",
            "create",
            "--json",
            "-",
        ],
        &[],
        r#"{"first_name": "Ada"}"#,
    )
    .await;
    assert!(
        run.stdout.ends_with("\n\nfirst_name=Ada\n"),
        "{}",
        run.stdout
    );
    let missing = format!("@{}", dir.join("absent.json").display());
    let run = chargebee(&["--emulator", "customer", "create", "--json", &missing]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the file"),
        "{}",
        run.stderr
    );

    // The emulator's state in a file: the second run sees what the first created.
    let state = dir.join("state.json");
    let state = state.to_str().unwrap();
    let run = chargebee(&[
        "--emulator",
        "--emulator-state",
        state,
        "customer",
        "create",
        "--id",
        "ada",
        "--email",
        "ada@example.com",
        "--first_name",
        "Ada",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "no notice with a state file: {}",
        run.stderr
    );
    let run = chargebee(&[
        "customer",
        "list",
        "--emulator",
        "--emulator-state",
        state,
        "--fields",
        "customer.id,customer.email",
    ])
    .await;
    assert_eq!(
        run.json(),
        serde_json::json!({"list": [{"customer": {"id": "ada", "email": "ada@example.com"}}]})
    );
    // Chargebee's error names the parameter, and its flag.
    let run = chargebee(&[
        "--emulator",
        "--emulator-state",
        state,
        "--json-errors",
        "customer",
        "create",
        "--id",
        "ada",
    ])
    .await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    let error: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["api_error"]["param"], "id");
    assert_eq!(error["error"]["flag"], "--id");
    // Without a state file, the first line on stderr says nothing is kept.
    let run = chargebee(&["--emulator", "customer", "list"]).await;
    assert!(
        run.stderr
            .starts_with("note: the emulator's state is not kept after this command"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_help_names_the_path_parameter_and_shows_the_operations_own_flags() {
    let run = chargebee(&["customer", "retrieve", "--help"]).await;
    assert!(run.stdout.contains("<CUSTOMER_ID>"), "{}", run.stdout);
    assert!(!run.stdout.contains("subscription_items"), "{}", run.stdout);
    let run = chargebee(&["subscription", "create_with_items", "--help"]).await;
    assert!(
        run.stdout
            .contains("--subscription_items.item_price_id (once per entry)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("<CUSTOMER_ID>"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_runs_every_line_under_one_rate_limit() {
    let config = chargebee_emulator::Config {
        rate_limit: true,
        ..chargebee_emulator::Config::default()
    };
    let emulator = Emulator::start_with(config, 0).await.unwrap();
    let base = format!("{}/chargebee", emulator.url());
    let mut input: String = (0..50)
        .map(|n| {
            format!(
                "{{\"operation\": \"customer.create\", \"params\": {{\"id\": \"c{n}\", \"email\": \"c{n}@example.com\"}}}}\n"
            )
        })
        .collect();
    input.push_str("{\"operation\": \"customer.retrieve\", \"id\": \"c7\"}\n\nnot json\n");
    let started = std::time::Instant::now();
    let run = chargebee_with(&["batch", "--base-url", &base], &[], &input).await;
    let elapsed = started.elapsed();
    let results: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON result per line"))
        .collect();
    assert_eq!(results.len(), 52, "{}", run.stderr);
    for (n, result) in results[..50].iter().enumerate() {
        assert_eq!(result["line"], n + 1);
        assert_eq!(
            result["answer"]["customer"]["id"],
            format!("c{n}"),
            "{result}"
        );
    }
    assert_eq!(results[50]["answer"]["customer"]["email"], "c7@example.com");
    // The blank line is skipped; the bad one fails alone, and the exit code says so.
    assert_eq!(results[51]["line"], 53);
    assert_eq!(results[51]["error"]["kind"], "usage", "{}", results[51]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // 51 calls at 10 a second: no 429 from the gateway, so the limiter spaced them.
    assert!(
        elapsed >= std::time::Duration::from_millis(3_500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn api_calls_any_path_through_the_same_transport() {
    let emulator = Emulator::start().await.unwrap();
    let created = against(
        &emulator,
        &[
            "api",
            "POST",
            "/customers",
            "--json",
            r#"{"id": "ada", "billing_address": {"city": "Paris"}}"#,
        ],
    )
    .await
    .json();
    assert_eq!(created["customer"]["billing_address"]["city"], "Paris");
    let read = against(
        &emulator,
        &["api", "get", "/customers/ada", "--fields", "customer.id"],
    )
    .await;
    assert_eq!(read.json(), serde_json::json!({"customer": {"id": "ada"}}));
    let missing = against(&emulator, &["api", "GET", "/customers/nobody"]).await;
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    let run = against(&emulator, &["api", "PATCH", "/customers"]).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// The words of a command line, as a POSIX shell splits it (single and double quotes).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// The everyday tasks, in an order where each finds what the ones before it made: every
/// operation with examples is here.
const EVERYDAY: [&str; 22] = [
    "connection.list",
    "connection.create",
    "item_family.create",
    "item.create",
    "item.list",
    "item_price.create",
    "item_price.list",
    "item_price.retrieve",
    "customer.create",
    "customer.list",
    "customer.retrieve",
    "customer.update",
    "subscription.create_with_items",
    "subscription.list",
    "subscription.retrieve",
    "subscription.update_for_items",
    "invoice.list",
    "invoice.retrieve",
    "invoice.pdf",
    "hosted_page.checkout_new_for_items",
    "portal_session.create",
    "subscription.cancel_for_items",
];

/// Each everyday operation's help says what it does and which catalog it belongs to, and
/// shows examples; each example, read from the help, runs against the emulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_in_the_help_runs_against_the_emulator() {
    let api = chargebee_description::Api::embedded();
    let with_examples: Vec<&str> = api
        .operations
        .iter()
        .filter(|op| !op.examples.is_empty())
        .map(|op| op.id.as_str())
        .collect();
    for id in &with_examples {
        assert!(
            EVERYDAY.contains(id),
            "{id} has examples the test does not run"
        );
    }
    let emulator = Emulator::start().await.unwrap();
    for id in EVERYDAY {
        let op = api.operation(id).unwrap();
        let help = chargebee(&[&op.resource, &op.name, "--help"]).await.stdout;
        assert!(help.starts_with(&format!("{}\n", op.doc)), "{id}: {help}");
        if op.catalog != chargebee_description::Catalog::Both {
            assert!(
                help.contains(&format!("Product Catalog {} only", op.catalog.as_str())),
                "{id}"
            );
        }
        let examples: Vec<&str> = help
            .split_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{id}: no examples in its help"))
            .1
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        assert_eq!(examples, op.examples, "{id}");
        for example in examples {
            let words = shell_words(example);
            assert_eq!(words[0], "chargebee");
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let run = against(&emulator, &args).await;
            assert_eq!(run.code, 0, "{example}: {}", run.stderr);
        }
    }
    // What the examples did, as Chargebee would have it.
    let subscription = against(&emulator, &["subscription", "retrieve", "sub_ada"])
        .await
        .json();
    // Five seats from the next renewal, which does not come: it is cancelled at term end.
    let subscription = &subscription["subscription"];
    assert_eq!(subscription["subscription_items"][0]["quantity"], 3);
    assert_eq!(subscription["has_scheduled_changes"], true);
    assert_eq!(subscription["status"], "non_renewing");
}

#[tokio::test]
async fn a_rate_limit_says_how_often_it_was_tried_and_how_long_to_wait() {
    // Four attempts (the client's default), each answered 429: the last asks for 2 s.
    let busy = || Reply::json(429, r#"{"error":"too many"}"#).header("retry-after", "0");
    let server = MockServer::start(vec![
        busy(),
        busy(),
        busy(),
        Reply::json(429, r#"{"error":"too many"}"#).header("retry-after", "2"),
    ])
    .await;
    let gateway = [("MATON_API_KEY", "key")];
    let args = ["--base-url", server.url(), "customer", "list"];
    let run = spawn_as(&[&["--json-errors"], &args[..]].concat(), &gateway).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "rate_limited", "{error}");
    assert_eq!(error["error"]["attempts"], 4, "{error}");
    assert_eq!(error["error"]["retry_after"], 2, "{error}");
    assert_eq!(server.requests().len(), 4);
    // In words too.
    let server = MockServer::start(vec![
        busy(),
        busy(),
        busy(),
        Reply::json(429, "{}").header("retry-after", "3"),
    ])
    .await;
    let run = spawn_as(&["--base-url", server.url(), "customer", "list"], &gateway).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("(after 4 attempts; the server asks to wait 3 s)"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn exit_classes_are_the_same_whichever_way_the_call_went() {
    // Chargebee refusing a direct call's key is an authentication failure, as the gateway's.
    let refused = r#"{"message":"api key is invalid","type":"invalid_request","api_error_code":"api_authentication_failed","http_status_code":401}"#;
    let server = MockServer::start(vec![Reply::json(401, refused)]).await;
    let direct = [
        ("CHARGEBEE_SITE", "acme-test"),
        ("CHARGEBEE_API_KEY", "wrong"),
    ];
    let run = spawn_as(
        &[
            "--base-url",
            server.url(),
            "--json-errors",
            "customer",
            "list",
        ],
        &direct,
    )
    .await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    let error: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "auth");
    let server = MockServer::start(vec![Reply::json(401, r#"{"error":"bad key"}"#)]).await;
    let gateway = [("MATON_API_KEY", "wrong")];
    let run = spawn_as(&["--base-url", server.url(), "customer", "list"], &gateway).await;
    assert_eq!(run.code, 4, "{}", run.stderr);

    // No usable connection: a kind of its own, saying how to authorize one.
    let server = MockServer::start(vec![Reply::json(
        400,
        r#"{"error":"no active connection"}"#,
    )])
    .await;
    let run = spawn_as(
        &[
            "--base-url",
            server.url(),
            "--json-errors",
            "customer",
            "list",
        ],
        &gateway,
    )
    .await;
    assert_eq!(run.code, 8, "{}", run.stderr);
    let error: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "connection");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("chargebee connection create --app chargebee"),
        "{error}"
    );

    // The control API's 404 is an API error, as Chargebee's.
    let emulator = Emulator::start().await.unwrap();
    let run = against(&emulator, &["connection", "retrieve", "conn_nobody"]).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
}

#[tokio::test]
async fn usage_errors_as_json_say_what_to_change() {
    let error = |run: Run| -> Value {
        assert_eq!(run.code, 2, "{}", run.stderr);
        serde_json::from_str(run.stderr.trim().lines().last().unwrap()).unwrap()
    };
    let unknown =
        error(chargebee(&["--json-errors", "customer", "create", "--emial", "a@b.c"]).await);
    assert_eq!(unknown["error"]["flag"], "--emial");
    assert_eq!(unknown["error"]["suggestion"], "--email");
    let value = error(
        chargebee(&[
            "--json-errors",
            "customer",
            "create",
            "--auto_collection",
            "maybe",
        ])
        .await,
    );
    assert_eq!(value["error"]["flag"], "--auto_collection");
    assert_eq!(value["error"]["allowed"], serde_json::json!(["on", "off"]));
    // Lengths and integer ranges are checked as the emulator checks them, in the same words.
    let long = format!("{}@example.com", "a".repeat(80));
    let too_long =
        error(chargebee(&["--json-errors", "customer", "create", "--email", &long]).await);
    assert_eq!(too_long["error"]["flag"], "--email");
    assert_eq!(
        too_long["error"]["message"],
        "--email: cannot be longer than 70 characters"
    );
    let too_big = error(
        chargebee(&[
            "--json-errors",
            "customer",
            "create",
            "--net_term_days",
            "9223372036854775808",
        ])
        .await,
    );
    assert_eq!(
        too_big["error"]["message"],
        "--net_term_days: `9223372036854775808` is not between -9223372036854775808 and 9223372036854775807"
    );
    let missing = error(chargebee(&["--json-errors", "subscription", "create_with_items"]).await);
    assert_eq!(
        missing["error"]["missing"],
        serde_json::json!(["<CUSTOMER_ID>"])
    );
    let command = error(chargebee(&["--json-errors", "customer", "creat"]).await);
    assert_eq!(command["error"]["command"], "creat");
    assert!(
        command["error"]["suggestion"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("create")),
        "{command}"
    );
    // A nested parameter the client refuses is named as its flag.
    let nested = error(
        chargebee(&[
            "--emulator",
            "--json-errors",
            "subscription",
            "create_with_items",
            "ada",
            "--subscription_items.quantity",
            "2",
        ])
        .await,
    );
    assert_eq!(
        nested["error"]["flag"], "--subscription_items.item_price_id",
        "{nested}"
    );
}
