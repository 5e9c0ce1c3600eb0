//! What the generated code knows about an operation (its descriptor), the percent-encoding
//! of its path's id, and the settings one call carries.

use crate::error::Error;
pub(crate) use chargebee_schema::{ApiBase, BodyKind, HttpMethod};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;
use std::time::Duration;

/// What the generated code knows about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    /// `resource.operation`, as named in errors and logs.
    pub(crate) id: &'static str,
    /// The path, split around its parameter when the code was generated.
    pub(crate) path: PathTemplate,
    /// The HTTP method.
    pub(crate) method: HttpMethod,
    /// Which API serves it.
    pub(crate) base: ApiBase,
    /// Where the parameters travel.
    pub(crate) body: BodyKind,
    /// The Chargebee subdomain serving it (`grow`, `ingest`, `file-ingest`), if any: direct
    /// mode sends it to `{site}.{subdomain}.chargebee.com`.
    pub(crate) subdomain: Option<&'static str>,
    /// Whether Chargebee accepts an idempotency key for it.
    pub(crate) idempotent: bool,
}

/// An operation's path, split around its one parameter (Chargebee's paths have at most one)
/// by the generator, so no request parses a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathTemplate {
    /// As documented, `/customers/{customer_id}`: for spans and logs.
    pub(crate) text: &'static str,
    /// What comes before the parameter: the whole path when it has none.
    pub(crate) head: &'static str,
    /// The parameter's name and what follows it: `("customer_id", "/delete")`.
    pub(crate) param: Option<(&'static str, &'static str)>,
}

impl PathTemplate {
    /// A path without a parameter.
    pub(crate) const fn fixed(text: &'static str) -> Self {
        PathTemplate {
            text,
            head: text,
            param: None,
        }
    }
}

/// Characters kept as they are in a path segment: RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded so it stays one segment whatever it holds (`a/b`,
/// `../x`, `?`, `#`, non-ASCII).
pub(crate) struct PathSegment<'a>(&'a str);

impl<'a> PathSegment<'a> {
    /// Refuses the values no encoding keeps in place: URL parsers resolve `.` and `..` (even
    /// percent-encoded) as dot segments, and an empty id would address the collection.
    pub(crate) fn new(param: &'static str, value: &'a str) -> Result<Self, Error> {
        if value.is_empty() || value == "." || value == ".." {
            return Err(Error::InvalidArgument {
                param,
                message: format!("`{value}` cannot be used as an id in a URL path"),
            });
        }
        Ok(PathSegment(value))
    }
}

impl fmt::Display for PathSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        utf8_percent_encode(self.0, SEGMENT).fmt(f)
    }
}

/// Per-call settings a request builder carries.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    /// The caller's own idempotency key, instead of a generated one.
    pub(crate) idempotency_key: Option<String>,
    /// The most pages `stream()` fetches.
    pub(crate) max_pages: Option<usize>,
    /// This call's timeout, instead of the client's.
    pub(crate) timeout: Option<Duration>,
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    fn segment(id: &str) -> String {
        PathSegment::new("id", id).unwrap().to_string()
    }

    #[test]
    fn hostile_ids_stay_one_segment() {
        assert_eq!(segment("cus_1"), "cus_1");
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("../x"), "..%2Fx");
        assert_eq!(segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(segment("é"), "%C3%A9");
        for bad in ["", ".", ".."] {
            assert!(PathSegment::new("id", bad).is_err(), "{bad:?}");
        }
    }
}
