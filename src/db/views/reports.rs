//! What the retention reports read (SPEC §9): one row per save task,
//! cancellation and refund of the cases submitted in a time range, and the
//! cases that came after each save on the same account.
//!
//! Each query starts from `cases_for_reports` (a range scan over the cases
//! submitted in the range, on an index that covers every case column read
//! here: `CROSS JOIN` keeps SQLite from starting anywhere else) and reaches
//! the task or billing item by its unique `case_id`. Levels, reasons and
//! people come as ids, named from [`names`] by the caller: a join per row
//! to a ten-row table costs more than the row itself. "Kept 30 days" looks
//! up the account's later cases on `cases_by_account_created`.
//!
//! The rows are handed to a callback one at a time (`load_iter`), so a
//! report over a million cases never holds them all. The figures are
//! computed from these rows (`domain::reports`), never kept as running
//! totals.

use std::collections::HashMap;

use diesel::connection::{DefaultLoadingMode, SimpleConnection};
use diesel::prelude::*;
use diesel::query_builder::SqlQuery;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

use crate::db::schema::{customer_levels, leave_reasons, staff};
use crate::domain::{
    BillingStatus, CancellationRoute, CancellationStatus, LevelId, Money, OfferMade, ReasonId,
    ReviewState, SaveOutcome, SaveTaskId, StaffId,
};

/// Runs `read` with the database file mapped into memory, and unmaps it
/// after. A report reads hundreds of megabytes at a million cases: mapped,
/// its pages come straight from the operating system's cache, which the
/// three parallel readers share, instead of a `pread` per page into each
/// connection's own 8 MiB cache (2 × the CPU without). Unmapped after, so
/// the pages do not stay counted in the server's RSS. The compile-time
/// limit is raised in `.cargo/config.toml`.
pub fn with_file_mapped<T, E: From<diesel::result::Error>>(
    conn: &mut SqliteConnection,
    read: impl FnOnce(&mut SqliteConnection) -> Result<T, E>,
) -> Result<T, E> {
    conn.batch_execute("PRAGMA mmap_size = 17179869184")?;
    let done = read(conn);
    conn.batch_execute("PRAGMA mmap_size = 0")?;
    done
}

/// The names of every level, reason and person, by id.
#[derive(Debug, Default)]
pub struct Names {
    pub levels: HashMap<LevelId, String>,
    pub reasons: HashMap<ReasonId, String>,
    pub staff: HashMap<StaffId, String>,
}

pub fn names(conn: &mut SqliteConnection) -> QueryResult<Names> {
    Ok(Names {
        levels: customer_levels::table
            .select((customer_levels::id, customer_levels::name))
            .load(conn)?
            .into_iter()
            .collect(),
        reasons: leave_reasons::table
            .select((leave_reasons::id, leave_reasons::name))
            .load(conn)?
            .into_iter()
            .collect(),
        staff: staff::table
            .select((staff::id, staff::full_name))
            .load(conn)?
            .into_iter()
            .collect(),
    })
}

/// One save task of a case submitted in the range.
#[derive(QueryableByName, Debug, Clone)]
pub struct SaveTaskReportRow {
    #[diesel(sql_type = Integer)]
    pub task_id: SaveTaskId,
    #[diesel(sql_type = BigInt)]
    pub case_created_at: i64,
    #[diesel(sql_type = BigInt)]
    pub task_created_at: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub closed_at: Option<i64>,
    /// SPEC §11; `None` for tasks from before service levels.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub due_at: Option<i64>,
    #[diesel(sql_type = Bool)]
    pub is_open: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub outcome: Option<SaveOutcome>,
    #[diesel(sql_type = Nullable<Text>)]
    pub offer: Option<OfferMade>,
    #[diesel(sql_type = BigInt)]
    pub ar_balance: Money,
    #[diesel(sql_type = Integer)]
    pub level_id: LevelId,
    #[diesel(sql_type = Nullable<Integer>)]
    pub reason_id: Option<ReasonId>,
    /// Who recorded the outcome; for a task without one, its assignee.
    #[diesel(sql_type = Integer)]
    pub rep_id: StaffId,
}

/// A case on the account of a save, submitted within 30 days after it.
#[derive(QueryableByName, Debug, Clone)]
pub struct LaterCaseRow {
    #[diesel(sql_type = Integer)]
    pub task_id: SaveTaskId,
    #[diesel(sql_type = BigInt)]
    pub created_at: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub cancellation_status: Option<CancellationStatus>,
}

/// One case with a cancellation track, submitted in the range.
#[derive(QueryableByName, Debug, Clone)]
pub struct CancellationReportRow {
    #[diesel(sql_type = BigInt)]
    pub case_created_at: i64,
    /// The route in the case's facts snapshot (as it was decided).
    #[diesel(sql_type = Text)]
    pub route: CancellationRoute,
    #[diesel(sql_type = Bool)]
    pub had_save_task: bool,
    #[diesel(sql_type = Text)]
    pub cancellation_status: CancellationStatus,
    #[diesel(sql_type = Nullable<Text>)]
    pub offer: Option<OfferMade>,
    #[diesel(sql_type = Integer)]
    pub level_id: LevelId,
    #[diesel(sql_type = Nullable<Integer>)]
    pub reason_id: Option<ReasonId>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub original_rep_id: Option<StaffId>,
}

