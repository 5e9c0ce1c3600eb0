//! Structs decoded from responses: resources and their nested sub-objects.

use super::types::{doc, ident, rust_type, Imports};
use crate::model::{Field, Resource, StructDef, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The resource struct itself, with its extra keys when the spec allows them.
pub fn emit_resource(res: &Resource, imports: &mut Imports) -> TokenStream {
    let def = StructDef {
        name: res.name.clone(),
        doc: Some(
            res.doc
                .clone()
                .unwrap_or_else(|| format!("A Chargebee `{}` object.", res.module)),
        ),
        fields: res.fields.clone(),
    };
    emit_model_struct(&def, res.extra_keys, imports)
}

/// A struct decoded from (and encodable back to) Chargebee's JSON.
pub fn emit_model_struct(def: &StructDef, extra_keys: bool, imports: &mut Imports) -> TokenStream {
    imports.serde("Deserialize");
    imports.serde("Serialize");
    let name = format_ident!("{}", def.name);
    let type_doc = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("The `{}` sub-object.", def.name)));
    let fields: Vec<_> = def.fields.iter().map(|f| model_field(f, imports)).collect();
    let (extra, extra_impl) = if extra_keys {
        imports.runtime("CustomFields");
        let extra = quote! {
            /// Keys the spec does not name, custom fields (`cf_*`) among them.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        };
        let extra_impl = quote! {
            impl CustomFields for #name {
                fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value> {
                    &self.extra
                }
            }
        };
        (extra, extra_impl)
    } else {
        (quote!(), quote!())
    };
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #extra_impl
    }
}

fn model_field(f: &Field, imports: &mut Imports) -> TokenStream {
    let id = ident(&f.ident);
    let ty = rust_type(&f.ty, imports);
    let d = doc(&field_doc(f));
    let rename = rename_attr(f);
    if f.required {
        quote!(#d #rename pub #id: #ty,)
    } else {
        quote! {
            #d
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #id: Option<#ty>,
        }
    }
}

/// `#[serde(rename)]` when the identifier is raw (`r#type` → `type`).
pub fn rename_attr(f: &Field) -> TokenStream {
    if f.ident.starts_with("r#") {
        let wire = &f.wire;
        quote!(#[serde(rename = #wire)])
    } else {
        quote!()
    }
}

/// The doc line of a field: the spec's text, else its wire name and kind.
pub fn field_doc(f: &Field) -> String {
    if let Some(d) = &f.doc {
        return d.clone();
    }
    let kind = match &f.ty {
        Type::Timestamp => " (Unix seconds)",
        Type::Json => " (any JSON value)",
        Type::List(_) => " (a list)",
        _ => "",
    };
    let mut text = format!("`{}`{kind}", f.wire);
    if let Some(n) = f.max_length {
        text.push_str(&format!("; at most {n} characters"));
    }
    text.push('.');
    text
}
