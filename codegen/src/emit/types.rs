//! Shared pieces of emission: type paths, doc attributes and the import list of a module.

use crate::model::{Resource, Type, TypeRef};
use crate::names::{ENUMS, OBJECTS, OPERATORS_MODULE};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The crate a part of a resource module is emitted into. Each resource module is emitted
/// in three parts, so that no one crate holds all the generated code: its models (the
/// resource, sub-objects, enums and answers) in `chargebee-types`, its operations'
/// parameters in `chargebee-params`, and in `chargebee` its requests, which re-export both.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Part {
    Models,
    Params,
    Api,
}

impl Part {
    /// The crate's directory in the repository (`types`).
    pub fn crate_dir(self) -> &'static str {
        match self {
            Part::Models => "types",
            Part::Params => "params",
            Part::Api => "client",
        }
    }

    /// Where its generated modules are committed: `types/src/generated`.
    pub fn generated_dir(self) -> String {
        format!("{}/src/generated", self.crate_dir())
    }
}

/// What a module part refers to outside itself, so it imports exactly that.
pub struct Imports {
    part: Part,
    /// The module being emitted.
    module: String,
    runtime: BTreeSet<&'static str>,
    serde: BTreeSet<&'static str>,
    value: bool,
    /// Sibling modules named in type paths.
    modules: BTreeSet<String>,
    /// Types of this module's models that a params part names.
    models: BTreeSet<String>,
    /// Whether the module's feature enables every sibling it names (a resource's module that
    /// is not a holder: its feature lists the modules its types use), so that importing one
    /// needs no feature gate.
    siblings_enabled: bool,
}

impl Imports {
    pub fn new(part: Part, module: &str) -> Self {
        Imports {
            part,
            module: module.to_string(),
            runtime: BTreeSet::new(),
            serde: BTreeSet::new(),
            value: false,
            modules: BTreeSet::new(),
            models: BTreeSet::new(),
            siblings_enabled: false,
        }
    }

    /// The imports of `res`'s module in `part`.
    pub fn of_resource(part: Part, res: &Resource) -> Self {
        Imports {
            siblings_enabled: !res.is_holder(),
            ..Imports::new(part, &res.module)
        }
    }

    /// Records a `crate::` item the module refers to by its short name.
    pub fn runtime(&mut self, name: &'static str) {
        self.runtime.insert(name);
    }

    /// Records a sibling module the module names items of.
    pub fn module(&mut self, module: &str) {
        self.modules.insert(module.to_string());
    }

    /// Records a `serde` derive the module uses.
    pub fn serde(&mut self, name: &'static str) {
        self.serde.insert(name);
    }

    /// The `use` items: sibling modules first (in a params part, the models' modules, which
    /// the crate's `generated` module names `models`), then the runtime.
    pub fn tokens(&self) -> TokenStream {
        let from = match self.part {
            Part::Params => quote!(super::models),
            Part::Models | Part::Api => quote!(super),
        };
        // Each sibling resource module exists only with its feature, which a resource's own
        // feature enables when it names it (a holder's fields are gated one by one instead);
        // `enums`, `objects` (the shared parameter objects) and `operators` (the filters'
        // operator sets) always exist, the last two in the params crate.
        let mods = self.modules.iter().filter(|m| **m != self.module).map(|m| {
            let id = format_ident!("{}", m);
            match m.as_str() {
                ENUMS => quote!(use #from::enums;),
                OBJECTS => quote!(
                    use super::objects;
                ),
                OPERATORS_MODULE => quote!(
                    use super::operators;
                ),
                _ if self.siblings_enabled => quote!(use #from::#id;),
                _ => quote!(#[cfg(feature = #m)] use #from::#id;),
            }
        });
        let models = (!self.models.is_empty()).then(|| {
            let module = format_ident!("{}", self.module);
            let names = self.models.iter().map(|n| format_ident!("{}", n));
            quote!(use super::models::#module::{#(#names),*};)
        });
        let run: Vec<_> = self
            .runtime
            .iter()
            .map(|n| format_ident!("{}", n))
            .collect();
        let run = (!run.is_empty()).then(|| quote!(use crate::{#(#run),*};));
        let ser: Vec<_> = self.serde.iter().map(|n| format_ident!("{}", n)).collect();
        let ser = (!ser.is_empty()).then(|| quote!(use serde::{#(#ser),*};));
        let value = self.value.then(|| {
            quote!(
                use serde_json::Value;
            )
        });
        quote! { #(#mods)* #models #run #ser #value }
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
        Type::Enum(r) => type_path(r, true, imports),
        Type::Struct(r) => type_path(r, false, imports),
        Type::List(inner) => {
            let inner = rust_type(inner, imports);
            quote!(Vec<#inner>)
        }
    }
}

/// Path to a named type from the module part that uses it. A params part names an enum of
/// its own module through the models part, which holds every enum.
pub fn type_path(r: &TypeRef, is_enum: bool, imports: &mut Imports) -> TokenStream {
    let name = format_ident!("{}", r.name);
    match &r.module {
        None => {
            if is_enum && imports.part == Part::Params {
                imports.models.insert(r.name.clone());
            }
            quote!(#name)
        }
        // A named parameter object naming another, in the `objects` module itself.
        Some(m) if *m == imports.module => quote!(#name),
        Some(m) => {
            imports.modules.insert(m.clone());
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
