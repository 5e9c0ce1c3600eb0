//! The command tree, built from the API description: one subcommand per resource, one per
//! operation under it, with the path id as a positional argument and every scalar parameter
//! as a flag whose help gives its type, whether it is required and its values.

use crate::flags::{flags, Count, Flag, Place, Value};
use chargebee_description::{Api, Catalog, HttpMethod, Operation};
use clap::{Arg, ArgAction, Command};
use std::collections::BTreeMap;

/// Argument ids of the global options and the per-operation ones.
pub const EMULATOR: &str = "emulator";
pub const SYNTHESIZE: &str = "synthesize";
pub const CONNECTION: &str = "connection";
pub const BASE_URL: &str = "base-url";
pub const CONTROL_URL: &str = "control-url";
pub const ID: &str = "ID";
pub const JSON: &str = "json";
pub const ALL: &str = "all";
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub const DRY_RUN: &str = "dry-run";
pub const TIMEOUT: &str = "timeout";
pub const EMULATOR_STATE: &str = "emulator-state";
pub const FIELDS: &str = "fields";
pub const JSON_ERRORS: &str = "json-errors";
pub const COMPLETIONS: &str = "completions";
pub const SHELL: &str = "SHELL";
pub const MCP: &str = "mcp";
pub const BATCH: &str = "batch";
pub const API: &str = "api";
pub const METHOD: &str = "METHOD";
pub const PATH: &str = "PATH";
pub const JSON_BODY: &str = "json-body";
pub const ALLOW_WRITES: &str = "allow-writes";
pub const ALLOW: &str = "allow";
pub const ALLOW_DESTRUCTIVE: &str = "allow-destructive";
pub const SCHEMA: &str = "schema";
pub const RESOURCE: &str = "RESOURCE";
pub const OPERATION: &str = "OPERATION";

/// The whole command line, every operation with its flags (for completion scripts).
pub fn root(api: &Api) -> Command {
    root_built(api, &|_| true)
}

/// The command line for parsing `args`: every resource and operation, but only the
/// operations `args` may name get their flags, which is most of the start-up time of a run
/// (a tree of every flag of 475 operations takes far longer to build than to parse).
/// An operation may be named when its resource (or the plural) and its name (or alias) are
/// both words of `args`.
pub fn root_for(api: &Api, args: &[String]) -> Command {
    let has = |word: &str| args.iter().any(|a| a == word);
    if has(COMPLETIONS) {
        return root(api);
    }
    root_built(api, &|op: &Operation| {
        (has(&op.resource) || has(&plural(&op.resource)))
            && (has(&op.name) || (op.name == "retrieve" && has("get")))
    })
}

