//! Walking every page of a list: as a `Stream` for async callers and an `Iterator` for blocking
//! ones. A page that fails with a retryable status (429 included) is retried by the transport,
//! honouring `Retry-After`, before the walk gives up with the error.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures_util::{Stream, TryStreamExt, stream};

use crate::models::error::Error;

/// One page as a walk needs it: its items and the cursor of the next page (`None` at the end).
pub(crate) type Step<T> = Result<(Vec<T>, Option<String>), Error>;

/// Every item of every page, fetching each page when the previous one is used up.
pub(crate) fn walk<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: Send,
    F: FnMut(Option<String>) -> Fut + Send,
    Fut: Future<Output = Step<T>> + Send,
{
    let start = (fetch, Cursors::default(), Some(None));
    stream::try_unfold(start, |(mut fetch, mut cursors, next): (F, Cursors, Option<Option<String>>)| async move {
        let Some(cursor) = next else { return Ok::<_, Error>(None) };
        let (items, next) = fetch(cursor).await?;
        let next = cursors.next(next)?;
        Ok(Some((stream::iter(items.into_iter().map(Ok)), (fetch, cursors, next.map(Some)))))
    })
    .try_flatten()
}

/// The cursors a walk has sent. A server handing back one of them again (a repeat, or a cycle)
/// would make the walk endless, so that ends it with an error.
#[derive(Default)]
pub(crate) struct Cursors(HashSet<String>);

impl Cursors {
    /// The cursor of the next page: `None` at the end (an empty cursor counts as none).
    pub(crate) fn next(&mut self, next: Option<String>) -> Result<Option<String>, Error> {
        match next.filter(|c| !c.is_empty()) {
            Some(c) if !self.0.insert(c.clone()) => Err(Error::Internal { message: format!("the API returned cursor {c:?} again") }),
            other => Ok(other),
        }
    }
}

/// The blocking walk: an iterator of items that fetches pages as it goes.
pub struct BlockingPages<T> {
    fetch: Box<dyn FnMut(Option<String>) -> Step<T> + Send>,
    cursors: Cursors,
    buffer: VecDeque<T>,
    /// The cursor of the next page to fetch; `None` once the last page was fetched or a fetch failed.
    next: Option<Option<String>>,
}

impl<T> BlockingPages<T> {
    pub(crate) fn new(fetch: impl FnMut(Option<String>) -> Step<T> + Send + 'static) -> Self {
        Self { fetch: Box::new(fetch), cursors: Cursors::default(), buffer: VecDeque::new(), next: Some(None) }
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
            match (self.fetch)(cursor).and_then(|(items, next)| Ok((items, self.cursors.next(next)?))) {
                Ok((items, next)) => {
                    self.buffer.extend(items);
                    self.next = next.map(Some);
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_or_cycling_cursor_ends_the_walk_and_an_empty_one_is_the_end() {
        // Pages answer cursors a -> b -> a: the third page's answer would restart the cycle.
        let script = |cursor: Option<String>| -> Step<u8> {
            match cursor.as_deref() {
                None => Ok((vec![1], Some("a".into()))),
                Some("a") => Ok((vec![2], Some("b".into()))),
                _ => Ok((vec![3], Some("a".into()))),
            }
        };
        let items: Vec<_> = BlockingPages::new(script).collect();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!((items[0].as_ref().ok(), items[1].as_ref().ok()), (Some(&1), Some(&2)));
        assert!(matches!(&items[2], Err(Error::Internal { message }) if message.contains("\"a\" again")));

        let empty = BlockingPages::new(|_| Ok((vec![1u8], Some(String::new()))));
        assert_eq!(empty.map(Result::unwrap).collect::<Vec<_>>(), vec![1]);
    }
}
