//! Maton's control API: the account's connections (`/connections`).

use crate::failure::Failure;
use crate::params::Params;
use crate::store::{Connection, Store};
use axum::http::StatusCode;
use chargebee_description::Operation;
use serde_json::{json, Value};

/// A connection as the control API shows it.
pub fn view(c: &Connection, base_url: &str) -> Value {
    json!({
        "connection_id": c.id,
        "status": c.status,
        "creation_time": c.created.to_string(),
        "last_updated_time": c.created.to_string(),
        "url": format!("{base_url}/connect/{}", c.id),
        "app": c.app,
        "metadata": {},
    })
}

fn not_found(id: &str) -> Failure {
    Failure::gateway(StatusCode::NOT_FOUND, format!("connection {id} not found"))
}

/// Serves one control operation.
pub fn run(
    store: &mut Store,
    op: &Operation,
    id: Option<&str>,
    params: &Params,
    base_url: &str,
    now: i64,
) -> Result<Value, Failure> {
    let id = id.unwrap_or_default();
    match op.name.as_str() {
        "list" => {
            let text = |key: &str| {
                params
                    .values
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let (app, status) = (text("app"), text("status"));
            let connections: Vec<Value> = store
                .connections
                .iter()
                .filter(|c| app.as_ref().is_none_or(|a| *a == c.app))
                .filter(|c| status.as_ref().is_none_or(|s| *s == c.status))
                .map(|c| view(c, base_url))
                .collect();
            Ok(json!({ "connections": connections }))
        }
        "create" => {
            let app = params
                .values
                .get("app")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let connection = Connection {
                id: store.new_id("connection"),
                app,
                status: "PENDING".into(),
                created: now,
            };
            let shown = view(&connection, base_url);
            store.connections.push(connection);
            Ok(json!({ "connection": shown }))
        }
        "retrieve" => {
            let c = store
                .connections
                .iter()
                .find(|c| c.id == id)
                .ok_or_else(|| not_found(id))?;
            Ok(json!({ "connection": view(c, base_url) }))
        }
        "delete" => {
            let before = store.connections.len();
            store.connections.retain(|c| c.id != id);
            if store.connections.len() == before {
                return Err(not_found(id));
            }
            Ok(json!({}))
        }
        other => Err(Failure::gateway(
            StatusCode::NOT_FOUND,
            format!("no control operation `{other}`"),
        )),
    }
}
