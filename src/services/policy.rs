//! The versioned policy: the limits the procedure decides with. "Save
//! policy" adds a version; new cases use the latest, old cases keep theirs.

use diesel::prelude::*;

use crate::db::models::admin_audit;
use crate::db::models::reference::PolicyRow;
use crate::domain::Money;
use crate::procedure::Policy;

use super::admin_errors::AdminError;
use super::submit_case::policy_from_row;

/// The policy new cases are decided with.
pub fn current_policy(conn: &mut SqliteConnection) -> Result<Policy, AdminError> {
    Ok(policy_from_row(&PolicyRow::current(conn)?)?)
}

/// The policy an old case was decided with.
pub fn policy_version(conn: &mut SqliteConnection, version: i32) -> Result<Policy, AdminError> {
    Ok(policy_from_row(&PolicyRow::find(conn, version)?)?)
}

/// "Save policy": a new version with these limits. Limits cannot be
/// negative.
pub fn save_policy(
    conn: &mut SqliteConnection,
    actor_id: i32,
    ar_limit: Money,
    refund_review_limit: Money,
    now: i64,
) -> Result<Policy, AdminError> {
    if ar_limit.to_cents() < 0 {
        return Err(AdminError::field(
            "ar_limit",
            "The A/R limit cannot be negative",
        ));
    }
    if refund_review_limit.to_cents() < 0 {
        return Err(AdminError::field(
            "refund_review_limit",
            "The refund review limit cannot be negative",
        ));
    }
    let before = current_policy(conn)?;
    let version = PolicyRow::insert_next(
        conn,
        ar_limit.to_cents(),
        refund_review_limit.to_cents(),
        actor_id,
        now,
    )?;
    let detail = format!(
        "Policy version {version}: A/R limit {ar_limit} (was {}), refund review limit {refund_review_limit} (was {})",
        before.ar_limit, before.refund_review_limit
    );
    admin_audit::record(conn, Some(actor_id), "policy.saved", &detail, now)?;
    Ok(Policy {
        version: i64::from(version),
        ar_limit,
        refund_review_limit,
    })
}
