//! `chargebee mcp` spoken to as MCP clients speak it: JSON-RPC lines on stdin and stdout
//! (initialize, tools/list, tools/call), against an emulator.

use chargebee_description::Api;
use chargebee_emulator::{Config, Emulator};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The key the tests' emulator takes; it must appear in no answer.
const KEY: &str = "mcp-secret-key-3141592653";

/// A running `chargebee mcp` and the lines it wrote.
struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: tokio::io::Lines<BufReader<ChildStdout>>,
    next_id: u64,
    /// Every line the server wrote, to search for the key.
    transcript: String,
}

impl Session {
    /// Starts `chargebee mcp` with `options` against `emulator`, and initializes it.
    async fn start(emulator: &Emulator, options: &[&str]) -> Session {
        let base = format!("{}/chargebee", emulator.url());
        let control = emulator.url();
        let mut child = Command::new(env!("CARGO_BIN_EXE_chargebee"))
            .args(["--base-url", &base, "--control-url", &control, "mcp"])
            .args(options)
            .env("MATON_API_KEY", KEY)
            .env_remove("CHARGEBEE_SITE")
            .env_remove("CHARGEBEE_API_KEY")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut session = Session {
            child,
            stdin,
            stdout,
            next_id: 1,
            transcript: String::new(),
        };
        let init = session
            .request(
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "0"}}),
            )
            .await;
        assert_eq!(init["serverInfo"]["name"], "chargebee", "{init}");
        session
            .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        session
    }

    async fn send(&mut self, message: Value) {
        let line = format!("{message}\n");
        self.stdin.write_all(line.as_bytes()).await.unwrap();
        self.stdin.flush().await.unwrap();
    }

    /// Sends request `method` and gives its result.
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let line = self.stdout.next_line().await.unwrap().expect("an answer");
            self.transcript.push_str(&line);
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
        }
    }

    /// Calls tool `name`: its JSON answer, and whether it is an error.
    async fn call(&mut self, name: &str, arguments: Value) -> (Value, bool) {
        let result = self
            .request("tools/call", json!({"name": name, "arguments": arguments}))
            .await;
        let text = result["content"][0]["text"]
            .as_str()
            .expect("a text answer");
        let value = serde_json::from_str(text).expect("the text is JSON");
        (value, result["isError"] == json!(true))
    }

    async fn end(mut self) -> String {
        drop(self.stdin);
        let status = self.child.wait().await.unwrap();
        assert!(status.success(), "{status}");
        self.transcript
    }
}

