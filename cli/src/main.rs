//! `chargebee`: every operation of the spec from the command line, sent through the client's
//! transport (retries, rate limit, idempotency keys, errors).
//!
//! `chargebee [--emulator] [--dry-run] <resource> <operation> [ID] [--param value …]
//! [--json JSON] [--all]`; `chargebee completions <shell>`.

mod batch;
mod commands;
mod dates;
mod exit;
mod fields;
mod flags;
mod mcp;
mod params;
mod state;

use chargebee::Client;
use chargebee_description::Api;
use clap::ArgMatches;
use exit::Failure;
use futures::StreamExt;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> ExitCode {
    let api = Api::embedded();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let json_errors = words
        .iter()
        .any(|a| *a == format!("--{}", commands::JSON_ERRORS));
    let matches = match commands::root_for(api, &words).try_get_matches_from(&args) {
        Ok(matches) => matches,
        // Help and version go to stdout with success.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if json_errors => {
            report(&usage_failure(&e), true);
            return ExitCode::from(exit::USAGE);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::USAGE);
        }
    };
    match run(api, &matches).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.code == exit::OUTPUT_CLOSED => ExitCode::SUCCESS,
        Err(failure) => {
            report(&failure, json_errors);
            ExitCode::from(failure.code)
        }
    }
}

/// Prints the request a dry run would send; stderr names the host it would go to.
fn show(out: &mut impl Write, request: chargebee::HttpRequest) -> Result<(), Failure> {
    eprintln!("dry run: not sent to {}", host(&request.url));
    write!(out, "{request}").map_err(write_failure)
}

