//! Each kind of bad spec is refused with an error naming the file, the line and the problem,
//! and nothing is generated.

use chargebee_codegen::{generate, SpecError};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `files` into a fresh directory and returns the errors generating from it gives.
fn errors(files: &[(&str, &str)]) -> Vec<SpecError> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "chargebee-codegen-validation-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let result = generate(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    match result {
        Ok(_) => panic!("the spec was accepted"),
        Err(e) => e.0,
    }
}

/// Asserts exactly one error, in `file` at `line`, whose message contains `text`.
fn assert_one(errors: &[SpecError], file: &str, line: usize, text: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.file.file_name().unwrap(), file, "{e}");
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message.contains(text),
        "`{}` should contain `{text}`",
        e.message
    );
    assert!(
        e.to_string().starts_with(&e.file.display().to_string()),
        "{e}"
    );
}

const OK_HEAD: &str = "resource: Thing\nfields:\n  id: {type: string, required: true}\n";

#[test]
fn unknown_key() {
    let errs = errors(&[(
        "thing.yaml",
        "resource: Thing\nfields:\n  id: {type: string, requird: true}\n",
    )]);
    assert_one(&errs, "thing.yaml", 3, "unknown field `requird`");
}

#[test]
fn unknown_operation_key() {
    let text = format!(
        "{OK_HEAD}operations:\n  list:\n    method: GET\n    path: /things\n    pageinated: true\n"
    );
    assert_one(
        &errors(&[("thing.yaml", &text)]),
        "thing.yaml",
        8,
        "unknown field `pageinated`",
    );
}

#[test]
fn dangling_type_reference() {
    let text = "resource: Thing\nfields:\n  id: {type: string}\n  owner: {type: Ghost}\n";
    assert_one(
        &errors(&[("thing.yaml", text)]),
        "thing.yaml",
        4,
        "unknown type `Ghost`",
    );
}

#[test]
fn dangling_response_reference() {
    let text = format!("{OK_HEAD}operations:\n  retrieve:\n    method: GET\n    path: /things/{{id}}\n    returns: {{thing: Thing, ghost: Ghost}}\n");
    assert_one(
        &errors(&[("thing.yaml", &text)]),
        "thing.yaml",
        8,
        "response `ghost`",
    );
}

/// The spec stays readable by YAML 1.1 parsers (PyYAML): an optional response key is quoted.
#[test]
fn bare_optional_key() {
    let text = format!("{OK_HEAD}operations:\n  retrieve:\n    method: GET\n    path: /things/{{id}}\n    returns: {{thing: Thing, extra?: Thing}}\n");
    assert_one(
        &errors(&[("thing.yaml", &text)]),
        "thing.yaml",
        8,
        "write the key `extra?` quoted (`\"extra?\"`)",
    );
}

