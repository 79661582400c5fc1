//! The versioned policy: the limits the procedure decides with. "Save
//! policy" adds a version; new cases use the latest, old cases keep theirs.

use crate::db::models::admin_audit;
use crate::db::models::reference::{LevelRow, PolicyRow};
use crate::domain::{Money, Role};
use crate::procedure::Policy;
use crate::services::{Actor, FieldErrors, ServiceError, policies};
use crate::state::AppState;

use super::replay::{DraftLevel, Period, draft_start};

pub use crate::db::models::reference::PolicyHistoryRow as PolicyVersionLine;

/// What `/admin/policy` shows.
pub struct PolicyScreen {
    pub current: Policy,
    pub history: Vec<PolicyVersionLine>,
    /// "Try a draft" starts from today's routes of the levels in use…
    pub draft_levels: Vec<DraftLevel>,
    /// …and the last 90 days.
    pub period: Period,
}

/// `/admin/policy`: the policy in force, every version before it, and
/// where "Try a draft" starts.
pub async fn policy_history(app: &AppState, actor: Actor) -> Result<PolicyScreen, ServiceError> {
    actor.require(Role::Admin)?;
    let (now, zone) = (app.clock.unix(), app.settings.timezone);
    app.db
        .read(move |conn| {
            let (draft_levels, period) = draft_start(&LevelRow::all(conn)?, now, zone);
            Ok(PolicyScreen {
                current: policies::current(conn)?,
                history: PolicyRow::history(conn)?,
                draft_levels,
                period,
            })
        })
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