/// The dotted paths `--fields` keeps.
fn fields_of(matches: &ArgMatches) -> Vec<&str> {
    matches
        .get_many::<String>(commands::FIELDS)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// A usage error of the command line with what clap knows about it, for `--json-errors`:
/// the flag at fault, the values allowed, the closest flag or value, the arguments missing.
fn usage_failure(error: &clap::Error) -> Failure {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    // Its first paragraph, before clap's usage lines and tips.
    let text = error.to_string();
    let message: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    let message = message.trim_start_matches("error: ");
    let text = |value: &ContextValue| -> serde_json::Value {
        match value {
            ContextValue::String(s) => serde_json::json!(s),
            ContextValue::Strings(list) => serde_json::json!(list),
            other => serde_json::json!(other.to_string()),
        }
    };
    let mut details = serde_json::Map::new();
    for (kind, value) in error.context() {
        let key = match kind {
            ContextKind::InvalidArg if error.kind() == ErrorKind::MissingRequiredArgument => {
                "missing"
            }
            ContextKind::InvalidArg => "flag",
            ContextKind::InvalidValue => "value",
            ContextKind::ValidValue | ContextKind::ValidSubcommand => "allowed",
            ContextKind::InvalidSubcommand => "command",
            ContextKind::SuggestedArg
            | ContextKind::SuggestedValue
            | ContextKind::SuggestedSubcommand => "suggestion",
            _ => continue,
        };
        details.insert(key.into(), text(value));
    }
    Failure::usage_with(message, serde_json::Value::Object(details))
}

/// Writes `failure` to stderr: one line of text, or one JSON object.
fn report(failure: &Failure, json: bool) {
    if json {
        eprintln!("{}", failure.to_json());
    } else {
        eprintln!("error: {}", failure.message);
    }
}

/// Runs the operation the arguments name and prints its answer.
async fn run(api: &'static Api, matches: &ArgMatches) -> Result<(), Failure> {
    let (resource, resource_matches) = matches
        .subcommand()
        .ok_or_else(|| Failure::usage("no resource given"))?;
    if resource == commands::COMPLETIONS {
        return completions(api, resource_matches);
    }
    if resource == commands::SCHEMA {
        return schema(api, resource_matches);
    }
    if resource == commands::API {
        let (client, emulator) = client(matches).await?;
        let outcome = raw(&client, matches, resource_matches).await;
        state::save(emulator.as_ref(), matches)?;
        return outcome;
    }
    if resource == commands::BATCH {
        let (client, emulator) = client(matches).await?;
        let timeout = matches
            .get_one::<u64>(commands::TIMEOUT)
            .map(|s| Duration::from_secs(*s));
        let ran = batch::run(
            api,
            &client,
            std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
            timeout,
            matches.get_flag(commands::DRY_RUN),
        )
        .await;
        state::save(emulator.as_ref(), matches)?;
        return ran;
    }
    if resource == commands::MCP {
        let policy = policy(api, resource_matches)?;
        // Keeps an in-process emulator, and its state, for the whole session.
        let (client, emulator) = client(matches).await?;
        let served = mcp::serve(api, client, policy)
            .await
            .map_err(Failure::other);
        state::save(emulator.as_ref(), matches)?;
        return served;
    }
    let (name, op_matches) = resource_matches
        .subcommand()
        .ok_or_else(|| Failure::usage(format!("no operation given for `{resource}`")))?;
    let operation = api
        .operations
        .iter()
        .find(|op| op.resource == resource && op.name == name)
        .ok_or_else(|| Failure::usage(format!("`{resource}.{name}` is not an operation")))?;
    let params = params::collect(api, operation, op_matches)?;

    // Keeps an in-process emulator running while the call uses it.
    let (client, emulator) = client(matches).await?;
    let outcome = call(matches, operation, op_matches, &client, params).await;
    state::save(emulator.as_ref(), matches)?;
    outcome
}

/// Sends (or shows) the call the command line describes and prints its answer.
async fn call(
    matches: &ArgMatches,
    operation: &chargebee_description::Operation,
    op_matches: &ArgMatches,
    client: &Client,
    params: Value,
) -> Result<(), Failure> {
    let mut call = client.dynamic(operation.id.clone()).params(params);
    if let Some(seconds) = matches.get_one::<u64>(commands::TIMEOUT) {
        call = call.timeout(Duration::from_secs(*seconds));
    }
    // Operations without a path id, paging or idempotency key have no such argument.
    let option = |id: &str| op_matches.try_get_one::<String>(id).ok().flatten();
    if let Some(id) = option(commands::ID) {
        call = call.id(id);
    }
    if let Some(key) = option(commands::IDEMPOTENCY_KEY) {
        call = call.idempotency_key(key);
    }
    let mut out = std::io::stdout().lock();
    if matches.get_flag(commands::DRY_RUN) {
        return show(&mut out, call.dry_run().map_err(Failure::from)?);
    }
    let all = op_matches
        .try_get_one::<bool>(commands::ALL)
        .ok()
        .flatten()
        .is_some_and(|all| *all);
    let fields = fields_of(matches);
    if all {
        return stream_all(call, &fields, &mut out).await;
    }
    let answer = match call.send().await {
        Ok(answer) => answer,
        Err(error) => return Err(answered_anyway(&mut out, error)),
    };
    let shown = fields::select(answer.clone(), &fields);
    print(&mut out, &shown, std::io::stdout().is_terminal())?;
    if let Some(url) = authorization_url(&operation.id, &answer) {
        eprintln!("Open this URL to authorize the connection: {url}");
    }
    Ok(())
}

/// The failure for `error`; when the server carried the request out but its answer does not
/// decode, the answer's body goes to stdout first, so what was created is not lost.
fn answered_anyway(out: &mut impl Write, error: chargebee::Error) -> Failure {
    if let chargebee::Error::Decode {
        body,
        request_sent: true,
        ..
    } = &error
    {
        if let Err(e) = writeln!(out, "{}", body.trim_end()) {
            return write_failure(e);
        }
    }
    Failure::from(error)
}

/// The page a person opens to authorize a connection just created.
fn authorization_url<'a>(operation: &str, answer: &'a Value) -> Option<&'a str> {
    (operation == "connection.create")
        .then(|| answer["connection"]["url"].as_str())
        .flatten()
}

