//! Who a session belongs to, checked against the staff table on every
//! request: a departed person's live session stops working at once.

use crate::db::models::staff::StaffRow;
use crate::domain::{Role, StaffId};
use crate::services::ServiceError;
use crate::state::AppState;

/// The signed-in staff member as every page needs them.
#[derive(Debug, Clone)]
pub struct SignedInPerson {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

/// The person behind a session, or `None` when they no longer exist or
/// have left the company (their session must end).
pub async fn signed_in_person(
    app: &AppState,
    staff_id: StaffId,
) -> Result<Option<SignedInPerson>, ServiceError> {
    let row = app
        .db
        .read(move |conn| Ok::<_, ServiceError>(StaffRow::find_optional(conn, staff_id)?))
        .await?;
    Ok(row
        .filter(|row| row.departed_at.is_none())
        .map(|row| SignedInPerson {
            id: row.id,
            username: row.username,
            full_name: row.full_name,
            role: row.role,
        }))
}
