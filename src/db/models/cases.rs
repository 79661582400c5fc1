//! Cases: the facts as submitted, the decision, and each track's status.

use diesel::prelude::*;

use crate::domain::case_log::LogLine;
use crate::domain::{
    CancellationRoute, CancellationStatus, CaseId, CaseState, Deadline, LevelId, Money, ReasonId,
    RefundStatus, RequestKind, ServerId, StaffId, Tracks,
};

use super::billing_items::NewBillingItemRow;
use super::save_tasks::NewSaveTaskRow;
use crate::db::schema::cases;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub support_ticket: Option<String>,
    pub request: RequestKind,
    pub level_id: LevelId,
    pub server_id: ServerId,
    #[diesel(column_name = ar_balance_cents)]
    pub ar_balance: Money,
    #[diesel(column_name = refund_amount_cents)]
    pub refund_amount: Option<Money>,
    pub refund_reason: Option<String>,
    pub notes: Option<String>,
    pub original_rep_id: Option<StaffId>,
    pub submitted_by: StaffId,
    pub policy_version: i32,
    pub facts_snapshot: String,
    pub decision: String,
    pub cancellation_status: Option<CancellationStatus>,
    pub refund_status: Option<RefundStatus>,
    pub is_open: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub leave_reason_id: Option<ReasonId>,
    /// The route a cancellation was decided by (for the reports).
    pub decided_route: Option<CancellationRoute>,
}

/// A case as it is written: by intake as the agent submitted it, or by the
/// demo data already moved on (see [`CaseRows`]). `None` is written as NULL.
#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct NewCaseRow {
    pub customer_name: String,
    pub account_id: String,
    pub support_ticket: Option<String>,
    pub request: RequestKind,
    pub level_id: LevelId,
    pub server_id: ServerId,
    #[diesel(column_name = ar_balance_cents)]
    pub ar_balance: Money,
    #[diesel(column_name = refund_amount_cents)]
    pub refund_amount: Option<Money>,
    pub refund_reason: Option<String>,
    pub notes: Option<String>,
    pub original_rep_id: Option<StaffId>,
    pub submitted_by: StaffId,
    pub policy_version: i32,
    pub facts_snapshot: String,
    pub decision: String,
    pub cancellation_status: Option<CancellationStatus>,
    pub refund_status: Option<RefundStatus>,
    pub is_open: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub leave_reason_id: Option<ReasonId>,
    /// The route a cancellation was decided by (for the reports).
    pub decided_route: Option<CancellationRoute>,
}

impl NewCaseRow {
    /// The tracks moved as [`CaseRow::move_tracks`] moves them, for a row
    /// not written yet.
    pub fn move_tracks(&mut self, next: Tracks, now: i64) {
        self.cancellation_status = next.cancellation;
        self.refund_status = next.refund;
        self.is_open = next.state() == CaseState::Open;
        self.updated_at = now;
    }
}

/// Everything a new case is written as: its row, its log lines in order,
/// and its save task and billing item, each with the deadline its
/// service-level alarms are set from. Intake builds it and writes one; the
/// demo data builds many, moves them on and writes them at once
/// (`db::bulk_load`).
#[derive(Debug, Clone)]
pub struct CaseRows {
    pub case: NewCaseRow,
    pub log: Vec<LogEntry>,
    pub save_task: Option<(NewSaveTaskRow, Deadline)>,
    pub billing_item: Option<(NewBillingItemRow, Deadline)>,
}

/// One line of a case's log, by whom and when.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub actor_id: Option<StaffId>,
    pub line: LogLine,
    pub at: i64,
}

impl CaseRow {
    pub fn tracks(&self) -> Tracks {
        Tracks {
            cancellation: self.cancellation_status,
            refund: self.refund_status,
        }
    }

    pub fn find(conn: &mut SqliteConnection, id: CaseId) -> QueryResult<CaseRow> {
        cases::table
            .find(id)
            .select(CaseRow::as_select())
            .get_result(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, row: &NewCaseRow) -> QueryResult<CaseId> {
        diesel::insert_into(cases::table)
            .values(row)
            .returning(cases::id)
            .get_result(conn)
    }

    /// The newest open case on an account, for the duplicate warning.
    pub fn open_for_account(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> QueryResult<Option<CaseId>> {
        cases::table
            .filter(cases::account_id.eq(account_id))
            .filter(cases::is_open.eq(true))
            .order(cases::id.desc())
            .select(cases::id)
            .first(conn)
            .optional()
    }

    /// Sets the track statuses, recomputing open/closed, but only if the
    /// case's tracks are still what the caller saw (a conditional update:
    /// of two people acting at once, one wins).
    pub fn move_tracks(
        conn: &mut SqliteConnection,
        id: CaseId,
        expected: Tracks,
        next: Tracks,
        now: i64,
    ) -> QueryResult<bool> {
        let mut query = diesel::update(cases::table.find(id)).into_boxed();
        query = match expected.cancellation {
            Some(status) => query.filter(cases::cancellation_status.eq(status)),
            None => query.filter(cases::cancellation_status.is_null()),
        };
        query = match expected.refund {
            Some(status) => query.filter(cases::refund_status.eq(status)),
            None => query.filter(cases::refund_status.is_null()),
        };
        let changed = query
            .set((
                cases::cancellation_status.eq(next.cancellation),
                cases::refund_status.eq(next.refund),
                cases::is_open.eq(next.state() == CaseState::Open),
                cases::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(changed == 1)
    }
}
