//! Moving save tasks from one person to another, logged on each case.
//!
//! Used when a rep departs (every open task goes to the retention owner who
//! receives fallbacks) and by the retention owner's per-task "Reassign".

use diesel::SqliteConnection;

use crate::db::models::case_events;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::domain::case_log;
use crate::domain::{Role, SaveTaskId, StaffId};
use crate::services::ServiceError;

/// Moves every open save task of `from` to `to` and logs "reassigned" on
/// each case naming both people ("Reassigned from Riley to Spencer: Riley
/// has left the company"). Runs inside the caller's action. Returns how
/// many tasks moved.
pub fn reassign_open_tasks(
    conn: &mut SqliteConnection,
    from: StaffId,
    to: StaffId,
    actor: Option<StaffId>,
    reason: &str,
    now: i64,
) -> Result<usize, ServiceError> {
    if from == to {
        return Ok(0);
    }
    let from_person = StaffRow::find(conn, from)?;
    let to_person = StaffRow::find(conn, to)?;
    let line = case_log::reassigned(&from_person.full_name, &to_person.full_name, reason);
    let mut moved = 0;
    for (task_id, case_id) in SaveTaskRow::open_of(conn, from)? {
        if SaveTaskRow::move_if_open(conn, task_id, from, to, to_person.receives_fallbacks)? {
            case_events::append_line(conn, case_id, actor, &line, now)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The message when the task closed before the reassignment went through.
pub const TASK_CLOSED: &str = "This save task is already closed, so it was not reassigned.";

/// Reassigns one save task to `to` (an active sales rep or retention
/// owner), only while it is still open: of two people acting at once, one
/// reassigns and the other is told the task was closed. Logs "reassigned"
/// on the case. Runs inside the caller's action.
pub fn reassign_task(
    conn: &mut SqliteConnection,
    task_id: SaveTaskId,
    to: StaffId,
    actor: StaffId,
    now: i64,
) -> Result<(), ServiceError> {
    let refuse = |message: String| ServiceError::field("assignee_id", message);
    let task = SaveTaskRow::find(conn, task_id)?;
    if !task.is_open {
        return Err(ServiceError::Conflict(TASK_CLOSED.to_owned()));
    }
    let Some(to_person) = StaffRow::find_optional(conn, to)? else {
        return Err(refuse("Choose a sales rep from the list".to_owned()));
    };
    if to_person.departed_at.is_some() {
        return Err(refuse(format!(
            "{} has left the company and cannot take save tasks.",
            to_person.full_name
        )));
    }
    if !matches!(to_person.role, Role::SalesRep | Role::RetentionOwner) {
        return Err(refuse(
            "Save tasks can go only to a sales rep or a retention owner.".to_owned(),
        ));
    }
    if task.assignee_id == to {
        return Err(refuse(format!(
            "This save task is already assigned to {}.",
            to_person.full_name
        )));
    }
    if !SaveTaskRow::move_if_open(conn, task_id, task.assignee_id, to, false)? {
        return Err(ServiceError::Conflict(TASK_CLOSED.to_owned()));
    }
    let from_person = StaffRow::find(conn, task.assignee_id)?;
    let actor_person = StaffRow::find(conn, actor)?;
    let line = case_log::reassigned(
        &from_person.full_name,
        &to_person.full_name,
        &format!("reassigned by {}", actor_person.full_name),
    );
    case_events::append_line(conn, task.case_id, Some(actor), &line, now)?;
    Ok(())
}
