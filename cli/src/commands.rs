//! The command tree, built from the API description: one subcommand per resource, one per
//! operation under it, with the path id as a positional argument and every scalar parameter
//! as a flag whose help gives its type, whether it is required and its values.

use chargebee_description::{Api, Field, Operation, Type};
use clap::{Arg, ArgAction, Command};
use std::collections::BTreeMap;

/// Argument ids of the global options and the per-operation ones.
pub const EMULATOR: &str = "emulator";
pub const CONNECTION: &str = "connection";
pub const BASE_URL: &str = "base-url";
pub const CONTROL_URL: &str = "control-url";
pub const ID: &str = "ID";
pub const JSON: &str = "json";
pub const ALL: &str = "all";

/// The site name read for direct calls.
pub const SITE_VAR: &str = "CHARGEBEE_SITE";
/// The Chargebee API key read for direct calls.
pub const CHARGEBEE_KEY_VAR: &str = "CHARGEBEE_API_KEY";

/// The whole command line.
pub fn root(api: &Api) -> Command {
    let mut resources: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        resources.entry(op.resource.as_str()).or_default().push(op);
    }
    Command::new("chargebee")
        .about(
            "Every Chargebee API v2 operation, through the Maton gateway or straight to Chargebee",
        )
        .after_help(
            "Credentials: MATON_API_KEY (gateway), or CHARGEBEE_SITE and CHARGEBEE_API_KEY \
             (direct). Exit codes: 0 done, 1 other failure, 2 usage, 3 API error, 4 gateway \
             authentication, 5 rate limited, 6 network or timeout.",
        )
        .subcommand_required(true)
        .arg(
            Arg::new(EMULATOR)
                .long(EMULATOR)
                .action(ArgAction::SetTrue)
                .help("Run against an in-process emulator: no key, no network, fresh state"),
        )
        .arg(
            Arg::new(CONNECTION)
                .long(CONNECTION)
                .value_name("ID")
                .help("The Maton connection to call through (the Maton-Connection header)"),
        )
        .arg(
            Arg::new(BASE_URL)
                .long(BASE_URL)
                .value_name("URL")
                .help("Replace the root /api/v2 is appended to (a local emulator, a proxy)"),
        )
        .arg(
            Arg::new(CONTROL_URL)
                .long(CONTROL_URL)
                .value_name("URL")
                .help("Replace the Maton control API root"),
        )
        .subcommands(
            resources
                .into_iter()
                .map(|(resource, ops)| resource_command(api, resource, &ops)),
        )
}

fn resource_command(api: &Api, resource: &str, ops: &[&Operation]) -> Command {
    Command::new(resource.to_string())
        .about(format!("The `{resource}` operations"))
        .subcommand_required(true)
        .subcommands(ops.iter().map(|op| operation_command(api, op)))
}

fn operation_command(api: &Api, op: &Operation) -> Command {
    let mut command = Command::new(op.name.clone())
        .about(format!("{} {}", op.method.as_str(), op.path))
        .after_help(
            "Every parameter, nested ones, lists, filters (`{\"email\": {\"is\": \"a@b.c\"}}`), \
             `sort_by` and custom fields `cf_*` included, can be given in the official SDKs' \
             JSON shape with --json; flags override the same keys.",
        )
        .arg(
            Arg::new(JSON)
                .long(JSON)
                .value_name("JSON")
                .help("Parameters as one JSON object"),
        );
    if op.path.contains('{') {
        command = command.arg(
            Arg::new(ID)
                .required(true)
                .help(format!("The path parameter of {}", op.path)),
        );
    }
    if op.paginated {
        command = command.arg(
            Arg::new(ALL)
                .long(ALL)
                .action(ArgAction::SetTrue)
                .help("Every entry of every page, one JSON line each"),
        );
    }
    for field in flag_fields(op) {
        command = command.arg(
            Arg::new(field.name.clone())
                .long(field.name.clone())
                .value_name(value_name(&field.ty))
                .help(field_help(api, &field)),
        );
    }
    command
}

/// The parameters given as flags: those of a single value (objects and lists go in
/// `--json`), and for a list operation its paging (`limit`, `offset`). A parameter named like
/// an option of the command itself is reached through `--json` only.
pub fn flag_fields(op: &Operation) -> Vec<Field> {
    let paging = op.paginated.then(|| {
        [("limit", Type::I32), ("offset", Type::String)].map(|(name, ty)| Field {
            name: name.into(),
            ty,
            required: false,
            max_length: None,
        })
    });
    op.params
        .iter()
        .filter(|f| !matches!(f.ty, Type::Struct(_) | Type::List(_)))
        .filter(|f| ![JSON, ALL, ID].contains(&f.name.as_str()))
        .cloned()
        .chain(paging.into_iter().flatten())
        .collect()
}

fn value_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "BOOL",
        Type::I32 | Type::I64 => "INTEGER",
        Type::F64 => "NUMBER",
        Type::Timestamp => "UNIX_SECONDS",
        Type::Json => "JSON",
        Type::Enum(_) => "VALUE",
        _ => "TEXT",
    }
}

fn field_help(api: &Api, field: &Field) -> String {
    let mut help = String::new();
    if field.required {
        help.push_str("Required. ");
    }
    if let Type::Enum(name) = &field.ty {
        if let Some(values) = api.enums.get(name) {
            help.push_str(&format!("One of: {}. ", values.join(", ")));
        }
    }
    if let Some(n) = field.max_length {
        help.push_str(&format!("At most {n} characters. "));
    }
    help.trim_end().to_string()
}
