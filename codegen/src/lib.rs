//! Generator of the `chargebee` client: reads the YAML spec, validates it, and emits the
//! Rust modules under `types/`, `params/` and `client/` `src/generated/`, and the API as data
//! (`description/api.json`).
//!
//! The pipeline reads top-down: [`load`] (serde_yaml, with a line index for errors) →
//! [`validate`] (every error at once, each with file and line) → [`model`] (names
//! resolved) → [`resolve`] (one type per shape) → [`emit`] (tokens, printed by
//! prettyplease). See [`names`] for the naming rules.

pub mod coverage;
pub mod described;
pub mod emit;
pub mod error;
pub mod event_content;
pub mod lines;
pub mod load;
pub mod model;
pub mod names;
pub mod resolve;
pub mod spec;
pub mod sync;
pub mod validate;

pub use emit::GeneratedFile;

/// What one run generates: the modules, and the client's `[features]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The generated modules of the three crates.
    pub files: Vec<GeneratedFile>,
    /// The end of each generated crate's `Cargo.toml`, from [`emit::features::MARKER`] on.
    pub cargo_features: Vec<(emit::Part, String)>,
    /// `description/api.json`: the API as data, for the emulator.
    pub description: String,
    /// `spec/spec.schema.json`: the JSON Schema of a spec file.
    pub schema: String,
    /// `SKILL.md`: what an AI agent needs to call the API with this project's tools.
    pub skill: String,
}
impl Generated {
    /// The files of the crate `part` is emitted into, named below its generated directory
    /// (`customer.rs`), with their text.
    pub fn files_of(&self, part: emit::Part) -> Vec<(&str, &str)> {
        let dir = part.crate_dir();
        self.files
            .iter()
            .filter_map(|f| {
                let name = f.name.strip_prefix(dir)?.strip_prefix('/')?;
                Some((name, f.text.as_str()))
            })
            .collect()
    }
}

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
pub fn generate(spec_dir: &Path) -> Result<Generated, SpecErrors> {
    let files = load::load_dir(spec_dir).map_err(SpecErrors)?;
    let mut api = validate::validate(&files).map_err(SpecErrors)?;
    // The description and the skill describe Chargebee's shapes as the spec lowers them,
    // before the passes below choose how the Rust code shares types.
    let described = emit::description::describe(&api);
    resolve::merge_shared_enums(&mut api);
    resolve::merge_module_enums(&mut api);
    resolve::hoist_repeated_enums(&mut api);
    resolve::hoist_repeated_param_objects(&mut api);
    resolve::merge_nested_into_dependencies(&mut api);
    resolve::merge_answers(&mut api);
    resolve::merge_param_objects(&mut api);
    resolve::name_operator_sets(&mut api);
    Ok(Generated {
        files: emit::emit(&api),
        cargo_features: emit::PARTS
            .into_iter()
            .map(|part| (part, emit::cargo_features(&api, part)))
            .collect(),
        description: emit::description::render(&described),
        schema: spec::json_schema(),
        skill: emit::skill::render(&described),
    })
}

/// `manifest` with its generated features table replaced by `features`.
pub fn with_features(manifest: &str, features: &str) -> String {
    let kept = match manifest.find(emit::features::MARKER) {
        Some(at) => &manifest[..at],
        None => manifest,
    };
    format!("{}\n\n{features}", kept.trim_end())
}
