//! Calls by operation id with JSON parameters (the client's `dynamic` feature): each resource
//! module gets a dispatcher over its operations, and the module index one over the modules.
//! The parameters are read into the operation's own params type and the answer decoded into
//! its own response type, so a dynamic call encodes and decodes exactly as the typed one.

use crate::model::{Api, Resource};
use heck::ToShoutySnakeCase;
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
        let request = format_ident!("{}", op.request_type());
        let constant = format_ident!("{}", op.name.to_shouty_snake_case());
        let pages = op.pages();
        let (path_check, path_id) = match op.path_param() {
            Some(_) => (
                quote!(),
                quote!(Some(crate::dynamic::path_id(#id, args.id)?)),
            ),
            None => (
                quote!(crate::dynamic::no_path_id(#id, &args.id)?;),
                quote!(None),
            ),
        };
        let (params_check, params) = if super::operations::has_params(op) {
            (quote!(), quote!(crate::dynamic::params(#id, args.params)?))
        } else {
            (
                quote!(crate::dynamic::no_params(#id, &args.params)?;),
                quote!(()),
            )
        };
        quote! {
            #name => async move {
                #path_check
                #params_check
                let request: #request = crate::Request::new(client, &#constant, #path_id, #params)
                    .with_options(args.options);
                match action {
                    crate::dynamic::Action::Send => {
                        crate::dynamic::answered(#id, request.send_with_info().await?)
                    }
                    crate::dynamic::Action::Show => {
                        Ok(crate::dynamic::Outcome::Shown(request.show()?, #pages))
                    }
                }
            }.await,
        }
    });
    quote! {
        /// Sends, or shows, this resource's operation `name` with JSON parameters; `None`
        /// when it has no operation of that name.
        #[cfg(feature = "dynamic")]
        pub(crate) async fn call(
            client: &Client,
            name: &str,
            args: crate::dynamic::Args,
            action: crate::dynamic::Action,
        ) -> Option<Result<crate::dynamic::Outcome, crate::Error>> {
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
                #module => Box::pin(#m::call(client, name, args, action)).await,
            }
        });
    quote! {
        /// Sends, or shows, operation `name` of `resource` with JSON parameters; `None` when
        /// no compiled module has it.
        #[cfg(feature = "dynamic")]
        pub(crate) async fn call(
            client: &crate::Client,
            resource: &str,
            name: &str,
            args: crate::dynamic::Args,
            action: crate::dynamic::Action,
        ) -> Option<Result<crate::dynamic::Outcome, crate::Error>> {
            match resource {
                #(#arms)*
                _ => None,
            }
        }
    }
}
