//! Pages of list operations and a stream over all their entries.

use crate::Error;
use futures::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The entries of this page.
    pub list: Vec<T>,
    /// Where the next page starts (pass it to `offset`); `None` on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<String>,
}

impl<T> Page<T> {
    /// Whether another page follows.
    pub fn has_more(&self) -> bool {
        self.next_offset.is_some()
    }
}

/// Streams the entries of every page, fetching the next page only when the current one is
/// used up. `check` is yielded first when it is an error (a bad argument stops the stream
/// before any request).
pub(crate) fn paginate<T, F, Fut>(
    check: Result<(), Error>,
    first_offset: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    let start = check.map(|()| Some(first_offset));
    let pages = futures::stream::try_unfold((fetch, start), |(mut fetch, next)| async move {
        let Some(offset) = next? else { return Ok(None) };
        let page = fetch(offset).await?;
        let following = Ok(page.next_offset.map(Some));
        let entries = futures::stream::iter(page.list.into_iter().map(Ok));
        Ok(Some((entries, (fetch, following))))
    });
    pages.try_flatten().boxed()
}
