//! Walking every page of a list: as a `Stream` for async callers and an `Iterator` for blocking
//! ones. A page that fails with a retryable status (429 included) is retried by the transport,
//! honouring `Retry-After`, before the walk gives up with the error.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::{Stream, TryStreamExt, stream};

use crate::error::Error;

/// One page as a walk needs it: its items and the cursor of the next page (`None` at the end).
pub(crate) type Step<T> = Result<(Vec<T>, Option<String>), Error>;

/// Every item of every page, fetching each page when the previous one is used up.
pub(crate) fn walk<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: Send,
    F: FnMut(Option<String>) -> Fut + Send,
    Fut: Future<Output = Step<T>> + Send,
{
    stream::try_unfold((fetch, Some(None)), |(mut fetch, next): (F, Option<Option<String>>)| async move {
        let Some(cursor) = next else { return Ok::<_, Error>(None) };
        let (items, next) = fetch(cursor.clone()).await?;
        check_progress(&cursor, &next)?;
        Ok(Some((stream::iter(items.into_iter().map(Ok)), (fetch, next.map(Some)))))
    })
    .try_flatten()
}

/// A server that hands back the cursor it was given would make the walk endless.
fn check_progress(cursor: &Option<String>, next: &Option<String>) -> Result<(), Error> {
    match next {
        Some(n) if cursor.as_ref() == Some(n) => Err(Error::Internal { message: format!("the API returned cursor {n:?} again") }),
        _ => Ok(()),
    }
}

/// The blocking walk: an iterator of items that fetches pages as it goes.
pub struct BlockingPages<T> {
    fetch: Box<dyn FnMut(Option<String>) -> Step<T> + Send>,
    buffer: VecDeque<T>,
    /// The cursor of the next page to fetch; `None` once the last page was fetched or a fetch failed.
    next: Option<Option<String>>,
}

impl<T> BlockingPages<T> {
    pub(crate) fn new(fetch: impl FnMut(Option<String>) -> Step<T> + Send + 'static) -> Self {
        Self { fetch: Box::new(fetch), buffer: VecDeque::new(), next: Some(None) }
    }
}

impl<T> Iterator for BlockingPages<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            let cursor = self.next.take()?;
            match (self.fetch)(cursor.clone()).and_then(|(items, next)| check_progress(&cursor, &next).map(|()| (items, next))) {
                Ok((items, next)) => {
                    self.buffer.extend(items);
                    self.next = next.map(Some);
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
