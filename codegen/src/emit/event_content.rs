//! The models crate's `event_content` module: per event type the resources its `content`
//! carries, as a struct taken from the event's `Content`, and `EventContent`, the enum of them.

use super::types::{doc, ident, inner_doc, rust_type, Imports, Part};
use crate::model::{Api, EventContent, Field, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module's name, in both crates.
pub const MODULE: &str = "event_content";

/// The resource whose fields an event's content is made of.
const CONTENT: &str = "content";

/// The module, or `None` when the spec lists no event contents.
pub fn module(api: &Api) -> Option<TokenStream> {
    if api.event_contents.is_empty() {
        return None;
    }
    let content = api.resources.iter().find(|r| r.module == CONTENT)?;
    let mut imports = Imports::new(Part::Models, MODULE);
    let structs: Vec<TokenStream> = api
        .event_contents
        .iter()
        .map(|event| {
            let fields: Vec<&Field> = event
                .keys
                .iter()
                .filter_map(|key| content.fields.iter().find(|f| &f.wire == key))
                .collect();
            content_struct(event, &fields, &mut imports)
        })
        .collect();
    let variants = api.event_contents.iter().map(|event| {
        let name = format_ident!("{}", event.name);
        let d = doc(&format!("A `{}` event's content.", event.event_type));
        quote!(#d #name(#name),)
    });
    let arms = api.event_contents.iter().map(|event| {
        let name = format_ident!("{}", event.name);
        quote!(Some(EventType::#name) => EventContent::#name(#name::from_content(content)),)
    });
    let uses = imports.tokens();
    let module_doc = inner_doc(
        "The resources each event type carries in its `content`, as Chargebee documents them:\n\
         per event type a struct taken from the event's [`Content`], and [`EventContent`], one\n\
         of them by the event's type.\n\
         \n\
         Each resource is an `Option`: a payload without one still decodes. The content's other\n\
         keys stay in the struct's `other`, so nothing received is dropped.",
    );
    Some(quote! {
        #module_doc
        #uses
        use super::content::Content;
        use super::enums::EventType;

        /// The content of one event type, taken from an event's [`Content`].
        pub trait TypedContent: Sized {
            /// The event type whose content this is.
            const EVENT_TYPE: EventType;
            /// Moves the resources this event type carries out of `content`; the rest stays
            /// in the result's `other`.
            fn from_content(content: Content) -> Self;
        }

        #(#structs)*

        /// An event's content by its type: the resources Chargebee documents for that type.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum EventContent {
            #(#variants)*
            /// The content of an event type without a documented list of resources (or one
            /// this version does not know), whole.
            Other(Content),
        }

        impl EventContent {
            /// The content of an event of type `event_type`.
            pub fn new(event_type: Option<&EventType>, content: Content) -> Self {
                match event_type {
                    #(#arms)*
                    _ => EventContent::Other(content),
                }
            }
        }
    })
}

/// One event type's struct and its [`TypedContent`] implementation.
fn content_struct(event: &EventContent, fields: &[&Field], imports: &mut Imports) -> TokenStream {
    let name = format_ident!("{}", event.name);
    let listed: Vec<String> = fields.iter().map(|f| format!("`{}`", f.wire)).collect();
    let d = doc(&format!(
        "The content of a `{}` event: {}.",
        event.event_type,
        listed.join(", ")
    ));
    let gate = |f: &Field| {
        let feature = match &f.ty {
            Type::Struct(r) => r.module.clone().unwrap_or_default(),
            _ => String::new(),
        };
        quote!(#[cfg(feature = #feature)])
    };
    let declared = fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = rust_type(&f.ty, imports);
        let gate = gate(f);
        quote!(#gate pub #id: Option<Box<#ty>>,)
    });
    let taken = fields.iter().map(|f| {
        let id = ident(&f.ident);
        let gate = gate(f);
        quote!(#gate #id: content.#id.take(),)
    });
    let kind = format_ident!("{}", event.name);
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#declared)*
            /// The content's other keys, as received.
            pub other: Content,
        }

        impl TypedContent for #name {
            const EVENT_TYPE: EventType = EventType::#kind;
            // Without the features of its resources, nothing is taken from `content`.
            #[allow(unused_mut)]
            fn from_content(mut content: Content) -> Self {
                #name {
                    #(#taken)*
                    other: content,
                }
            }
        }
    }
}
