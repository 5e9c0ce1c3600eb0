//! What a request needs of its parameters. The generated parameters implement these traits,
//! and the `chargebee` crate's `Request` is bounded by them.

use crate::custom_fields::CustomFieldValues;
use crate::form::FormEncode;

/// The parameters of an operation, as a request carries them (implemented by the generated
/// params types, and `()` for operations without parameters).
pub trait Params: FormEncode + Clone + Send + Sync + 'static {}

impl Params for () {}

/// The parameters of an operation that pages: the offset a page starts at.
pub trait PageParams: Params {
    fn offset(&self) -> Option<&str>;
    fn set_offset(&mut self, offset: Option<String>);
}

/// The parameters of an operation that takes custom fields.
pub trait CustomFieldParams: Params {
    fn custom_fields_mut(&mut self) -> &mut CustomFieldValues;
}
