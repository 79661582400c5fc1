//! "Change password" (SPEC §7): the person's own, checked against the
//! current one; every other session of theirs ends, this one goes on.

use crate::auth::passwords::Verdict;
use crate::auth::signed_in::Forget;
use crate::db::models::admin_audit;
use crate::db::models::sessions;
use crate::db::models::staff::StaffRow;
use crate::domain::{Password, TypedPassword};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

use super::sessions::ending;

/// The form as parsed: the new password already passed the rules.
pub struct PasswordChange {
    pub current: TypedPassword,
    pub new: Password,
}

/// Sets the new password and ends the person's other sessions; `this_session`
/// is the public id of the session that asked, which stays signed in.
pub async fn change_own_password(
    app: &AppState,
    actor: Actor,
    change: PasswordChange,
    this_session: String,
) -> Result<(), ServiceError> {
    let staff_id = actor.id;
    let stored = app
        .db
        .read(move |conn| Ok::<_, ServiceError>(StaffRow::password_hash(conn, staff_id)?))
        .await?;
    match app.passwords.verify(change.current, Some(stored)).await? {
        Verdict::Matches => {}
        Verdict::DoesNotMatch => {
            return Err(
                FieldErrors::one("current_password", "That is not your current password").into(),
            );
        }
        Verdict::Busy => {
            return Err(ServiceError::Conflict(
                "Many people are signing in right now; nothing was changed. Try again in a few seconds."
                    .into(),
            ));
        }
    }
    let hash = app.passwords.hash(change.new).await?;
    let now = app.clock.unix();
    ending(app, Forget::SessionsOf(staff_id), move |conn| {
        let person = StaffRow::find(conn, staff_id)?;
        StaffRow::set_password_hash(conn, staff_id, &hash)?;
        sessions::end_others_of(conn, staff_id, &this_session)?;
        let detail = format!(
            "{} ({}) changed their own password; their other sessions ended",
            person.full_name, person.username
        );
        admin_audit::record(conn, Some(staff_id), "staff.password_changed", &detail, now)?;
        Ok(())
    })
    .await
}
