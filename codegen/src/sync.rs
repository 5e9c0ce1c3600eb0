//! Bringing files in line with what the spec generates, or only saying which differ: the one
//! freshness check, used by `chargebee-codegen` (`--check` or not) and by the tests.

use crate::emit::PARTS;
use crate::Generated;
use std::io;
use std::path::Path;

/// Brings the repository at `root` in line with `generated` (with `check_only`, only finds
/// what differs): each crate's `src/generated` modules and `Cargo.toml` features table,
/// `description/api.json`, `spec/spec.schema.json` and `SKILL.md`. Returns the paths that
/// differed, relative to `root`.
pub fn sync_repository(
    generated: &Generated,
    root: &Path,
    check_only: bool,
) -> io::Result<Vec<String>> {
    let mut changed = Vec::new();
    for part in PARTS {
        let dir = part.generated_dir();
        for name in sync_dir(&generated.files_of(part), &root.join(&dir), check_only)? {
            changed.push(format!("{dir}/{name}"));
        }
    }
    for (name, text) in [
        ("description/api.json", &generated.description),
        ("spec/spec.schema.json", &generated.schema),
        ("SKILL.md", &generated.skill),
    ] {
        let path = root.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            changed.push(name.into());
            if !check_only {
                std::fs::write(&path, text)?;
            }
        }
    }
    for (part, features) in &generated.cargo_features {
        let name = format!("{}/Cargo.toml", part.crate_dir());
        let path = root.join(&name);
        let text = std::fs::read_to_string(&path)?;
        let updated = crate::with_features(&text, features);
        if updated != text {
            changed.push(name);
            if !check_only {
                std::fs::write(&path, updated)?;
            }
        }
    }
    Ok(changed)
}

/// Brings `out_root/types`, `out_root/params` and `out_root/client` in line with the
/// generated modules alone (with `check_only`, only finds what differs). Returns the paths
/// that differed, relative to `out_root`.
pub fn sync_modules(
    generated: &Generated,
    out_root: &Path,
    check_only: bool,
) -> io::Result<Vec<String>> {
    let mut changed = Vec::new();
    for part in PARTS {
        let dir = part.crate_dir();
        for name in sync_dir(&generated.files_of(part), &out_root.join(dir), check_only)? {
            changed.push(format!("{dir}/{name}"));
        }
    }
    Ok(changed)
}

/// Writes files whose text differs (unless `check_only`) and removes `.rs` files no longer
/// generated; returns the names that differed.
fn sync_dir(files: &[(&str, &str)], out_dir: &Path, check_only: bool) -> io::Result<Vec<String>> {
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