/// Every entry of every page, one compact JSON line each, fetching a page at a time; a count
/// of the entries so far on stderr when it is a terminal.
async fn stream_all(
    call: chargebee::DynamicCall,
    fields: &[&str],
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    let mut entries = std::pin::pin!(call.stream());
    while let Some(entry) = entries.next().await {
        let entry = entry.map_err(|e| {
            progress.finish();
            answered_anyway(out, e)
        })?;
        let entry = if fields.is_empty() {
            entry
        } else {
            fields::pick(&entry, fields)
        };
        print(out, &entry, false)?;
        progress.count();
    }
    progress.finish();
    Ok(())
}

/// A count of streamed entries, rewritten in place on a terminal at most ten times a second.
struct Progress {
    shown: bool,
    entries: u64,
    last: Option<Instant>,
}

impl Progress {
    fn new(shown: bool) -> Self {
        Progress {
            shown,
            entries: 0,
            last: None,
        }
    }

    fn count(&mut self) {
        self.entries += 1;
        if !self.shown
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        eprint!("\r{} entries", self.entries);
    }

    /// Leaves the final count on its own line.
    fn finish(&mut self) {
        if self.shown && self.last.is_some() {
            eprintln!("\r{} entries", self.entries);
            self.last = None;
        }
    }
}

/// `chargebee api METHOD PATH`: the call sent as given, its answer printed.
async fn raw(
    client: &Client,
    matches: &ArgMatches,
    api_matches: &ArgMatches,
) -> Result<(), Failure> {
    let method = match api_matches
        .get_one::<String>(commands::METHOD)
        .map(|m| m.to_ascii_uppercase())
        .as_deref()
    {
        Some("GET") => chargebee::HttpMethod::Get,
        Some("POST") => chargebee::HttpMethod::Post,
        Some("DELETE") => chargebee::HttpMethod::Delete,
        _ => return Err(Failure::usage("the method is GET, POST or DELETE")),
    };
    let path = api_matches
        .get_one::<String>(commands::PATH)
        .ok_or_else(|| Failure::usage("no path given"))?;
    let mut call = client.raw(method, path.clone());
    if let Some(given) = api_matches.get_one::<String>(commands::JSON) {
        call = call.params(params::json_object(given)?);
    }
    if api_matches.get_flag(commands::JSON_BODY) {
        call = call.json_body();
    }
    if let Some(key) = api_matches.get_one::<String>(commands::IDEMPOTENCY_KEY) {
        call = call.idempotency_key(key);
    }
    let mut out = std::io::stdout().lock();
    if matches.get_flag(commands::DRY_RUN) {
        return show(&mut out, call.dry_run().map_err(Failure::from)?);
    }
    let answer: Value = call.send().await.map_err(Failure::from)?;
    let fields = fields_of(matches);
    print(
        &mut out,
        &fields::select(answer, &fields),
        std::io::stdout().is_terminal(),
    )
}

/// What `chargebee mcp` was started allowing; an unknown operation in `--allow` is refused.
fn policy(api: &Api, matches: &ArgMatches) -> Result<mcp::Policy, Failure> {
    let operations: std::collections::BTreeSet<String> = matches
        .get_many::<String>(commands::ALLOW)
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Some(unknown) = operations.iter().find(|id| api.operation(id).is_none()) {
        return Err(Failure::usage(format!(
            "--allow {unknown}: no such operation (they are named `resource.operation`, as \
             `chargebee schema RESOURCE` lists them)"
        )));
    }
    Ok(mcp::Policy {
        writes: matches.get_flag(commands::ALLOW_WRITES),
        operations,
        destructive: matches.get_flag(commands::ALLOW_DESTRUCTIVE),
    })
}

