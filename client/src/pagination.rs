//! Pages of list operations and a stream over all their entries.

use crate::Error;
use futures::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::future::Future;

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The entries of this page.
    #[serde(deserialize_with = "entries")]
    pub list: Vec<T>,
    /// Where the next page starts (pass it to `offset`); `None` on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<String>,
}

/// Reads a page's `list`, noting the index of an entry that fails in the JSON path.
fn entries<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::DeserializeSeed;
    crate::decode::Entries(std::marker::PhantomData)
        .deserialize(deserializer)
        .inspect_err(|_| crate::json_path::note_key("list"))
}

impl<T> Page<T> {
    /// A page of `list`, followed by the page at `next_offset` if any, as in tests.
    pub fn new(list: Vec<T>, next_offset: Option<String>) -> Self {
        Page { list, next_offset }
    }

    /// Whether another page follows.
    pub fn has_more(&self) -> bool {
        self.next_offset.is_some()
    }
}

/// Streams the entries of every page, fetching the next page only when the current one is
/// used up. `check` is yielded first when it is an error (a bad argument stops the stream
/// before any request). The stream ends after `max_pages` pages when that is set, and fails
/// with [`Error::RepeatedOffset`] when a `next_offset` comes back that was already followed
/// (a server that would otherwise page forever).
pub(crate) fn paginate<T, F, Fut>(
    operation: &'static str,
    check: Result<(), Error>,
    first_offset: Option<String>,
    max_pages: Option<usize>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    let start = check.map(|()| Some(first_offset));
    let state = (fetch, start, Walk::new(max_pages));
    let pages = futures::stream::try_unfold(state, move |(mut fetch, next, mut walk)| async move {
        let Some(offset) = next? else {
            return Ok::<_, Error>(None);
        };
        if !walk.allows_another() {
            return Ok(None);
        }
        let page = fetch(offset).await?;
        let following = match page.next_offset {
            Some(next) if !walk.follow(&next) => Err(Error::RepeatedOffset {
                operation,
                offset: next,
            }),
            other => Ok(other.map(Some)),
        };
        let entries = futures::stream::iter(page.list.into_iter().map(Ok));
        Ok(Some((entries, (fetch, following, walk))))
    });
    pages.try_flatten().boxed()
}

/// The offsets a stream has followed, and how many pages it may still fetch.
struct Walk {
    seen: HashSet<String>,
    pages_left: Option<usize>,
}

impl Walk {
    fn new(max_pages: Option<usize>) -> Self {
        Walk {
            seen: HashSet::new(),
            pages_left: max_pages,
        }
    }

    /// Uses up one page of the allowance; false when none is left.
    fn allows_another(&mut self) -> bool {
        match &mut self.pages_left {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }

    /// Records `offset` as followed; false when it already was.
    fn follow(&mut self, offset: &str) -> bool {
        self.seen.insert(offset.to_string())
    }
}
