//! The `chargebee-emulator` program: serves on the port given, checks the key given, and keeps
//! its state in a file across runs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts the program with `args`; returns it and its URL, read from its first line.
fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chargebee-emulator"))
        .args(args)
        .env_remove("MATON_API_KEY")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    (child, url)
}

/// Sends Ctrl-C's signal and waits for the program to end.
fn interrupt(child: Child) {
    signal(child, "INT");
}

/// Sends `name` (`INT`, `TERM`) and waits for the program to end.
fn signal(mut child: Child, name: &str) {
    // The shell's own `kill`, so no other package is needed.
    let signal = format!("kill -{name} {}", child.id());
    let status = Command::new("sh").args(["-c", &signal]).status().unwrap();
    assert!(status.success());
    assert!(
        child.wait().unwrap().success(),
        "the program ends cleanly on SIG{name}"
    );
}

fn client(url: &str) -> chargebee::Client {
    chargebee::Client::builder()
        .maton_api_key("key-from-flag")
        .base_url(format!("{url}/chargebee"))
        .control_base_url(url)
        .build()
        .unwrap()
}

#[tokio::test]
async fn state_survives_a_restart_through_the_state_file() {
    let dir = std::env::temp_dir().join(format!("chargebee-emulator-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let path = file.to_str().unwrap();

    let (child, url) = start(&[
        "--port",
        "0",
        "--maton-key",
        "key-from-flag",
        "--state",
        path,
    ]);
    let created = client(&url)
        .customers()
        .create()
        .email("kept@example.com")
        .send()
        .await
        .unwrap()
        .customer;
    let wrong_key = chargebee::Client::builder()
        .maton_api_key("other")
        .base_url(format!("{url}/chargebee"))
        .build()
        .unwrap();
    assert!(
        wrong_key.customers().list().send().await.is_err(),
        "only the key given is accepted"
    );
    interrupt(child);
    let saved = std::fs::read_to_string(&file).expect("the state was saved");
    assert!(saved.contains("kept@example.com"));

    let (child, url) = start(&[
        "--port",
        "0",
        "--maton-key",
        "key-from-flag",
        "--state",
        path,
    ]);
    let fetched = client(&url)
        .customers()
        .retrieve(&created.id)
        .send()
        .await
        .unwrap()
        .customer;
    assert_eq!(fetched.email.as_deref(), Some("kept@example.com"));
    let another = client(&url)
        .customers()
        .create()
        .send()
        .await
        .unwrap()
        .customer;
    assert_ne!(another.id, created.id, "ids go on from where they were");
    interrupt(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_and_bad_state_are_refused() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_chargebee-emulator"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--port", "eighty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("eighty"));
    let out = run(&["--webhook", "http://127.0.0.1:1/"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--dunning-retry-days", "3,soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`soon`"));

    let file = std::env::temp_dir().join(format!(
        "chargebee-emulator-bad-{}.json",
        std::process::id()
    ));
    let state =
        serde_json::json!({"version": chargebee_emulator::STATE_VERSION, "next_id": "many"});
    std::fs::write(&file, state.to_string()).unwrap();
    let out = run(&["--port", "0", "--state", file.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("next_id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Synthesized answers are an opt-in of the program too: `--synthesize-op` makes that one
/// operation answer a placeholder body, the rest stay `not_emulated`; an operation that does
/// not exist, or both flags, are refused before it starts.
#[tokio::test]
async fn synthesis_is_asked_for_by_operation_or_for_all() {
    let (child, url) = start(&[
        "--port",
        "0",
        "--maton-key",
        "key-from-flag",
        "--synthesize-op",
        "quote.list",
    ]);
    let client = client(&url);
    let listed = client.call("quote.list", None, serde_json::json!({})).await;
    assert!(listed.is_ok(), "{listed:?}");
    let e = client
        .call("quote.retrieve", Some("q1"), serde_json::json!({}))
        .await
        .unwrap_err();
    assert!(e.api_error().is_some_and(|a| a.is_not_emulated()), "{e}");
    interrupt(child);

    for (args, problem) in [
        (
            &["--synthesize-op", "quote.fly"][..],
            "`quote.fly` is not an operation",
        ),
        (
            &["--synthesize", "--synthesize-op", "quote.list"][..],
            "go alone",
        ),
        (
            &["--synthesize-op", "quote.list", "--synthesize"][..],
            "go alone",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_chargebee-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(problem), "{args:?}: {stderr}");
    }
}

/// `--now` starts the clock at a time given as a UTC date, and it stands there: what is
/// created is stamped with it; a time that is not one is refused before the program starts.
#[tokio::test]
async fn now_sets_the_clock() {
    let (child, url) = start(&[
        "--port",
        "0",
        "--maton-key",
        "key-from-flag",
        "--now",
        "2026-03-01T12:00:00Z",
    ]);
    let client = client(&url);
    let created = client.customers().create().send().await.unwrap().customer;
    // 2026-03-01 is day 20,513 after 1970-01-01: 56 years with 14 leap days, plus 31 + 28.
    let expected = (56 * 365 + 14 + 31 + 28) * 86_400 + 12 * 3600;
    assert_eq!(created.created_at, Some(chargebee::Timestamp(expected)));
    interrupt(child);

    let output = Command::new(env!("CARGO_BIN_EXE_chargebee-emulator"))
        .args(["--now", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--now: `2026-02-30` is not a time"),
        "{stderr}"
    );
}

/// SIGTERM (what `kill` and service managers send) saves the state as Ctrl-C does, and the
/// file is replaced whole: no partial file is left beside it.
#[tokio::test]
async fn sigterm_saves_the_state_atomically() {
    let dir = std::env::temp_dir().join(format!("chargebee-emulator-term-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let path = file.to_str().unwrap();
    let (child, url) = start(&[
        "--port",
        "0",
        "--maton-key",
        "key-from-flag",
        "--state",
        path,
    ]);
    client(&url)
        .customers()
        .create()
        .email("term@example.com")
        .send()
        .await
        .unwrap();
    signal(child, "TERM");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("saved on SIGTERM")).unwrap();
    assert_eq!(saved["version"], chargebee_emulator::STATE_VERSION);
    assert_eq!(
        saved["collections"]["customer"][0]["email"],
        "term@example.com"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["state.json"], "nothing but the state file");
    std::fs::remove_dir_all(&dir).unwrap();
}
