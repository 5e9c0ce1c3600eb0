//! The server's tools: finding operations, describing one, calling one, and the Maton
//! connections. Every answer is one JSON text; a failure is a tool error whose JSON names
//! what went wrong (for Chargebee's errors, the parameter at fault and its command-line flag).

use super::policy::Policy;
use super::search::search;
use crate::fields::select;
use chargebee::{ApiEnum, Client, Error};
use chargebee_description::{Api, Catalog, Operation};
use serde_json::{json, Map, Value};

/// The tools' names.
pub const SEARCH: &str = "search_operations";
pub const DESCRIBE: &str = "describe_operation";
pub const CALL: &str = "call_operation";
pub const LIST_CONNECTIONS: &str = "list_connections";
pub const START_CONNECTION: &str = "start_connection";

/// Entries a page holds when `call_operation` is not given a `limit`.
const DEFAULT_LIMIT: u64 = 10;

/// One tool: its name, what it does, its input's JSON Schema, and whether it only reads.
pub struct ToolSpec {
    pub name: &'static str,
    pub description: String,
    pub input: Value,
    pub read_only: bool,
}

/// The tools, in the order they are listed.
pub fn tools(api: &Api) -> Vec<ToolSpec> {
    let params_of = |id: &str| {
        api.operation(id)
            .map(|op| api.params_schema(op))
            .unwrap_or_else(|| json!({"type": "object"}))
    };
    vec![
        ToolSpec {
            name: SEARCH,
            description: format!(
                "Find Chargebee API v2 operations ({} of them) by plain words (\"cancel \
                 subscription\", \"invoice pdf\"): each match with its one-line doc, method, \
                 path, product catalog (1.0: plans and addons; 2.0: items and item prices), \
                 and whether it is read-only, destructive and allowed on this server.",
                api.operations.len()
            ),
            input: json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Words describing the task."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50,
                              "description": "Most matches to return (default 10)."},
                    "catalog": {"type": "string", "enum": ["1.0", "2.0"],
                                "description": "Only the operations a site of this product catalog version has."},
                },
                "required": ["query"],
                "additionalProperties": false,
            }),
            read_only: true,
        },
        ToolSpec {
            name: DESCRIBE,
            description: "Describe one operation before calling it: what it does, its \
                          catalog, whether it changes data or is destructive, its path \
                          parameter, paging, idempotency, its parameters as JSON Schema \
                          (types, required, enum values, lengths, filters and their \
                          operators, custom fields cf_*) and the keys of its answer."
                .into(),
            input: json!({
                "type": "object",
                "properties": {
                    "operation": {"type": "string",
                                  "description": "`resource.operation`, as search_operations gives it: `customer.create`."},
                },
                "required": ["operation"],
                "additionalProperties": false,
            }),
            read_only: true,
        },
        ToolSpec {
            name: CALL,
            description: "Call one operation with its parameters in the official SDKs' JSON \
                          shape (as describe_operation's schema gives them). Read-only \
                          operations always run; others only if this server allows them. \
                          `dry_run` shows the HTTP request without sending it. Lists answer \
                          `limit` entries per page with `next_offset` to pass as `offset` for \
                          the next; `fields` keeps only the dotted paths named."
                .into(),
            input: json!({
                "type": "object",
                "properties": {
                    "operation": {"type": "string", "description": "`resource.operation`: `customer.create`."},
                    "id": {"type": "string", "description": "The path parameter, for operations that have one (`customer_id` of `/customers/{customer_id}`)."},
                    "params": {"type": "object", "description": "The parameters, as describe_operation's schema."},
                    "dry_run": {"type": "boolean", "description": "Show the request (credentials redacted) instead of sending it."},
                    "connection": {"type": "string", "description": "The Maton connection to call through, instead of the server's."},
                    "idempotency_key": {"type": "string", "description": "Chargebee acts once per key: reuse it to retry a write safely."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Entries per page of a list (default 10)."},
                    "fields": {"type": "array", "items": {"type": "string"}, "description": "Dotted paths to keep in the answer (of each entry of a list): `customer.id`."},
                },
                "required": ["operation"],
                "additionalProperties": false,
            }),
            read_only: false,
        },
        ToolSpec {
            name: LIST_CONNECTIONS,
            description: "List your Maton connections (the Chargebee sites calls can reach), \
                          with their status."
                .into(),
            input: params_of("connection.list"),
            read_only: true,
        },
        ToolSpec {
            name: START_CONNECTION,
            description: "Start a Maton connection to a Chargebee site: the answer's \
                          authorization URL is where the user signs in to Chargebee to \
                          authorize it; calls can use it once it is active."
                .into(),
            input: params_of("connection.create"),
            read_only: false,
        },
    ]
}

