//! Enums: one variant per wire value and an `Unknown` catch-all, so a value Chargebee adds
//! later decodes instead of failing.

use super::types::{doc, Imports};
use crate::model::EnumDef;
use crate::names::UNKNOWN_VARIANT;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit_enum(def: &EnumDef, imports: &mut Imports) -> TokenStream {
    imports.runtime("ApiEnum");
    let name = format_ident!("{}", def.name);
    let type_doc = doc(def.doc.as_deref().unwrap_or(&format!(
        "Values of `{}`; values added to the API later decode as `{UNKNOWN_VARIANT}`.",
        def.name
    )));
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let variants = def.variants.iter().map(|(v, wire)| {
        let v = format_ident!("{}", v);
        let d = doc(&format!("`{wire}`"));
        quote!(#d #v,)
    });
    let to_wire = def.variants.iter().map(|(v, wire)| {
        let v = format_ident!("{}", v);
        quote!(Self::#v => #wire,)
    });
    let known = def.variants.iter().map(|(v, wire)| {
        let v = format_ident!("{}", v);
        let wire = proc_macro2::Literal::byte_string(wire.as_bytes());
        quote!(#wire => Self::#v,)
    });
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as sent.
            #unknown(String),
        }
        impl ApiEnum for #name {
            fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
            fn known(value: &[u8]) -> Option<Self> {
                Some(match value {
                    #(#known)*
                    _ => return None,
                })
            }
            fn unknown(value: String) -> Self {
                Self::#unknown(value)
            }
        }
        crate::api_enum_traits!(#name);
    }
}
