//! The data types of the [`chargebee`](https://docs.rs/chargebee) crate, which re-exports
//! everything here: use that crate.
//!
//! This crate holds what needs no HTTP: scalar types (`Timestamp`, enums), filters, custom
//! fields, and the decoding and form-encoding runtime of the generated types. It is a crate
//! of its own so that it compiles alongside the HTTP stack, with less memory per compiler
//! process.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub mod custom_fields;
#[doc(hidden)]
pub mod decode;
#[doc(hidden)]
pub mod filter;
#[doc(hidden)]
pub mod form;
#[doc(hidden)]
pub mod json_path;
mod lenient;
#[doc(hidden)]
pub mod request;
#[doc(hidden)]
pub mod serialize;
#[doc(hidden)]
pub mod types;

pub use custom_fields::{is_custom_field, CustomFieldValues, CUSTOM_FIELD_PREFIX};
pub use filter::{
    accepts, BooleanCondition, BooleanFilter, DateFilter, EnumCondition, EnumFilter,
    NumberCondition, NumberFilter, Operators, Sort, SortField, StringCondition, StringFilter,
    TimestampCondition, TimestampFilter,
};
pub use types::{ApiEnum, ExtraFields, Timestamp};

/// A parameter refused before any request is made: `param` names it, `message` says why.
/// The `chargebee` crate reports it as `Error::InvalidArgument`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidParam {
    /// The parameter.
    pub param: &'static str,
    /// Why it was refused.
    pub message: String,
}

impl std::fmt::Display for InvalidParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid argument `{}`: {}", self.param, self.message)
    }
}

impl std::error::Error for InvalidParam {}

#[rustfmt::skip]
mod generated;

pub use generated::*;