fn root_built(api: &Api, flagged: &dyn Fn(&Operation) -> bool) -> Command {
    let mut resources: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        resources.entry(op.resource.as_str()).or_default().push(op);
    }
    Command::new("chargebee")
        .about(
            "Every Chargebee API v2 operation, through the Maton gateway or straight to Chargebee",
        )
        .after_help(format!(
            "Credentials: {} (gateway), or {} and {} (direct). Exit codes: 0 done, 1 other \
             failure, 2 usage, 3 API error, 4 authentication (the key refused), 5 rate limited, 6 \
             network or timeout, 7 carried out but the answer does not decode (the answer is \
             on stdout; retry only with its --idempotency-key), 8 no usable Maton connection \
             (authorize one with `chargebee connection create`).",
            chargebee::API_KEY_VAR,
            chargebee::SITE_VAR,
            chargebee::CHARGEBEE_API_KEY_VAR
        ))
        .subcommand_required(true)
        .version(env!("CARGO_PKG_VERSION"))
        .arg(
            Arg::new(EMULATOR)
                .long(EMULATOR)
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Run against an in-process emulator: no key, no network, fresh state"),
        )
        .arg(
            Arg::new(SYNTHESIZE)
                .long(SYNTHESIZE)
                .global(true)
                .action(ArgAction::SetTrue)
                .requires(EMULATOR)
                .help(
                    "With --emulator: operations it does not model answer made-up placeholder \
                     bodies instead of the not_emulated error (nothing is kept; the answer says \
                     nothing about Chargebee)",
                ),
        )
        .arg(
            Arg::new(EMULATOR_STATE)
                .long(EMULATOR_STATE)
                .global(true)
                .value_name("FILE")
                .requires(EMULATOR)
                .help(
                    "With --emulator: read the emulator's state from FILE (when it exists) and \
                     write it back after the command, so runs build on one another",
                ),
        )
        .arg(
            Arg::new(FIELDS)
                .long(FIELDS)
                .global(true)
                .value_name("PATHS")
                .value_delimiter(',')
                .help("Print only these dotted paths of the answer (of each entry of a list): customer.id,customer.email"),
        )
        .arg(
            Arg::new(CONNECTION)
                .long(CONNECTION)
                .global(true)
                .env("MATON_CONNECTION")
                .value_name("ID")
                .help("The Maton connection to call through (the Maton-Connection header)"),
        )
        .arg(Arg::new(BASE_URL).long(BASE_URL).global(true).env("CHARGEBEE_BASE_URL").value_name("URL").help(
            "Replace the root /api/v2 is appended to (a local emulator, a proxy); \
                     connection commands then need --control-url, unless the URL is a loopback \
                     emulator's gateway root (http://127.0.0.1:PORT/chargebee), whose control \
                     API is at http://127.0.0.1:PORT",
        ))
        .arg(
            Arg::new(CONTROL_URL)
                .long(CONTROL_URL)
                .global(true)
                .env("MATON_CONTROL_URL")
                .value_name("URL")
                .help("Replace the Maton control API root"),
        )
        .arg(
            Arg::new(TIMEOUT)
                .long(TIMEOUT)
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("End the call within this many seconds, retries included (default 60)"),
        )
        .arg(
            Arg::new(DRY_RUN)
                .long(DRY_RUN)
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the HTTP request (key redacted) instead of sending it"),
        )
        .arg(
            Arg::new(JSON_ERRORS)
                .long(JSON_ERRORS)
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Write failures to stderr as one JSON object"),
        )
        .subcommands(
            resources
                .into_iter()
                .map(|(resource, ops)| resource_command(api, resource, &ops, flagged)),
        )
        .subcommand(mcp_command())
        .subcommand(api_command())
        .subcommand(
            Command::new(BATCH)
                .about(
                    "Run operations read as NDJSON on stdin, one per line ({\"operation\": \
                     \"customer.create\", \"id\": …, \"params\": {…}, \"idempotency_key\": …}), \
                     in one process under one rate limiter; one NDJSON result per line on stdout, \
                     in order ({\"line\", \"operation\", \"answer\" or \"error\"})",
                ),
        )
        .subcommand(
            Command::new(SCHEMA)
                .about(
                    "Describe an operation as JSON: what it does, its catalog, whether it is \
                     read-only or destructive, and its parameters as JSON Schema; a resource's \
                     operations, or every resource, with fewer words",
                )
                .arg(Arg::new(RESOURCE).help("A resource: `customer`"))
                .arg(Arg::new(OPERATION).help("One of its operations: `create`")),
        )
        .subcommand(
            Command::new(COMPLETIONS)
                .about("Print a shell completion script")
                .arg(
                    Arg::new(SHELL)
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
}

/// `chargebee api`: any path, for endpoints the spec does not describe yet.
fn api_command() -> Command {
    Command::new(API)
        .about(
            "Call any path below /api/v2 (an endpoint newer than this tool) through the same \
             transport: credentials, retries, rate limit, errors",
        )
        .arg(
            Arg::new(METHOD)
                .required(true)
                .value_parser(["GET", "POST", "DELETE", "get", "post", "delete"])
                .help("GET, POST or DELETE"),
        )
        .arg(Arg::new(PATH).required(true).help("The path below /api/v2: /customers/cus_1"))
        .arg(
            Arg::new(JSON)
                .long(JSON)
                .value_name("JSON")
                .help("Parameters as one JSON object (query or form, as Chargebee takes them); @FILE reads a file, - stdin"),
        )
        .arg(
            Arg::new(JSON_BODY)
                .long(JSON_BODY)
                .action(ArgAction::SetTrue)
                .help("Send the parameters as a JSON body instead of a form"),
        )
        .arg(
            Arg::new(IDEMPOTENCY_KEY)
                .long(IDEMPOTENCY_KEY)
                .value_name("KEY")
                .help("Send this idempotency key"),
        )
}

/// `chargebee mcp`: the MCP server and what it may change.
fn mcp_command() -> Command {
    Command::new(MCP)
        .about(
            "Serve every operation to AI agents: a Model Context Protocol server on stdin and \
             stdout (tools search_operations, describe_operation, call_operation, \
             list_connections, start_connection)",
        )
        .after_help(
            "Read-only operations always run. With --emulator, the emulator's state lasts as \
             long as the session. Credentials come from the environment, as for every command; \
             no tool answer carries the key.",
        )
        .arg(
            Arg::new(ALLOW_WRITES)
                .long(ALLOW_WRITES)
                .action(ArgAction::SetTrue)
                .help("Also run operations that change data (destructive ones need --allow-destructive)"),
        )
        .arg(
            Arg::new(ALLOW)
                .long(ALLOW)
                .value_name("OPERATION")
                .action(ArgAction::Append)
                .help("Also run this operation (`customer.create`); repeat for more"),
        )
        .arg(
            Arg::new(ALLOW_DESTRUCTIVE)
                .long(ALLOW_DESTRUCTIVE)
                .action(ArgAction::SetTrue)
                .help(
                    "Also run the destructive operations among those allowed (deletes, \
                     cancels, voids, refunds, charges)",
                ),
        )
}

fn resource_command(
    api: &Api,
    resource: &str,
    ops: &[&Operation],
    flagged: &dyn Fn(&Operation) -> bool,
) -> Command {
    Command::new(resource.to_string())
        .about(resource_doc(api, resource))
        .visible_alias(plural(resource))
        .subcommand_required(true)
        .subcommands(ops.iter().map(|op| {
            if flagged(op) {
                operation_command(api, op)
            } else {
                // Named in a list of operations only: its help line.
                let command = Command::new(op.name.clone()).about(op.doc.clone());
                if op.name == "retrieve" {
                    command.visible_alias("get")
                } else {
                    command
                }
            }
        }))
}

/// `resource` in the plural, as a second name for its command (`connections`).
fn plural(resource: &str) -> String {
    if resource.ends_with('s') {
        format!("{resource}es")
    } else if let Some(stem) = resource.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{resource}s")
    }
}

