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
    emit_struct(&def, res.extra_keys, res.is_holder(), imports)
}

/// A struct decoded from (and encodable back to) Chargebee's JSON.
pub fn emit_model_struct(def: &StructDef, extra_keys: bool, imports: &mut Imports) -> TokenStream {
    emit_struct(def, extra_keys, false, imports)
}

/// A model struct; with `gated`, each field exists only with its resource's feature.
fn emit_struct(
    def: &StructDef,
    extra_keys: bool,
    gated: bool,
    imports: &mut Imports,
) -> TokenStream {
    imports.serde("Deserialize");
    imports.serde("Serialize");
    let name = format_ident!("{}", def.name);
    let type_doc = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("The `{}` sub-object.", def.name)));
    let fields: Vec<_> = def
        .fields
        .iter()
        .map(|f| {
            let field = model_field(f, imports);
            match &f.ty {
                Type::Struct(r) if gated => {
                    let feature = r.module.clone().unwrap_or_default();
                    quote!(#[cfg(feature = #feature)] #field)
                }
                _ => field,
            }
        })
        .collect();
    let (extra, extra_impl, derive) = if extra_keys {
        imports.runtime("CustomFields");
        let extra = quote! {
            /// Keys the spec does not name, custom fields (`cf_*`) among them.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        };
        let deserialize = extra_keys_deserialize(def, imports);
        let extra_impl = quote! {
            impl CustomFields for #name {
                fn extra_fields(&self) -> &serde_json::Map<String, serde_json::Value> {
                    &self.extra
                }
            }
            #deserialize
        };
        (extra, extra_impl, quote!(Serialize))
    } else {
        (quote!(), quote!(), quote!(Serialize, Deserialize))
    };
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, #derive)]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #extra_impl
    }
}

/// Decoding for a struct with extra keys, written out field by field: serde's `flatten`
/// would buffer every key first, which makes decoding half again as slow.
fn extra_keys_deserialize(def: &StructDef, imports: &mut Imports) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let expecting = format!("a `{}` object", def.name);
    // Every Chargebee object repeats its type name under `object`; it is not worth keeping.
    let skip_object = (!def.fields.iter().any(|f| f.wire == "object")).then(|| {
        quote!("object" => {
            map.next_value::<serde::de::IgnoredAny>()?;
        })
    });
    let slots = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = model_type(f, imports);
        quote!(let mut #id: Option<#ty> = None;)
    });
    let arms = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        if f.required {
            quote!(#wire => #id = Some(map.next_value()?),)
        } else {
            quote!(#wire => #id = map.next_value()?,)
        }
    });
    let inits = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        if f.required {
            quote!(#id: #id.ok_or_else(|| serde::de::Error::missing_field(#wire))?,)
        } else {
            quote!(#id,)
        }
    });
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
                        #(#slots)*
                        let mut extra = serde_json::Map::new();
                        while let Some(key) = map.next_key::<crate::types::WireKey<'de>>()? {
                            match key.as_str() {
                                #(#arms)*
                                #skip_object
                                _ => {
                                    extra.insert(key.into_string(), map.next_value()?);
                                }
                            }
                        }
                        Ok(#name { #(#inits)* extra })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}

/// The stored type of a decoded field: optional sub-objects are boxed, so the many that are
/// usually absent cost a pointer each rather than their full size (which keeps structs small
/// and decoding fast).
fn model_type(f: &Field, imports: &mut Imports) -> TokenStream {
    let ty = rust_type(&f.ty, imports);
    if !f.required && matches!(f.ty, Type::Struct(_)) {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

fn model_field(f: &Field, imports: &mut Imports) -> TokenStream {
    let id = ident(&f.ident);
    let ty = model_type(f, imports);
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
