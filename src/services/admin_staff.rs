//! The staff directory: adding people, resetting passwords, unlocking a
//! throttled username, marking someone as departed, and choosing which
//! retention owner receives fallback save tasks. Every change writes one
//! admin audit line in its transaction.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::models::admin_audit;
use crate::db::models::login_failures;
use crate::db::models::staff::StaffRow;
use crate::domain::Role;
use crate::state::AppState;
use crate::web::session_store::end_sessions_of;

use super::admin_errors::AdminError;
use super::passwords::Password;
use super::reassign::{open_task_count, open_task_counts, reassign_open_tasks};
use super::sign_in::locked_usernames;
use super::staff::{AddStaffError, NewStaffMember, check_password, insert_staff};

/// Shown next to "Password" when it is too short.
pub const PASSWORD_TOO_SHORT: &str = "Use at least 12 characters";

/// One person in the directory.
#[derive(Debug, Clone)]
pub struct StaffListItem {
    pub staff: StaffRow,
    pub role: Option<Role>,
    /// Refused at sign-in right now for too many failures.
    pub locked: bool,
    pub open_tasks: i64,
}

pub struct StaffDirectory {
    pub people: Vec<StaffListItem>,
    /// Who receives save tasks whose rep has left or is unknown.
    pub fallback_owner: Option<StaffRow>,
    /// Active retention owners: who may receive fallbacks.
    pub retention_owners: Vec<StaffRow>,
}

pub fn directory(conn: &mut SqliteConnection, now: i64) -> Result<StaffDirectory, AdminError> {
    let locked: HashSet<String> = locked_usernames(conn, now)?
        .into_iter()
        .map(|u| u.to_lowercase())
        .collect();
    let tasks = open_task_counts(conn)?;
    let people = StaffRow::all(conn)?
        .into_iter()
        .map(|staff| StaffListItem {
            role: Role::parse(&staff.role).ok(),
            locked: locked.contains(&staff.username.to_lowercase()),
            open_tasks: tasks.get(&staff.id).copied().unwrap_or(0),
            staff,
        })
        .collect();
    let retention_owners = StaffRow::by_role(conn, Role::RetentionOwner.as_str())?
        .into_iter()
        .filter(|s| s.departed_at.is_none())
        .collect();
    Ok(StaffDirectory {
        people,
        fallback_owner: StaffRow::fallback_owner(conn)?,
        retention_owners,
    })
}

/// "Add staff member": the password is hashed off the workers, then the
/// person and the audit line are written in one transaction.
pub async fn add_staff_member(
    state: &AppState,
    actor_id: i32,
    member: NewStaffMember,
    password: Password,
) -> Result<i32, AdminError> {
    check_password(&password).map_err(|_| AdminError::field("password", PASSWORD_TOO_SHORT))?;
    let hash = state.passwords.hash(password).await?;
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            let id = insert_staff(conn, &member, &hash, now).map_err(|e| match e {
                AddStaffError::UsernameTaken(name) => {
                    AdminError::field("username", format!("The username {name} is already taken"))
                }
                AddStaffError::PasswordTooShort => {
                    AdminError::field("password", PASSWORD_TOO_SHORT)
                }
                AddStaffError::Unexpected(e) => AdminError::Unexpected(e),
            })?;
            let detail = format!(
                "Added {} ({}) as {}",
                member.full_name.as_str(),
                member.username,
                member.role.label()
            );
            admin_audit::record(conn, Some(actor_id), "staff.added", &detail, now)?;
            Ok(id)
        })
        .await
}

/// "Reset password": sets a new password and ends the person's other
/// sessions (whoever knew the old password is signed out).
pub async fn reset_password(
    state: &AppState,
    actor_id: i32,
    staff_id: i32,
    password: Password,
) -> Result<StaffRow, AdminError> {
    check_password(&password).map_err(|_| AdminError::field("password", PASSWORD_TOO_SHORT))?;
    let person = state
        .db
        .read(move |conn| StaffRow::find(conn, staff_id).map_err(AdminError::from))
        .await?;
    if person.departed_at.is_some() {
        return Err(AdminError::Refused(format!(
            "{} has left the company; their password cannot be reset.",
            person.full_name
        )));
    }
    let hash = state.passwords.hash(password).await?;
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            let person = StaffRow::find(conn, staff_id)?;
            StaffRow::set_password_hash(conn, staff_id, &hash)?;
            if staff_id != actor_id {
                end_sessions_of(conn, staff_id)?;
            }
            let detail = format!(
                "Reset the password of {} ({})",
                person.full_name, person.username
            );
            admin_audit::record(conn, Some(actor_id), "staff.password_reset", &detail, now)?;
            Ok(person)
        })
        .await
}