#[test]
fn a_word_yaml_1_1_reads_as_a_boolean() {
    let filter = "    filters:\n      created_at: {kind: timestamp, ops: [after, on]}\n";
    let text = format!("{OK_HEAD}operations:\n  list:\n    method: GET\n    path: /things\n    paginated: true\n{filter}    returns: {{thing: Thing}}\n");
    assert_one(
        &errors(&[("thing.yaml", &text)]),
        "thing.yaml",
        10,
        "write `on` quoted (`\"on\"`)",
    );
    // Quoted, the same file is accepted.
    let dir = std::env::temp_dir().join(format!("chargebee-codegen-quoted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // With the docs, catalog and destructiveness every resource and operation needs.
    let described =
        "    doc: Lists things.\n    catalog: both\n    destructive: false\ndoc: A thing.\n";
    std::fs::write(
        dir.join("thing.yaml"),
        text.replace("[after, on]", "[after, \"on\"]") + described,
    )
    .unwrap();
    let result = generate(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(result.is_ok(), "{:?}", result.err());
}

#[test]
fn duplicate_operation() {
    let op = "    method: GET\n    path: /things\n";
    let text = format!("{OK_HEAD}operations:\n  list:\n{op}  list:\n{op}");
    assert_one(
        &errors(&[("thing.yaml", &text)]),
        "thing.yaml",
        8,
        "duplicate key `operations.list`",
    );
}

#[test]
fn duplicate_resource_across_files() {
    let errs = errors(&[("a.yaml", OK_HEAD), ("b.yaml", OK_HEAD)]);
    assert_one(
        &errs,
        "b.yaml",
        1,
        "resource `Thing` is declared in more than one file",
    );
}

#[test]
fn duplicate_shared_enum() {
    let errs = errors(&[
        ("a.yaml", "enums:\n  Color: [red]\n"),
        ("b.yaml", "enums:\n  Color: [blue]\n"),
    ]);
    assert_one(&errs, "b.yaml", 2, "enum `Color` is declared twice");
}

#[test]
fn invalid_rust_names() {
    assert_one(
        &errors(&[("t.yaml", "resource: thing\n")]),
        "t.yaml",
        1,
        "not a PascalCase",
    );
    let text = "resource: Thing\nfields:\n  id: {type: string}\n  2fa-code: {type: string}\n";
    assert_one(
        &errors(&[("t.yaml", text)]),
        "t.yaml",
        4,
        "field name `2fa-code`",
    );
    let text = format!("{OK_HEAD}operations:\n  listAll:\n    method: GET\n    path: /things\n");
    assert_one(
        &errors(&[("t.yaml", &text)]),
        "t.yaml",
        5,
        "operation name `listAll`",
    );
}

#[test]
fn enum_values_that_collide() {
    let text = "resource: Thing\nfields:\n  kind: {type: enum, values: [\"a-b\", \"a_b\"]}\n";
    assert_one(
        &errors(&[("t.yaml", text)]),
        "t.yaml",
        3,
        "variant `AB` twice",
    );
    let text = "resource: Thing\nfields:\n  kind: {type: enum, values: [\"unknown\"]}\n";
    assert_one(&errors(&[("t.yaml", text)]), "t.yaml", 3, "catch-all");
}

#[test]
fn filter_operator_not_of_its_kind() {
    let text = format!(
        "{OK_HEAD}operations:\n  list:\n    method: GET\n    path: /things\n    paginated: true\n    filters:\n      id: {{kind: string, ops: [is, after]}}\n    returns: {{thing: Thing}}\n"
    );
    assert_one(
        &errors(&[("t.yaml", &text)]),
        "t.yaml",
        10,
        "operator `after` does not exist",
    );
}

#[test]
fn bad_method_and_path() {
    let text =
        format!("{OK_HEAD}operations:\n  poke:\n    method: PATCH\n    path: things/{{a}}/{{b}}\n");
    let errs = errors(&[("t.yaml", &text)]);
    let messages: Vec<String> = errs
        .iter()
        .map(|e| format!("{}: {}", e.line, e.message))
        .collect();
    assert_eq!(errs.len(), 3, "{messages:#?}");
    assert!(
        messages[0].starts_with("6: method `PATCH`"),
        "{messages:#?}"
    );
    assert!(
        messages[1].starts_with("7: path `things/{a}/{b}` does not start with `/`"),
        "{messages:#?}"
    );
    assert!(
        messages[2].starts_with("7: path `things/{a}/{b}` has more than one parameter"),
        "{messages:#?}"
    );
}

/// An event content list naming an event type that is not one, a resource `Content` does
/// not carry, and one twice: one error each, at its line.
#[test]
fn event_content_names_event_types_and_content_fields() {
    let enums = "enums:\n  EventType: [\"thing_created\", \"thing_deleted\"]\n";
    let content =
        "resource: Content\ndoc: What an event carries.\nfields:\n  thing: {type: Thing}\n";
    let thing = format!("{OK_HEAD}doc: A thing.\n");
    let events = "event_content:\n  thing_created: [thing]\n  thing_renamed: [thing]\n  thing_deleted: [thing, ghost, thing]\n";
    let errs = errors(&[
        ("enums.yaml", enums),
        ("thing.yaml", &thing),
        ("content.yaml", content),
        ("events.yaml", events),
    ]);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    let at = |line: usize, text: &str| {
        errs.iter()
            .any(|e| e.line == line && e.message.contains(text))
    };
    assert!(
        at(3, "`thing_renamed` is not a value of `EventType`"),
        "{errs:#?}"
    );
    assert!(
        at(
            4,
            "`ghost` (in `thing_deleted`) is not a field of `Content`"
        ),
        "{errs:#?}"
    );
    assert!(at(4, "`thing_deleted` lists `thing` twice"), "{errs:#?}");
}

/// A resource without a doc, and an operation without its doc, catalog and destructiveness:
/// each named, at the line of what lacks it.
#[test]
fn every_resource_and_operation_says_what_it_is() {
    let text = format!(
        "{OK_HEAD}operations:\n  list:\n    method: GET\n    path: /things\n    catalog: \"3.0\"\n"
    );
    let errs = errors(&[("thing.yaml", &text)]);
    assert_one(
        &errs,
        "thing.yaml",
        8,
        "unknown variant `3.0`, expected one of `1.0`, `2.0`, `both`",
    );
    let text = format!("{OK_HEAD}operations:\n  list:\n    method: GET\n    path: /things\n    doc: \"Lists\\nthings.\"\n");
    let errs = errors(&[("thing.yaml", &text)]);
    assert_eq!(errs.len(), 4, "{errs:#?}");
    let at = |line: usize, text: &str| {
        errs.iter()
            .any(|e| e.line == line && e.message.contains(text))
    };
    assert!(at(1, "resource `Thing`: has no `doc`"), "{errs:#?}");
    assert!(
        at(5, "operation `list`: its `doc` is more than one line"),
        "{errs:#?}"
    );
    assert!(at(5, "operation `list` has no `catalog`"), "{errs:#?}");
    assert!(at(5, "operation `list` has no `destructive`"), "{errs:#?}");
    // An example is a command line of the operation itself.
    let text = format!("{OK_HEAD}doc: A thing.\noperations:\n  list:\n    doc: Lists things.\n    catalog: both\n    destructive: false\n    examples: [\"chargebee thing list --limit 3\", \"chargebee thing lists\"]\n    method: GET\n    path: /things\n");
    let errs = errors(&[("thing.yaml", &text)]);
    assert_one(
        &errs,
        "thing.yaml",
        6,
        "an example is one command line starting `chargebee thing list`: `chargebee thing lists`",
    );
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let errs = errors(&[("t.yaml", "resource: Thing\nfields:\n  id: {type: string\n")]);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].file.file_name().unwrap(), "t.yaml");
    assert!(errs[0].line >= 3, "{}", errs[0]);
}

#[test]
fn every_error_is_reported_at_once() {
    let text = "resource: Thing\nfields:\n  a: {type: Ghost}\n  b: {type: Phantom}\n";
    let errs = errors(&[("t.yaml", text)]);
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4]);
}

