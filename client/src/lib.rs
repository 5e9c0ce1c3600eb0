//! Typed async client for the [Chargebee](https://www.chargebee.com) billing API v2.
//!
//! Calls go through the Maton gateway (`https://gateway.maton.ai/chargebee/api/v2/…`, with
//! a Maton API key) or straight to Chargebee (`https://{site}.chargebee.com/api/v2/…`, with
//! a Chargebee API key). Every operation is a fluent builder reached from the [`Client`];
//! required parameters are arguments, optional ones are setters:
//!
//! ```no_run
//! use chargebee::{Client, StringFilter};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), chargebee::Error> {
//! let client = Client::from_env()?; // reads MATON_API_KEY
//! let page = client.customers().list().limit(10).email(StringFilter::is("a@b.c")).send().await?;
//! for entry in &page.list {
//!     println!("{} {:?}", entry.customer.id, entry.customer.email);
//! }
//! let mut all = client.customers().list().stream();
//! while let Some(entry) = all.try_next().await? {
//!     println!("{}", entry.customer.id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The resource modules (`customer`, `subscription`, …) are generated from the YAML spec in
//! the repository; the runtime modules here know nothing about specific endpoints.

mod client;
mod custom_fields;
mod decode;
#[cfg(feature = "dynamic")]
mod dynamic;
mod error;
mod filter;
mod form;
#[rustfmt::skip]
mod generated;
mod limiter;
mod pagination;
mod raw;
mod retry;
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
pub use error::{ApiError, ApiErrorCode, Error, ErrorType, GatewayErrorKind};
pub use filter::{
    BooleanFilter, DateFilter, EnumFilter, NumberFilter, Sort, SortField, StringFilter,
    TimestampFilter,
};
pub use generated::*;
pub use limiter::{RateLimit, SlotPastDeadline};
pub use pagination::Page;
pub use raw::RawRequest;
pub use retry::RetryPolicy;
pub use transport::{ApiBase, BodyKind, HttpMethod, Operation, ResponseInfo};
pub use types::{ApiEnum, ExtraFields, Timestamp};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
