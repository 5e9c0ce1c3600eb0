//! Snapshots of the code generated for a fixture spec that uses every spec construct.

use std::path::Path;

#[test]
fn fixture_spec_generates_the_expected_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let generated = chargebee_codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    for (part, features) in &generated.cargo_features {
        insta::assert_snapshot!(format!("{}__cargo_features", part.crate_dir()), features);
    }
    let files = generated.files;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "client/gadget.rs",
            "client/mod.rs",
            "client/widget.rs",
            "params/gadget.rs",
            "params/mod.rs",
            "params/objects.rs",
            "params/operators.rs",
            "params/widget.rs",
            "types/enums.rs",
            "types/gadget.rs",
            "types/mod.rs",
            "types/widget.rs",
        ]
    );
    for f in &files {
        insta::assert_snapshot!(f.name.replace('/', "__"), &f.text);
    }
}

#[test]
fn generation_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let first = chargebee_codegen::generate(&dir).unwrap();
    let second = chargebee_codegen::generate(&dir).unwrap();
    assert_eq!(first, second);
}

/// The fixture's resources as compiled into the client's tests (`client/src/golden/`, under
/// `deny(warnings)`), so every construct of the fixture compiles warning-free, not only those
/// the real spec uses: the three parts of each module in `types/`, `params/` and `client/`.
/// The client has no `gadget` or `widget` feature, so the copy drops the lines gating items
/// on them and compiles everything. `CHARGEBEE_BLESS=1` rewrites the copy.
#[test]
fn the_golden_copy_in_the_client_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = chargebee_codegen::generate(&root.join("tests/fixtures/spec")).unwrap();
    let golden = root.join("../client/src/golden");
    let bless = std::env::var_os("CHARGEBEE_BLESS").is_some();
    let mut stale = Vec::new();
    for f in generated
        .files
        .iter()
        .filter(|f| !f.name.ends_with("/mod.rs"))
    {
        let text: String = f
            .text
            .lines()
            .filter(|line| {
                let line = line.trim();
                line != "#[cfg(feature = \"gadget\")]" && line != "#[cfg(feature = \"widget\")]"
            })
            .flat_map(|line| [line, "\n"])
            .collect();
        let path = golden.join(&f.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if bless {
                std::fs::write(&path, &text).unwrap();
            } else {
                stale.push(f.name.clone());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "client/src/golden is stale ({}): run `CHARGEBEE_BLESS=1 cargo test -p chargebee-codegen --test snapshots`",
        stale.join(", ")
    );
}
