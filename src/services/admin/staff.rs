//! The staff directory: adding people, resetting passwords, unlocking a
//! throttled username, marking someone as departed, and choosing which
//! retention owner receives fallback save tasks. Every change writes one
//! admin audit line in its transaction.

use std::collections::HashSet;

use diesel::SqliteConnection;

use crate::auth::signed_in::Forget;
use crate::db::models::admin_audit;
use crate::db::models::login_failures;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::sessions;
use crate::db::models::staff::StaffRow;
use crate::domain::{Password, Role, StaffId};
use crate::services::account::sessions::ending;
use crate::services::account::sign_in::locked_usernames;
use crate::services::queues::reassign::reassign_open_tasks;
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

use super::new_staff::{NewStaffMember, insert_staff};

/// A staff member as the admin screens show them: the row, which never
/// holds the password hash.
pub use crate::db::models::staff::StaffRow as StaffMember;

/// One person in the directory.
#[derive(Debug, Clone)]
pub struct StaffListItem {
    pub staff: StaffMember,
    /// Refused at sign-in right now for too many failures.
    pub locked: bool,
    pub open_tasks: i64,
}

pub struct StaffDirectory {
    pub people: Vec<StaffListItem>,
    /// Who receives save tasks whose rep has left or is unknown.
    pub fallback_owner: Option<StaffMember>,
    /// Active retention owners: who may receive fallbacks.
    pub retention_owners: Vec<StaffMember>,
}

/// `/admin/staff`: everyone, with who is locked out and who holds open tasks.
pub async fn directory(app: &AppState, actor: Actor) -> Result<StaffDirectory, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db.read(move |conn| directory_in(conn, now)).await
}

fn directory_in(conn: &mut SqliteConnection, now: i64) -> Result<StaffDirectory, ServiceError> {
    let locked: HashSet<String> = locked_usernames(conn, now)?
        .into_iter()
        .map(|u| u.to_lowercase())
        .collect();
    let tasks = SaveTaskRow::open_counts(conn)?;
    let people = StaffRow::all(conn)?
        .into_iter()
        .map(|staff| StaffListItem {
            locked: locked.contains(&staff.username.to_lowercase()),
            open_tasks: tasks.get(&staff.id).copied().unwrap_or(0),
            staff,
        })
        .collect();
    let retention_owners = StaffRow::by_role(conn, Role::RetentionOwner)?
        .into_iter()
        .filter(|s| s.departed_at.is_none())
        .collect();
    Ok(StaffDirectory {
        people,
        fallback_owner: StaffRow::fallback_owner(conn)?,
        retention_owners,
    })
}

/// One person, for the "Reset password" page.
pub async fn person(
    app: &AppState,
    actor: Actor,
    id: StaffId,
) -> Result<StaffMember, ServiceError> {
    actor.require(Role::Admin)?;
    app.db.read(move |conn| Ok(StaffRow::find(conn, id)?)).await
}

/// "Add staff member": the password is hashed off the workers, then the
/// person and the audit line are written in one transaction.
pub async fn add_staff_member(
    app: &AppState,
    actor: Actor,
    member: NewStaffMember,
    password: Password,
) -> Result<StaffId, ServiceError> {
    actor.require(Role::Admin)?;
    let hash = app.passwords.hash(password).await?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let id = insert_staff(conn, &member, &hash, now)?;
            let detail = format!(
                "Added {} ({}) as {}",
                member.full_name.as_str(),
                member.username,
                member.role.label()
            );
            admin_audit::record(conn, Some(actor.id), "staff.added", &detail, now)?;
            Ok(id)
        })
        .await
}

/// "Reset password": sets a new password and ends the person's sessions —
/// all of them, or, when admins reset their own, all but `this_session`.
pub async fn reset_password(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
    password: Password,
    this_session: Option<String>,
) -> Result<StaffMember, ServiceError> {
    let person = self::person(app, actor, staff_id).await?;
    if person.departed_at.is_some() {
        return Err(ServiceError::refused(format!(
            "{} has left the company; their password cannot be reset.",
            person.full_name
        )));
    }
    let hash = app.passwords.hash(password).await?;
    let reset = audited_change(
        actor,
        staff_id,
        ("staff.password_reset", app.clock.unix()),
        move |conn, person| {
            StaffRow::set_password_hash(conn, staff_id, &hash)?;
            match this_session.as_deref().filter(|_| staff_id == actor.id) {
                Some(keep) => sessions::end_others_of(conn, staff_id, keep)?,
                None => sessions::end_all_of(conn, staff_id)?,
            };
            Ok(format!("Reset the password of {}", audit_name(person)))
        },
    );
    ending(app, Forget::SessionsOf(staff_id), reset).await
}

