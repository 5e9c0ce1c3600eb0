//! The committed generated code of `types/`, `params/` and `client/`, their `Cargo.toml`
//! features tables, the API
//! description `description/api.json`, the spec's JSON Schema and `SKILL.md` match what the
//! spec generates now.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = chargebee_codegen::generate(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let mut stale = Vec::new();
    for part in chargebee_codegen::emit::PARTS {
        let dir = part.generated_dir();
        let out = root.join(&dir);
        let ours = generated.files_of(part);
        for (name, text) in &ours {
            if std::fs::read_to_string(out.join(name)).ok().as_deref() != Some(*text) {
                stale.push(format!("{dir}/{name}"));
            }
        }
        for entry in std::fs::read_dir(&out).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !ours.iter().any(|(ours, _)| *ours == name) {
                stale.push(format!("{dir}/{name}"));
            }
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
    let skill = std::fs::read_to_string(root.join("SKILL.md")).ok();
    if skill.as_deref() != Some(generated.skill.as_str()) {
        stale.push("SKILL.md".into());
    }
    for (part, features) in &generated.cargo_features {
        let name = format!("{}/Cargo.toml", part.crate_dir());
        let manifest = std::fs::read_to_string(root.join(&name)).unwrap();
        if chargebee_codegen::with_features(&manifest, features) != manifest {
            stale.push(format!("{name} (features)"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files were stale ({}); run `cargo run -p chargebee-codegen` and commit the result",
        stale.join(", ")
    );
}

/// A parameter setter named like a method of the request builder would clash with it, so the
/// generator refuses such names: its list must hold every method `Request` has.
#[test]
fn the_generator_knows_every_request_builder_method() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/request.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let methods: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
            _ => None,
        })
        .filter(|block| {
            matches!(&*block.self_ty, syn::Type::Path(ty)
                if ty.path.segments.last().is_some_and(|s| s.ident == "Request"))
        })
        .flat_map(|block| &block.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(method) => Some(method.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(methods.iter().any(|m| m == "send"), "{methods:?}");
    let unknown: Vec<&String> = methods
        .iter()
        .filter(|m| !chargebee_codegen::names::BUILDER_METHODS.contains(&m.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "add {unknown:?} to BUILDER_METHODS in codegen/src/names.rs"
    );
}
