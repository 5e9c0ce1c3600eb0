//! The committed generated code of `types/`, `params/` and `client/`, their `Cargo.toml`
//! features tables, the API description `description/api.json`, the spec's JSON Schema and
//! `SKILL.md` match what the spec generates now: the same check as
//! `cargo run -p chargebee-codegen -- --check` (`chargebee_codegen::sync`).

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = chargebee_codegen::generate(&root.join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"));
    let stale = chargebee_codegen::sync::sync_repository(&generated, &root, true).unwrap();
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
