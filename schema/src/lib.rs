//! How each operation of the [`chargebee`](https://docs.rs/chargebee) crate travels: its
//! HTTP method, the API that serves it and where its parameters go. `chargebee` re-exports
//! what users need: use that crate.
//!
//! These are the one definition of these facts in the project: the generator reads the spec
//! into them, the API description (`api.json`) writes them with the spellings below, and the
//! client, the emulator and the command line match on them. The crate is hand-written and
//! small, so the generator can depend on it without depending on the code it generates.

use serde::{Deserialize, Serialize};

/// The HTTP methods Chargebee's API v2 and the Maton control API use.
///
/// Not `#[non_exhaustive]`: code that sends or serves a request matches on every method, and a
/// method added here should fail to compile wherever it is not handled yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the wire: `GET`, `POST`, `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// The method written `text` on the wire (`GET`, `POST`, `DELETE`; upper case only, as
    /// the spec and the reference write them).
    pub fn parse(text: &str) -> Option<HttpMethod> {
        [HttpMethod::Get, HttpMethod::Post, HttpMethod::Delete]
            .into_iter()
            .find(|method| method.as_str() == text)
    }
}

/// The API that serves an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiBase {
    /// Chargebee API v2, directly or through the Maton gateway.
    Chargebee,
    /// The Maton control API (connections).
    Control,
}

/// Where an operation's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// In the query string.
    Query,
    /// As an `application/x-www-form-urlencoded` body.
    Form,
    /// As a JSON body.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_spelled_as_on_the_wire() {
        for (method, text) in [
            (HttpMethod::Get, "GET"),
            (HttpMethod::Post, "POST"),
            (HttpMethod::Delete, "DELETE"),
        ] {
            assert_eq!(method.as_str(), text);
            assert_eq!(HttpMethod::parse(text), Some(method));
            assert_eq!(
                serde_json::to_string(&method).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn only_the_upper_case_names_are_methods() {
        for text in ["get", "Post", "PUT", "", "GET "] {
            assert_eq!(HttpMethod::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn bases_and_bodies_are_spelled_as_in_the_api_description() {
        let json = serde_json::to_string(&[ApiBase::Chargebee, ApiBase::Control]).unwrap();
        assert_eq!(json, r#"["chargebee","control"]"#);
        let json = serde_json::to_string(&[BodyKind::Query, BodyKind::Form, BodyKind::Json]);
        assert_eq!(json.unwrap(), r#"["query","form","json"]"#);
    }
}
