//! `cargo run -p chargebee-codegen [-- --check] [SPEC_DIR OUT_DIR]`: regenerates the
//! `src/generated/` modules of `types/`, `params/` and `client/` (with each crate's features
//! table), `description/api.json`, the spec's JSON Schema `spec/spec.schema.json` and the
//! agents' skill file `SKILL.md` from `spec/`, or with `--check` only reports whether they are stale. With directories given,
//! only the Rust files are written, into `OUT_DIR/types`, `OUT_DIR/params` and
//! `OUT_DIR/client`.
//!
//! `cargo run -p chargebee-codegen -- coverage [REFERENCE_JSON]`: compares the spec with the
//! reference description of the API (default `reference/chargebee-api.json` of this repository) and
//! prints what is covered and what is missing or different; fails when anything is.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if args.first().map(String::as_str) == Some("coverage") {
        let reference = match args.get(1) {
            Some(path) => PathBuf::from(path),
            None => root.join("reference/chargebee-api.json"),
        };
        return match chargebee_codegen::coverage(&root.join("spec"), &reference) {
            Ok(report) => {
                println!("{report}");
                if report.complete() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let check = args
        .iter()
        .position(|a| a == "--check")
        .map(|i| args.remove(i))
        .is_some();
    let (spec_dir, out_root, in_repo) = match args.as_slice() {
        [] => (root.join("spec"), root.clone(), true),
        [spec, out] => (PathBuf::from(spec), PathBuf::from(out), false),
        _ => {
            eprintln!("usage: chargebee-codegen [--check] [SPEC_DIR OUT_DIR]");
            return ExitCode::from(2);
        }
    };
    let generated = match chargebee_codegen::generate(&spec_dir) {
        Ok(generated) => generated,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!(
                "the spec has {} error(s); nothing was written",
                errors.0.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let files = &generated.files;
    // In the repository each crate's modules go to its `src/generated`, beside the data files
    // and features tables; elsewhere the modules alone, to a directory per crate.
    let synced = if in_repo {
        chargebee_codegen::sync::sync_repository(&generated, &out_root, check)
    } else {
        chargebee_codegen::sync::sync_modules(&generated, &out_root, check)
    };
    match synced {
        Ok(changed) if check && !changed.is_empty() => {
            eprintln!(
                "stale generated files: {}; run `cargo run -p chargebee-codegen`",
                changed.join(", ")
            );
            ExitCode::FAILURE
        }
        Ok(_) if check => {
            println!("{} generated files are up to date", files.len());
            ExitCode::SUCCESS
        }
        Ok(changed) => {
            for name in &changed {
                println!("wrote {name}");
            }
            println!(
                "{} files, {} changed, in {}",
                files.len(),
                changed.len(),
                out_root.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write below {}: {e}", out_root.display());
            ExitCode::FAILURE
        }
    }
}
