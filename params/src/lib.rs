//! The parameters of the [`chargebee`](https://docs.rs/chargebee) crate's operations, which
//! re-exports everything here: use that crate.
//!
//! A crate of its own so that the generated code is compiled by two compiler processes, each
//! with about half the memory one would need.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod generated;

pub use generated::*;

// The runtime the generated parameters use, under the paths the generated code names
// (`crate::form::Form`). Which names are used depends on the resource features enabled.
#[allow(unused_imports)]
use chargebee_types::{
    custom_fields, decode, filter, form, request, serialize, BooleanFilter, CustomFieldValues,
    DateFilter, EnumFilter, InvalidParam, NumberFilter, Sort, StringFilter, Timestamp,
    TimestampFilter,
};
