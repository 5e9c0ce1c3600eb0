//! `cargo run -p chargebee-codegen [-- --check] [SPEC_DIR OUT_DIR]`: regenerates
//! `client/src/generated/` (with the client's features table), `description/api.json` and the
//! spec's JSON Schema `spec/spec.schema.json` from `spec/`, or with `--check` only reports
//! whether they are stale. With directories given, only
//! the Rust files are written, into `OUT_DIR`.
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
    let (spec_dir, out_dir, manifest, data) = match args.as_slice() {
        [] => (
            root.join("spec"),
            root.join("client/src/generated"),
            Some(root.join("client/Cargo.toml")),
            Some((
                root.join("description/api.json"),
                root.join("spec/spec.schema.json"),
            )),
        ),
        [spec, out] => (PathBuf::from(spec), PathBuf::from(out), None, None),
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
    let synced = sync(files, &out_dir, check).and_then(|mut changed| {
        if let Some((description, schema)) = &data {
            for (path, name, text) in [
                (description, "description/api.json", &generated.description),
                (schema, "spec/spec.schema.json", &generated.schema),
            ] {
                if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                    changed.push(name.into());
                    if !check {
                        std::fs::write(path, text)?;
                    }
                }
            }
        }
        if let Some(path) = &manifest {
            let text = std::fs::read_to_string(path)?;
            let updated = chargebee_codegen::with_features(&text, &generated.cargo_features);
            if updated != text {
                changed.push("Cargo.toml".into());
                if !check {
                    std::fs::write(path, updated)?;
                }
            }
        }
        Ok(changed)
    });
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
                out_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {}: {e}", out_dir.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes files whose text differs (unless `check_only`) and removes stale `.rs` files;
/// returns the names that differed.
fn sync(
    files: &[chargebee_codegen::GeneratedFile],
    out_dir: &Path,
    check_only: bool,
) -> std::io::Result<Vec<String>> {
    let mut changed = Vec::new();
    if !check_only {
        std::fs::create_dir_all(out_dir)?;
    }
    for f in files {
        let path = out_dir.join(&f.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.text.as_str()) {
            changed.push(f.name.clone());
            if !check_only {
                std::fs::write(&path, &f.text)?;
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(out_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !files.iter().any(|f| f.name == name) {
                changed.push(name);
                if !check_only {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
    }
    Ok(changed)
}
