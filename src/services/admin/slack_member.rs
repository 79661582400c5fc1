//! A staff member's Slack member ID (SPEC §11): set or cleared on
//! `/admin/staff`, audited, so service-level messages mention them.

use crate::db::models::admin_audit;
use crate::db::models::staff::StaffRow;
use crate::domain::{Role, SlackMemberId, SlackMemberIdError, StaffId};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

use super::staff::StaffMember;

/// Sets (or, with None, clears) the person's Slack member ID. The ID comes
/// as parsed, refusal included: a person who does not exist is a 404
/// first, so the refusal is only shown beside a field that is on the page.
pub async fn set_slack_member_id(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
    member_id: Result<Option<SlackMemberId>, SlackMemberIdError>,
) -> Result<StaffMember, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let person = StaffRow::find(conn, staff_id)?;
            let member_id = member_id
                .map_err(|error| ServiceError::field("slack_member_id", error.to_string()))?;
            let id = member_id.as_ref().map(SlackMemberId::as_str);
            StaffRow::set_slack_member_id(conn, staff_id, id)?;
            let detail = match id {
                Some(id) => format!(
                    "Slack member ID of {} ({}) set to {id}",
                    person.full_name, person.username
                ),
                None => format!(
                    "Slack member ID of {} ({}) cleared",
                    person.full_name, person.username
                ),
            };
            admin_audit::record(conn, Some(actor.id), "staff.slack_member_id", &detail, now)?;
            Ok(StaffRow::find(conn, staff_id)?.into())
        })
        .await
}