/// What a tool answered: JSON, and whether it is an error.
pub struct Answer {
    pub value: Value,
    pub is_error: bool,
}

impl Answer {
    fn ok(value: Value) -> Self {
        Answer {
            value,
            is_error: false,
        }
    }

    /// An error of `kind` saying `message`, with more keys from `details`.
    fn error(kind: &str, message: impl Into<String>, details: Value) -> Self {
        let mut error = json!({"kind": kind, "message": message.into()});
        if let (Some(error), Value::Object(details)) = (error.as_object_mut(), details) {
            error.extend(details);
        }
        Answer {
            value: json!({ "error": error }),
            is_error: true,
        }
    }
}

/// What the tools act with.
pub struct Context<'a> {
    pub api: &'a Api,
    pub client: &'a Client,
    pub policy: &'a Policy,
}

impl Context<'_> {
    /// Runs tool `name` with `args`.
    pub async fn run(&self, name: &str, args: &Map<String, Value>) -> Answer {
        match name {
            SEARCH => self.search(args),
            DESCRIBE => match self.operation(args) {
                Ok(op) => {
                    let mut described = self.api.describe(op);
                    described["allowed"] = json!(self.policy.refusal(op).is_none());
                    Answer::ok(described)
                }
                Err(answer) => answer,
            },
            CALL => self.call(args).await,
            LIST_CONNECTIONS => self.connection("connection.list", args).await,
            START_CONNECTION => self.connection("connection.create", args).await,
            other => Answer::error(
                "unknown_tool",
                format!("no tool `{other}`"),
                json!({"allowed": [SEARCH, DESCRIBE, CALL, LIST_CONNECTIONS, START_CONNECTION]}),
            ),
        }
    }

    fn search(&self, args: &Map<String, Value>) -> Answer {
        let Some(query) = args.get("query").and_then(Value::as_str) else {
            return missing("query");
        };
        let limit = args
            .get("limit")
            .and_then(Value::as_u64)
            .unwrap_or(10)
            .clamp(1, 50);
        let catalog = match args.get("catalog").and_then(Value::as_str) {
            None => None,
            Some("1.0") => Some(Catalog::V1),
            Some("2.0") => Some(Catalog::V2),
            Some(other) => {
                return Answer::error(
                    "invalid_argument",
                    format!("`catalog` is \"1.0\" or \"2.0\", not `{other}`"),
                    json!({"param": "catalog", "allowed": ["1.0", "2.0"]}),
                )
            }
        };
        let found: Vec<Value> = search(self.api, query, catalog, limit as usize)
            .into_iter()
            .map(|op| {
                json!({
                    "operation": op.id,
                    "doc": op.doc,
                    "method": op.method.as_str(),
                    "path": op.path,
                    "catalog": op.catalog.as_str(),
                    "read_only": op.read_only(),
                    "destructive": op.destructive,
                    "allowed": self.policy.refusal(op).is_none(),
                })
            })
            .collect();
        Answer::ok(json!({ "operations": found }))
    }

    /// The operation `args` names, or the error naming the closest ones.
    fn operation(&self, args: &Map<String, Value>) -> Result<&Operation, Answer> {
        let Some(id) = args.get("operation").and_then(Value::as_str) else {
            return Err(missing("operation"));
        };
        self.api.operation(id).ok_or_else(|| {
            let mut near: Vec<(f64, &str)> = self
                .api
                .operations
                .iter()
                .map(|op| (strsim::jaro_winkler(id, &op.id), op.id.as_str()))
                .collect();
            near.sort_by(|a, b| b.0.total_cmp(&a.0));
            let suggestions: Vec<&str> = near.iter().take(3).map(|(_, id)| *id).collect();
            Answer::error(
                "unknown_operation",
                format!("no operation `{id}`: find one with {SEARCH}"),
                json!({"suggestions": suggestions}),
            )
        })
    }

    async fn call(&self, args: &Map<String, Value>) -> Answer {
        let op = match self.operation(args) {
            Ok(op) => op,
            Err(answer) => return answer,
        };
        let dry_run = args.get("dry_run").and_then(Value::as_bool) == Some(true);
        // A dry run sends nothing, so it is shown whatever the operation does.
        if !dry_run {
            if let Some(refusal) = self.policy.refusal(op) {
                return Answer::error("not_allowed", refusal, json!({"operation": op.id}));
            }
        }
        let mut params = args.get("params").cloned().unwrap_or(json!({}));
        if !params.is_object() {
            return Answer::error(
                "invalid_argument",
                "`params` is an object of the operation's parameters",
                json!({"param": "params"}),
            );
        }
        if op.pages() && params.get("limit").is_none() {
            let limit = args
                .get("limit")
                .and_then(Value::as_u64)
                .unwrap_or(DEFAULT_LIMIT);
            params["limit"] = json!(limit.clamp(1, 100));
        }
        let client = match args.get("connection").and_then(Value::as_str) {
            Some(connection) => match self.client.with_connection(connection) {
                Ok(client) => client,
                Err(e) => return failure(&e),
            },
            None => self.client.clone(),
        };
        let mut call = client.dynamic(op.id.clone()).params(params);
        if let Some(id) = args.get("id").and_then(Value::as_str) {
            call = call.id(id);
        } else if let Some(name) = op.path_parameter() {
            return Answer::error(
                "invalid_argument",
                format!("`{}` needs `id`: its {name}", op.id),
                json!({"param": "id", "missing": [name]}),
            );
        }
        if let Some(key) = args.get("idempotency_key").and_then(Value::as_str) {
            call = call.idempotency_key(key);
        }
        if dry_run {
            return match call.dry_run() {
                Ok(request) => Answer::ok(json!({
                    "dry_run": true,
                    "method": request.method.as_str(),
                    "url": request.url,
                    "headers": request.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                    "body": request.body,
                })),
                Err(e) => failure(&e),
            };
        }
        match call.send().await {
            Ok(answer) => {
                let fields: Vec<&str> = args
                    .get("fields")
                    .and_then(Value::as_array)
                    .map(|f| f.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                Answer::ok(select(answer, &fields))
            }
            Err(e) => failure(&e),
        }
    }

    async fn connection(&self, operation: &str, args: &Map<String, Value>) -> Answer {
        match self
            .client
            .dynamic(operation)
            .params(Value::Object(args.clone()))
            .send()
            .await
        {
            Ok(answer) => Answer::ok(answer),
            Err(e) => failure(&e),
        }
    }
}

fn missing(key: &str) -> Answer {
    Answer::error(
        "invalid_argument",
        format!("`{key}` is required"),
        json!({"param": key, "missing": [key]}),
    )
}

/// A client or API error, with what a model needs to correct the call: Chargebee's code and
/// parameter (as its command-line flag too), and whether trying again later may succeed.
fn failure(error: &Error) -> Answer {
    let mut details = json!({
        "status": error.status(),
        "retryable": error.is_rate_limited() || matches!(error.kind(), "transport" | "timeout" | "deadline"),
    });
    if let Error::Api { error: api, .. } = error {
        details["api_error_code"] = json!(api.api_error_code.as_ref().map(ApiEnum::as_str));
        details["type"] = json!(api.error_type.as_ref().map(ApiEnum::as_str));
    }
    if let Some(details) = details.as_object_mut() {
        details.extend(crate::exit::remedy(error));
    }
    Answer::error(error.kind(), error.to_string(), details)
}
