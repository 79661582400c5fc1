//! Cases: the facts as submitted, the decision, and each track's status.

use diesel::prelude::*;

use crate::db::schema::cases;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: i32,
    pub customer_name: String,
    pub account_id: String,
    pub support_ticket: Option<String>,
    pub request: String,
    pub level_id: i32,
    pub server_id: i32,
    pub ar_balance_cents: i64,
    pub refund_amount_cents: Option<i64>,
    pub refund_reason: Option<String>,
    pub notes: Option<String>,
    pub original_rep_id: Option<i32>,
    pub submitted_by: i32,
    pub policy_version: i32,
    pub facts_snapshot: String,
    pub decision: String,
    pub cancellation_status: Option<String>,
    pub refund_status: Option<String>,
    pub is_open: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = cases)]
pub struct NewCaseRow<'a> {
    pub customer_name: &'a str,
    pub account_id: &'a str,
    pub support_ticket: Option<&'a str>,
    pub request: &'a str,
    pub level_id: i32,
    pub server_id: i32,
    pub ar_balance_cents: i64,
    pub refund_amount_cents: Option<i64>,
    pub refund_reason: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub original_rep_id: Option<i32>,
    pub submitted_by: i32,
    pub policy_version: i32,
    pub facts_snapshot: &'a str,
    pub decision: &'a str,
    pub cancellation_status: Option<&'a str>,
    pub refund_status: Option<&'a str>,
    pub is_open: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CaseRow {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<CaseRow> {
        cases::table
            .find(id)
            .select(CaseRow::as_select())
            .first(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, row: &NewCaseRow<'_>) -> QueryResult<i32> {
        diesel::insert_into(cases::table)
            .values(row)
            .returning(cases::id)
            .get_result(conn)
    }

    /// The newest open case on an account, for the duplicate warning.
    pub fn open_for_account(
        conn: &mut SqliteConnection,
        account_id: &str,
    ) -> QueryResult<Option<i32>> {
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
        id: i32,
        expected: (Option<&str>, Option<&str>),
        next: (Option<&str>, Option<&str>),
        is_open: bool,
        now: i64,
    ) -> QueryResult<bool> {
        let mut query = diesel::update(cases::table.find(id)).into_boxed();
        query = match expected.0 {
            Some(status) => query.filter(cases::cancellation_status.eq(status)),
            None => query.filter(cases::cancellation_status.is_null()),
        };
        query = match expected.1 {
            Some(status) => query.filter(cases::refund_status.eq(status)),
            None => query.filter(cases::refund_status.is_null()),
        };
        let changed = query
            .set((
                cases::cancellation_status.eq(next.0),
                cases::refund_status.eq(next.1),
                cases::is_open.eq(is_open),
                cases::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(changed == 1)
    }
}