/// One refund of a case submitted in the range.
#[derive(QueryableByName, Debug, Clone)]
pub struct RefundReportRow {
    #[diesel(sql_type = BigInt)]
    pub case_created_at: i64,
    #[diesel(sql_type = BigInt)]
    pub item_created_at: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub issued_at: Option<i64>,
    /// When billing approved or denied it (review refunds only).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reviewed_at: Option<i64>,
    /// SPEC §11; `None` for items from before service levels.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub due_at: Option<i64>,
    #[diesel(sql_type = Text)]
    pub status: BillingStatus,
    #[diesel(sql_type = Text)]
    pub review: ReviewState,
    #[diesel(sql_type = BigInt)]
    pub amount: Money,
    #[diesel(sql_type = Integer)]
    pub level_id: LevelId,
    #[diesel(sql_type = Nullable<Integer>)]
    pub original_rep_id: Option<StaffId>,
}

/// The cases submitted in `[from, until)`.
const IN_RANGE: &str = "c.created_at >= ? AND c.created_at < ?";

/// Hands each row of `query` to `each`, without collecting them.
fn for_each_row<R: QueryableByName<diesel::sqlite::Sqlite> + 'static>(
    conn: &mut SqliteConnection,
    query: SqlQuery,
    (from, until): (i64, i64),
    mut each: impl FnMut(R),
) -> QueryResult<()> {
    let rows = query
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(until)
        .load_iter::<R, DefaultLoadingMode>(conn)?;
    for row in rows {
        each(row?);
    }
    Ok(())
}

pub fn save_tasks(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    each: impl FnMut(SaveTaskReportRow),
) -> QueryResult<()> {
    let query = diesel::sql_query(format!(
        "SELECT t.id AS task_id, c.created_at AS case_created_at,
                t.created_at AS task_created_at, t.closed_at, t.due_at, t.is_open, t.outcome, t.offer,
                c.ar_balance_cents AS ar_balance, c.level_id, c.leave_reason_id AS reason_id,
                CASE WHEN t.outcome IS NULL THEN t.assignee_id
                     ELSE COALESCE(t.closed_by, t.assignee_id) END AS rep_id
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN save_tasks t ON t.case_id = c.id
         WHERE {IN_RANGE}"
    ));
    for_each_row(conn, query, span, each)
}

/// For each save of a case in the range: the account's other cases
/// submitted from the save to 30 × 24 h after it.
pub fn cases_after_saves(
    conn: &mut SqliteConnection,
    (from, until): (i64, i64),
    window: i64,
) -> QueryResult<Vec<LaterCaseRow>> {
    diesel::sql_query(format!(
        "SELECT t.id AS task_id, later.created_at, later.cancellation_status
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN save_tasks t ON t.case_id = c.id
         CROSS JOIN cases later INDEXED BY cases_by_account_created
             ON later.account_id = c.account_id
            AND later.created_at >= t.closed_at AND later.created_at <= t.closed_at + ?
            AND later.id <> c.id
         WHERE t.outcome = 'saved' AND {IN_RANGE}"
    ))
    .bind::<BigInt, _>(window)
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(until)
    .load(conn)
}

pub fn cancellations(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    each: impl FnMut(CancellationReportRow),
) -> QueryResult<()> {
    let query = diesel::sql_query(format!(
        "SELECT c.created_at AS case_created_at,
                c.decided_route AS route,
                t.id IS NOT NULL AS had_save_task, c.cancellation_status, t.offer,
                c.level_id, c.leave_reason_id AS reason_id, c.original_rep_id
         FROM cases c INDEXED BY cases_for_reports
         LEFT JOIN save_tasks t ON t.case_id = c.id
         WHERE c.cancellation_status IS NOT NULL AND {IN_RANGE}"
    ));
    for_each_row(conn, query, span, each)
}

pub fn refunds(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    each: impl FnMut(RefundReportRow),
) -> QueryResult<()> {
    let query = diesel::sql_query(format!(
        "SELECT c.created_at AS case_created_at, i.created_at AS item_created_at, i.issued_at,
                i.reviewed_at, i.due_at, i.status, i.review, i.amount_cents AS amount,
                c.level_id, c.original_rep_id
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN billing_items i ON i.case_id = c.id
         WHERE {IN_RANGE}"
    ));
    for_each_row(conn, query, span, each)
}

#[derive(QueryableByName)]
struct Decided {
    #[diesel(sql_type = BigInt)]
    saved: i64,
    #[diesel(sql_type = BigInt)]
    not_saved: i64,
}

/// "My save calls": the saves and not-saves `rep` recorded on cases
/// submitted in the range.
pub fn decided_by(
    conn: &mut SqliteConnection,
    rep: StaffId,
    (from, until): (i64, i64),
) -> QueryResult<(u64, u64)> {
    let row: Decided = diesel::sql_query(format!(
        "SELECT COALESCE(SUM(t.outcome = 'saved'), 0) AS saved,
                COALESCE(SUM(t.outcome = 'not_saved'), 0) AS not_saved
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN save_tasks t ON t.case_id = c.id
         WHERE t.closed_by = ? AND t.outcome IS NOT NULL AND {IN_RANGE}"
    ))
    .bind::<Integer, _>(rep)
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(until)
    .get_result(conn)?;
    Ok((row.saved.max(0) as u64, row.not_saved.max(0) as u64))
}
