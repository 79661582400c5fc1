//! Moving save tasks from one person to another, logged on each case.
//!
//! Used when a rep departs (every open task goes to the retention owner who
//! receives fallbacks) and by the retention owner's per-task "Reassign".

use diesel::prelude::*;

use crate::db::models::case_events::{self, EventKind};
use crate::db::models::staff::StaffRow;
use crate::db::schema::save_tasks;

/// Moves every open save task of `from_staff_id` to `to_staff_id` and
/// appends a "reassigned" event on each case naming both people
/// ("Reassigned from Riley to Spencer: Riley has left the company").
/// Run it inside the caller's transaction. Returns how many tasks moved.
pub fn reassign_open_tasks(
    conn: &mut SqliteConnection,
    from_staff_id: i32,
    to_staff_id: i32,
    actor_id: Option<i32>,
    reason: &str,
    now: i64,
) -> QueryResult<usize> {
    if from_staff_id == to_staff_id {
        return Ok(0);
    }
    let from = StaffRow::find(conn, from_staff_id)?;
    let to = StaffRow::find(conn, to_staff_id)?;
    let tasks: Vec<(i32, i32)> = save_tasks::table
        .filter(save_tasks::assignee_id.eq(from_staff_id))
        .filter(save_tasks::is_open.eq(true))
        .order(save_tasks::id)
        .select((save_tasks::id, save_tasks::case_id))
        .load(conn)?;
    let body = reassigned_body(&from.full_name, &to.full_name, reason);
    let mut moved = 0;
    for (task_id, case_id) in tasks {
        if move_if_open(
            conn,
            task_id,
            from_staff_id,
            to_staff_id,
            to.receives_fallbacks,
        )? == 1
        {
            case_events::append(conn, case_id, actor_id, EventKind::Reassigned, &body, now)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// Why a single reassignment did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ReassignError {
    #[error("This save task is already closed, so it was not reassigned.")]
    TaskClosed,
    #[error("This save task is already assigned to {0}.")]
    AlreadyAssigned(String),
    #[error("{0} has left the company and cannot take save tasks.")]
    AssigneeDeparted(String),
    #[error("Save tasks can go only to a sales rep or a retention owner.")]
    AssigneeCannotCall,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Reassigns one save task to `to_staff_id` (an active sales rep or
/// retention owner), only while it is still open: of two people acting at
/// once, one reassigns and the other is told the task was closed. Appends a
/// "reassigned" event on the case. Run it inside the caller's transaction.
pub fn reassign_task(
    conn: &mut SqliteConnection,
    task_id: i32,
    to_staff_id: i32,
    actor_id: i32,
    now: i64,
) -> Result<(), ReassignError> {
    let (case_id, from_id, is_open): (i32, i32, bool) = save_tasks::table
        .find(task_id)
        .select((
            save_tasks::case_id,
            save_tasks::assignee_id,
            save_tasks::is_open,
        ))
        .first(conn)
        .optional()?
        .ok_or(ReassignError::NotFound)?;
    if !is_open {
        return Err(ReassignError::TaskClosed);
    }
    let to = StaffRow::find(conn, to_staff_id)
        .optional()?
        .ok_or(ReassignError::NotFound)?;
    if to.departed_at.is_some() {
        return Err(ReassignError::AssigneeDeparted(to.full_name));
    }
    if to.role != "sales-rep" && to.role != "retention-owner" {
        return Err(ReassignError::AssigneeCannotCall);
    }
    if from_id == to_staff_id {
        return Err(ReassignError::AlreadyAssigned(to.full_name));
    }
    if move_if_open(conn, task_id, from_id, to_staff_id, false)? == 0 {
        return Err(ReassignError::TaskClosed);
    }
    let from = StaffRow::find(conn, from_id)?;
    let actor = StaffRow::find(conn, actor_id)?;
    let body = reassigned_body(
        &from.full_name,
        &to.full_name,
        &format!("reassigned by {}", actor.full_name),
    );
    case_events::append(
        conn,
        case_id,
        Some(actor_id),
        EventKind::Reassigned,
        &body,
        now,
    )?;
    Ok(())
}

/// The conditional update: only an open task still assigned to `from`.
/// `fell_back` marks a task that went to the fallback owner because its
/// rep left, as intake marks one whose rep had already left.
fn move_if_open(
    conn: &mut SqliteConnection,
    task_id: i32,
    from: i32,
    to: i32,
    fell_back: bool,
) -> QueryResult<usize> {
    let target = save_tasks::table
        .filter(save_tasks::id.eq(task_id))
        .filter(save_tasks::is_open.eq(true))
        .filter(save_tasks::assignee_id.eq(from));
    if fell_back {
        diesel::update(target)
            .set((
                save_tasks::assignee_id.eq(to),
                save_tasks::fell_back.eq(true),
            ))
            .execute(conn)
    } else {
        diesel::update(target)
            .set(save_tasks::assignee_id.eq(to))
            .execute(conn)
    }
}

fn reassigned_body(from: &str, to: &str, reason: &str) -> String {
    format!("Reassigned from {from} to {to}: {reason}")
}

/// How many open save tasks each person holds, by staff id.
pub fn open_task_counts(
    conn: &mut SqliteConnection,
) -> QueryResult<std::collections::HashMap<i32, i64>> {
    use diesel::dsl::count_star;
    let rows: Vec<(i32, i64)> = save_tasks::table
        .filter(save_tasks::is_open.eq(true))
        .group_by(save_tasks::assignee_id)
        .select((save_tasks::assignee_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// How many open save tasks one person holds.
pub fn open_task_count(conn: &mut SqliteConnection, staff_id: i32) -> QueryResult<i64> {
    save_tasks::table
        .filter(save_tasks::is_open.eq(true))
        .filter(save_tasks::assignee_id.eq(staff_id))
        .count()
        .get_result(conn)
}