/// Prints `chargebee schema`: every resource with its doc and operations; a resource's
/// operations with their docs; or one operation described whole.
fn schema(api: &Api, matches: &ArgMatches) -> Result<(), Failure> {
    let resource = matches.get_one::<String>(commands::RESOURCE);
    let operation = matches.get_one::<String>(commands::OPERATION);
    let in_resource = |resource: &str| -> Vec<&chargebee_description::Operation> {
        api.operations
            .iter()
            .filter(|op| op.resource == resource)
            .collect()
    };
    let value = match (resource, operation) {
        (Some(resource), Some(name)) => {
            let id = format!("{resource}.{name}");
            let op = api
                .operation(&id)
                .ok_or_else(|| Failure::usage(format!("`{id}` is not an operation")))?;
            api.describe(op)
        }
        (Some(resource), None) => {
            let ops = in_resource(resource);
            if ops.is_empty() {
                return Err(Failure::usage(format!("`{resource}` has no operations")));
            }
            let listed: Vec<serde_json::Value> = ops
                .iter()
                .map(|op| {
                    serde_json::json!({
                        "operation": op.id, "doc": op.doc, "catalog": op.catalog.as_str(),
                        "read_only": op.read_only(), "destructive": op.destructive,
                    })
                })
                .collect();
            serde_json::json!({ "resource": resource, "operations": listed })
        }
        _ => {
            let mut resources: Vec<&str> = api
                .operations
                .iter()
                .map(|op| op.resource.as_str())
                .collect();
            resources.dedup();
            let listed: Vec<serde_json::Value> = resources
                .iter()
                .map(|r| {
                    let names: Vec<&str> =
                        in_resource(r).iter().map(|op| op.name.as_str()).collect();
                    serde_json::json!({ "resource": r, "operations": names })
                })
                .collect();
            serde_json::json!({ "resources": listed })
        }
    };
    print(&mut std::io::stdout().lock(), &value, true)
}

/// Prints the completion script for the shell named.
fn completions(api: &Api, matches: &ArgMatches) -> Result<(), Failure> {
    let shell = *matches
        .get_one::<clap_complete::Shell>(commands::SHELL)
        .ok_or_else(|| Failure::usage("no shell given"))?;
    let mut command = commands::root(api);
    // Written in one piece by us: the generator panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "chargebee", &mut script);
    std::io::stdout().write_all(&script).map_err(write_failure)
}

/// A failure to write the answer; the reader going away (`| head`) ends the command quietly.
pub(crate) fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::output_closed()
    } else {
        Failure::other(format!("cannot write the answer: {e}"))
    }
}

/// `value` as JSON: indented for a person at a terminal, one line otherwise.
fn print(out: &mut impl Write, value: &Value, pretty: bool) -> Result<(), Failure> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(|e| Failure::other(format!("cannot print the answer: {e}")))?;
    writeln!(out, "{text}").map_err(write_failure)
}

/// The host (and port) of `url`, the part between the scheme and the path.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The control API root of the emulator whose gateway root `base` is: a plain-http loopback
/// URL ending in `/chargebee` (`http://127.0.0.1:12111/chargebee` gives
/// `http://127.0.0.1:12111`), as `chargebee-emulator` serves both.
fn emulator_control_root(base: &str) -> Option<String> {
    let root = base.trim_end_matches('/').strip_suffix("/chargebee")?;
    let authority = root.strip_prefix("http://")?;
    let hostname = match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    };
    let loopback = hostname == "localhost"
        || hostname == "[::1]"
        || hostname
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    (loopback && !authority.contains(['/', '@'])).then(|| root.to_string())
}

