//! Nothing in the repository names a path outside it: a test, command or link that reads a
//! sibling folder works only on the machine that has it.
//!
//! Every text file is scanned for relative paths (`../…`) and for absolute paths under a home
//! or work folder. A relative path passes when, read from the file's folder, its crate's folder
//! or the repository root, it stays inside the repository and names something that exists
//! there. A one-word path (`../x`, as test data) only has to stay inside.

use std::path::{Component, Path, PathBuf};

/// Folders that are not part of the source tree.
const SKIPPED_DIRS: [&str; 2] = ["target", ".git"];

/// Absolute path prefixes that always name somebody's machine.
const MACHINE_PREFIXES: [&str; 3] = ["/work/", "/home/", "/root/"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                text_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// Every path-like token of `text` that starts with `../` or a machine prefix, with its line.
fn candidates(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let starts_token = i == 0 || !is_path_char(chars[i - 1].1);
            if !starts_token || !matches!(c, '.' | '/') {
                continue;
            }
            let token: String = line[at..]
                .chars()
                .take_while(|&c| is_path_char(c))
                .collect();
            let relative = token.starts_with("../");
            let machine = MACHINE_PREFIXES.iter().any(|p| token.starts_with(p));
            if relative || machine {
                out.push((number + 1, token.trim_end_matches(['.', '/']).to_string()));
            }
        }
    }
    out
}

/// `path` joined onto `base` with `..` applied, or `None` when it climbs above `root`.
fn resolve(root: &Path, base: &Path, path: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = base
        .strip_prefix(root)
        .expect("bases lie inside the root")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    for component in Path::new(path).components() {
        match component {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().to_string()),
            _ => {}
        }
    }
    Some(
        parts
            .iter()
            .fold(root.to_path_buf(), |p, part| p.join(part)),
    )
}

/// The folder of the nearest `Cargo.toml` at or above `dir`, else the root.
fn crate_dir(root: &Path, dir: &Path) -> PathBuf {
    dir.ancestors()
        .take_while(|d| d.starts_with(root))
        .find(|d| d.join("Cargo.toml").is_file())
        .unwrap_or(root)
        .to_path_buf()
}

/// Why `token`, found in a file in `dir`, names something outside the repository, if it does.
fn outside(root: &Path, dir: &Path, token: &str) -> Option<String> {
    if MACHINE_PREFIXES
        .iter()
        .any(|p| format!("{token}/").starts_with(p))
    {
        return Some("an absolute path on somebody's machine".into());
    }
    let one_word = !token.trim_start_matches("../").contains(['/', '.']);
    let bases = [dir.to_path_buf(), crate_dir(root, dir), root.to_path_buf()];
    let acceptable = bases.iter().any(|base| match resolve(root, base, token) {
        Some(target) => one_word || target.exists(),
        None => false,
    });
    (!acceptable).then(|| "outside the repository, or nothing there".into())
}

#[test]
fn no_file_names_a_path_outside_the_repository() {
    let root = root();
    let mut files = Vec::new();
    text_files(&root, &mut files);
    assert!(files.len() > 100, "the scan found the source tree");
    let mut found = Vec::new();
    // This file holds examples of what it looks for.
    let this_file = root.join(file!());
    for file in files.iter().filter(|f| **f != this_file) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let dir = file.parent().unwrap();
        for (line, token) in candidates(&text) {
            if let Some(why) = outside(&root, dir, &token) {
                let shown = file.strip_prefix(&root).unwrap().display();
                found.push(format!("{shown}:{line}: `{token}`: {why}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_scan_tells_inside_from_outside() {
    let root = root();
    let tests = root.join("tests");
    let bench_src = root.join("bench/src");
    // A sibling folder, from every depth.
    assert!(outside(&root, &root, "../sibling/reference/chargebee-api.json").is_some());
    assert!(outside(&root, &tests, "../../sibling/reference").is_some());
    assert!(outside(
        &root,
        &root.join("codegen/src"),
        "../sibling/reference/x.json"
    )
    .is_some());
    assert!(outside(&root, &root, "../sibling").is_some());
    assert!(outside(&root, &root, "/work/sibling/DESIGN.md").is_some());
    assert!(outside(&root, &root, "/home").is_some());
    // Paths into the repository, from the file's folder or its crate's.
    assert_eq!(
        outside(&root, &bench_src, "../../tests/fixtures/customer.json"),
        None
    );
    assert_eq!(outside(&root, &bench_src, "../spec"), None);
    assert_eq!(
        outside(&root, &tests, "../reference/chargebee-api.json"),
        None
    );
    // One-word test data stays inside; a missing file does not pass.
    assert_eq!(outside(&root, &tests, "../x"), None);
    assert!(outside(&root, &tests, "../spec/no_such_resource.yaml").is_some());
    let tokens = candidates("a \"../sibling/x.md\" b/../c (/home/u/f) x../y");
    let names: Vec<&str> = tokens.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(names, ["../sibling/x.md", "/home/u/f"]);
}
