//! Reads a spec directory: every `*.yaml` file, in name order.

use crate::error::SpecError;
use crate::lines::LineIndex;
use crate::spec::SpecFile;
use std::path::{Path, PathBuf};

/// A parsed spec file with what is needed to point at its lines.
pub struct LoadedFile {
    pub path: PathBuf,
    pub spec: SpecFile,
    pub lines: LineIndex,
}

/// Reads and parses every `.yaml` file in `dir`; parse errors carry file and line.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedFile>, Vec<SpecError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![SpecError {
            file: dir.to_path_buf(),
            line: 0,
            message: format!("cannot read the spec directory: {e}"),
        }]
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse(&path, &text) {
                Ok(file) => files.push(file),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(SpecError {
                file: path,
                line: 0,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Parses one file's text.
pub fn parse(path: &Path, text: &str) -> Result<LoadedFile, SpecError> {
    let spec = serde_yaml::from_str(text).map_err(|e| SpecError {
        file: path.to_path_buf(),
        line: e.location().map_or(0, |l| l.line()),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    })?;
    Ok(LoadedFile {
        path: path.to_path_buf(),
        spec,
        lines: LineIndex::new(text),
    })
}
