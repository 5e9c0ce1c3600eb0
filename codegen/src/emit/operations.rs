//! Operations: the client accessor, and per operation its descriptor, parameters, builder
//! and response types. Parameter objects get constructors for their required fields.

use super::structs::{
    deserialize_map_impl, emit_model_struct, field_doc, serialize_impl, setter_doc, StructKind,
};
use super::types::{doc, ident, rust_type, type_path, Imports};
use crate::model::{
    ApiBase, BodyKind, Field, Filter, FilterKind, HttpMethod, Operation, PathPart, Resource,
    StructDef, Type,
};
use crate::names;
use crate::names::OPERATORS_MODULE;
use chargebee_description::Catalog;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The answer types of a resource's operations, for its models part.
pub fn answer_items(res: &Resource, imports: &mut Imports) -> TokenStream {
    let items = res.operations.iter().map(|op| answer_type(op, imports));
    quote!(#(#items)*)
}

/// The parameters of a resource's operations and their parameter objects, for its params
/// part.
pub fn params_items(res: &Resource, imports: &mut Imports) -> TokenStream {
    let per_op: Vec<_> = res
        .operations
        .iter()
        .map(|op| operation_params(op, imports))
        .collect();
    let objects: Vec<_> = res
        .param_objects
        .iter()
        .map(|s| match &s.same_as {
            Some(same) => {
                let d = doc(&format!("The same parameter object as [`{same}`]."));
                let name = format_ident!("{}", s.name);
                let same = format_ident!("{}", same);
                quote!(#d pub type #name = #same;)
            }
            None => params_struct(s, &[], false, false, imports),
        })
        .collect();
    quote! {
        #(#per_op)*
        #(#objects)*
    }
}

/// The parameter objects shared by several resources' operations.
pub fn shared_objects(objects: &[StructDef], imports: &mut Imports) -> TokenStream {
    let objects = objects
        .iter()
        .map(|s| params_struct(s, &[], false, false, imports));
    quote!(#(#objects)*)
}

/// The client accessor, the resource's handle and its operations' requests, for its api
/// part.
pub fn request_items(res: &Resource, imports: &mut Imports) -> TokenStream {
    let Some((accessor, handle)) = &res.accessor else {
        return quote!();
    };
    imports.runtime("Client");
    let accessor = format_ident!("{}", accessor);
    let handle = format_ident!("{}", handle);
    let handle_doc = doc(&format!(
        "The `{}` operations, reached through [`Client::{accessor}`].",
        res.module
    ));
    let accessor_doc = doc(&format!("The `{}` operations.", res.module));
    let entries: Vec<_> = res
        .operations
        .iter()
        .map(|op| entry_method(op, imports))
        .collect();
    let per_op: Vec<_> = res
        .operations
        .iter()
        .map(|op| operation_request(op, imports))
        .collect();
    quote! {
        #handle_doc
        #[derive(Debug, Clone)]
        pub struct #handle {
            client: Client,
        }
        impl Client {
            #accessor_doc
            #[inline]
            pub fn #accessor(&self) -> #handle {
                #handle { client: self.clone() }
            }
        }
        impl #handle {
            #(#entries)*
        }
        #(#per_op)*
    }
}

fn type_names(op: &Operation) -> (syn::Ident, syn::Ident, syn::Ident) {
    (
        format_ident!("{}", op.request_type()),
        format_ident!("{}", op.params_type()),
        format_ident!("{}", op.name.to_shouty_snake_case()),
    )
}

/// Whether the operation carries a parameters struct.
pub fn has_params(op: &Operation) -> bool {
    op.pages() || !op.params.is_empty() || !op.filters.is_empty() || op.custom_fields
}

/// What the method's doc adds about the product catalog and destructiveness: nothing for an
/// operation of both catalogs that is not destructive.
fn catalog_note(op: &Operation) -> String {
    let mut note = String::new();
    match op.catalog {
        Catalog::V1 => note.push_str(" Product Catalog 1.0 only."),
        Catalog::V2 => note.push_str(" Product Catalog 2.0 only."),
        Catalog::Both => {}
    }
    if op.destructive {
        note.push_str(" Destructive: it cannot be undone, or it moves money.");
    }
    note
}