/// The client the global options and the environment ask for, and the emulator it calls
/// when `--emulator` is given.
async fn client(
    matches: &ArgMatches,
) -> Result<(Client, Option<chargebee_emulator::Emulator>), Failure> {
    if matches.get_flag(commands::EMULATOR) {
        // Given on the command line, a URL contradicts --emulator; from the environment, it
        // is for runs against the real gateway.
        for url in [commands::BASE_URL, commands::CONTROL_URL] {
            if matches.value_source(url) == Some(clap::parser::ValueSource::CommandLine) {
                return Err(Failure::usage(format!(
                    "--emulator cannot be used with --{url}: the emulator serves its own URLs"
                )));
            }
        }
        let config = chargebee_emulator::Config {
            synthesize: if matches.get_flag(commands::SYNTHESIZE) {
                chargebee_emulator::Synthesis::All
            } else {
                chargebee_emulator::Synthesis::Off
            },
            ..chargebee_emulator::Config::default()
        };
        let emulator = chargebee_emulator::Emulator::start_with(config, 0)
            .await
            .map_err(|e| Failure::other(format!("cannot start the emulator: {e}")))?;
        state::load(&emulator, matches)?;
        let mut builder = emulator.client_builder();
        // A connection from the environment names one of the real gateway's.
        let given = matches.value_source(commands::CONNECTION)
            == Some(clap::parser::ValueSource::CommandLine);
        if let Some(connection) = matches
            .get_one::<String>(commands::CONNECTION)
            .filter(|_| given)
        {
            builder = builder.connection(connection);
        }
        let client = builder.build().map_err(Failure::from)?;
        return Ok((client, Some(emulator)));
    }
    // The library reads the same variables, in the same order.
    let Ok(mut builder) = chargebee::ClientBuilder::from_env() else {
        return Err(Failure::usage(format!(
            "no credentials: set {} (through the Maton gateway), or {} and {} (straight to \
             Chargebee), or pass --emulator",
            chargebee::API_KEY_VAR,
            chargebee::SITE_VAR,
            chargebee::CHARGEBEE_API_KEY_VAR
        )));
    };
    let base = matches.get_one::<String>(commands::BASE_URL);
    if let Some(url) = base {
        builder = builder.base_url(url);
    }
    // Without a control URL, a replaced base leaves control calls refused by the client (the
    // key must not go to the real control API), unless the base is a local emulator's.
    let control = matches
        .get_one::<String>(commands::CONTROL_URL)
        .cloned()
        .or_else(|| base.and_then(|url| emulator_control_root(url)));
    if let Some(url) = control {
        builder = builder.control_base_url(url);
    }
    if let Some(connection) = matches.get_one::<String>(commands::CONNECTION) {
        builder = builder.connection(connection);
    }
    Ok((builder.build().map_err(Failure::from)?, None))
}

#[cfg(test)]
mod tests {
    use super::{emulator_control_root, host};

    #[test]
    fn the_host_is_between_the_scheme_and_the_path() {
        assert_eq!(
            host("https://gateway.maton.ai/chargebee/api/v2/customers?limit=1"),
            "gateway.maton.ai"
        );
        assert_eq!(
            host("http://127.0.0.1:12111/api/v2/customers"),
            "127.0.0.1:12111"
        );
        assert_eq!(host("http://[::1]:80?x"), "[::1]:80");
    }

    #[test]
    fn only_a_loopback_emulator_gateway_root_gives_a_control_root() {
        for (base, control) in [
            ("http://127.0.0.1:12111/chargebee", "http://127.0.0.1:12111"),
            (
                "http://127.0.0.1:12111/chargebee/",
                "http://127.0.0.1:12111",
            ),
            ("http://localhost:8080/chargebee", "http://localhost:8080"),
            ("http://[::1]:9/chargebee", "http://[::1]:9"),
            ("http://127.1.2.3/chargebee", "http://127.1.2.3"),
        ] {
            assert_eq!(
                emulator_control_root(base).as_deref(),
                Some(control),
                "{base}"
            );
        }
        for base in [
            "https://127.0.0.1:12111/chargebee",
            "http://127.0.0.1:12111/other",
            "http://127.0.0.1:12111",
            "http://10.0.0.1:12111/chargebee",
            "http://example.com/chargebee",
            "http://127.0.0.1.example.com/chargebee",
            "http://user@127.0.0.1/chargebee",
            "http://127.0.0.1/x/chargebee",
        ] {
            assert_eq!(emulator_control_root(base), None, "{base}");
        }
    }
}
