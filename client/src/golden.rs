//! The generator's output for its fixture spec (`codegen/tests/fixtures/spec`), stored once
//! here, as written: `cargo test -p chargebee-codegen --test snapshots` checks every file
//! against what the generator writes now. Its resource modules are compiled with this crate's
//! tests under `deny(warnings)`: a construct of the fixture that the real spec does not use
//! yet must compile cleanly too. Each part's `mod.rs` and `features.toml` are compared, not
//! compiled: they name the three real crates, so the modules below stand in for them.
#![deny(warnings)]

// Printed by prettyplease, as generated: rustfmt leaves them alone. One module per crate the
// generated code is split into, each naming the others as the crates' `generated` modules do.

/// The models part (`chargebee-types`).
pub mod types {
    #[rustfmt::skip]
    pub mod enums;
    #[rustfmt::skip]
    pub mod gadget;
    #[rustfmt::skip]
    pub mod widget;
}

/// The params part (`chargebee-params`).
pub mod params {
    use super::types as models;
    #[rustfmt::skip]
    pub mod objects;
    #[rustfmt::skip]
    pub mod operators;
    #[rustfmt::skip]
    pub mod gadget;
    #[rustfmt::skip]
    pub mod widget;
}

/// The requests (`chargebee`).
pub mod client {
    use super::params;
    use super::types as models;
    pub use models::enums;
    pub use params::objects;
    pub use params::operators;
    #[rustfmt::skip]
    pub mod gadget;
    #[rustfmt::skip]
    pub mod widget;
}

/// The fixture's operations through their dispatchers, shown and not sent: the request each
/// makes, to the byte.
#[cfg(all(test, feature = "dynamic"))]
mod tests {
    use crate::dynamic::{Action, Args, Outcome};
    use crate::transport::CallOptions;
    use crate::{Client, HttpRequest};
    use serde_json::{json, Value};

    fn client() -> Client {
        Client::builder().maton_api_key("k").build().unwrap()
    }

    fn args(id: Option<&str>, params: Value) -> Args {
        Args {
            id: id.map(str::to_string),
            params,
            options: CallOptions::default(),
        }
    }

    fn shown(outcome: Option<Result<Outcome, crate::Error>>) -> (HttpRequest, bool) {
        match outcome {
            Some(Ok(Outcome::Shown(request, pages))) => (request, pages),
            Some(Ok(Outcome::Answer(..))) => panic!("sent instead of shown"),
            Some(Err(e)) => panic!("{e}"),
            None => panic!("no such operation"),
        }
    }

    #[tokio::test]
    async fn a_form_with_every_parameter_form() {
        let params = json!({
            "name": "w",
            "channel": "app_store",
            "meta_data": {"k": 1},
            "dimensions": {"width": 3},
            "parts": [{"part_id": "p1", "quantity": 2}, {"part_id": "p2"}],
            "labels": ["a", "b"],
        });
        let client = client();
        let call = super::client::widget::call(
            &client,
            "create_for_gadget",
            args(Some("g/1"), params),
            Action::Show,
        );
        let (request, pages) = shown(call.await);
        assert!(!pages);
        assert_eq!(
            request.url,
            "https://gateway.maton.ai/chargebee/api/v2/gadgets/g%2F1/widgets"
        );
        assert_eq!(
            request.body.as_deref(),
            Some(
                "name=w&channel=app_store&meta_data=%7B%22k%22%3A1%7D&dimensions%5Bwidth%5D=3\
                 &parts%5Bpart_id%5D%5B0%5D=p1&parts%5Bquantity%5D%5B0%5D=2\
                 &parts%5Bpart_id%5D%5B1%5D=p2&labels%5B0%5D=a&labels%5B1%5D=b"
            )
        );
    }

    #[tokio::test]
    async fn a_json_body_to_the_control_api() {
        let params = json!({"label": "desk", "sold_through": "web"});
        let client = client();
        let call =
            super::client::gadget::call(&client, "register", args(None, params), Action::Show);
        let (request, _) = shown(call.await);
        assert_eq!(request.url, "https://ctrl.maton.ai/gadgets");
        assert_eq!(
            request.body.as_deref(),
            Some(r#"{"label":"desk","sold_through":"web"}"#)
        );
        let unknown =
            super::client::gadget::call(&client, "rename", args(None, json!({})), Action::Show);
        assert!(unknown.await.is_none());
    }
}
