//! Structs decoded from responses: resources, their nested sub-objects, and the envelopes
//! operations answer with.
//!
//! Decoding is lenient: a field is required only where Chargebee always sends it (a
//! resource's `id`, and the keys an operation's answer is defined by); every other field is
//! an `Option`, so a payload that omits it still decodes. Keys the spec does not name are kept
//! in `extra`, and serializing writes them back, so no key of the input is lost. Resources
//! and their sub-objects also name the `object` key Chargebee puts in each of them.

use super::types::{doc, ident, rust_type, Imports};
use crate::model::{Field, Resource, StructDef, Type};
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// What a decoded struct is, which decides the fields it insists on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    /// A resource: only its `id` is required.
    Resource,
    /// A sub-object of a resource: nothing is required.
    Nested,
    /// What an operation answers, or one entry of a page: the keys the spec requires.
    Envelope,
}

impl StructKind {
    /// Whether decoding insists on `f`.
    fn requires(self, f: &Field) -> bool {
        match self {
            StructKind::Resource => f.required && f.wire == "id",
            StructKind::Nested => false,
            StructKind::Envelope => f.required,
        }
    }
}

/// The resource struct itself; a holder of other resources (`Content`) has each field only
/// with that resource's feature.
pub fn emit_resource(res: &Resource, imports: &mut Imports) -> TokenStream {
    let def = StructDef {
        same_as: None,
        name: res.name.clone(),
        doc: Some(
            res.doc
                .clone()
                .unwrap_or_else(|| format!("A Chargebee `{}` object.", res.module)),
        ),
        fields: res.fields.clone(),
        custom_fields: false,
    };
    let tag = resource_object_tag(res);
    let model = emit_struct(&def, StructKind::Resource, res.is_holder(), tag, imports);
    let name = format_ident!("{}", res.name);
    let id_required = res.fields.iter().any(|f| StructKind::Resource.requires(f));
    quote! {
        #model
        impl crate::decode::Resource for #name {
            const ID_REQUIRED: bool = #id_required;
        }
    }
}

/// Whether a field holds a resource (or a list of them) that another module declares: such a
/// value is read by `decode::embedded`, which keeps an entry lacking its `id` as received.
fn embeds_resource(ty: &Type) -> bool {
    match ty {
        Type::Struct(r) => r.module.as_deref() == Some(r.name.to_snake_case().as_str()),
        Type::List(inner) => embeds_resource(inner),
        _ => false,
    }
}

/// The `object` value Chargebee puts in a resource: its module name; none for a holder.
pub fn resource_object_tag(res: &Resource) -> Option<&str> {
    (!res.is_holder()).then_some(res.module.as_str())
}

/// The `object` value expected in a sub-object: its type name in snake case
/// (`billing_address`). A sub-object that says otherwise still decodes.
pub fn nested_object_tag(def: &StructDef) -> String {
    def.name.to_snake_case()
}

/// A struct decoded from (and encodable back to) Chargebee's JSON.
pub fn emit_model_struct(def: &StructDef, kind: StructKind, imports: &mut Imports) -> TokenStream {
    let tag = (kind == StructKind::Nested).then(|| nested_object_tag(def));
    emit_struct(def, kind, false, tag.as_deref(), imports)
}

/// A model struct; with `gated`, each field exists only with its resource's feature. With
/// `tag`, the struct names the `object` key, and `tag` is the value it usually has.
fn emit_struct(
    def: &StructDef,
    kind: StructKind,
    gated: bool,
    tag: Option<&str>,
    imports: &mut Imports,
) -> TokenStream {
    let tag = tag.filter(|_| !def.fields.iter().any(|f| f.wire == "object"));
    imports.serde("Deserialize");
    imports.serde("Serialize");
    imports.runtime("ExtraFields");
    let name = format_ident!("{}", def.name);
    let type_doc = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("The `{}` sub-object.", def.name)));
    let gate = |f: &Field| {
        gated.then(|| {
            let feature = resource_module(&f.ty).unwrap_or_default();
            quote!(#[cfg(feature = #feature)])
        })
    };
    let fields: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|f| {
            let field = model_field(f, kind.requires(f) || f.empty_when_absent, imports);
            let gate = gate(f);
            quote!(#gate #field)
        })
        .collect();
    let deserialize = deserialize_impl(def, kind, &gate, tag, imports);
    let mut entries: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|f| {
            let id = ident(&f.ident);
            let wire = &f.wire;
            let gate = gate(f);
            if kind.requires(f) || f.empty_when_absent {
                quote!(#gate entries.field(#wire, &self.#id)?;)
            } else {
                quote!(#gate entries.optional(#wire, &self.#id)?;)
            }
        })
        .collect();
    if tag.is_some() {
        entries.push(quote!(entries.optional("object", &self.object)?;));
    }
    entries.push(quote!(entries.extra(&self.extra)?;));
    let serialize = serialize_impl(&name, &entries);
    let required: Vec<&Field> = def.fields.iter().filter(|f| kind.requires(f)).collect();
    // Non-exhaustive, so a field added later breaks no caller: values are built with `new`
    // (the required fields) or `Default` (when nothing is required), then field by field.
    let default = required.is_empty().then(|| quote!(Default,));
    let constructor =
        (!required.is_empty()).then(|| constructor(def, kind, &required, tag, imports));
    let object = tag.map(|_| {
        quote! {
            /// `object`: the name of the object's type, as sent.
            pub object: Option<std::borrow::Cow<'static, str>>,
        }
    });
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #object
            /// Keys the spec does not name (custom fields `cf_*` among them), as received.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
        #constructor
        impl ExtraFields for #name {
            fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value> {
                &self.extra
            }
        }
        #serialize
        #deserialize
    }
}