/// What the resource is: the doc of its struct in the description.
fn resource_doc(api: &Api, resource: &str) -> String {
    api.resource_doc(resource)
        .map_or_else(|| format!("The `{resource}` operations"), str::to_string)
}

/// An operation's help: what it does; then its method and path, its product catalog when it
/// is in one only, and whether it is destructive.
fn operation_help(op: &Operation) -> String {
    let mut facts = vec![format!("{} {}", op.method.as_str(), op.path)];
    match op.catalog {
        Catalog::V1 => facts.push("Product Catalog 1.0 only".into()),
        Catalog::V2 => facts.push("Product Catalog 2.0 only".into()),
        Catalog::Both => {}
    }
    if op.destructive {
        facts.push("destructive: it cannot be undone, or it moves money".into());
    }
    format!("{}\n\n{}", op.doc, facts.join(" · "))
}

/// How the operation's flags are formed, shown with flags it has, and what `--json` takes.
fn help_footer(api: &Api, op: &Operation) -> String {
    let flags = operation_flags(api, op);
    let mut examples: Vec<String> = Vec::new();
    let mut add = |found: Option<&Flag>, note: &str| {
        if let Some(flag) = found {
            examples.push(format!("--{}{note}", flag.name));
        }
    };
    let dotted = |f: &&Flag| f.name.contains('.');
    add(
        flags
            .iter()
            .filter(dotted)
            .find(|f| matches!(f.place, Place::At(_)) && f.count == Count::One),
        "",
    );
    add(
        flags
            .iter()
            .find(|f| matches!(f.place, Place::Entries { .. })),
        " (once per entry)",
    );
    add(
        flags
            .iter()
            .filter(dotted)
            .find(|f| f.count != Count::One && matches!(f.place, Place::At(_))),
        " (once per value)",
    );
    let mut footer = String::new();
    if !examples.is_empty() {
        footer.push_str(&format!(
            "Flags follow the parameters' JSON shape, one dot per level: {}. ",
            examples.join(", ")
        ));
    }
    footer.push_str(if op.custom_fields {
        "Every parameter, custom fields `cf_*` included, can also be given in the official \
         SDKs' JSON shape with --json; flags override the same keys."
    } else {
        "Every parameter can also be given in the official SDKs' JSON shape with --json; \
         flags override the same keys."
    });
    if !op.examples.is_empty() {
        footer.push_str("\n\nExamples:");
        for example in &op.examples {
            footer.push_str("\n  ");
            footer.push_str(example);
        }
    }
    footer
}

