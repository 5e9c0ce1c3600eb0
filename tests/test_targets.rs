//! Every test file is compiled into a test binary. The crates whose tests link the client
//! gather them in one binary (`tests/main.rs`, Cargo's `autotests = false`): a file in the
//! folder that `main.rs` does not declare would never be compiled, let alone run.

use std::path::Path;

/// The files and folders of `dir` that are neither `main.rs` nor a target of their own (a
/// `path` in `manifest`), each missing its `mod` line in `main.rs`.
fn undeclared(dir: &Path, manifest: &str) -> Vec<String> {
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let module = if entry.path().is_dir() {
            if !entry.path().join("mod.rs").exists() {
                continue;
            }
            name.clone()
        } else if let Some(stem) = name.strip_suffix(".rs") {
            stem.to_string()
        } else {
            continue;
        };
        let own_target = manifest.contains(&format!("path = \"{name}\""))
            || manifest.contains(&format!("path = \"{name}/"));
        if name != "main.rs" && !own_target && !declared.contains(&module.as_str()) {
            missing.push(format!("{}/{name}", dir.display()));
        }
    }
    missing
}

#[test]
fn every_test_file_is_declared_in_its_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut missing = Vec::new();
    for (crate_dir, tests_dir) in [
        ("tests", "tests"),
        ("emulator", "emulator/tests"),
        ("cli", "cli/tests"),
    ] {
        let manifest = std::fs::read_to_string(root.join(crate_dir).join("Cargo.toml")).unwrap();
        missing.extend(undeclared(&root.join(tests_dir), &manifest));
    }
    assert!(
        missing.is_empty(),
        "add a `mod` line to the folder's main.rs for: {missing:?}"
    );
}
