//! `chargebee mcp`: a Model Context Protocol server over stdio, serving every operation of
//! the spec to AI agents through five tools (find, describe, call, and the Maton
//! connections), under a policy of what it may change.

mod policy;
mod search;
mod tools;

pub use policy::Policy;

use chargebee::Client;
use chargebee_description::Api;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use std::sync::Arc;

/// What the server tells a client about itself when it connects.
const INSTRUCTIONS: &str = "Chargebee API v2, every operation. Find the operation for a task \
    with search_operations, read its parameters with describe_operation, then run it with \
    call_operation (dry_run shows the request first). A site runs Product Catalog 1.0 (plans, \
    addons) or 2.0 (items, item prices): prefer the operations of the site's catalog. Errors \
    name the parameter at fault (`param`, and `flag`).";

/// The server: the API description, the client calls go through, and what it may change.
struct Server {
    api: &'static Api,
    client: Client,
    policy: Policy,
    tools: Vec<Tool>,
}

impl Server {
    fn new(api: &'static Api, client: Client, policy: Policy) -> Self {
        let tools = tools::tools(api)
            .into_iter()
            .map(|spec| {
                let schema = match spec.input {
                    serde_json::Value::Object(schema) => schema,
                    _ => serde_json::Map::new(),
                };
                Tool::new(spec.name, spec.description, Arc::new(schema)).with_annotations(
                    ToolAnnotations::new()
                        .read_only(spec.read_only)
                        .destructive(!spec.read_only && policy.destructive),
                )
            })
            .collect();
        Server {
            api,
            client,
            policy,
            tools,
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("chargebee", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let context = tools::Context {
            api: self.api,
            client: &self.client,
            policy: &self.policy,
        };
        let args = request.arguments.unwrap_or_default();
        let answer = context.run(&request.name, &args).await;
        let content = vec![ContentBlock::text(answer.value.to_string())];
        Ok(if answer.is_error {
            CallToolResult::error(content)
        } else {
            CallToolResult::success(content)
        }
        .into())
    }
}

/// Serves `client` to the MCP client on stdin and stdout until it disconnects.
pub async fn serve(api: &'static Api, client: Client, policy: Policy) -> Result<(), String> {
    let running = Server::new(api, client, policy)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("the MCP session did not start: {e}"))?;
    running
        .waiting()
        .await
        .map(|_| ())
        .map_err(|e| format!("the MCP session failed: {e}"))
}
