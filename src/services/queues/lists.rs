//! The queue pages: open save tasks (a rep sees their own, the retention
//! owner all) and the refunds billing still has to act on.

use crate::db::models::staff::StaffRow;
use crate::db::views::queues::{self, QueueFilter};
use crate::domain::{BillingItemId, Role, SaveTaskId, StaffId};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

pub use crate::db::views::queues::{BillingRow, Page, TaskRow};

/// Which page of a queue, and whether only the overdue rows.
#[derive(Debug, Clone, Copy)]
pub struct QueuePage<Id> {
    pub after: Option<Id>,
    pub overdue_only: bool,
}

impl<Id> QueuePage<Id> {
    fn filter(self, now: i64) -> QueueFilter<Id> {
        QueueFilter {
            after: self.after,
            overdue_at: self.overdue_only.then_some(now),
        }
    }
}

/// `/tasks` for one person.
pub struct TaskQueue {
    pub tasks: Page<TaskRow, SaveTaskId>,
    /// The retention owner sees every open task and may reassign it.
    pub sees_all: bool,
    /// Active sales reps a retention owner can hand a task to.
    pub reassign_to: Vec<(StaffId, String)>,
}

pub async fn task_queue(
    app: &AppState,
    actor: Actor,
    page: QueuePage<SaveTaskId>,
) -> Result<TaskQueue, ServiceError> {
    let filter = page.filter(app.clock.unix());
    let sees_all = match actor.role {
        Role::RetentionOwner => true,
        Role::SalesRep => false,
        _ => return Err(ServiceError::Forbidden),
    };
    let assignee = (!sees_all).then_some(actor.id);
    app.db
        .read(move |conn| {
            let reassign_to = if sees_all {
                StaffRow::by_role(conn, Role::SalesRep)?
                    .into_iter()
                    .filter(|rep| rep.departed_at.is_none())
                    .map(|rep| (rep.id, rep.full_name))
                    .collect()
            } else {
                Vec::new()
            };
            Ok(TaskQueue {
                tasks: queues::open_tasks(conn, assignee, filter)?,
                sees_all,
                reassign_to,
            })
        })
        .await
}

pub async fn billing_queue(
    app: &AppState,
    actor: Actor,
    page: QueuePage<BillingItemId>,
) -> Result<Page<BillingRow, BillingItemId>, ServiceError> {
    actor.require(Role::Billing)?;
    let filter = page.filter(app.clock.unix());
    app.db
        .read(move |conn| Ok(queues::billing_queue(conn, filter)?))
        .await
}
