//! Generator of the `chargebee` client: reads the YAML spec, validates it, and emits the
//! Rust modules under `client/src/generated/`.
//!
//! The pipeline reads top-down: [`load`] (serde_yaml, with a line index for errors) →
//! [`validate`] (every error at once, each with file and line) → [`model`] (names
//! resolved) → [`emit`] (tokens, printed by prettyplease). See [`names`] for the naming rules.

pub mod coverage;
pub mod emit;
pub mod error;
pub mod lines;
pub mod load;
pub mod model;
pub mod names;
pub mod spec;
pub mod validate;

pub use emit::GeneratedFile;
pub use error::{SpecError, SpecErrors};
use std::path::Path;

/// Compares the spec in `spec_dir` with the reference document at `reference`.
pub fn coverage(spec_dir: &Path, reference: &Path) -> Result<coverage::Report, String> {
    let files = load::load_dir(spec_dir).map_err(|e| SpecErrors(e).to_string())?;
    let api = validate::validate(&files).map_err(|e| SpecErrors(e).to_string())?;
    let text =
        std::fs::read_to_string(reference).map_err(|e| format!("{}: {e}", reference.display()))?;
    let json = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", reference.display()))?;
    Ok(coverage::compare(&api, &json))
}

/// Loads, validates and generates from the spec in `spec_dir`. Nothing is emitted unless the
/// whole spec is valid.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let files = load::load_dir(spec_dir).map_err(SpecErrors)?;
    let api = validate::validate(&files).map_err(SpecErrors)?;
    Ok(emit::emit(&api))
}
