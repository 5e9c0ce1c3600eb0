//! `chargebee`: every operation of the spec from the command line, sent through the client's
//! transport (retries, rate limit, idempotency keys, errors).
//!
//! `chargebee [--emulator] <resource> <operation> [ID] [--param value …] [--json JSON] [--all]`

mod commands;
mod exit;
mod params;

use chargebee::Client;
use chargebee_description::Api;
use clap::ArgMatches;
use exit::Failure;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let api = Api::embedded();
    let matches = match commands::root(api).try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            // Help and version go to stdout with success; misuse is a usage error.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(api, &matches).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Runs the operation the arguments name and prints its answer.
async fn run(api: &Api, matches: &ArgMatches) -> Result<(), Failure> {
    let (resource, resource_matches) = matches
        .subcommand()
        .ok_or_else(|| Failure::usage("no resource given"))?;
    let (name, op_matches) = resource_matches
        .subcommand()
        .ok_or_else(|| Failure::usage(format!("no operation given for `{resource}`")))?;
    let id = format!("{resource}.{name}");
    let operation = api
        .operation(&id)
        .ok_or_else(|| Failure::usage(format!("`{id}` is not an operation")))?;
    let params = params::collect(api, operation, op_matches)?;
    // Operations without a path id or paging have no such argument.
    let path_id = op_matches
        .try_get_one::<String>(commands::ID)
        .ok()
        .flatten()
        .map(String::as_str);
    let all = op_matches
        .try_get_one::<bool>(commands::ALL)
        .ok()
        .flatten()
        .is_some_and(|all| *all);

    // Keeps an in-process emulator running while the call uses it.
    let (client, _emulator) = client(matches).await?;
    let mut out = std::io::stdout().lock();
    if all {
        return stream_all(&client, &id, path_id, params, &mut out).await;
    }
    let answer = client
        .call(&id, path_id, params)
        .await
        .map_err(Failure::from)?;
    print(&mut out, &answer, std::io::stdout().is_terminal())
}

/// Every entry of every page, one compact JSON line each, fetching a page at a time.
async fn stream_all(
    client: &Client,
    id: &str,
    path_id: Option<&str>,
    mut params: Value,
    out: &mut impl Write,
) -> Result<(), Failure> {
    loop {
        let page = client
            .call(id, path_id, params.clone())
            .await
            .map_err(Failure::from)?;
        for entry in page["list"].as_array().into_iter().flatten() {
            print(out, entry, false)?;
        }
        match page.get("next_offset").and_then(Value::as_str) {
            Some(next) if params["offset"].as_str() != Some(next) => {
                params["offset"] = Value::from(next);
            }
            Some(next) => {
                return Err(Failure::other(format!(
                    "the list repeated its next_offset `{}`; paging stopped",
                    next.escape_debug()
                )))
            }
            None => return Ok(()),
        }
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
    writeln!(out, "{text}").map_err(|e| Failure::other(format!("cannot write the answer: {e}")))
}

/// The client the global options and the environment ask for, and the emulator it calls
/// when `--emulator` is given.
async fn client(
    matches: &ArgMatches,
) -> Result<(Client, Option<chargebee_emulator::Emulator>), Failure> {
    if matches.get_flag(commands::EMULATOR) {
        let emulator = chargebee_emulator::Emulator::start()
            .await
            .map_err(|e| Failure::other(format!("cannot start the emulator: {e}")))?;
        let mut builder = emulator.client_builder();
        if let Some(connection) = matches.get_one::<String>(commands::CONNECTION) {
            builder = builder.connection(connection);
        }
        let client = builder.build().map_err(Failure::from)?;
        return Ok((client, Some(emulator)));
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut builder = match (
        env(chargebee::API_KEY_VAR),
        env(commands::SITE_VAR),
        env(commands::CHARGEBEE_KEY_VAR),
    ) {
        (Some(key), _, _) => Client::builder().maton_api_key(key),
        (None, Some(site), Some(key)) => Client::builder().direct(site, key),
        _ => {
            return Err(Failure::usage(format!(
                "no credentials: set {} (through the Maton gateway), or {} and {} (straight \
                 to Chargebee), or pass --emulator",
                chargebee::API_KEY_VAR,
                commands::SITE_VAR,
                commands::CHARGEBEE_KEY_VAR
            )))
        }
    };
    if let Some(url) = matches.get_one::<String>(commands::BASE_URL) {
        builder = builder.base_url(url);
    }
    if let Some(url) = matches.get_one::<String>(commands::CONTROL_URL) {
        builder = builder.control_base_url(url);
    }
    if let Some(connection) = matches.get_one::<String>(commands::CONNECTION) {
        builder = builder.connection(connection);
    }
    Ok((builder.build().map_err(Failure::from)?, None))
}
