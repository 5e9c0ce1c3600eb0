#![doc = include_str!("../README.md")]
//!
//! The resource modules (`customer`, `subscription`, …) are generated from the API's spec;
//! the runtime modules know nothing about specific endpoints.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod dry_run;
#[cfg(feature = "dynamic")]
mod dynamic;
mod error;
mod hooks;
#[rustfmt::skip]
mod generated;
#[cfg(test)]
pub mod golden;
mod limiter;
mod pagination;
mod raw;
mod request;
mod retry;
mod transport;
#[cfg(any(feature = "time_machine", feature = "export"))]
mod waiters;
#[cfg(feature = "webhook_event")]
pub mod webhook;

pub use chargebee_schema::HttpMethod;
pub use chargebee_types::InvalidParam;
pub use chargebee_types::{
    accepts, is_custom_field, ApiEnum, BooleanCondition, BooleanFilter, CustomFieldValues,
    DateFilter, EnumCondition, EnumFilter, ExtraFields, NumberCondition, NumberFilter, Operators,
    Sort, SortField, StringCondition, StringFilter, Timestamp, TimestampCondition, TimestampFilter,
    CUSTOM_FIELD_PREFIX,
};
pub use client::{
    Client, ClientBuilder, API_KEY_VAR, CHARGEBEE_API_KEY_VAR, CONTROL_URL,
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_GATEWAY_RATE, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    GATEWAY_URL, SITE_VAR,
};
pub use dry_run::HttpRequest;
#[cfg(feature = "dynamic")]
pub use dynamic::DynamicCall;
pub use error::{ApiError, ApiErrorCode, Error, ErrorType, GatewayErrorKind};
pub use generated::*;
pub use hooks::{Attempt, Hook};
pub use limiter::{RateLimit, SlotPastDeadline};
pub use pagination::Page;
pub use raw::RawRequest;
pub use request::{Idempotent, NotIdempotent, Request};
pub use retry::RetryPolicy;
pub use transport::ResponseInfo;
#[cfg(any(feature = "time_machine", feature = "export"))]
pub use waiters::Polling;
// The runtime lives in `chargebee-types`; these names give it the paths the generated code
// uses (`crate::form::Form`). The golden copy compiles models and params in this crate too.
#[cfg(test)]
use chargebee_types::serialize;
use chargebee_types::{api_enum_traits, decode, filter, form, json_path, types};
