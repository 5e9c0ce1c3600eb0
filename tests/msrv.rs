//! The declared `rust-version` is honest: no locked dependency declares a newer one.
//!
//! Every platform's packages count (a Windows or wasm user builds some the host never does),
//! so `cargo metadata` fetches those the build did not need from the registry `cargo test`
//! itself downloads from, as any `cargo metadata` would.

use serde_json::Value;
use std::process::Command;

/// `1.89` or `1.89.0` as comparable numbers.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_declared() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo metadata --locked` failed (it reads every platform's locked packages, and \
         fetches those not yet downloaded):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = metadata["packages"].as_array().unwrap();
    let client = packages.iter().find(|p| p["name"] == "chargebee").unwrap();
    let declared = client["rust_version"]
        .as_str()
        .expect("the client declares rust-version");
    let mut too_new = Vec::new();
    for p in packages {
        let id = p["id"].as_str().unwrap_or_default();
        if members.contains(&id) {
            assert_eq!(
                p["rust_version"].as_str(),
                Some(declared),
                "{} shares the workspace's",
                p["name"]
            );
            continue;
        }
        if let Some(needed) = p["rust_version"].as_str() {
            if version(needed) > version(declared) {
                too_new.push(format!("{} {} needs {needed}", p["name"], p["version"]));
            }
        }
    }
    assert!(
        too_new.is_empty(),
        "rust-version {declared} is too old:\n{}",
        too_new.join("\n")
    );
}

#[test]
fn versions_compare_by_number() {
    assert!(version("1.89") > version("1.88.9"));
    assert!(version("1.100") > version("1.89.0"));
    assert_eq!(version("1.89"), version("1.89.0"));
}
