//! A walk over every page of a list operation by name, for the bindings' iterators.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::api::args::FromArgs;
use crate::api::client::Client;
use crate::api::manifest::Addressing;
use crate::api::operations::{OPERATIONS, Op};
use crate::dispatch::run::{check, internal, run, to_json};
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::json::Json;
use crate::models::reference::ProfileRef;
use crate::transport::pagination::Cursors;

/// A walk over every page of a list operation, for the bindings' iterators: each [`Walk::next`]
/// fetches one page (passing the previous page's `next_cursor` as `cursor`) and returns its
/// items, `None` after the last page. The walk's state lives here, so every language gets the
/// same guard: a cursor the walk already sent (a repeat or a cycle) ends it with an error, an
/// empty one ends it, and so does any error.
pub struct Walk {
    client: Client,
    op: Op,
    args: Value,
    /// The cursors sent, and the next one to send (`None` once the walk is over).
    state: futures_util::lock::Mutex<(Cursors, Option<Option<String>>)>,
}

impl Walk {
    pub fn new(client: &Client, op: &str, args: Value) -> Result<Self, Error> {
        let Some(list) = Op::find(op).filter(|o| o.operation().walk.is_some()) else {
            let walkable: Vec<_> = OPERATIONS.iter().filter(|o| o.walk.is_some()).map(|o| o.name).collect();
            return Err(Error::Usage { message: format!("{op:?} is not a list operation (walkable: {})", walkable.join(", ")) });
        };
        // Wrong arguments fail here, when the walk is opened, not at its first page; the walk
        // sends the cursor itself, so neither it nor anything else outside the walk is taken.
        let operation = list.operation();
        let checked = check(operation, &args)?;
        if let Some(param) = operation.params.iter().find(|p| !p.in_walk && checked.get(p.name).is_some()) {
            return Err(ValidationError::new(param.name, Rule::Type, format!("is not an argument of {}'s walk", operation.name)).into());
        }
        if operation.profile != Addressing::None {
            ProfileRef::from_args(checked, "profile")?;
        }
        let state = futures_util::lock::Mutex::new((Cursors::default(), Some(None)));
        Ok(Self { client: client.clone(), op: list, args, state })
    }

    /// The next page's items (a JSON list of models), or `None` when the walk is over.
    pub async fn next(&self) -> Result<Option<Json>, Error> {
        /// What a walk reads of a page (the items stay JSON text).
        #[derive(Deserialize)]
        struct Page<'a> {
            #[serde(borrow)]
            data: Option<&'a RawValue>,
            next_cursor: Option<String>,
        }
        let mut state = self.state.lock().await;
        let Some(cursor) = state.1.take() else { return Ok(None) };
        let mut args = self.args.clone();
        if let (Some(c), Some(map)) = (cursor, args.as_object_mut()) {
            map.insert("cursor".into(), Value::String(c));
        }
        let text = run(&self.client, self.op, &args).await?;
        let page: Page<'_> = serde_json::from_str(text.get()).map_err(internal)?;
        state.1 = state.0.next(page.next_cursor)?.map(Some);
        Ok(Some(page.data.map_or_else(|| to_json(Ok(json!([]))), |items| Ok(items.to_owned()))?))
    }
}