/// `Serialize` for a struct, written out entry by entry as a map (serde's derive expands to
/// about three times the code); `entries` are statements over `entries`, a
/// `crate::serialize::Entries`.
pub fn serialize_impl(name: &syn::Ident, entries: &[TokenStream]) -> TokenStream {
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut entries = crate::serialize::entries(serializer)?;
                #(#entries)*
                entries.end()
            }
        }
    }
}

/// `new`, taking the fields decoding requires; every other field starts absent (or empty),
/// with no `object` key and no extra keys.
fn constructor(
    def: &StructDef,
    kind: StructKind,
    required: &[&Field],
    tag: Option<&str>,
    imports: &mut Imports,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let args = required.iter().map(|f| {
        let id = ident(&f.ident);
        if f.ty == Type::String {
            quote!(#id: impl Into<String>)
        } else {
            let ty = model_type(f, true, imports);
            quote!(#id: #ty)
        }
    });
    let inits = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if kind.requires(f) && f.ty == Type::String {
            quote!(#id: #id.into(),)
        } else if kind.requires(f) {
            quote!(#id,)
        } else if f.empty_when_absent {
            quote!(#id: Default::default(),)
        } else {
            quote!(#id: None,)
        }
    });
    let object = tag.map(|_| quote!(object: None,));
    let listed = required
        .iter()
        .map(|f| format!("`{}`", f.wire))
        .collect::<Vec<_>>()
        .join(", ");
    let d = doc(&format!(
        "A `{}` with {listed} set and every other field absent, as in tests.",
        def.name
    ));
    quote! {
        impl #name {
            #d
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits)* #object extra: serde_json::Map::new() }
            }
        }
    }
}

/// The module of the resource a holder field carries (`customer`, or `subscription` for a
/// list of subscriptions).
fn resource_module(ty: &Type) -> Option<String> {
    match ty {
        Type::Struct(r) => r.module.clone(),
        Type::List(inner) => resource_module(inner),
        _ => None,
    }
}

/// Decoding written out field by field: serde's derive would drop unknown keys, and its
/// `flatten` would buffer every key first, which makes decoding half again as slow.
fn deserialize_impl(
    def: &StructDef,
    kind: StructKind,
    gate: &dyn Fn(&Field) -> Option<TokenStream>,
    tag: Option<&str>,
    imports: &mut Imports,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let expecting = format!("a `{}` object", def.name);
    let object_slot = tag.map(|_| quote!(let mut object = None;));
    let object_slot_index = proc_macro2::Literal::usize_unsuffixed(def.fields.len());
    let object_len = proc_macro2::Literal::usize_unsuffixed("object".len());
    let object_lookup = tag.map(|_| quote!(#object_len if key == b"object" => #object_slot_index,));
    let object_arm = tag.map(|expected| {
        quote!(#object_slot_index => crate::decode::read_object_key(&mut map, #expected, &mut object, &mut extra)?,)
    });
    let object_init = tag.map(|_| quote!(object,));
    let slots = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = model_type(f, kind.requires(f) || f.empty_when_absent, imports);
        let gate = gate(f);
        quote!(#gate let mut #id: Option<#ty> = None;)
    });
    // Keys are found by length first, then by comparing bytes (each comparison a few machine
    // words), and the field is then read through a jump on its index: this keeps the decoder
    // of a large resource small enough to stay in the instruction cache.
    let lookups = def.fields.iter().enumerate().map(|(i, f)| {
        let len = proc_macro2::Literal::usize_unsuffixed(f.wire.len());
        let wire = proc_macro2::Literal::byte_string(f.wire.as_bytes());
        let gate = gate(f);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#gate #len if key == #wire => #i,)
    });
    // Each value is read by a helper that notes the key (and for lists the index) of a
    // failure in the error's JSON path.
    let arms = def.fields.iter().enumerate().map(|(i, f)| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let gate = gate(f);
        let present = kind.requires(f) || f.empty_when_absent;
        let read = match (&f.ty, present) {
            (Type::List(_), false) if kind != StructKind::Envelope && embeds_resource(&f.ty) => {
                quote!(crate::decode::embedded_list(&mut map, #wire, &mut extra)?)
            }
            (_, false) if kind != StructKind::Envelope && embeds_resource(&f.ty) => {
                quote!(crate::decode::embedded(&mut map, #wire, &mut extra)?)
            }
            (Type::List(_), true) => quote!(Some(crate::decode::list(&mut map, #wire)?)),
            (Type::List(_), false) => quote!(crate::decode::optional_list(&mut map, #wire)?),
            _ if f.is_decimal_text() => {
                let read = quote!(crate::decode::decimal_text(&mut map, #wire)?);
                if present {
                    quote!(Some(#read))
                } else {
                    read
                }
            }
            // A resource's `null` id is no id (see `decode::missing_id`).
            (_, true) if kind == StructKind::Resource => {
                quote!(crate::decode::field(&mut map, #wire)?)
            }
            (_, true) => quote!(Some(crate::decode::field(&mut map, #wire)?)),
            (_, false) => quote!(crate::decode::field(&mut map, #wire)?),
        };
        quote!(#gate #i => #id = #read,)
    });
    let keep = quote!(crate::decode::keep(&mut map, key, &mut extra)?;);
    let read = if def.fields.is_empty() && tag.is_none() {
        keep
    } else {
        quote! {
            let slot = {
                let key = key.as_bytes();
                match key.len() {
                    #(#lookups)*
                    #object_lookup
                    _ => usize::MAX,
                }
            };
            match slot {
                #(#arms)*
                #object_arm
                _ => {
                    #keep
                }
            }
        }
    };
    let inits = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        let gate = gate(f);
        if kind == StructKind::Resource && kind.requires(f) {
            // `decode::embedded` keeps an embedded resource that lacks its id.
            quote!(#gate #id: #id.ok_or_else(crate::decode::missing_id)?,)
        } else if kind.requires(f) {
            quote!(#gate #id: #id.ok_or_else(|| serde::de::Error::missing_field(#wire))?,)
        } else if f.empty_when_absent {
            quote!(#gate #id: #id.unwrap_or_default(),)
        } else {
            quote!(#gate #id,)
        }
    });
    let body = quote! {
        #(#slots)*
        #object_slot
        let mut extra = serde_json::Map::new();
        while let Some(key) = map.next_key::<crate::decode::WireText<'de>>()? {
            #read
        }
        Ok(#name { #(#inits)* #object_init extra })
    };
    deserialize_map_impl(&name, &expecting, body)
}

/// `Deserialize` for `name` from a map: `body` reads the entries of `map` (a
/// `serde::de::MapAccess`) and ends with `Ok(value)`; anything but a map is refused with
/// `expecting`.
pub fn deserialize_map_impl(name: &syn::Ident, expecting: &str, body: TokenStream) -> TokenStream {
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #body
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}

/// The stored type of a decoded field (inside the `Option` of optional ones): optional
/// sub-objects are boxed, so the many that are usually absent cost a pointer each rather than
/// their full size (which keeps structs small and decoding fast).
fn model_type(f: &Field, required: bool, imports: &mut Imports) -> TokenStream {
    let ty = rust_type(&f.ty, imports);
    if !required && matches!(f.ty, Type::Struct(_)) {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

fn model_field(f: &Field, required: bool, imports: &mut Imports) -> TokenStream {
    let id = ident(&f.ident);
    let ty = model_type(f, required, imports);
    let d = field_doc(f).map(|text| doc(&text));
    if required {
        quote!(#d pub #id: #ty,)
    } else {
        quote!(#d pub #id: Option<#ty>,)
    }
}

/// The doc of a field: the spec's text, else the facts its type and bounds give (`Unix
/// seconds.`, `At most 70 characters.`); `None` when there are none, rather than a line that
/// only repeats the field's name.
pub fn field_doc(f: &Field) -> Option<String> {
    if let Some(d) = &f.doc {
        return Some(d.clone());
    }
    let mut facts = Vec::new();
    match &f.ty {
        Type::Timestamp => facts.push("Unix seconds.".to_string()),
        Type::Json => facts.push("Any JSON value.".to_string()),
        _ => {}
    }
    if let Some(n) = f.max_length {
        facts.push(format!("At most {n} characters."));
    }
    (!facts.is_empty()).then(|| facts.join(" "))
}

/// The doc of a parameter's setter: `Sets` and the spec's text, else the field's facts.
pub fn setter_doc(f: &Field) -> TokenStream {
    match (&f.doc, field_doc(f)) {
        (Some(d), _) => doc(&format!("Sets {}", lower_first(d))),
        (None, Some(facts)) => doc(&facts),
        (None, None) => TokenStream::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
