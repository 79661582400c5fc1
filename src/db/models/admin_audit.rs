//! The admin audit log: who changed what in the admin screens, and when.
//! Append-only (triggers refuse UPDATE and DELETE).

use diesel::prelude::*;

use crate::domain::StaffId;

use crate::db::schema::{admin_audit, staff};

/// An audit line with the name of who made the change.
#[derive(Debug, Clone, Queryable)]
pub struct AdminAuditRow {
    pub id: i32,
    pub at: i64,
    pub action: String,
    pub detail: String,
    pub actor_name: Option<String>,
}

/// Appends one line; call it in the same transaction as the change.
pub fn record(
    conn: &mut SqliteConnection,
    actor_id: Option<StaffId>,
    action: &str,
    detail: &str,
    at: i64,
) -> QueryResult<usize> {
    diesel::insert_into(admin_audit::table)
        .values((
            admin_audit::actor_id.eq(actor_id),
            admin_audit::action.eq(action),
            admin_audit::detail.eq(detail),
            admin_audit::at.eq(at),
        ))
        .execute(conn)
}

/// One page of the log, newest first: lines with an id below `before` (all
/// when `None`), at most `limit`.
pub fn page(
    conn: &mut SqliteConnection,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<AdminAuditRow>> {
    let mut query = admin_audit::table
        .left_join(staff::table)
        .order(admin_audit::id.desc())
        .limit(limit)
        .select((
            admin_audit::id,
            admin_audit::at,
            admin_audit::action,
            admin_audit::detail,
            staff::full_name.nullable(),
        ))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(admin_audit::id.lt(before));
    }
    query.load(conn)
}
