//! The work queues: save tasks (`/tasks`) and the billing queue
//! (`/billing`), with the actions taken from them.

pub mod billing;
pub mod tasks;

use serde::Deserialize;

use crate::services::queues::lists::QueuePage;

/// `?after=…`: the next page of a queue; `overdue=1`: "Overdue only".
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterParam<Id> {
    pub after: Option<Id>,
    #[serde(default)]
    pub overdue: Option<String>,
}

impl<Id: Copy> AfterParam<Id> {
    pub fn page(&self) -> QueuePage<Id> {
        QueuePage {
            after: self.after,
            overdue_only: self.overdue.as_deref().is_some_and(|v| !v.is_empty()),
        }
    }
}
