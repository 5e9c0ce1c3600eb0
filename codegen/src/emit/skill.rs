//! `SKILL.md`: what an AI agent needs to call Chargebee with this project's tools, written
//! from the description: how to reach the API, the product catalogs, the command line and
//! the MCP server, the everyday operations with their examples, and every resource.

use chargebee_description as d;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The skill file for `api`.
pub fn render(api: &d::Api) -> String {
    let mut out = String::new();
    let count = |catalog: d::Catalog| {
        api.operations
            .iter()
            .filter(|op| op.catalog == catalog)
            .count()
    };
    let _ = write!(
        out,
        "{HEAD}\n## Product catalogs\n\n\
         A Chargebee site runs Product Catalog 1.0 (plans and addons) or 2.0 (items of type \
         plan, addon or charge, sold through item prices). `chargebee configuration list` \
         shows the site's version. {} operations work on 1.0 sites only and {} on 2.0 sites \
         only (`*_for_items`, items, item prices); the other {} work on both. Help, \
         `chargebee schema` and the MCP tools say which.\n",
        count(d::Catalog::V1),
        count(d::Catalog::V2),
        count(d::Catalog::Both),
    );
    out.push_str(TOOLS);
    out.push_str(
        "\n## Everyday operations\n\nThe project's tests run each example against the emulator.\n",
    );
    for op in api.operations.iter().filter(|op| !op.examples.is_empty()) {
        let _ = write!(
            out,
            "\n### `{}`: {}\n\n`{} {}`{}{}\n\n```sh\n",
            op.id,
            op.doc,
            op.method.as_str(),
            op.path,
            match op.catalog {
                d::Catalog::V1 => ", Product Catalog 1.0 only",
                d::Catalog::V2 => ", Product Catalog 2.0 only",
                d::Catalog::Both => "",
            },
            if op.destructive { ", destructive" } else { "" },
        );
        for example in &op.examples {
            let _ = writeln!(out, "{example}");
        }
        out.push_str("```\n");
    }
    out.push_str(
        "\n## Every resource\n\n`chargebee schema RESOURCE` lists a resource's operations; \
         `chargebee schema RESOURCE OPERATION` describes one.\n\n\
         | resource | what it is | operations |\n| --- | --- | --- |\n",
    );
    let mut by_resource: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in &api.operations {
        by_resource
            .entry(op.resource.as_str())
            .or_default()
            .push(op.name.as_str());
    }
    for (resource, names) in by_resource {
        let doc = api.resource_doc(resource).unwrap_or_default();
        let _ = writeln!(out, "| `{resource}` | {doc} | {} |", names.join(", "));
    }
    out
}

/// How to reach the API.
const HEAD: &str = "---
name: chargebee
description: Call the Chargebee billing API v2 (customers, subscriptions, item prices, invoices, hosted checkout, portal sessions, and every other operation) through the Maton gateway or straight to Chargebee, with the `chargebee` command line or its MCP server. Generated from the spec; do not edit.
---

# Chargebee API v2

## Reaching the API

- **Through the Maton gateway**: `https://gateway.maton.ai/chargebee/api/v2/…` with the header
  `Authorization: Bearer $MATON_API_KEY`. The gateway allows 10 requests per second per
  account; the tools below wait their turn. With several Chargebee connections, the header
  `Maton-Connection: ID` (`--connection ID`, `MATON_CONNECTION`) picks one.
- **Connections** live at `https://ctrl.maton.ai/connections`: `chargebee connection list`
  shows them and their status; `chargebee connection create --app chargebee` starts one and
  prints the URL where the user signs in to Chargebee to authorize it. Calls work once it is
  `ACTIVE`.
- **Straight to Chargebee**: `https://{site}.chargebee.com/api/v2/…` with HTTP Basic, the API
  key as user name and an empty password: set `CHARGEBEE_SITE` and `CHARGEBEE_API_KEY`
  instead of `MATON_API_KEY`.
- Requests are forms (`billing_address[city]=Paris`, `subscription_items[item_price_id][0]=…`);
  answers are JSON. Lists take `limit` (at most 100) and answer `next_offset` while more
  follow. Amounts are in the currency's minor unit (4900 is 49.00); times are Unix seconds.
  Errors are JSON with `api_error_code`, `message` and, when one parameter is at fault,
  `param`.
";

/// The command line and the MCP server.
const TOOLS: &str = "
## The command line

`chargebee RESOURCE OPERATION [ID] [--flags]` calls any operation: `chargebee customer create
--email ada@example.com`. Flags follow the parameters' JSON shape, one dot per level
(`--billing_address.city Paris`; `--subscription_items.item_price_id X`, once per entry;
filters `--created_at.after 2026-01-01`, `--status.in active --status.in paused`); `--json
'{…}'` (or `@file`, or `-` for stdin) takes any parameter in the official SDKs' JSON shape.
Times take Unix seconds or ISO 8601.

- `chargebee RESOURCE OPERATION --help`: what it does, its catalog, whether it is
  destructive, every flag, examples.
- `chargebee schema [RESOURCE [OPERATION]]`: the same as JSON, parameters as JSON Schema.
- `--dry-run` prints the HTTP request (key redacted) and sends nothing; `--fields a.b,c`
  keeps only those paths of the answer; `--all` streams every page as NDJSON.
- `--json-errors` writes a failure as JSON on stderr: `kind`, `exit_code`, `message`,
  `api_error`, `param` and `flag` (the parameter at fault and the flag that sets it); a rate
  limit adds `attempts` and `retry_after` (seconds to wait, when the server said). Exit codes: 0 done,
  1 other, 2 usage, 3 API error, 4 authentication (the key refused), 5 rate limited, 6 network or
  timeout, 7 carried out but the answer does not decode (retry only with the printed
  `--idempotency-key`), 8 no usable Maton connection (authorize one).
- `chargebee batch` runs NDJSON operations from stdin
  (`{\"operation\": \"customer.create\", \"params\": {…}}`) under one rate limiter, one NDJSON
  result per line: use it rather than parallel processes.
- `chargebee api METHOD PATH --json '{…}'` reaches an endpoint newer than the tool.
- `--emulator` runs against an in-process emulator of Chargebee (no key, no network);
  `--emulator-state FILE` keeps its state between commands.

## The MCP server

`chargebee mcp` serves every operation over stdio through five tools: `search_operations`
(plain words to operations), `describe_operation` (parameters as JSON Schema),
`call_operation` (parameters as JSON; `dry_run`, `connection`, `idempotency_key`, `limit`,
`fields`), `list_connections` and `start_connection`. It runs read-only operations unless
started with `--allow-writes` (or `--allow OPERATION`); destructive ones also need
`--allow-destructive`. Client configuration: `{\"command\": \"chargebee\", \"args\": [\"mcp\"],
\"env\": {\"MATON_API_KEY\": \"…\"}}`.
";