async fn emulator() -> Emulator {
    let config = Config {
        maton_api_key: KEY.into(),
        ..Config::default()
    };
    Emulator::start_with(config, 0).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_listed_with_their_schemas_in_few_words() {
    let emulator = emulator().await;
    let mut session = Session::start(&emulator, &[]).await;
    let listed = session.request("tools/list", json!({})).await;
    let names: Vec<&str> = listed["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "search_operations",
            "describe_operation",
            "call_operation",
            "list_connections",
            "start_connection"
        ]
    );
    for tool in listed["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().unwrap().len() > 40, "{tool}");
    }
    assert_eq!(listed["tools"][0]["annotations"]["readOnlyHint"], true);
    // The whole answer stays small: about 4,000 tokens at most.
    let size = listed.to_string().len();
    assert!(size <= 16_000, "tools/list is {size} bytes");
    session.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_words_find_the_everyday_operations() {
    let emulator = emulator().await;
    let mut session = Session::start(&emulator, &[]).await;
    let cases = [
        ("create a customer", "customer.create"),
        ("list subscriptions", "subscription.list"),
        (
            "create a subscription for a customer",
            "subscription.create_with_items",
        ),
        ("cancel a subscription", "subscription.cancel_for_items"),
        ("invoice pdf", "invoice.pdf"),
        (
            "hosted checkout page for a new subscription",
            "hosted_page.checkout_new_for_items",
        ),
        ("customer portal session", "portal_session.create"),
        ("list item prices", "item_price.list"),
        ("create a plan item", "item.create"),
        ("refund an invoice", "invoice.refund"),
        (
            "subscribe a customer to a monthly plan",
            "subscription.create_with_items",
        ),
        ("customer portal link", "portal_session.create"),
    ];
    for (query, expected) in cases {
        let (found, error) = session
            .call("search_operations", json!({"query": query, "limit": 3}))
            .await;
        assert!(!error, "{found}");
        let ids: Vec<&str> = found["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| op["operation"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&expected), "{query:?} found {ids:?}");
    }
    // A catalog narrows the search: no 1.0 only operation among 2.0's.
    let (found, _) = session
        .call(
            "search_operations",
            json!({"query": "create subscription", "catalog": "2.0", "limit": 50}),
        )
        .await;
    assert!(found["operations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|op| op["catalog"] != "1.0"));
    session.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_gives_the_operations_schema_and_what_it_may_do() {
    let emulator = emulator().await;
    let mut session = Session::start(&emulator, &[]).await;
    let api = Api::embedded();
    let (described, error) = session
        .call(
            "describe_operation",
            json!({"operation": "subscription.cancel_for_items"}),
        )
        .await;
    assert!(!error, "{described}");
    let op = api.operation("subscription.cancel_for_items").unwrap();
    assert_eq!(described["parameters"], api.params_schema(op));
    assert_eq!(described["destructive"], true);
    assert_eq!(described["read_only"], false);
    assert_eq!(described["allowed"], false);
    assert_eq!(described["catalog"], "2.0");
    assert_eq!(described["path_parameter"], "subscription_id");

    let (unknown, error) = session
        .call(
            "describe_operation",
            json!({"operation": "customer.craete"}),
        )
        .await;
    assert!(error);
    assert_eq!(unknown["error"]["kind"], "unknown_operation");
    assert_eq!(
        unknown["error"]["suggestions"][0], "customer.create",
        "{unknown}"
    );
    session.end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_need_allowing_and_nothing_is_sent_until_they_are() {
    let emulator = emulator().await;
    // Read-only: a create is refused, and nothing reaches the emulator.
    let mut session = Session::start(&emulator, &[]).await;
    let (refused, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.create", "params": {"email": "ada@example.com"}}),
        )
        .await;
    assert!(error);
    assert_eq!(refused["error"]["kind"], "not_allowed");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--allow-writes"),
        "{refused}"
    );
    let (listed, _) = session
        .call("call_operation", json!({"operation": "customer.list"}))
        .await;
    assert_eq!(listed["list"], json!([]), "nothing was created");
    // A dry run is shown, whatever the operation does, with the key redacted.
    let (shown, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.create", "params": {"email": "ada@example.com"},
                   "dry_run": true}),
        )
        .await;
    assert!(!error, "{shown}");
    assert_eq!(shown["method"], "POST");
    assert_eq!(shown["body"], "email=ada%40example.com");
    let transcript = session.end().await;
    assert!(
        !transcript.contains(KEY),
        "the key in an answer: {transcript}"
    );

    // Writes allowed: create, list and retrieve; destructive ones still refused.
    let mut session = Session::start(&emulator, &["--allow-writes"]).await;
    let (created, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.create",
                   "params": {"id": "ada", "email": "ada@example.com", "first_name": "Ada"}}),
        )
        .await;
    assert!(!error, "{created}");
    assert_eq!(created["customer"]["email"], "ada@example.com");
    let (listed, _) = session
        .call(
            "call_operation",
            json!({"operation": "customer.list", "fields": ["customer.id", "customer.email"]}),
        )
        .await;
    assert_eq!(
        listed,
        json!({"list": [{"customer": {"id": "ada", "email": "ada@example.com"}}]})
    );
    let (read, _) = session
        .call(
            "call_operation",
            json!({"operation": "customer.retrieve", "id": "ada"}),
        )
        .await;
    assert_eq!(read["customer"]["first_name"], "Ada");
    let (refused, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.delete", "id": "ada"}),
        )
        .await;
    assert!(error);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--allow-destructive"),
        "{refused}"
    );
    // Chargebee's error names the parameter, and its flag.
    let (invalid, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.create", "params": {"auto_collection": "sometimes"}}),
        )
        .await;
    assert!(error);
    assert_eq!(invalid["error"]["param"], "auto_collection", "{invalid}");
    assert_eq!(invalid["error"]["flag"], "--auto_collection", "{invalid}");
    let transcript = session.end().await;
    assert!(
        !transcript.contains(KEY),
        "the key in an answer: {transcript}"
    );

    // An allowlist and destructive operations allowed: the delete runs.
    let mut session = Session::start(
        &emulator,
        &["--allow", "customer.delete", "--allow-destructive"],
    )
    .await;
    let (deleted, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.delete", "id": "ada"}),
        )
        .await;
    assert!(!error, "{deleted}");
    assert_eq!(deleted["customer"]["deleted"], true);
    let (refused, error) = session
        .call(
            "call_operation",
            json!({"operation": "customer.create", "params": {}}),
        )
        .await;
    assert!(error, "not in the allowlist: {refused}");
    session.end().await;
}
