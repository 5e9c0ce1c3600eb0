//! The code generated for a fixture spec that uses every spec construct, compared with the
//! one stored copy of it: `client/src/golden/`, whose resource modules the client's tests
//! compile under `deny(warnings)` and dispatch (see `client/src/golden.rs`). Each part's
//! `mod.rs` and `features.toml` (its crate's `[features]` table) are kept there to be
//! compared, not compiled: they name the three real crates. `CHARGEBEE_BLESS=1` rewrites the
//! copy.

use std::path::Path;

/// Every file the generator writes for the fixture, by its path in the stored copy.
fn generated() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let generated = chargebee_codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut files: Vec<(String, String)> = generated
        .files
        .iter()
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect();
    for (part, features) in &generated.cargo_features {
        files.push((
            format!("{}/features.toml", part.crate_dir()),
            features.clone(),
        ));
    }
    files.sort();
    files
}

/// Where the first difference between `stored` and `generated` is, for the failure message.
fn first_difference(stored: &str, generated: &str) -> String {
    let (mut stored_lines, mut generated_lines) = (stored.lines(), generated.lines());
    for number in 1.. {
        match (stored_lines.next(), generated_lines.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {number}: stored {:?}, generated {:?}",
                    a.unwrap_or("(end)"),
                    b.unwrap_or("(end)")
                )
            }
        }
    }
    "only line endings differ".into()
}

#[test]
fn fixture_spec_generates_the_stored_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/golden");
    let files = generated();
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "client/features.toml",
            "client/gadget.rs",
            "client/mod.rs",
            "client/widget.rs",
            "params/features.toml",
            "params/gadget.rs",
            "params/mod.rs",
            "params/objects.rs",
            "params/operators.rs",
            "params/widget.rs",
            "types/enums.rs",
            "types/features.toml",
            "types/gadget.rs",
            "types/mod.rs",
            "types/widget.rs",
        ]
    );
    let bless = std::env::var_os("CHARGEBEE_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, text) in &files {
        let path = root.join(name);
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored == *text {
            continue;
        }
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else {
            stale.push(format!("{name} ({})", first_difference(&stored, text)));
        }
    }
    // Nothing stored that the generator no longer writes.
    for part in ["client", "params", "types"] {
        for entry in std::fs::read_dir(root.join(part)).unwrap() {
            let name = format!("{part}/{}", entry.unwrap().file_name().to_string_lossy());
            if !names.contains(&name.as_str()) {
                stale.push(format!("{name} (no longer generated)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "client/src/golden differs from what the fixture generates:\n{}\nIf the change is \
         intended, run `CHARGEBEE_BLESS=1 cargo test -p chargebee-codegen --test snapshots` and \
         read the diff.",
        stale.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let first = chargebee_codegen::generate(&dir).unwrap();
    let second = chargebee_codegen::generate(&dir).unwrap();
    assert_eq!(first, second);
}
