//! The work queues: open save tasks (reps see their own, the retention owner
//! all) and the billing queue, by due time then age (SPEC §11; rows from
//! before service levels have no due time and come first, as the oldest).
//! Each page is one query on an index that matches its filter and order,
//! paginated by keyset on (due time, id).

use diesel::prelude::*;

use crate::db::schema::{
    billing_items as items, cases, customer_levels, leave_reasons, save_tasks, staff,
};
use crate::domain::{
    BillingItemId, BillingStatus, CaseId, Money, ReviewState, SaveTaskId, StaffId,
};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Queryable)]
pub struct TaskRow {
    pub task_id: SaveTaskId,
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub level_name: String,
    pub ar_balance: Money,
    pub attempts: i32,
    pub created_at: i64,
    pub assignee_id: StaffId,
    pub assignee_name: String,
    pub fell_back: bool,
    pub due_at: Option<i64>,
    /// SPEC §8: the rep knows why the customer leaves before calling.
    pub reason_name: Option<String>,
}

#[derive(Debug, Clone, Queryable)]
pub struct BillingRow {
    pub item_id: BillingItemId,
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub amount: Money,
    pub ar_balance: Money,
    pub review: ReviewState,
    pub created_at: i64,
    pub due_at: Option<i64>,
}

impl BillingRow {
    pub fn needs_review(&self) -> bool {
        self.review == ReviewState::NeedsReview
    }

    pub fn approved(&self) -> bool {
        self.review == ReviewState::Approved
    }
}

pub struct Page<T, Id> {
    pub rows: Vec<T>,
    /// The id to continue after, when there is a next page.
    pub next_after: Option<Id>,
}

fn page<T, Id>(mut rows: Vec<T>, id: impl Fn(&T) -> Id) -> Page<T, Id> {
    let next_after = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(&id)
    } else {
        None
    };
    Page { rows, next_after }
}

/// Which rows of a queue, from where.
#[derive(Debug, Clone, Copy)]
pub struct QueueFilter<Id> {
    /// The last row of the page before.
    pub after: Option<Id>,
    /// Only rows due at or before this instant ("Overdue only").
    pub overdue_at: Option<i64>,
}

impl<Id> Default for QueueFilter<Id> {
    /// The first page of every row.
    fn default() -> Self {
        QueueFilter {
            after: None,
            overdue_at: None,
        }
    }
}

/// Open save tasks by due time, then age; only `assignee`'s when given.
pub fn open_tasks(
    conn: &mut SqliteConnection,
    assignee: Option<StaffId>,
    filter: QueueFilter<SaveTaskId>,
) -> QueryResult<Page<TaskRow, SaveTaskId>> {
    let after = match filter.after {
        Some(id) => Some((
            id,
            save_tasks::table
                .find(id)
                .select(save_tasks::due_at)
                .get_result::<Option<i64>>(conn)
                .optional()?
                .flatten(),
        )),
        None => None,
    };
    let mut query = save_tasks::table
        .inner_join(
            cases::table
                .inner_join(customer_levels::table)
                .left_join(leave_reasons::table),
        )
        .inner_join(staff::table.on(staff::id.eq(save_tasks::assignee_id)))
        .filter(save_tasks::is_open.eq(true))
        .order((save_tasks::due_at.asc(), save_tasks::id.asc()))
        .limit(PAGE_SIZE + 1)
        .select((
            save_tasks::id,
            save_tasks::case_id,
            cases::customer_name,
            cases::account_id,
            customer_levels::name,
            cases::ar_balance_cents,
            save_tasks::attempts,
            save_tasks::created_at,
            save_tasks::assignee_id,
            staff::full_name,
            save_tasks::fell_back,
            save_tasks::due_at,
            leave_reasons::name.nullable(),
        ))
        .into_boxed();
    if let Some(assignee) = assignee {
        query = query.filter(save_tasks::assignee_id.eq(assignee));
    }
    if let Some(before) = filter.overdue_at {
        query = query.filter(save_tasks::due_at.le(before));
    }
    match after {
        // Past the due times of the page before, or at the same one with a
        // higher id.
        Some((id, Some(due))) => {
            query = query.filter(
                save_tasks::due_at
                    .ge(due)
                    .and(save_tasks::due_at.gt(due).or(save_tasks::id.gt(id))),
            );
        }
        // Still among the tasks without a due time, which sort first.
        Some((id, None)) => {
            query = query.filter(save_tasks::due_at.is_not_null().or(save_tasks::id.gt(id)));
        }
        None => {}
    }
    Ok(page(query.load(conn)?, |r: &TaskRow| r.task_id))
}

/// Refunds billing still has to act on, by due time, then age.
pub fn billing_queue(
    conn: &mut SqliteConnection,
    filter: QueueFilter<BillingItemId>,
) -> QueryResult<Page<BillingRow, BillingItemId>> {
    let after = match filter.after {
        Some(id) => Some((
            id,
            items::table
                .find(id)
                .select(items::due_at)
                .get_result::<Option<i64>>(conn)
                .optional()?
                .flatten(),
        )),
        None => None,
    };
    let mut query = items::table
        .inner_join(cases::table)
        .filter(items::status.eq(BillingStatus::InProgress))
        .order((items::due_at.asc(), items::id.asc()))
        .limit(PAGE_SIZE + 1)
        .select((
            items::id,
            items::case_id,
            cases::customer_name,
            cases::account_id,
            items::amount_cents,
            cases::ar_balance_cents,
            items::review,
            items::created_at,
            items::due_at,
        ))
        .into_boxed();
    if let Some(before) = filter.overdue_at {
        query = query.filter(items::due_at.le(before));
    }
    match after {
        Some((id, Some(due))) => {
            query = query.filter(
                items::due_at
                    .ge(due)
                    .and(items::due_at.gt(due).or(items::id.gt(id))),
            );
        }
        Some((id, None)) => {
            query = query.filter(items::due_at.is_not_null().or(items::id.gt(id)));
        }
        None => {}
    }
    Ok(page(query.load(conn)?, |r: &BillingRow| r.item_id))
}
