//! `cargo doc --workspace` gives every documented crate its own folder.
//!
//! rustdoc writes a target's pages to `target/doc/<name>` with `-` read as `_`. Two targets of
//! different packages with one name write the same folder, and cargo runs the two jobs in
//! parallel: the build then fails at random with "failed to remove directory" (cargo#6313).
//! Within one package cargo documents the library and skips a binary of the same name.

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

#[test]
fn no_two_packages_document_a_target_under_one_name() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in metadata["packages"].as_array().unwrap() {
        let package_name = package["name"].as_str().unwrap();
        let mut folders: Vec<String> = package["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["doc"] == true)
            .filter(|t| {
                t["kind"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k == "lib" || k == "bin" || k == "proc-macro")
            })
            .map(|t| t["name"].as_str().unwrap().replace('-', "_"))
            .collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            owners
                .entry(folder)
                .or_default()
                .push(package_name.to_string());
        }
    }
    let shared: Vec<String> = owners
        .iter()
        .filter(|(_, packages)| packages.len() > 1)
        .map(|(folder, packages)| format!("target/doc/{folder}: {}", packages.join(", ")))
        .collect();
    assert!(
        shared.is_empty(),
        "documented by more than one package (set `doc = false` on the binary):\n{}",
        shared.join("\n")
    );
}
