//! `chargebee batch`: operations as NDJSON on stdin, one per line, run in one process through
//! one client (so one rate limiter, instead of processes fighting over the 10 requests per
//! second of the gateway), a few at a time; one NDJSON result per line on stdout, in the
//! order of the input.
//!
//! A line is `{"operation": "customer.create", "id": …, "params": {…}, "idempotency_key": …,
//! "dry_run": …}`; its result `{"line": N, "operation": …, "answer": {…}}` or
//! `{"line": N, "operation": …, "error": {…}}` (as `--json-errors` writes failures).

use crate::exit::Failure;
use chargebee::Client;
use chargebee_description::Api;
use futures::StreamExt;
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Duration;

/// Calls in flight at once; the rate limiter spaces them.
const IN_FLIGHT: usize = 8;

/// Runs every line of `input`, writing each result to `out`. The exit code's failure is the
/// first line's that failed, if any.
pub async fn run(
    api: &Api,
    client: &Client,
    input: impl BufRead,
    out: &mut impl Write,
    timeout: Option<Duration>,
    dry_run: bool,
) -> Result<(), Failure> {
    let lines: Vec<(usize, String)> = input
        .lines()
        .enumerate()
        .map(|(n, line)| {
            line.map(|text| (n + 1, text))
                .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let calls = lines
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(n, text)| async move { (n, one(api, client, &text, timeout, dry_run).await) });
    let mut results = futures::stream::iter(calls).buffered(IN_FLIGHT);
    let mut first_failure: Option<Failure> = None;
    while let Some((n, (operation, outcome))) = results.next().await {
        let line = match outcome {
            Ok(answer) => json!({"line": n, "operation": operation, "answer": answer}),
            Err(failure) => {
                let line = json!({"line": n, "operation": operation,
                                  "error": failure.to_json()["error"]});
                first_failure.get_or_insert(failure);
                line
            }
        };
        writeln!(out, "{line}").map_err(crate::write_failure)?;
    }
    match first_failure {
        None => Ok(()),
        Some(failure) => Err(Failure {
            message: format!("a line failed: {}", failure.message),
            ..failure
        }),
    }
}

/// Runs one line: the operation it names (or `null`) and its answer or failure.
async fn one(
    api: &Api,
    client: &Client,
    text: &str,
    timeout: Option<Duration>,
    dry_run: bool,
) -> (Value, Result<Value, Failure>) {
    let line: Value = match serde_json::from_str(text) {
        Ok(line @ Value::Object(_)) => line,
        Ok(_) => {
            return (
                Value::Null,
                Err(Failure::usage("a line is one JSON object")),
            )
        }
        Err(e) => return (Value::Null, Err(Failure::usage(format!("not JSON: {e}")))),
    };
    let operation = line["operation"].clone();
    let Some(id) = operation.as_str() else {
        return (
            operation,
            Err(Failure::usage(
                "`operation` names the operation: `customer.create`",
            )),
        );
    };
    if api.operation(id).is_none() {
        return (
            operation.clone(),
            Err(Failure::usage(format!("`{id}` is not an operation"))),
        );
    }
    let mut call = client.dynamic(id).params(line["params"].clone());
    if let Some(path_id) = line["id"].as_str() {
        call = call.id(path_id);
    }
    if let Some(key) = line["idempotency_key"].as_str() {
        call = call.idempotency_key(key);
    }
    if let Some(timeout) = timeout {
        call = call.timeout(timeout);
    }
    let outcome = if dry_run || line["dry_run"] == json!(true) {
        call.dry_run()
            .map(|request| json!({"dry_run": request.to_string()}))
            .map_err(Failure::from)
    } else {
        call.send().await.map_err(Failure::from)
    };
    (operation, outcome)
}
