//! What the admin overview and the audit log page show.

use diesel::prelude::*;

use crate::db::models::admin_audit::{self, AdminAuditRow};
use crate::db::models::admin_overview::{FailedDelivery, failed_deliveries};
use crate::db::models::reference::LevelRow;
use crate::db::models::reference::ServerRow;
use crate::db::models::staff::StaffRow;
use crate::procedure::Policy;

use super::admin_errors::AdminError;
use super::policy::current_policy;
use super::sign_in::locked_usernames;

pub struct Overview {
    pub active_staff: usize,
    pub departed_staff: usize,
    pub locked_usernames: usize,
    pub fallback_owner: Option<StaffRow>,
    pub servers_in_service: usize,
    pub levels_in_use: usize,
    pub policy: Policy,
    /// Slack heads-ups that Slack refused for good.
    pub failed_deliveries: Vec<FailedDelivery>,
    pub recent_changes: Vec<AdminAuditRow>,
}

pub fn overview(conn: &mut SqliteConnection, now: i64) -> Result<Overview, AdminError> {
    let staff = StaffRow::all(conn)?;
    let departed_staff = staff.iter().filter(|s| s.departed_at.is_some()).count();
    Ok(Overview {
        active_staff: staff.len() - departed_staff,
        departed_staff,
        locked_usernames: locked_usernames(conn, now)?.len(),
        fallback_owner: StaffRow::fallback_owner(conn)?,
        servers_in_service: ServerRow::active_by_name(conn)?.len(),
        levels_in_use: LevelRow::active_by_rank(conn)?.len(),
        policy: current_policy(conn)?,
        failed_deliveries: failed_deliveries(conn, 50)?,
        recent_changes: admin_audit::page(conn, None, 5)?,
    })
}

pub const AUDIT_PAGE_SIZE: i64 = 50;

/// One page of the audit log, newest first, and the id to continue before.
pub fn audit_page(
    conn: &mut SqliteConnection,
    before: Option<i32>,
) -> Result<(Vec<AdminAuditRow>, Option<i32>), AdminError> {
    let mut rows = admin_audit::page(conn, before, AUDIT_PAGE_SIZE + 1)?;
    let more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let next = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows, next))
}
