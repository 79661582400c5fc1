//! Adding staff members and finding who is signed in.

use diesel::prelude::*;

use crate::db::models::staff::{NewStaffRow, StaffRow};
use crate::domain::{FullName, Role, Username};

use super::passwords::{MIN_PASSWORD_LENGTH, Password};

#[derive(Debug, thiserror::Error)]
pub enum AddStaffError {
    #[error("a staff member with the username {0:?} already exists")]
    UsernameTaken(String),
    #[error("the password must be at least {MIN_PASSWORD_LENGTH} characters")]
    PasswordTooShort,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AddStaffError {
    fn from(error: diesel::result::Error) -> Self {
        AddStaffError::Unexpected(error.into())
    }
}

pub struct NewStaffMember {
    pub username: Username,
    pub full_name: FullName,
    pub role: Role,
}

pub fn check_password(password: &Password) -> Result<(), AddStaffError> {
    if password.expose().chars().count() < MIN_PASSWORD_LENGTH {
        return Err(AddStaffError::PasswordTooShort);
    }
    Ok(())
}

/// Inserts a staff member whose password is already hashed. The first active
/// retention owner becomes the one who receives fallback save tasks.
pub fn insert_staff(
    conn: &mut SqliteConnection,
    member: &NewStaffMember,
    password_hash: &str,
    now: i64,
) -> Result<i32, AddStaffError> {
    if StaffRow::find_by_username(conn, member.username.as_str())?.is_some() {
        return Err(AddStaffError::UsernameTaken(member.username.to_string()));
    }
    let receives_fallbacks =
        member.role == Role::RetentionOwner && StaffRow::fallback_owner(conn)?.is_none();
    let id = StaffRow::insert(
        conn,
        &NewStaffRow {
            username: member.username.as_str(),
            full_name: member.full_name.as_str(),
            role: member.role.as_str(),
            password_hash,
            receives_fallbacks,
            created_at: now,
        },
    )?;
    Ok(id)
}
