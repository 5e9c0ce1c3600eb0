//! Generator of the `chargebee` client: reads the YAML spec, validates it, and emits the
//! Rust modules under `client/src/generated/`.
//!
//! The pipeline reads top-down: [`load`] (serde_yaml, with a line index for errors) →
//! [`validate`] (every error at once, each with file and line) → [`model`] (names
//! resolved) → [`emit`] (tokens, printed by prettyplease). See [`names`] for the naming rules.

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

/// Loads, validates and generates from the spec in `spec_dir`. Nothing is emitted unless the
/// whole spec is valid.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let files = load::load_dir(spec_dir).map_err(SpecErrors)?;
    let api = validate::validate(&files).map_err(SpecErrors)?;
    Ok(emit::emit(&api))
}