#[test]
fn a_named_parameter_object_names_shared_types_only() {
    let objects = "objects:\n  NoteParams:\n    fields:\n      kind: {type: enum, values: [\"a\", \"b\"]}\n      owner: {type: Thing}\n";
    let errs = errors(&[("thing.yaml", OK_HEAD), ("objects.yaml", objects)]);
    let found: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (
                4,
                "parameter object `NoteParams`: `kind` declares an inline type; name a shared \
                 enum or a parameter object"
            ),
            (
                5,
                "parameter object `NoteParams`: `owner` names a type of a resource; name a \
                 shared enum or a parameter object"
            ),
        ]
    );
}

#[test]
fn a_named_parameter_object_is_for_parameters_only() {
    let objects = "objects:\n  NoteParams:\n    fields:\n      text: {type: string}\n";
    let text = format!("{OK_HEAD}  note: {{type: NoteParams}}\n");
    assert_one(
        &errors(&[("thing.yaml", &text), ("objects.yaml", objects)]),
        "thing.yaml",
        4,
        "unknown type `NoteParams`",
    );
}

#[test]
fn a_named_parameter_object_declared_twice() {
    let objects = "objects:\n  NoteParams:\n    fields:\n      text: {type: string}\n";
    let errs = errors(&[("a.yaml", objects), ("b.yaml", objects)]);
    assert_one(
        &errs,
        "b.yaml",
        2,
        "parameter object `NoteParams` is declared twice",
    );
}
