//! What the retention reports read (SPEC §9): one row per save task,
//! cancellation and refund of the cases submitted in a time range, and the
//! cases that came after each save on the same account.
//!
//! Each query starts from `cases_for_reports` (a range scan over the cases
//! submitted in the range, on an index that covers every case column read
//! here: `CROSS JOIN` keeps SQLite from starting anywhere else) and reaches the task, billing item, level, reason and people by
//! primary or unique keys. "Kept 30 days" looks up the account's later
//! cases on `cases_by_account_created`. The figures are computed from these
//! rows (`domain::reports`), never kept as running totals.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

use crate::domain::{
    BillingStatus, CancellationRoute, CancellationStatus, Money, OfferMade, ReviewState,
    SaveOutcome, SaveTaskId, StaffId,
};

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
    #[diesel(sql_type = Text)]
    pub level_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason_name: Option<String>,
    /// Who recorded the outcome; for a task without one, its assignee.
    #[diesel(sql_type = Text)]
    pub rep_name: String,
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
    #[diesel(sql_type = Text)]
    pub level_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub original_rep_name: Option<String>,
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
    #[diesel(sql_type = Text)]
    pub level_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub original_rep_name: Option<String>,
}

/// The cases submitted in `[from, until)`.
const IN_RANGE: &str = "c.created_at >= ? AND c.created_at < ?";

pub fn save_tasks(
    conn: &mut SqliteConnection,
    (from, until): (i64, i64),
) -> QueryResult<Vec<SaveTaskReportRow>> {
    diesel::sql_query(format!(
        "SELECT t.id AS task_id, c.created_at AS case_created_at,
                t.created_at AS task_created_at, t.closed_at, t.due_at, t.is_open, t.outcome, t.offer,
                c.ar_balance_cents AS ar_balance, l.name AS level_name, r.name AS reason_name,
                CASE WHEN t.outcome IS NULL THEN a.full_name ELSE COALESCE(b.full_name, a.full_name) END AS rep_name
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN save_tasks t ON t.case_id = c.id
         JOIN customer_levels l ON l.id = c.level_id
         LEFT JOIN leave_reasons r ON r.id = c.leave_reason_id
         JOIN staff a ON a.id = t.assignee_id
         LEFT JOIN staff b ON b.id = t.closed_by
         WHERE {IN_RANGE}"
    ))
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(until)
    .load(conn)
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
    (from, until): (i64, i64),
) -> QueryResult<Vec<CancellationReportRow>> {
    diesel::sql_query(format!(
        "SELECT c.created_at AS case_created_at,
                c.decided_route AS route,
                t.id IS NOT NULL AS had_save_task, c.cancellation_status, t.offer,
                l.name AS level_name, r.name AS reason_name, rep.full_name AS original_rep_name
         FROM cases c INDEXED BY cases_for_reports
         LEFT JOIN save_tasks t ON t.case_id = c.id
         JOIN customer_levels l ON l.id = c.level_id
         LEFT JOIN leave_reasons r ON r.id = c.leave_reason_id
         LEFT JOIN staff rep ON rep.id = c.original_rep_id
         WHERE c.cancellation_status IS NOT NULL AND {IN_RANGE}"
    ))
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(until)
    .load(conn)
}

pub fn refunds(
    conn: &mut SqliteConnection,
    (from, until): (i64, i64),
) -> QueryResult<Vec<RefundReportRow>> {
    diesel::sql_query(format!(
        "SELECT c.created_at AS case_created_at, i.created_at AS item_created_at, i.issued_at,
                i.reviewed_at, i.due_at, i.status, i.review, i.amount_cents AS amount,
                l.name AS level_name, rep.full_name AS original_rep_name
         FROM cases c INDEXED BY cases_for_reports
         CROSS JOIN billing_items i ON i.case_id = c.id
         JOIN customer_levels l ON l.id = c.level_id
         LEFT JOIN staff rep ON rep.id = c.original_rep_id
         WHERE {IN_RANGE}"
    ))
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(until)
    .load(conn)
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
