//! The `chargebee` binary as agents run it, built with the `dist` profile (`bench/run.sh`
//! builds it first): start-up for `--help`, one call against a local emulator, an MCP
//! `tools/list` round trip and its size, and the binary's size.

use crate::measure::median_time;
use crate::Row;
use chargebee_emulator::{Config, Emulator, DEFAULT_MATON_API_KEY};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The `dist` binary `bench/run.sh` builds.
fn binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target.join("dist/chargebee");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --profile dist -p chargebee-cli` (bench/run.sh does)",
        path.display()
    );
    path
}

fn millis(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The rows of the group.
pub async fn rows() -> Vec<Row> {
    let chargebee = binary();
    let run = |args: &[&str]| {
        let status = Command::new(&chargebee)
            .args(args)
            .env("MATON_API_KEY", DEFAULT_MATON_API_KEY)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "chargebee {args:?}");
    };
    let spawn_only = median_time(15, 2, || Command::new("true").status().unwrap());
    let help = median_time(15, 2, || run(&["--help"]));

    let emulator = Emulator::start_with(Config::default(), 0).await.unwrap();
    let base = format!("{}/chargebee", emulator.url());
    emulator
        .direct_client()
        .customers()
        .create()
        .id("cus_1")
        .send()
        .await
        .unwrap();
    let call = tokio::task::block_in_place(|| {
        median_time(15, 2, || {
            run(&["--base-url", &base, "customer", "retrieve", "cus_1"])
        })
    });

    let (tools_list, bytes) = tokio::task::block_in_place(|| mcp_tools_list(&chargebee, &base));

    let size = std::fs::metadata(&chargebee).unwrap().len();
    let stripped = std::env::temp_dir().join(format!("chargebee-stripped-{}", std::process::id()));
    let stripped_size = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(&chargebee)
        .status()
        .ok()
        .filter(|s| s.success())
        .and_then(|_| std::fs::metadata(&stripped).ok())
        .map(|m| m.len());
    let _ = std::fs::remove_file(&stripped);
    let mb = |bytes: u64| bytes as f64 / 1e6;
    vec![
        Row {
            name: "cli --help, start to exit",
            value: millis(help),
            baseline: format!("spawning `true` {}", millis(spawn_only)),
            ratio: help.as_secs_f64() / spawn_only.as_secs_f64(),
            target: "≤ 15 ms",
        },
        Row {
            name: "cli one call, local emulator",
            value: millis(call),
            baseline: format!("--help {}", millis(help)),
            ratio: call.as_secs_f64() / help.as_secs_f64(),
            target: "≤ 25 ms (median)",
        },
        Row {
            name: "mcp tools/list round trip",
            value: millis(tools_list),
            baseline: format!("answer {bytes} bytes"),
            ratio: bytes as f64 / 16_000.0,
            target: "≤ 10 ms; ≤ 16 KB (ratio: of 16 KB)",
        },
        Row {
            name: "cli binary size",
            value: match stripped_size {
                Some(s) => format!("{:.1} MB stripped", mb(s)),
                None => "strip missing".into(),
            },
            baseline: format!("{:.1} MB as built", mb(size)),
            ratio: stripped_size.map_or(f64::NAN, |s| mb(s) / 30.0),
            target: "≤ 30 MB stripped (ratio: of 30)",
        },
    ]
}

/// The median time of a `tools/list` request to a running `chargebee mcp`, and the size of
/// its answer.
fn mcp_tools_list(chargebee: &PathBuf, base: &str) -> (std::time::Duration, usize) {
    let mut child = Command::new(chargebee)
        .args(["--base-url", base, "mcp"])
        .env("MATON_API_KEY", DEFAULT_MATON_API_KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ask = |request: &str| -> String {
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line
    };
    ask(
        r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}"#,
    );
    let mut times = Vec::new();
    let mut bytes = 0;
    for id in 1..=41 {
        let start = Instant::now();
        let line = ask(&format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/list"}}"#
        ));
        times.push(start.elapsed());
        bytes = line.trim_end().len();
    }
    drop(stdin);
    let _ = child.wait();
    times.sort();
    (times[times.len() / 2], bytes)
}