/// "Unlock": the username's failed sign-ins no longer count.
pub fn unlock(
    conn: &mut SqliteConnection,
    actor_id: i32,
    staff_id: i32,
    now: i64,
) -> Result<StaffRow, AdminError> {
    let person = StaffRow::find(conn, staff_id)?;
    login_failures::clear_for_username(conn, &person.username)?;
    let detail = format!(
        "Unlocked sign-in for {} ({})",
        person.full_name, person.username
    );
    admin_audit::record(conn, Some(actor_id), "staff.unlocked", &detail, now)?;
    Ok(person)
}

/// What marking someone as departed did.
#[derive(Debug, Clone)]
pub struct Departure {
    pub person: StaffRow,
    pub tasks_moved: usize,
    pub tasks_to: Option<StaffRow>,
}

/// Why someone cannot be marked as departed now, or `None` when they can.
/// Also used to explain the consequences before the admin confirms.
pub fn departure_refusal(
    conn: &mut SqliteConnection,
    actor_id: i32,
    person: &StaffRow,
) -> Result<Option<String>, AdminError> {
    let name = &person.full_name;
    if person.departed_at.is_some() {
        return Ok(Some(format!("{name} is already marked as departed.")));
    }
    let last_of_role = [
        (Role::Admin, "admin"),
        (Role::RetentionOwner, "retention owner"),
        (Role::Billing, "billing person"),
    ];
    for (role, words) in last_of_role {
        if person.role == role.as_str()
            && StaffRow::count_active_in_role_except(conn, role.as_str(), person.id)? == 0
        {
            return Ok(Some(format!(
                "{name} is the last active {words}. Add another {words} before marking {name} as departed."
            )));
        }
    }
    if person.id == actor_id {
        return Ok(Some(
            "You cannot mark yourself as departed. Ask another admin to do it.".to_owned(),
        ));
    }
    if person.receives_fallbacks {
        return Ok(Some(format!(
            "{name} receives the save tasks of departed reps. Choose another retention owner to receive them first."
        )));
    }
    if StaffRow::fallback_owner(conn)?.is_none() && open_task_count(conn, person.id)? > 0 {
        return Ok(Some(format!(
            "{name} has open save tasks and no retention owner receives fallbacks. Choose one first."
        )));
    }
    Ok(None)
}

/// "Mark as departed": ends the person's sessions at once and moves their
/// open save tasks to the retention owner who receives fallbacks, logging
/// "reassigned" on each case. Guards: not yourself, not the last active
/// admin, retention owner or billing person, not the fallback owner.
pub fn mark_as_departed(
    conn: &mut SqliteConnection,
    actor_id: i32,
    staff_id: i32,
    now: i64,
) -> Result<Departure, AdminError> {
    let person = StaffRow::find(conn, staff_id)?;
    if let Some(refusal) = departure_refusal(conn, actor_id, &person)? {
        return Err(AdminError::Refused(refusal));
    }
    StaffRow::mark_departed(conn, staff_id, now)?;
    end_sessions_of(conn, staff_id)?;
    let fallback = StaffRow::fallback_owner(conn)?;
    let tasks_moved = match &fallback {
        Some(owner) => reassign_open_tasks(
            conn,
            staff_id,
            owner.id,
            Some(actor_id),
            &format!("{} has left the company", person.full_name),
            now,
        )?,
        None => 0,
    };
    let mut detail = format!(
        "Marked {} ({}) as departed; their sessions ended",
        person.full_name, person.username
    );
    if let (Some(owner), true) = (&fallback, tasks_moved > 0) {
        let plural = if tasks_moved == 1 { "" } else { "s" };
        detail.push_str(&format!(
            "; {tasks_moved} open save task{plural} moved to {}",
            owner.full_name
        ));
    }
    admin_audit::record(conn, Some(actor_id), "staff.departed", &detail, now)?;
    Ok(Departure {
        person,
        tasks_moved,
        tasks_to: fallback,
    })
}

/// Chooses which active retention owner receives fallback save tasks.
pub fn choose_fallback_owner(
    conn: &mut SqliteConnection,
    actor_id: i32,
    staff_id: i32,
    now: i64,
) -> Result<StaffRow, AdminError> {
    let refuse = || AdminError::field("fallback_owner", "Choose an active retention owner");
    let person = StaffRow::find(conn, staff_id)
        .optional()?
        .ok_or_else(refuse)?;
    if person.role != Role::RetentionOwner.as_str() || person.departed_at.is_some() {
        return Err(refuse());
    }
    let previous = StaffRow::fallback_owner(conn)?;
    if previous.as_ref().is_some_and(|p| p.id == staff_id) {
        return Ok(person);
    }
    StaffRow::make_fallback_owner(conn, staff_id)?;
    let detail = match previous {
        Some(previous) => format!(
            "{} now receives fallback save tasks (was {})",
            person.full_name, previous.full_name
        ),
        None => format!("{} now receives fallback save tasks", person.full_name),
    };
    admin_audit::record(conn, Some(actor_id), "staff.fallback_owner", &detail, now)?;
    Ok(person)
}
