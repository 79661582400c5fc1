//! The versioned policy the procedure decides with: the latest version for
//! new cases, a case's own version to explain an old decision.

use diesel::SqliteConnection;

use crate::db::models::reference::PolicyRow;
use crate::procedure::Policy;

use super::error::ServiceError;

fn policy_of(row: PolicyRow) -> Policy {
    Policy {
        version: i64::from(row.version),
        ar_limit: row.ar_limit,
        refund_review_limit: row.refund_review_limit,
    }
}

/// The policy new cases are decided with.
pub fn current(conn: &mut SqliteConnection) -> Result<Policy, ServiceError> {
    Ok(policy_of(PolicyRow::current(conn)?))
}

/// The policy an old case was decided with.
pub fn version(conn: &mut SqliteConnection, version: i32) -> Result<Policy, ServiceError> {
    Ok(policy_of(PolicyRow::find(conn, version)?))
}
