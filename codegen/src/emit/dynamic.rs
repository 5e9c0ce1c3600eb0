//! Calls by operation id with JSON parameters (the client's `dynamic` feature): each resource
//! module gets a dispatcher over its operations, and the module index one over the modules.
//! The parameters are read into the operation's own params type and the answer decoded into
//! its own response type, so a dynamic call encodes and decodes exactly as the typed one.

use crate::model::{Api, Resource};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The dispatcher of one resource module, or nothing when it has no operations.
pub fn module_dispatcher(res: &Resource) -> TokenStream {
    if res.accessor.is_none() || res.operations.is_empty() {
        return quote!();
    }
    let arms = res.operations.iter().map(|op| {
        let name = &op.name;
        let id = &op.id;
        let request = format_ident!("{}Request", op.pascal);
        let (path_check, path_field) = match op.path_param() {
            Some(p) => {
                let p = format_ident!("{}", p);
                (quote!(), quote!(#p: crate::dynamic::path_id(#id, id)?,))
            }
            None => (quote!(crate::dynamic::no_path_id(#id, &id)?;), quote!()),
        };
        let (params_check, params_field) = if super::operations::has_params(op) {
            (
                quote!(),
                quote!(params: crate::dynamic::params(#id, params)?,),
            )
        } else {
            (quote!(crate::dynamic::no_params(#id, &params)?;), quote!())
        };
        quote! {
            #name => async move {
                #path_check
                #params_check
                let request = #request {
                    client: client.clone(),
                    options: Default::default(),
                    #path_field
                    #params_field
                };
                crate::dynamic::answer(#id, &request.send().await?)
            }.await,
        }
    });
    quote! {
        /// Calls this resource's operation `name` with JSON parameters; `None` when it has no
        /// operation of that name.
        #[cfg(feature = "dynamic")]
        pub(crate) async fn call(
            client: &Client,
            name: &str,
            id: Option<String>,
            params: serde_json::Value,
        ) -> Option<Result<serde_json::Value, Error>> {
            let result = match name {
                #(#arms)*
                _ => return None,
            };
            Some(result)
        }
    }
}

/// The dispatcher over every resource module with operations, for the module index.
pub fn index_dispatcher(api: &Api) -> TokenStream {
    let arms = api
        .resources
        .iter()
        .filter(|r| r.accessor.is_some() && !r.operations.is_empty())
        .map(|r| {
            let module = &r.module;
            let m = format_ident!("{}", r.module);
            quote! {
                #[cfg(feature = #module)]
                #module => Box::pin(#m::call(client, name, id, params)).await,
            }
        });
    quote! {
        /// Calls operation `name` of `resource` with JSON parameters; `None` when no compiled
        /// module has it.
        #[cfg(feature = "dynamic")]
        pub(crate) async fn call(
            client: &crate::Client,
            resource: &str,
            name: &str,
            id: Option<String>,
            params: serde_json::Value,
        ) -> Option<Result<serde_json::Value, crate::Error>> {
            match resource {
                #(#arms)*
                _ => None,
            }
        }
    }
}
