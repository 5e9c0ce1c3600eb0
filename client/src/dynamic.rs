//! Any operation by its id, with parameters as JSON (feature `dynamic`): for tools that
//! decide at run time what to call, such as a command line. The parameters are read into the
//! operation's own params type, so unknown keys, wrong types and values outside an enum are
//! refused before anything is sent; the answer is decoded into the operation's response type
//! and handed back as JSON.
//!
//! ```no_run
//! # async fn run(client: chargebee::Client) -> Result<(), chargebee::Error> {
//! use serde_json::json;
//!
//! let created = client
//!     .call("customer.create", None, json!({"email": "ada@example.com"}))
//!     .await?;
//! let id = created["customer"]["id"].as_str().unwrap_or_default();
//! let fetched = client.call("customer.retrieve", Some(id), json!({})).await?;
//! # Ok(())
//! # }
//! ```

use crate::{Client, Error};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

impl Client {
    /// Calls `operation` (`resource.operation`, such as `customer.create`) with `id` as its
    /// path parameter, if it has one, and `params` in the shape the params type reads (the
    /// official SDKs' JSON shape). Resources whose Cargo feature is off are not callable.
    pub async fn call(
        &self,
        operation: &str,
        id: Option<&str>,
        params: Value,
    ) -> Result<Value, Error> {
        let unknown = || Error::InvalidArgument {
            param: "operation",
            message: format!(
                "`{operation}` is not an operation of this build (is its resource's feature on?)"
            ),
        };
        let (resource, name) = operation.split_once('.').ok_or_else(unknown)?;
        let id = id.map(str::to_string);
        crate::generated::call(self, resource, name, id, params)
            .await
            .ok_or_else(unknown)?
    }
}

/// `params` read into the operation's params type.
pub(crate) fn params<P: DeserializeOwned>(operation: &str, params: Value) -> Result<P, Error> {
    let params = if params.is_null() {
        Value::Object(Default::default())
    } else {
        params
    };
    serde_path_to_error::deserialize(params).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Error::InvalidArgument {
            param: "params",
            message: format!("{operation}{at}: {}", e.into_inner()),
        }
    })
}

/// Refuses parameters for an operation that takes none.
pub(crate) fn no_params(operation: &str, params: &Value) -> Result<(), Error> {
    match params {
        Value::Null => Ok(()),
        Value::Object(map) if map.is_empty() => Ok(()),
        other => Err(Error::InvalidArgument {
            param: "params",
            message: format!("{operation} takes no parameters, got {other}"),
        }),
    }
}

/// The path parameter an operation needs.
pub(crate) fn path_id(operation: &str, id: Option<String>) -> Result<String, Error> {
    id.ok_or_else(|| Error::InvalidArgument {
        param: "id",
        message: format!("{operation} needs the id of what it acts on"),
    })
}

/// Refuses a path parameter for an operation whose path has none.
pub(crate) fn no_path_id(operation: &str, id: &Option<String>) -> Result<(), Error> {
    match id {
        None => Ok(()),
        Some(id) => Err(Error::InvalidArgument {
            param: "id",
            message: format!("{operation} takes no id, got `{id}`"),
        }),
    }
}

/// The decoded answer as JSON.
pub(crate) fn answer<T: Serialize>(operation: &str, answer: &T) -> Result<Value, Error> {
    serde_json::to_value(answer).map_err(|e| Error::InvalidArgument {
        param: "answer",
        message: format!("{operation}: the decoded answer does not serialize: {e}"),
    })
}
