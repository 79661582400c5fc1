//! Read models for the admin overview, joining several tables. Optional
//! columns stay optional, so an unusual row never turns the overview into a 500.

use diesel::prelude::*;

use crate::domain::{CaseId, OutboxMessageId};

use crate::db::schema::{cases, outbox_messages};

/// A Slack heads-up that Slack refused for good, with its case.
#[derive(Queryable, Debug, Clone)]
pub struct FailedDelivery {
    pub message_id: OutboxMessageId,
    pub case_id: CaseId,
    pub customer_name: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: i64,
    /// When the worker last tried (and Slack refused).
    pub last_attempt_at: Option<i64>,
}

/// Slack deliveries with `status = 'failed'`, newest first, at most `limit`.
pub fn failed_deliveries(
    conn: &mut SqliteConnection,
    limit: i64,
) -> QueryResult<Vec<FailedDelivery>> {
    outbox_messages::table
        .inner_join(cases::table)
        .filter(outbox_messages::status.eq("failed"))
        .order(outbox_messages::id.desc())
        .limit(limit)
        .select((
            outbox_messages::id,
            cases::id,
            cases::customer_name,
            outbox_messages::attempts,
            outbox_messages::last_error,
            outbox_messages::created_at,
            outbox_messages::last_attempt_at,
        ))
        .load(conn)
}