/// "Unlock": the username's failed sign-ins no longer count.
pub async fn unlock(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
) -> Result<StaffMember, ServiceError> {
    change_person(app, actor, staff_id, "staff.unlocked", |conn, person| {
        login_failures::clear_for_username(conn, &person.username)?;
        Ok(format!("Unlocked sign-in for {}", audit_name(person)))
    })
    .await
}

/// How the audit log names a person: `Riley Reyes (riley)`.
pub(super) fn audit_name(person: &StaffMember) -> String {
    format!("{} ({})", person.full_name, person.username)
}

/// An admin's change to one person, as one write: the person is found (a
/// 404 when there is none), `change` changes them and says what the audit
/// line reads, and the person is read again as changed.
pub(super) async fn change_person(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
    audit_action: &'static str,
    change: impl FnOnce(&mut SqliteConnection, &StaffRow) -> Result<String, ServiceError>
    + Send
    + 'static,
) -> Result<StaffMember, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(audited_change(actor, staff_id, (audit_action, now), change))
        .await
}

/// The write of [`change_person`]: the person found, changed, audited and
/// read again as changed.
fn audited_change(
    actor: Actor,
    staff_id: StaffId,
    (audit_action, now): (&'static str, i64),
    change: impl FnOnce(&mut SqliteConnection, &StaffRow) -> Result<String, ServiceError>,
) -> impl FnOnce(&mut SqliteConnection) -> Result<StaffMember, ServiceError> {
    move |conn| {
        let person = StaffRow::find(conn, staff_id)?;
        let detail = change(conn, &person)?;
        admin_audit::record(conn, Some(actor.id), audit_action, &detail, now)?;
        Ok(StaffRow::find(conn, staff_id)?)
    }
}

/// What marking someone as departed did.
#[derive(Debug, Clone)]
pub struct Departure {
    pub person: StaffMember,
    pub tasks_moved: usize,
    pub tasks_to: Option<StaffMember>,
}

/// What "Mark as departed" would do, or why it cannot, before the admin confirms.
pub struct DeparturePreview {
    pub person: StaffMember,
    pub refusal: Option<String>,
    pub open_tasks: i64,
    pub fallback_owner: Option<StaffMember>,
}

pub async fn departure_preview(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
) -> Result<DeparturePreview, ServiceError> {
    actor.require(Role::Admin)?;
    app.db
        .read(move |conn| {
            let person = StaffRow::find(conn, staff_id)?;
            Ok(DeparturePreview {
                refusal: departure_refusal(conn, actor.id, &person)?,
                open_tasks: SaveTaskRow::open_count(conn, staff_id)?,
                fallback_owner: StaffRow::fallback_owner(conn)?,
                person,
            })
        })
        .await
}

/// Why someone cannot be marked as departed now, or `None` when they can.
/// Also used to explain the consequences before the admin confirms.
fn departure_refusal(
    conn: &mut SqliteConnection,
    actor_id: StaffId,
    person: &StaffRow,
) -> Result<Option<String>, ServiceError> {
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
        if person.role == role && StaffRow::count_active_in_role_except(conn, role, person.id)? == 0
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
    if StaffRow::fallback_owner(conn)?.is_none() && SaveTaskRow::open_count(conn, person.id)? > 0 {
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
pub async fn mark_as_departed(
    app: &AppState,
    actor: Actor,
    staff_id: StaffId,
) -> Result<Departure, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    ending(app, Forget::Person(staff_id), move |conn| {
        mark_as_departed_in(conn, actor.id, staff_id, now)
    })
    .await
}

fn mark_as_departed_in(
    conn: &mut SqliteConnection,
    actor_id: StaffId,
    staff_id: StaffId,
    now: i64,
) -> Result<Departure, ServiceError> {
    let person = StaffRow::find(conn, staff_id)?;
    if let Some(refusal) = departure_refusal(conn, actor_id, &person)? {
        return Err(ServiceError::refused(refusal));
    }
    StaffRow::mark_departed(conn, staff_id, now)?;
    sessions::end_all_of(conn, staff_id)?;
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
        "Marked {} as departed; their sessions ended",
        audit_name(&person)
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
pub async fn choose_fallback_owner(
    app: &AppState,
    actor: Actor,
    staff_id: Option<StaffId>,
) -> Result<StaffMember, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| choose_fallback_owner_in(conn, actor.id, staff_id, now))
        .await
}

fn choose_fallback_owner_in(
    conn: &mut SqliteConnection,
    actor_id: StaffId,
    staff_id: Option<StaffId>,
    now: i64,
) -> Result<StaffMember, ServiceError> {
    let refuse = || ServiceError::field("fallback_owner", "Choose an active retention owner");
    let staff_id = staff_id.ok_or_else(refuse)?;
    let person = StaffRow::find_optional(conn, staff_id)?.ok_or_else(refuse)?;
    if person.role != Role::RetentionOwner || person.departed_at.is_some() {
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
