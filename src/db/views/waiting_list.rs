//! The agent's waiting list (SPEC §2.3): replies to send, and refunds
//! denied since they last looked.

use diesel::prelude::*;

use crate::db::schema::{billing_items as items, cases};
use crate::domain::{BillingStatus, CancellationStatus, CaseId, StaffId};

#[derive(Debug, Clone, Queryable)]
pub struct WaitingRow {
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub since: Option<i64>,
}

/// Up to `limit` of the agent's cases whose reply is to be sent, longest
/// waiting first, after `(since, case)` in that order (keyset: a page
/// costs the same however long the list).
pub fn replies_to_send(
    conn: &mut SqliteConnection,
    agent: StaffId,
    (since, case): (i64, CaseId),
    limit: i64,
) -> QueryResult<Vec<WaitingRow>> {
    cases::table
        .filter(cases::submitted_by.eq(agent))
        .filter(cases::cancellation_status.eq(CancellationStatus::ReplyToSend))
        .filter(cases::updated_at.ge(since))
        .filter(cases::updated_at.gt(since).or(cases::id.gt(case)))
        .order((cases::updated_at.asc(), cases::id.asc()))
        .select((
            cases::id,
            cases::customer_name,
            cases::account_id,
            cases::updated_at.nullable(),
        ))
        .limit(limit)
        .load(conn)
}

/// Up to `limit` of the agent's refunds denied since they last opened the
/// case, longest waiting first, after `(since, case)` in that order.
pub fn unseen_denials(
    conn: &mut SqliteConnection,
    agent: StaffId,
    (since, case): (i64, CaseId),
    limit: i64,
) -> QueryResult<Vec<WaitingRow>> {
    items::table
        .inner_join(cases::table)
        .filter(cases::submitted_by.eq(agent))
        .filter(items::status.eq(BillingStatus::Denied))
        .filter(items::denial_seen_at.is_null())
        .filter(items::reviewed_at.ge(since))
        .filter(items::reviewed_at.gt(since).or(cases::id.gt(case)))
        .order((items::reviewed_at.asc(), cases::id.asc()))
        .select((
            cases::id,
            cases::customer_name,
            cases::account_id,
            items::reviewed_at,
        ))
        .limit(limit)
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
        .get_result(conn)?;
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
