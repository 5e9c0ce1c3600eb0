//! Every resource and operation says what it is: a resource has a one-line `doc`; an
//! operation has a one-line `doc`, its product `catalog` and whether it is `destructive`.
//! These reach rustdoc, the description, the command line's help and agents' tools. An
//! operation's examples are command lines of the operation itself.

use crate::error::SpecError;
use crate::load::LoadedFile;
use crate::names;
use crate::spec::SpecFile;

/// The errors of `files`: each resource or operation missing one of these, or with a doc of
/// more than one line.
pub fn check(files: &[LoadedFile]) -> Vec<SpecError> {
    let mut errors = Vec::new();
    for file in files {
        let spec = &file.spec;
        let mut error = |path: &[&str], message: String| {
            errors.push(SpecError {
                file: file.path.clone(),
                line: file.lines.line(path),
                message,
            })
        };
        if let Some(resource) = &spec.resource {
            if let Some(problem) = doc_problem(spec.doc.as_deref()) {
                error(&["resource"], format!("resource `{resource}`: {problem}"));
            }
        }
        for (name, op) in &spec.operations {
            let at = ["operations", name.as_str()];
            if let Some(problem) = doc_problem(op.doc.as_deref()) {
                error(&at, format!("operation `{name}`: {problem}"));
            }
            if op.catalog.is_none() {
                error(
                    &at,
                    format!("operation `{name}` has no `catalog` (\"1.0\", \"2.0\" or both)"),
                );
            }
            let command = format!("chargebee {} {name}", names::snake(resource_name(spec)));
            for example in &op.examples {
                let rest = example.strip_prefix(&command);
                if example.contains('\n')
                    || !rest.is_some_and(|r| r.is_empty() || r.starts_with(' '))
                {
                    error(
                        &at,
                        format!("operation `{name}`: an example is one command line starting `{command}`: `{example}`"),
                    );
                }
            }
            if op.destructive.is_none() {
                error(
                    &at,
                    format!("operation `{name}` has no `destructive` (true or false)"),
                );
            }
        }
    }
    errors
}

/// What is wrong with a `doc`, if anything: absent, empty, or more than one line.
fn doc_problem(doc: Option<&str>) -> Option<&'static str> {
    match doc.map(str::trim) {
        None | Some("") => Some("has no `doc` saying in one line what it is or does"),
        Some(text) if text.contains('\n') => Some("its `doc` is more than one line"),
        Some(_) => None,
    }
}

/// The resource a file declares (empty when it declares none).
fn resource_name(spec: &SpecFile) -> &str {
    spec.resource.as_deref().unwrap_or_default()
}
