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

use chargebee_codegen::emit::PARTS;
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
    let (spec_dir, out_root, in_repo, data) = match args.as_slice() {
        [] => (
            root.join("spec"),
            root.clone(),
            true,
            Some((
                root.join("description/api.json"),
                root.join("spec/spec.schema.json"),
                root.join("SKILL.md"),
            )),
        ),
        [spec, out] => (PathBuf::from(spec), PathBuf::from(out), false, None),
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
    // In the repository each crate's modules go to its `src/generated`; elsewhere to a
    // directory per crate.
    let synced = (|| {
        let mut changed = Vec::new();
        for part in PARTS {
            let dir = if in_repo {
                part.generated_dir()
            } else {
                part.crate_dir().to_string()
            };
            for name in sync(&generated.files_of(part), &out_root.join(&dir), check)? {
                changed.push(format!("{dir}/{name}"));
            }
        }
        Ok::<_, std::io::Error>(changed)
    })()
    .and_then(|mut changed| {
        if let Some((description, schema, skill)) = &data {
            for (path, name, text) in [
                (description, "description/api.json", &generated.description),
                (schema, "spec/spec.schema.json", &generated.schema),
                (skill, "SKILL.md", &generated.skill),
            ] {
                if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                    changed.push(name.into());
                    if !check {
                        std::fs::write(path, text)?;
                    }
                }
            }
        }
        if in_repo {
            for (part, features) in &generated.cargo_features {
                let name = format!("{}/Cargo.toml", part.crate_dir());
                let path = root.join(&name);
                let text = std::fs::read_to_string(&path)?;
                let updated = chargebee_codegen::with_features(&text, features);
                if updated != text {
                    changed.push(name);
                    if !check {
                        std::fs::write(&path, updated)?;
                    }
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

/// Writes files whose text differs (unless `check_only`) and removes stale `.rs` files;
/// returns the names that differed.
fn sync(files: &[(&str, &str)], out_dir: &Path, check_only: bool) -> std::io::Result<Vec<String>> {
    let mut changed = Vec::new();
    if !check_only {
        std::fs::create_dir_all(out_dir)?;
    }
    for &(name, text) in files {
        let path = out_dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            changed.push(name.to_string());
            if !check_only {
                std::fs::write(&path, text)?;
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(out_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !files.iter().any(|&(f, _)| f == name) {
                changed.push(name);
                if !check_only {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
    }
    Ok(changed)
}
