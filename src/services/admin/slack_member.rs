//! A staff member's Slack member ID (SPEC §11): set or cleared on
//! `/admin/staff`, audited, so service-level messages mention them.

use crate::db::models::staff::StaffRow;
use crate::domain::{SlackMemberId, SlackMemberIdError, StaffId};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

use super::staff::{StaffMember, audit_name, change_person};

/// Sets (or, with None, clears) the person's Slack member ID. The ID comes
/// as parsed, refusal included: a person who does not exist is a 404
/// first, so the refusal is only shown beside a field that is on the page.
pub async fn set_slack_member_id(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
    member_id: Result<Option<SlackMemberId>, SlackMemberIdError>,
) -> Result<StaffMember, ServiceError> {
    change_person(
        app,
        actor,
        staff_id,
        "staff.slack_member_id",
        move |conn, person| {
            let member_id = member_id
                .map_err(|error| ServiceError::field("slack_member_id", error.to_string()))?;
            let id = member_id.as_ref().map(SlackMemberId::as_str);
            StaffRow::set_slack_member_id(conn, staff_id, id)?;
            Ok(match id {
                Some(id) => format!("Slack member ID of {} set to {id}", audit_name(person)),
                None => format!("Slack member ID of {} cleared", audit_name(person)),
            })
        },
    )
    .await
}
