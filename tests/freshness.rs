//! The committed generated code, the features table of `client/Cargo.toml`, the API
//! description `description/api.json` and the spec's JSON Schema match what the spec
//! generates now.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = chargebee_codegen::generate(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let out = root.join("client/src/generated");
    let mut stale = Vec::new();
    for f in &generated.files {
        if std::fs::read_to_string(out.join(&f.name)).ok().as_deref() != Some(f.text.as_str()) {
            stale.push(f.name.clone());
        }
    }
    for entry in std::fs::read_dir(&out).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !generated.files.iter().any(|f| f.name == name) {
            stale.push(name);
        }
    }
    let description = std::fs::read_to_string(root.join("description/api.json")).ok();
    if description.as_deref() != Some(generated.description.as_str()) {
        stale.push("description/api.json".into());
    }
    let schema = std::fs::read_to_string(root.join("spec/spec.schema.json")).ok();
    if schema.as_deref() != Some(generated.schema.as_str()) {
        stale.push("spec/spec.schema.json".into());
    }
    let manifest = std::fs::read_to_string(root.join("client/Cargo.toml")).unwrap();
    if chargebee_codegen::with_features(&manifest, &generated.cargo_features) != manifest {
        stale.push("client/Cargo.toml (features)".into());
    }
    assert!(
        stale.is_empty(),
        "generated files were stale ({}); run `cargo run -p chargebee-codegen` and commit the result",
        stale.join(", ")
    );
}
