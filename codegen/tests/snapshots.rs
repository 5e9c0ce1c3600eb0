//! Snapshots of the code generated for a fixture spec that uses every spec construct.

use std::path::Path;

#[test]
fn fixture_spec_generates_the_expected_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let generated = chargebee_codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("cargo_features", &generated.cargo_features);
    let files = generated.files;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["enums.rs", "gadget.rs", "mod.rs", "widget.rs"]);
    for f in &files {
        insta::assert_snapshot!(f.name.clone(), &f.text);
    }
}

#[test]
fn generation_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    let first = chargebee_codegen::generate(&dir).unwrap();
    let second = chargebee_codegen::generate(&dir).unwrap();
    assert_eq!(first, second);
}
