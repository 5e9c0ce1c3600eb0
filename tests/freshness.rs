//! The committed generated code matches what the spec generates now.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = chargebee_codegen::generate(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let out = root.join("client/src/generated");
    let mut stale = Vec::new();
    for f in &files {
        if std::fs::read_to_string(out.join(&f.name)).ok().as_deref() != Some(f.text.as_str()) {
            stale.push(f.name.clone());
        }
    }
    for entry in std::fs::read_dir(&out).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !files.iter().any(|f| f.name == name) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "generated files were stale ({}); run `cargo run -p chargebee-codegen` and commit the result",
        stale.join(", ")
    );
}
