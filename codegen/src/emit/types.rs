//! Shared pieces of emission: type paths, doc attributes and the import list of a module.

use crate::model::{FilterKind, Resource, Type, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Runtime names a module uses, so it imports exactly those.
#[derive(Default)]
pub struct Imports {
    runtime: BTreeSet<&'static str>,
    serde: BTreeSet<&'static str>,
    value: bool,
}

impl Imports {
    /// Records a `crate::` item the module refers to by its short name.
    pub fn runtime(&mut self, name: &'static str) {
        self.runtime.insert(name);
    }

    /// Records a `serde` derive the module uses.
    pub fn serde(&mut self, name: &'static str) {
        self.serde.insert(name);
    }

    /// The `use` items, with `modules` (sibling generated modules) first.
    pub fn tokens(&self, modules: &BTreeSet<String>) -> TokenStream {
        let modules = modules.iter().map(|m| format_ident!("{}", m));
        let runtime = self.runtime.iter().map(|n| format_ident!("{}", n));
        let serde = self.serde.iter().map(|n| format_ident!("{}", n));
        // Each sibling resource module exists only with its feature; `enums` always does.
        let mods = modules.map(|m| {
            if m == "enums" {
                quote!(
                    use super::enums;
                )
            } else {
                let feature = m.to_string();
                quote!(#[cfg(feature = #feature)] use super::#m;)
            }
        });
        let mods = quote!(#(#mods)*);
        let run: Vec<_> = runtime.collect();
        let run = (!run.is_empty()).then(|| quote!(use crate::{#(#run),*};));
        let ser: Vec<_> = serde.collect();
        let ser = (!ser.is_empty()).then(|| quote!(use serde::{#(#ser),*};));
        let value = self.value.then(|| {
            quote!(
                use serde_json::Value;
            )
        });
        quote! { #mods #run #ser #value }
    }
}

/// A `#[doc]` attribute; prettyplease prints it as a `///` line per line of text.
pub fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #(#[doc = #lines])* }
}

/// A `#![doc]` attribute for the module being emitted; printed as `//!` lines.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #(#![doc = #lines])* }
}

/// The Rust type of a field's value (without the `Option` of optional fields).
pub fn rust_type(ty: &Type, imports: &mut Imports) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F64 => quote!(f64),
        Type::Timestamp => {
            imports.runtime("Timestamp");
            quote!(Timestamp)
        }
        Type::Json => {
            imports.value = true;
            quote!(Value)
        }
        Type::Enum(r) | Type::Struct(r) => type_path(r),
        Type::List(inner) => {
            let inner = rust_type(inner, imports);
            quote!(Vec<#inner>)
        }
    }
}

/// Path to a named type from the module that uses it.
pub fn type_path(r: &TypeRef) -> TokenStream {
    let name = format_ident!("{}", r.name);
    match &r.module {
        None => quote!(#name),
        Some(m) => {
            let m = format_ident!("{}", m);
            quote!(#m::#name)
        }
    }
}

/// An identifier that may be raw (`r#type`).
pub fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// Sibling modules a resource module refers to.
pub fn modules_used(res: &Resource) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut visit = |ty: &Type| collect_modules(ty, &mut out);
    res.fields.iter().for_each(|f| visit(&f.ty));
    res.nested
        .iter()
        .flat_map(|s| &s.fields)
        .for_each(|f| visit(&f.ty));
    res.param_objects
        .iter()
        .flat_map(|s| &s.fields)
        .for_each(|f| visit(&f.ty));
    for op in &res.operations {
        op.params
            .iter()
            .chain(&op.returns)
            .for_each(|f| visit(&f.ty));
        for filter in &op.filters {
            if let FilterKind::Enum(r) = &filter.kind {
                visit(&Type::Enum(r.clone()));
            }
        }
    }
    out
}

fn collect_modules(ty: &Type, out: &mut BTreeSet<String>) {
    match ty {
        Type::Enum(r) | Type::Struct(r) => {
            if let Some(m) = &r.module {
                out.insert(m.clone());
            }
        }
        Type::List(inner) => collect_modules(inner, out),
        _ => {}
    }
}
