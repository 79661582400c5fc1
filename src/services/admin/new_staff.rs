//! Adding a staff member: the one way a person is created, whether by an
//! admin on `/admin/staff`, by `retention-desk user add`, or by demo seeding.

use diesel::SqliteConnection;

use crate::db::models::admin_audit;
use crate::db::models::staff::{NewStaffRow, StaffRow};
use crate::domain::{FullName, Role, StaffId, Username};
use crate::services::ServiceError;

pub struct NewStaffMember {
    pub username: Username,
    pub full_name: FullName,
    pub role: Role,
}

/// Inserts a staff member whose password is already hashed. The first
/// active retention owner becomes the one who receives fallback save tasks.
/// Runs inside the caller's action, which writes the audit line if it has one.
pub fn insert_staff(
    conn: &mut SqliteConnection,
    member: &NewStaffMember,
    password_hash: &str,
    now: i64,
) -> Result<StaffId, ServiceError> {
    if StaffRow::find_by_username(conn, member.username.as_str())?.is_some() {
        return Err(ServiceError::field(
            "username",
            format!("The username {} is already taken", member.username),
        ));
    }
    let receives_fallbacks =
        member.role == Role::RetentionOwner && StaffRow::fallback_owner(conn)?.is_none();
    let id = StaffRow::insert(
        conn,
        &NewStaffRow {
            username: member.username.as_str(),
            full_name: member.full_name.as_str(),
            role: member.role,
            password_hash,
            receives_fallbacks,
            created_at: now,
        },
    )?;
    Ok(id)
}

/// `retention-desk user add`: the person, and the audit line an admin's
/// "Add staff member" writes too (with no admin to name). Runs inside the
/// caller's transaction.
pub fn add_from_command_line(
    conn: &mut SqliteConnection,
    member: &NewStaffMember,
    password_hash: &str,
    now: i64,
) -> Result<StaffId, ServiceError> {
    let id = insert_staff(conn, member, password_hash, now)?;
    let detail = format!(
        "Added {} ({}) as {} from the command line",
        member.full_name.as_str(),
        member.username,
        member.role.label()
    );
    admin_audit::record(conn, None, "staff.added", &detail, now)?;
    Ok(id)
}