fn operation_command(api: &Api, op: &Operation) -> Command {
    let mut command = Command::new(op.name.clone())
        .about(op.doc.clone())
        .long_about(operation_help(op))
        .after_help(help_footer(api, op))
        .arg(
            Arg::new(JSON)
                .long(JSON)
                .value_name("JSON")
                .help("Parameters as one JSON object; @FILE reads it from a file, - from stdin"),
        );
    if op.name == "retrieve" {
        command = command.visible_alias("get");
    }
    if let Some(param) = op.path_parameter() {
        command = command.arg(
            Arg::new(ID)
                .required(true)
                .value_name(param.to_uppercase())
                .help(format!("The {param} of {}", op.path)),
        );
    }
    if op.pages() {
        command = command.arg(
            Arg::new(ALL)
                .long(ALL)
                .action(ArgAction::SetTrue)
                .help("Every entry of every page, one JSON line each"),
        );
    }
    if op.idempotent && op.method == HttpMethod::Post {
        command = command.arg(
            Arg::new(IDEMPOTENCY_KEY)
                .long(IDEMPOTENCY_KEY)
                .value_name("KEY")
                .help("Send this idempotency key instead of a generated one"),
        );
    }
    for flag in operation_flags(api, op) {
        let repeated = flag.count != Count::One;
        command = command.arg(
            Arg::new(flag.name.clone())
                .long(flag.name.clone())
                .value_name(value_name(&flag.value))
                .action(if repeated {
                    ArgAction::Append
                } else {
                    ArgAction::Set
                })
                .help(flag_help(api, &flag)),
        );
    }
    command
}

/// The flags of `op`, less any named like an option of the command itself (those
/// parameters are reached through `--json`).
pub fn operation_flags(api: &Api, op: &Operation) -> Vec<Flag> {
    flags(api, op)
        .into_iter()
        .filter(|f| ![JSON, ALL, ID, IDEMPOTENCY_KEY].contains(&f.name.as_str()))
        .collect()
}

fn value_name(value: &Value) -> &'static str {
    match value {
        Value::Bool => "BOOL",
        Value::Integer | Value::Integer32 => "INTEGER",
        Value::Timestamp => "UNIX_SECONDS",
        Value::Number => "NUMBER",
        Value::Json => "JSON",
        Value::Enum(_) => "VALUE",
        Value::SortField(_) => "FIELD",
        Value::Text => "TEXT",
    }
}

fn flag_help(api: &Api, flag: &Flag) -> String {
    let mut help = Vec::new();
    if flag.required {
        help.push(match &flag.place {
            Place::At(path) if path.len() > 1 => {
                format!("Required with any other --{}.* flag.", path[0])
            }
            Place::At(_) => "Required.".to_string(),
            Place::Entries { .. } => "Required in each entry.".to_string(),
        });
    }
    match &flag.value {
        Value::Enum(name) => {
            if let Some(values) = api.enums.get(name) {
                help.push(format!("One of: {}.", values.join(", ")));
            }
        }
        Value::SortField(fields) => help.push(format!("One of: {}.", fields.join(", "))),
        _ => {}
    }
    match (&flag.place, flag.count) {
        (Place::Entries { list, .. }, _) => {
            help.push(format!("Once per entry of `{list}`, in order."))
        }
        (_, Count::Each) => help.push("Once per value.".into()),
        (_, Count::Two) => help.push("Twice: from, then to.".into()),
        (_, Count::One) => {}
    }
    if let Some(n) = flag.max_length {
        help.push(format!("At most {n} characters."));
    }
    help.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    #[test]
    fn the_command_tree_is_well_formed() {
        root(Api::embedded()).debug_assert();
    }

    /// `--help` of every operation lists its method and path, each of its flags, and the
    /// values of each enum flag.
    #[test]
    fn every_operation_has_help_from_the_spec() {
        let api = Api::embedded();
        let mut command = root(api);
        for op in &api.operations {
            let args = ["chargebee", &op.resource, &op.name, "--help"];
            let error = command.try_get_matches_from_mut(args).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{}", op.id);
            let help = error.to_string();
            assert!(
                help.contains(&format!("{} {}", op.method.as_str(), op.path)),
                "{}",
                op.id
            );
            for flag in operation_flags(api, op) {
                assert!(
                    help.contains(&format!("--{} <", flag.name)),
                    "{}: --{}",
                    op.id,
                    flag.name
                );
                if let Value::Enum(name) = &flag.value {
                    let values = api.enums[name].join(", ");
                    assert!(help.contains(&values), "{}: --{} values", op.id, flag.name);
                }
            }
        }
    }

    #[test]
    fn resources_answer_to_their_plural_and_retrieve_to_get() {
        let mut command = root(Api::embedded());
        let matches = command
            .try_get_matches_from_mut(["chargebee", "connections", "get", "conn_1"])
            .unwrap();
        let (resource, ops) = matches.subcommand().unwrap();
        assert_eq!(resource, "connection");
        assert_eq!(ops.subcommand_name(), Some("retrieve"));
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("currency"), "currencies");
    }
}
