//! `/admin/staff/{id}/slack`: a staff member's "Slack member ID" (SPEC §11).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::{SlackMemberId, StaffId};
use crate::services::admin::slack_member::set_slack_member_id;
use crate::web::answer::with_flash;
use crate::web::errors::AppError;
use crate::web::extract::Admins;
use crate::web::visit::VisitBy;

use super::staff::{AddForm, staff_page};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackMemberForm {
    #[serde(default)]
    slack_member_id: String,
}

pub async fn save(
    visit: VisitBy<Admins>,
    path: web::Path<StaffId>,
    form: web::Form<SlackMemberForm>,
) -> Result<HttpResponse, AppError> {
    let staff_id = path.into_inner();
    let typed = form.into_inner().slack_member_id;
    let parsed = SlackMemberId::parse_optional(&typed);
    let result = set_slack_member_id(&visit.state, visit.actor(), staff_id, parsed).await;
    let notice = |person: crate::services::admin::staff::StaffMember| match person.slack_member_id {
        Some(id) => format!("{}'s Slack member ID is {id}.", person.full_name),
        None => format!("{} has no Slack member ID.", person.full_name),
    };
    with_flash(&visit.session, result, notice, "/admin/staff", |shown| {
        let slack_row = Some((staff_id, typed.clone()));
        staff_page(&visit, shown, AddForm::default(), slack_row)
    })
    .await
}
