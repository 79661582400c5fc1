//! The agent's waiting list (SPEC §2.3): replies to send, and refunds
//! denied since they last looked.

use diesel::prelude::*;

use crate::db::schema::{billing_items as items, cases};
use crate::domain::{BillingStatus, CancellationStatus, CaseId, StaffId};

/// At most this many of each kind are read.
const LIMIT: i64 = 200;

#[derive(Debug, Clone, Queryable)]
pub struct WaitingRow {
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub since: Option<i64>,
}

/// The agent's cases whose reply is to be sent, longest waiting first.
pub fn replies_to_send(
    conn: &mut SqliteConnection,
    agent: StaffId,
) -> QueryResult<Vec<WaitingRow>> {
    cases::table
        .filter(cases::submitted_by.eq(agent))
        .filter(cases::cancellation_status.eq(CancellationStatus::ReplyToSend))
        .order(cases::updated_at.asc())
        .select((
            cases::id,
            cases::customer_name,
            cases::account_id,
            cases::updated_at.nullable(),
        ))
        .limit(LIMIT)
        .load(conn)
}

/// The agent's refunds denied since they last opened the case.
pub fn unseen_denials(conn: &mut SqliteConnection, agent: StaffId) -> QueryResult<Vec<WaitingRow>> {
    items::table
        .inner_join(cases::table)
        .filter(cases::submitted_by.eq(agent))
        .filter(items::status.eq(BillingStatus::Denied))
        .filter(items::denial_seen_at.is_null())
        .order(items::reviewed_at.asc())
        .select((
            cases::id,
            cases::customer_name,
            cases::account_id,
            items::reviewed_at,
        ))
        .limit(LIMIT)
        .load(conn)
}

/// The submitting agent has seen the denial: it leaves their waiting list.
pub fn mark_denial_seen(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    agent: StaffId,
    now: i64,
) -> QueryResult<usize> {
    let submitted_by: StaffId = cases::table
        .find(case_id)
        .select(cases::submitted_by)
        .first(conn)?;
    if submitted_by != agent {
        return Ok(0);
    }
    diesel::update(
        items::table
            .filter(items::case_id.eq(case_id))
            .filter(items::status.eq(BillingStatus::Denied))
            .filter(items::denial_seen_at.is_null()),
    )
    .set(items::denial_seen_at.eq(now))
    .execute(conn)
}
