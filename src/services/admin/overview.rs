//! What the admin overview and the audit log page show.

use crate::db::models::admin_audit;
use crate::db::models::admin_overview::failed_deliveries;
use crate::db::models::reference::{LevelRow, ServerRow};
use crate::db::models::staff::StaffRow;
use crate::domain::Role;
use crate::procedure::Policy;
use crate::services::account::sign_in::locked_usernames;
use crate::services::{Actor, ServiceError, policies};
use crate::state::AppState;

use super::staff::StaffMember;

pub use crate::db::models::admin_audit::AdminAuditRow as AuditLine;
pub use crate::db::models::admin_overview::FailedDelivery;

pub struct Overview {
    pub active_staff: usize,
    pub departed_staff: usize,
    pub locked_usernames: usize,
    pub fallback_owner: Option<StaffMember>,
    pub servers_in_service: usize,
    pub levels_in_use: usize,
    pub policy: Policy,
    /// Slack heads-ups that Slack refused for good.
    pub failed_deliveries: Vec<FailedDelivery>,
    pub recent_changes: Vec<AuditLine>,
}

/// `/admin`: what needs an admin's eye.
pub async fn overview(app: &AppState, actor: Actor) -> Result<Overview, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .read(move |conn| {
            let staff = StaffRow::all(conn)?;
            let departed_staff = staff.iter().filter(|s| s.departed_at.is_some()).count();
            Ok(Overview {
                active_staff: staff.len() - departed_staff,
                departed_staff,
                locked_usernames: locked_usernames(conn, now)?.len(),
                fallback_owner: StaffRow::fallback_owner(conn)?,
                servers_in_service: ServerRow::active_by_name(conn)?.len(),
                levels_in_use: LevelRow::active_by_rank(conn)?.len(),
                policy: policies::current(conn)?,
                failed_deliveries: failed_deliveries(conn, 50)?,
                recent_changes: admin_audit::page(conn, None, 5)?,
            })
        })
        .await
}

pub const AUDIT_PAGE_SIZE: i64 = 50;

/// One page of the audit log, newest first, and the id to continue before.
pub async fn audit_page(
    app: &AppState,
    actor: Actor,
    before: Option<i32>,
) -> Result<(Vec<AuditLine>, Option<i32>), ServiceError> {
    actor.require(Role::Admin)?;
    let mut rows = app
        .db
        .read(move |conn| {
            Ok::<_, ServiceError>(admin_audit::page(conn, before, AUDIT_PAGE_SIZE + 1)?)
        })
        .await?;
    let more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let next = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows, next))
}