fn describe(op: &Operation) -> String {
    let method = op.method.as_str();
    let base = match op.base {
        ApiBase::Chargebee => "",
        ApiBase::Control => " on the Maton control API",
    };
    format!("`{method} {}`{base} (`{}`)", op.path_template(), op.id)
}

/// A setter argument type and how it becomes the stored value.
fn arg(ty: &Type, imports: &mut Imports) -> (TokenStream, TokenStream) {
    match ty {
        Type::String => (quote!(impl Into<String>), quote!(.into())),
        Type::Timestamp => {
            imports.runtime("Timestamp");
            (quote!(impl Into<Timestamp>), quote!(.into()))
        }
        other => (rust_type(other, imports), quote!()),
    }
}

fn entry_method(op: &Operation, imports: &mut Imports) -> TokenStream {
    let (request, params, constant) = type_names(op);
    let name = ident(&crate::names::field_ident(&op.name));
    let mut args = Vec::new();
    let mut id = quote!(None);
    if let Some(p) = op.path_param() {
        let p = format_ident!("{}", p);
        args.push(quote!(#p: impl Into<String>));
        id = quote!(Some(#p.into()));
    }
    let required: Vec<&Field> = op.params.iter().filter(|f| f.required).collect();
    let mut required_names = Vec::new();
    for f in &required {
        let id = ident(&f.ident);
        let (ty, _) = arg(&f.ty, imports);
        args.push(quote!(#id: #ty));
        required_names.push(id);
    }
    let params_value = if has_params(op) {
        quote!(#params::new(#(#required_names),*))
    } else {
        quote!(())
    };
    let mut text = format!("{}\n\n{}.{}", op.doc, describe(op), catalog_note(op));
    if op.path_param().is_some() || !required.is_empty() {
        text.push_str("\n\nThe arguments are the parameters Chargebee requires.");
    }
    let d = doc(&text);
    quote! {
        #d
        #[inline]
        pub fn #name(&self, #(#args),*) -> #request {
            crate::Request::new(&self.client, &#constant, #id, #params_value)
        }
    }
}

/// The marker of an operation's request: whether it takes an idempotency key.
fn request_kind(op: &Operation) -> TokenStream {
    if op.idempotent && op.method == HttpMethod::Post {
        quote!(crate::Idempotent)
    } else {
        quote!(crate::NotIdempotent)
    }
}

/// An operation's path as the client's `PathTemplate`: split around its parameter here, so
/// no request parses it.
fn path_template(op: &Operation) -> TokenStream {
    let text = op.path_template();
    let literals = |parts: &[PathPart]| -> String {
        parts
            .iter()
            .filter_map(|part| match part {
                PathPart::Literal(literal) => Some(literal.as_str()),
                PathPart::Param(_) => None,
            })
            .collect()
    };
    // The spec reader allows one parameter at most.
    match op
        .path
        .iter()
        .position(|part| matches!(part, PathPart::Param(_)))
    {
        Some(at) => {
            let name = op.path_param();
            let (head, tail) = (literals(&op.path[..at]), literals(&op.path[at + 1..]));
            quote! {
                crate::transport::PathTemplate { text: #text, head: #head, param: Some((#name, #tail)) }
            }
        }
        None => quote!(crate::transport::PathTemplate::fixed(#text)),
    }
}

/// The variant `value` is, as the generated code names it: the generated descriptors use these
/// same enums (`chargebee-schema`), whose derived `Debug` is the variant's name.
fn variant(value: impl std::fmt::Debug) -> proc_macro2::Ident {
    format_ident!("{}", format!("{value:?}"))
}

/// An operation's descriptor, request type and setters.
fn operation_request(op: &Operation, imports: &mut Imports) -> TokenStream {
    let (request, params, constant) = type_names(op);
    let id = &op.id;
    let path = path_template(op);
    let method = variant(op.method);
    let base = variant(op.base);
    let body = variant(op.body);
    let idempotent = op.idempotent;
    let subdomain = match &op.subdomain {
        Some(sub) => quote!(Some(#sub)),
        None => quote!(None),
    };
    let descriptor = quote! {
        const #constant: crate::transport::Operation = crate::transport::Operation {
            id: #id,
            path: #path,
            method: crate::transport::HttpMethod::#method,
            base: crate::transport::ApiBase::#base,
            body: crate::transport::BodyKind::#body,
            subdomain: #subdomain,
            idempotent: #idempotent,
        };
    };

    let setters = if has_params(op) {
        setters(op, &extra_slots(op, imports), imports)
    } else {
        Vec::new()
    };
    let output = answer_output(op, imports);
    let kind = request_kind(op);
    let params_type = if has_params(op) {
        quote!(#params)
    } else {
        quote!(())
    };
    let setters_impl = (!setters.is_empty()).then(|| {
        quote! {
            impl crate::Request<#params, #output, #kind> {
                #(#setters)*
            }
        }
    });
    let request_doc = doc(&format!(
        "A request for {}; set optional parameters, then `send()`.",
        describe(op)
    ));
    quote! {
        #descriptor
        #request_doc
        pub type #request = crate::Request<#params_type, #output, #kind>;
        #setters_impl
    }
}

/// An operation's params struct, its filter groups and sort fields, and what the generic
/// request needs of them; nothing for an operation without parameters.
fn operation_params(op: &Operation, imports: &mut Imports) -> TokenStream {
    if !has_params(op) {
        return quote!();
    }
    let (_, params, _) = type_names(op);
    let slots = extra_slots(op, imports);
    let groups = filter_group_structs(op, imports);
    // What the generic request needs of the params type: the offset of a paged operation,
    // the custom fields.
    let params_traits = {
        let paged = op.pages().then(|| {
            quote! {
                impl crate::request::PageParams for #params {
                    #[inline]
                    fn offset(&self) -> Option<&str> {
                        self.offset.as_deref()
                    }
                    #[inline]
                    fn set_offset(&mut self, offset: Option<String>) {
                        self.offset = offset;
                    }
                }
            }
        });
        let custom = op.custom_fields.then(|| {
            quote! {
                impl crate::request::CustomFieldParams for #params {
                    #[inline]
                    fn custom_fields_mut(&mut self) -> &mut crate::CustomFieldValues {
                        &mut self.custom_fields
                    }
                }
            }
        });
        quote! {
            impl crate::request::Params for #params {}
            #paged
            #custom
        }
    };
    let def = StructDef {
        same_as: None,
        name: op.params_type(),
        doc: Some(format!("Parameters of {}.", describe(op))),
        fields: op.params.clone(),
        custom_fields: op.custom_fields,
    };
    let params_struct = params_struct(&def, &slots, true, op.body == BodyKind::Json, imports);
    let sort_enum = sort_enum(op);
    quote! {
        #params_struct
        #(#groups)*
        #params_traits
        #sort_enum
    }
}

/// A field of a params struct beyond the spec's own parameters: paging, filters, filter
/// groups, sort and custom fields.
struct Slot {
    /// The field's declaration, with its doc and serde attributes.
    decl: TokenStream,
    /// Its value in `new()`.
    init: TokenStream,
    /// How it is written into the form.
    encode: TokenStream,
    /// Its builder setters.
    setters: Vec<TokenStream>,
    /// How it is read from JSON.
    read: ParamRead,
}

/// How a params struct reads one of its fields from JSON (see [`params_deserialize`]).
#[derive(Clone)]
struct ParamRead {
    ident: syn::Ident,
    wire: String,
    kind: ReadKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReadKind {
    /// A required field: refused when absent.
    Required,
    /// An `Option`: absent or `null` is `None`.
    Optional,
    /// The sort, an `Option` also read from the one-key forms `sort_by[asc]` and
    /// `sort_by[desc]`.
    Sort,
    /// A list: absent is empty.
    Empty,
    /// A filter group: absent is empty.
    Group,
    /// A filter's conditions: absent is none.
    Filter,
    /// Keys no field names, each a custom field `cf_*`.
    CustomFields,
}

impl ParamRead {
    fn new(ident: syn::Ident, wire: &str, kind: ReadKind) -> Self {
        ParamRead {
            ident,
            wire: wire.to_string(),
            kind,
        }
    }
}

/// The setter of a slot: `pub fn name(mut self, value: Arg) -> Self { body; self }`.
fn setter(name: &syn::Ident, text: &str, arg: TokenStream, body: TokenStream) -> TokenStream {
    let d = doc(text);
    quote! {
        #d
        #[inline]
        pub fn #name(mut self, value: #arg) -> Self {
            #body;
            self
        }
    }
}

/// An `Option` slot set by one setter (paging and sort).
fn option_slot(
    name: &str,
    ty: TokenStream,
    arg: TokenStream,
    conv: TokenStream,
    text: &str,
) -> Slot {
    let id = format_ident!("{}", name);
    let d = doc(text);
    Slot {
        decl: quote! {
            #d
            pub #id: Option<#ty>,
        },
        init: quote!(#id: None,),
        encode: quote!(form.field(#name, &self.#id);),
        setters: vec![setter(
            &id,
            text,
            arg,
            quote!(self.params.#id = Some(value #conv)),
        )],
        read: ParamRead::new(id.clone(), name, ReadKind::Optional),
    }
}

/// The runtime filter type of a filter: its kind's, typed by its operator set
/// (`StringFilter<operators::IsIsNotStartsWith>`).
fn filter_type(f: &Filter, imports: &mut Imports) -> TokenStream {
    imports.module(OPERATORS_MODULE);
    let set = format_ident!("{}", f.operators);
    let set = quote!(operators::#set);
    let (name, ty) = match &f.kind {
        FilterKind::String => ("StringFilter", quote!(StringFilter<#set>)),
        FilterKind::Number => ("NumberFilter", quote!(NumberFilter<#set>)),
        FilterKind::Timestamp => ("TimestampFilter", quote!(TimestampFilter<#set>)),
        FilterKind::Date => ("DateFilter", quote!(DateFilter<#set>)),
        FilterKind::Boolean => ("BooleanFilter", quote!(BooleanFilter<#set>)),
        FilterKind::Enum(r) => {
            let inner = type_path(r, true, imports);
            ("EnumFilter", quote!(EnumFilter<#inner, #set>))
        }
    };
    imports.runtime(name);
    ty
}

/// Where a filter's conditions live in the params: `email`, or `relationship.parent_id`.
fn filter_place(f: &Filter) -> TokenStream {
    let field = ident(&names::field_ident(&f.field));
    match &f.group {
        Some(group) => {
            let group = ident(&names::field_ident(group));
            quote!(#group.#field)
        }
        None => quote!(#field),
    }
}

/// The doc of a filter field and its setter.
fn filter_doc(f: &Filter) -> String {
    let ops: Vec<String> = f.ops.iter().map(|o| format!("`{o}`")).collect();
    format!(
        "Filter on `{}`; operators: {}. Each call adds an operator (replacing the same one).",
        f.wire,
        ops.join(", ")
    )
}

/// The declaration of a filter field: its conditions, as the SDKs' object of operators in JSON.
fn filter_field_decl(f: &Filter, imports: &mut Imports) -> TokenStream {
    let id = ident(&names::field_ident(&f.field));
    let ty = filter_type(f, imports);
    let d = doc(&filter_doc(f));
    quote! {
        #d
        pub #id: Vec<#ty>,
    }
}

fn extra_slots(op: &Operation, imports: &mut Imports) -> Vec<Slot> {
    let mut slots = Vec::new();
    if op.pages() {
        slots.push(option_slot(
            "limit",
            quote!(u32),
            quote!(u32),
            quote!(),
            "How many entries a page holds (Chargebee allows 1 to 100).",
        ));
        slots.push(option_slot(
            "offset",
            quote!(String),
            quote!(impl Into<String>),
            quote!(.into()),
            "Where the page starts: the `next_offset` of the previous page.",
        ));
    }
    let filter_setter = |f: &Filter, imports: &mut Imports| {
        let ty = filter_type(f, imports);
        let place = filter_place(f);
        setter(
            &ident(&f.ident),
            &filter_doc(f),
            ty,
            quote!(crate::filter::add_condition(&mut self.params.#place, value)),
        )
    };
    for f in op.filters.iter().filter(|f| f.group.is_none()) {
        let id = ident(&f.ident);
        let wire = &f.wire;
        slots.push(Slot {
            decl: filter_field_decl(f, imports),
            init: quote!(#id: Vec::new(),),
            encode: quote!(form.field(#wire, &self.#id);),
            setters: vec![filter_setter(f, imports)],
            read: ParamRead::new(id, wire, ReadKind::Filter),
        });
    }
    for (group, members) in op.filter_groups() {
        let id = ident(&names::field_ident(group));
        let ty = format_ident!("{}", names::filter_group_type(&op.pascal, group));
        let d = doc(&format!("Filters in the `{group}` group."));
        slots.push(Slot {
            decl: quote! {
                #d
                pub #id: #ty,
            },
            init: quote!(#id: Default::default(),),
            encode: quote!(form.field(#group, &self.#id);),
            setters: members.iter().map(|f| filter_setter(f, imports)).collect(),
            read: ParamRead::new(id, group, ReadKind::Group),
        });
    }
    if !op.sort_by.is_empty() {
        imports.runtime("Sort");
        let field = format_ident!("{}", op.sort_field_type());
        let mut slot = option_slot(
            "sort_by",
            quote!(Sort<#field>),
            quote!(Sort<#field>),
            quote!(),
            "Order of the entries.",
        );
        slot.read.kind = ReadKind::Sort;
        slots.push(slot);
    }
    if op.custom_fields {
        // The request's `custom_field` is the generic one (`CustomFieldParams`).
        let mut slot = custom_fields_slot();
        slot.setters.clear();
        slots.push(slot);
    }
    slots
}

/// Custom fields (`cf_*`) of an operation or a parameter object.
fn custom_fields_slot() -> Slot {
    Slot {
        decl: quote! {
            /// Custom fields (`cf_*`), sent beside the parameters.
            pub custom_fields: crate::CustomFieldValues,
        },
        init: quote!(custom_fields: Default::default(),),
        encode: quote!(form.custom_fields(&self.custom_fields);),
        setters: vec![quote! {
            /// Sets the custom field `name` (which must start with `cf_`) to `value`; a text
            /// value is sent as it is, numbers and booleans as their text.
            #[inline]
            pub fn custom_field(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
                self.custom_fields.insert(name, value);
                self
            }
        }],
        read: ParamRead::new(format_ident!("custom_fields"), "", ReadKind::CustomFields),
    }
}

/// The structs holding each filter group of an operation.
fn filter_group_structs(op: &Operation, imports: &mut Imports) -> Vec<TokenStream> {
    op.filter_groups()
        .into_iter()
        .map(|(group, members)| {
            let name = format_ident!("{}", names::filter_group_type(&op.pascal, group));
            let d = doc(&format!(
                "The `{group}` filters of {}, sent as `{group}[field][operator]`.",
                describe(op)
            ));
            let decls = members.iter().map(|f| filter_field_decl(f, imports));
            let ids: Vec<_> = members
                .iter()
                .map(|f| ident(&names::field_ident(&f.field)))
                .collect();
            let wires = members.iter().map(|f| &f.field);
            let reads: Vec<ParamRead> = members
                .iter()
                .zip(&ids)
                .map(|(f, id)| ParamRead::new(id.clone(), &f.field, ReadKind::Filter))
                .collect();
            let deserialize = params_deserialize(&name, &reads);
            let serialize = params_serialize(&name, &reads);
            quote! {
                #d
                #[derive(Debug, Clone, PartialEq, Default)]
                #[non_exhaustive]
                pub struct #name {
                    #(#decls)*
                }
                #serialize
                #deserialize
                impl #name {
                    /// Whether no filter of the group is set.
                    #[inline]
                    pub fn is_empty(&self) -> bool {
                        #(self.#ids.is_empty())&&*
                    }
                }
                impl crate::form::FormEncode for #name {
                    #[inline]
                    fn encode(&self, form: &mut crate::form::Form) {
                        #(form.field(#wires, &self.#ids);)*
                    }
                }
                crate::form::form_object!(#name);
            }
        })
        .collect()
}

/// Setters on an operation's request builder: one per optional parameter, then the slots'.
fn setters(op: &Operation, slots: &[Slot], imports: &mut Imports) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in op.params.iter().filter(|f| !f.required) {
        let id = ident(&f.ident);
        let d = setter_doc(f);
        let (arg, conv, wrap) = setter_parts(f, imports);
        let value = if wrap {
            quote!(Some(value #conv))
        } else {
            quote!(value #conv)
        };
        out.push(quote! {
            #d
            #[inline]
            pub fn #id(mut self, value: #arg) -> Self {
                self.params.#id = #value;
                self
            }
        });
    }
    out.extend(slots.iter().flat_map(|s| s.setters.iter().cloned()));
    out
}

/// Argument type, conversion, and whether the stored value is an `Option`.
fn setter_parts(f: &Field, imports: &mut Imports) -> (TokenStream, TokenStream, bool) {
    let (arg, conv) = arg(&f.ty, imports);
    let is_list = matches!(f.ty, Type::List(_));
    (arg, conv, !is_list)
}

/// A parameters struct (an operation's or an inline object's): public fields, `new` taking
/// the required ones, fluent setters for the rest, and its form encoding.
fn params_struct(
    def: &StructDef,
    slots: &[Slot],
    operation: bool,
    json_body: bool,
    imports: &mut Imports,
) -> TokenStream {
    imports.serde("Deserialize");
    imports.serde("Serialize");
    let name = format_ident!("{}", def.name);
    let type_doc = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("Fields of the `{}` parameter object.", def.name)));
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut encode = Vec::new();
    let mut fluent = Vec::new();
    let mut reads = Vec::new();
    for f in &def.fields {
        let id = ident(&f.ident);
        let ty = rust_type(&f.ty, imports);
        let d = field_doc(f).map(|text| doc(&text));
        let wire = &f.wire;
        encode.push(quote!(form.field(#wire, &self.#id);));
        let kind = if f.required {
            ReadKind::Required
        } else if matches!(f.ty, Type::List(_)) {
            ReadKind::Empty
        } else {
            ReadKind::Optional
        };
        reads.push(ParamRead::new(id.clone(), wire, kind));
        if f.required {
            fields.push(quote!(#d pub #id: #ty,));
            let (arg, conv) = arg(&f.ty, imports);
            new_args.push(quote!(#id: #arg));
            new_inits.push(if conv.is_empty() {
                quote!(#id,)
            } else {
                quote!(#id: #id #conv,)
            });
        } else if matches!(f.ty, Type::List(_)) {
            fields.push(quote! {
                #d
                pub #id: #ty,
            });
            new_inits.push(quote!(#id: Vec::new(),));
        } else {
            fields.push(quote! {
                #d
                pub #id: Option<#ty>,
            });
            new_inits.push(quote!(#id: None,));
        }
        if !f.required && !operation {
            let (arg, conv, wrap) = setter_parts(f, imports);
            let value = if wrap {
                quote!(Some(value #conv))
            } else {
                quote!(value #conv)
            };
            let sd = setter_doc(f);
            fluent.push(quote! {
                #sd
                #[inline]
                pub fn #id(mut self, value: #arg) -> Self {
                    self.#id = #value;
                    self
                }
            });
        }
    }
    // An operation's custom fields come with its slots; an object's are added here.
    let object_custom_fields = (!operation && def.custom_fields).then(custom_fields_slot);
    for slot in slots.iter().chain(&object_custom_fields) {
        fields.push(slot.decl.clone());
        new_inits.push(slot.init.clone());
        encode.push(slot.encode.clone());
        reads.push(slot.read.clone());
    }
    if let Some(slot) = &object_custom_fields {
        fluent.extend(slot.setters.iter().cloned());
    }
    let deserialize = params_deserialize(&name, &reads);
    let serialize = params_serialize(&name, &reads);
    let derive_default = new_args.is_empty().then(|| quote!(Default,));
    let to_form = operation.then(|| {
        quote! {
            /// The parameters encoded as Chargebee receives them in a form body or query;
            /// refused when a custom field name does not start with `cf_`.
            #[inline]
            pub fn to_form(&self) -> Result<String, crate::InvalidParam> {
                crate::form::Form::encode(self)
            }
        }
    });
    let new_doc = doc(if new_args.is_empty() {
        "Parameters with nothing set."
    } else {
        "Parameters with the required fields set and nothing else."
    });
    let object_impl = (!operation).then(|| quote!(crate::form::form_object!(#name);));
    // Only the operations with a JSON body carry a JSON writer.
    let json = json_body.then(|| {
        quote! {
            #[inline]
            fn json(&self) -> Option<serde_json::Result<Vec<u8>>> {
                Some(serde_json::to_vec(self))
            }
        }
    });
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #serialize
        #deserialize
        impl #name {
            #new_doc
            #[inline]
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }
            #(#fluent)*
            #to_form
        }
        impl crate::form::FormEncode for #name {
            #[inline]
            fn encode(&self, form: &mut crate::form::Form) {
                #(#encode)*
            }
            #json
        }
        #object_impl
    }
}

/// `Serialize` for a params struct: the JSON shape `Deserialize` reads, absent parameters
/// left out.
fn params_serialize(name: &syn::Ident, reads: &[ParamRead]) -> TokenStream {
    let entries: Vec<TokenStream> = reads
        .iter()
        .map(|r| {
            let id = &r.ident;
            let wire = &r.wire;
            match r.kind {
                ReadKind::Required => quote!(entries.field(#wire, &self.#id)?;),
                ReadKind::Optional | ReadKind::Sort => {
                    quote!(entries.optional(#wire, &self.#id)?;)
                }
                ReadKind::Empty => quote!(entries.list(#wire, &self.#id)?;),
                ReadKind::Group => quote! {
                    if !self.#id.is_empty() {
                        entries.field(#wire, &self.#id)?;
                    }
                },
                ReadKind::Filter => quote!(entries.conditions(#wire, &self.#id)?;),
                ReadKind::CustomFields => quote!(entries.custom_fields(&self.custom_fields)?;),
            }
        })
        .collect();
    serialize_impl(name, &entries)
}

/// `Deserialize` for a params struct, written out field by field (serde's derive expands to
/// about five times the code, which made it half of what rustc compiled in this crate). Every
/// key is read once: a key given twice, a required field missing, and a key no field names
/// are refused, except that a struct taking custom fields reads any `cf_*` key as one.
fn params_deserialize(name: &syn::Ident, reads: &[ParamRead]) -> TokenStream {
    let expecting = format!("a `{name}` object");
    let custom = reads.iter().any(|r| r.kind == ReadKind::CustomFields);
    let named: Vec<&ParamRead> = reads
        .iter()
        .filter(|r| r.kind != ReadKind::CustomFields)
        .collect();
    let slots = named.iter().map(|r| {
        let id = &r.ident;
        quote!(let mut #id = None;)
    });
    let arms = named.iter().map(|r| {
        let id = &r.ident;
        let wire = &r.wire;
        let bytes = proc_macro2::Literal::byte_string(wire.as_bytes());
        match r.kind {
            ReadKind::Filter => {
                quote!(#bytes => crate::decode::param_with(&mut map, #wire, &mut #id, crate::filter::Conditions::of(#wire))?,)
            }
            ReadKind::Sort => {
                let asc = proc_macro2::Literal::byte_string(format!("{wire}[asc]").as_bytes());
                let desc = proc_macro2::Literal::byte_string(format!("{wire}[desc]").as_bytes());
                quote! {
                    #bytes => crate::decode::param(&mut map, #wire, &mut #id)?,
                    #asc => crate::decode::param_with(&mut map, #wire, &mut #id, crate::filter::SortKey::asc())?,
                    #desc => crate::decode::param_with(&mut map, #wire, &mut #id, crate::filter::SortKey::desc())?,
                }
            }
            _ => quote!(#bytes => crate::decode::param(&mut map, #wire, &mut #id)?,),
        }
    });
    let (custom_slot, other, expected) = if custom {
        (
            Some(quote!(let mut custom_fields = crate::CustomFieldValues::default();)),
            quote!(_ => crate::custom_fields::read(&mut map, key, &mut custom_fields)?,),
            None,
        )
    } else {
        let wires = named.iter().map(|r| &r.wire);
        (
            None,
            quote!(_ => return Err(crate::decode::unknown_param(key, EXPECTED)),),
            Some(quote!(const EXPECTED: &[&str] = &[#(#wires),*];)),
        )
    };
    let inits = reads.iter().map(|r| {
        let id = &r.ident;
        let wire = &r.wire;
        match r.kind {
            ReadKind::Required => quote!(#id: crate::decode::required(#id, #wire)?,),
            // `null` is already absent (`decode::param`): the slot is the field.
            ReadKind::Optional | ReadKind::Sort => quote!(#id,),
            ReadKind::Empty | ReadKind::Group | ReadKind::Filter => {
                quote!(#id: #id.unwrap_or_default(),)
            }
            ReadKind::CustomFields => quote!(custom_fields,),
        }
    });
    let read_keys = if reads.is_empty() {
        quote! {
            if let Some(key) = map.next_key::<crate::decode::WireText<'de>>()? {
                return Err(crate::decode::unknown_param(key, EXPECTED));
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<crate::decode::WireText<'de>>()? {
                match key.as_bytes() {
                    #(#arms)*
                    #other
                }
            }
        }
    };
    let body = quote! {
        #expected
        #(#slots)*
        #custom_slot
        #read_keys
        Ok(#name { #(#inits)* })
    };
    deserialize_map_impl(name, &expecting, body)
}

fn sort_enum(op: &Operation) -> Option<TokenStream> {
    if op.sort_by.is_empty() {
        return None;
    }
    let name = format_ident!("{}", op.sort_field_type());
    let d = doc(&format!("Fields {} can sort by.", describe(op)));
    let variants = op.sort_by.iter().map(|(v, wire)| {
        let v = format_ident!("{}", v);
        let vd = doc(&format!("`{wire}`"));
        quote!(#vd #[serde(rename = #wire)] #v,)
    });
    let arms = op.sort_by.iter().map(|(v, wire)| {
        let v = format_ident!("{}", v);
        quote!(Self::#v => #wire,)
    });
    Some(quote! {
        #d
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
        impl crate::filter::SortField for #name {
            fn as_str(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }
    })
}

/// The type `send` returns: the answer, or a page of answers.
fn answer_output(op: &Operation, imports: &mut Imports) -> TokenStream {
    let ident = format_ident!("{}", op.answer_type());
    if op.paginated {
        imports.runtime("Page");
        quote!(Page<#ident>)
    } else {
        quote!(#ident)
    }
}

/// The answer type to declare: a struct, or an alias of an earlier operation's answer type
/// with the same fields.
fn answer_type(op: &Operation, imports: &mut Imports) -> TokenStream {
    let name = op.answer_type();
    let ident = format_ident!("{}", name);
    let what = if op.paginated {
        format!("One entry of a page of {}", describe(op))
    } else {
        format!("What {} returns", describe(op))
    };
    match &op.same_answer_as {
        Some(same) => {
            let d = doc(&format!("{what}: the same fields as [`{same}`]."));
            let same = format_ident!("{}", same);
            quote!(#d pub type #ident = #same;)
        }
        None => {
            let def = StructDef {
                same_as: None,
                name,
                doc: Some(format!("{what}.")),
                fields: op.returns.clone(),
                custom_fields: false,
            };
            emit_model_struct(&def, StructKind::Envelope, imports)
        }
    }
}
