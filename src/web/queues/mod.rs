//! The work queues: save tasks (`/tasks`) and the billing queue
//! (`/billing`), with the actions taken from them.

pub mod billing;
pub mod tasks;

use serde::Deserialize;

/// `?after=…`: the next page of a queue.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterParam<Id> {
    pub after: Option<Id>,
}
