//! Who a session belongs to, checked against the staff table (or the
//! app's memory of it, which departure clears at once) on every request: a
//! departed person's live session stops working at once.

use crate::db::models::staff::StaffRow;
use crate::domain::StaffId;
use crate::services::ServiceError;
use crate::state::AppState;

pub use crate::auth::signed_in::SignedInPerson;

/// The person behind a session, or `None` when they no longer exist or
/// have left the company (their session must end).
pub async fn signed_in_person(
    app: &AppState,
    staff_id: StaffId,
) -> Result<Option<SignedInPerson>, ServiceError> {
    if let Some(person) = app.signed_in.person(staff_id) {
        return Ok(Some(person));
    }
    let read = app.signed_in.read_started();
    let row = app
        .db
        .read(move |conn| Ok::<_, ServiceError>(StaffRow::find_optional(conn, staff_id)?))
        .await?;
    let person = row.and_then(still_here);
    if let Some(person) = &person {
        app.signed_in.keep_person(read, person.clone());
    }
    Ok(person)
}

/// The person a staff row names, unless they have left the company.
pub fn still_here(row: StaffRow) -> Option<SignedInPerson> {
    row.departed_at.is_none().then_some(SignedInPerson {
        id: row.id,
        username: row.username,
        full_name: row.full_name,
        role: row.role,
    })
}
