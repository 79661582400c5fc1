//! The versioned policy: the limits the procedure decides with. "Save
//! policy" adds a version; new cases use the latest, old cases keep theirs.

use crate::db::models::admin_audit;
use crate::db::models::reference::PolicyRow;
use crate::domain::{Money, Role};
use crate::procedure::Policy;
use crate::services::{Actor, FieldErrors, ServiceError, policies};
use crate::state::AppState;

pub use crate::db::models::reference::PolicyHistoryRow as PolicyVersionLine;

/// `/admin/policy`: the policy in force and every version before it.
pub async fn policy_history(
    app: &AppState,
    actor: Actor,
) -> Result<(Policy, Vec<PolicyVersionLine>), ServiceError> {
    actor.require(Role::Admin)?;
    app.db
        .read(|conn| Ok((policies::current(conn)?, PolicyRow::history(conn)?)))
        .await
}

/// "Save policy": a new version with these limits. Limits cannot be negative.
pub async fn save_policy(
    app: &AppState,
    actor: Actor,
    ar_limit: Money,
    refund_review_limit: Money,
) -> Result<Policy, ServiceError> {
    actor.require(Role::Admin)?;
    let mut errors = FieldErrors::default();
    if ar_limit.to_cents() < 0 {
        errors.add("ar_limit", "The A/R limit cannot be negative");
    }
    if refund_review_limit.to_cents() < 0 {
        errors.add(
            "refund_review_limit",
            "The refund review limit cannot be negative",
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let before = policies::current(conn)?;
            let version =
                PolicyRow::insert_next(conn, ar_limit, refund_review_limit, actor.id, now)?;
            let detail = format!(
                "Policy version {version}: A/R limit {ar_limit} (was {}), refund review limit {refund_review_limit} (was {})",
                before.ar_limit, before.refund_review_limit
            );
            admin_audit::record(conn, Some(actor.id), "policy.saved", &detail, now)?;
            Ok(Policy {
                version: i64::from(version),
                ar_limit,
                refund_review_limit,
            })
        })
        .await
}
