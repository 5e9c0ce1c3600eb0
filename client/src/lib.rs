#![doc = include_str!("../README.md")]
//!
//! The resource modules (`customer`, `subscription`, …) are generated from the API's spec;
//! the runtime modules know nothing about specific endpoints.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod custom_fields;
mod decode;
mod dry_run;
#[cfg(feature = "dynamic")]
mod dynamic;
mod error;
mod filter;
mod form;
#[rustfmt::skip]
mod generated;
#[cfg(test)]
pub mod golden;
mod json_path;
mod limiter;
mod pagination;
mod raw;
mod request;
mod retry;
mod serialize;
mod transport;
#[doc(hidden)]
pub mod types;
#[cfg(feature = "webhook_event")]
pub mod webhook;

pub use client::{
    Client, ClientBuilder, API_KEY_VAR, CONTROL_URL, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_GATEWAY_RATE,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, GATEWAY_URL,
};
pub use custom_fields::{CustomFieldValues, CUSTOM_FIELD_PREFIX};
pub use dry_run::HttpRequest;
#[cfg(feature = "dynamic")]
pub use dynamic::DynamicCall;
pub use error::{ApiError, ApiErrorCode, Error, ErrorType, GatewayErrorKind};
pub use filter::{
    BooleanFilter, DateFilter, EnumFilter, NumberFilter, Sort, SortField, StringFilter,
    TimestampFilter,
};
pub use generated::*;
pub use limiter::{RateLimit, SlotPastDeadline};
pub use pagination::Page;
pub use raw::RawRequest;
pub use request::{Idempotent, NotIdempotent, Request};
pub use retry::RetryPolicy;
pub use transport::{HttpMethod, ResponseInfo};
pub use types::{ApiEnum, ExtraFields, Timestamp};
