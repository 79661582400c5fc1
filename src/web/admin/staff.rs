//! `/admin/staff`: the staff directory and what admins do to it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::staff::StaffRow;
use crate::domain::{FullName, Role, Username};
use crate::services::admin_errors::AdminError;
use crate::services::admin_staff::{self, StaffDirectory};
use crate::services::passwords::Password;
use crate::services::reassign::open_task_count;
use crate::services::staff::{NewStaffMember, check_password};
use crate::state::AppState;
use crate::web::client_address::client_address;
use crate::web::errors::{AppError, render, see_other};
use crate::web::extract::{Admins, Signed};
use crate::web::layout::Layout;
use crate::web::session::TypedSession;

use super::{FieldErrors, Refusal, when};

/// A directory row as shown.
pub struct PersonLine {
    pub id: i32,
    pub full_name: String,
    pub username: String,
    pub role: &'static str,
    pub departed: Option<String>,
    pub last_sign_in: String,
    pub locked: bool,
    pub receives_fallbacks: bool,
    pub open_tasks: i64,
}

/// "Add staff member" as typed (never the password: it is not shown again).
#[derive(Default)]
pub struct AddForm {
    pub full_name: String,
    pub username: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    people: Vec<PersonLine>,
    fallback_owner: Option<StaffRow>,
    retention_owners: Vec<StaffRow>,
    roles: Vec<(&'static str, &'static str)>,
    form: AddForm,
    errors: FieldErrors,
}

async fn staff_page(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    status: StatusCode,
    form: AddForm,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.unix();
    let StaffDirectory {
        people,
        fallback_owner,
        retention_owners,
    } = state
        .db
        .read(move |conn| admin_staff::directory(conn, now))
        .await?;
    let zone = state.settings.timezone;
    let people = people
        .into_iter()
        .map(|p| PersonLine {
            id: p.staff.id,
            full_name: p.staff.full_name,
            username: p.staff.username,
            role: p.role.map_or("Unknown role", Role::label),
            departed: p.staff.departed_at.map(|at| when(at, zone)),
            last_sign_in: p
                .staff
                .last_sign_in_at
                .map_or_else(|| "Never".to_owned(), |at| when(at, zone)),
            locked: p.locked,
            receives_fallbacks: p.staff.receives_fallbacks,
            open_tasks: p.open_tasks,
        })
        .collect();
    let page = StaffPage {
        layout: Layout::signed_in(user, session),
        notice: session.take_flash(),
        error: refusal.message,
        people,
        fallback_owner,
        retention_owners,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        form,
        errors: refusal.errors,
    };
    render(status, &page)
}

pub async fn list(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let refusal = Refusal::fields(FieldErrors::default());
    staff_page(
        &state,
        &user,
        &session,
        StatusCode::OK,
        AddForm::default(),
        refusal,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddStaffForm {
    full_name: String,
    username: String,
    role: String,
    password: String,
}

pub async fn add(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<AddStaffForm>,
) -> Result<HttpResponse, AppError> {
    let AddStaffForm {
        full_name,
        username,
        role,
        password,
    } = form.into_inner();
    let mut errors = FieldErrors::default();
    let parsed_name = errors.check("full_name", FullName::parse(&full_name));
    let parsed_username = errors.check("username", Username::parse(&username));
    let parsed_role = Role::parse(&role)
        .map_err(|_| errors.add("role", "Choose a role"))
        .ok();
    let password = Password::new(password);
    if check_password(&password).is_err() {
        errors.add("password", admin_staff::PASSWORD_TOO_SHORT);
    }
    let typed = AddForm {
        full_name,
        username,
        role,
    };
    let (Some(full_name), Some(username), Some(role), true) =
        (parsed_name, parsed_username, parsed_role, errors.is_empty())
    else {
        let refusal = Refusal::fields(errors);
        return staff_page(
            &state,
            &user,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
            refusal,
        )
        .await;
    };
    let member = NewStaffMember {
        username,
        full_name,
        role,
    };
    let name = member.full_name.as_str().to_owned();
    match admin_staff::add_staff_member(&state, user.id, member, password).await {
        Ok(_) => {
            session.set_flash(&format!("{name} was added as {}.", role.label()));
            Ok(see_other("/admin/staff"))
        }
        Err(error) => {
            let refusal = Refusal::try_from(error)?;
            staff_page(
                &state,
                &user,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                refusal,
            )
            .await
        }
    }
}

/// A 303 back to the staff list with a notice, or the list again with the refusal.
async fn after(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    result: Result<String, AdminError>,
) -> Result<HttpResponse, AppError> {
    super::after(
        session,
        result,
        |notice| notice,
        "/admin/staff",
        |refusal| {
            staff_page(
                state,
                user,
                session,
                StatusCode::UNPROCESSABLE_ENTITY,
                AddForm::default(),
                refusal,
            )
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}

pub async fn unlock(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    req: HttpRequest,
    path: web::Path<i32>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (user.id, path.into_inner(), state.clock.unix());
    let address = client_address(&req);
    let result = state
        .db
        .write(move |conn| admin_staff::unlock(conn, actor, id, now))
        .await
        .map(|person| {
            tracing::warn!(username = %user.username, address = %address, unlocked = %person.username, "sign-in unlocked by an admin");
            format!("{} can sign in again.", person.full_name)
        });
    after(&state, &user, &session, result).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FallbackForm {
    fallback_owner: String,
}

pub async fn choose_fallback_owner(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<FallbackForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, now) = (user.id, state.clock.unix());
    let result = match form.fallback_owner.trim().parse::<i32>() {
        Ok(id) => {
            state
                .db
                .write(move |conn| admin_staff::choose_fallback_owner(conn, actor, id, now))
                .await
        }
        Err(_) => Err(AdminError::field(
            "fallback_owner",
            "Choose an active retention owner",
        )),
    }
    .map(|person| format!("{} now receives fallback save tasks.", person.full_name));
    after(&state, &user, &session, result).await
}

#[derive(Template)]
#[template(path = "admin/depart.html")]
struct DepartPage {
    layout: Layout,
    person: StaffRow,
    role: &'static str,
    refusal: Option<String>,
    open_tasks: i64,
    fallback_owner: Option<StaffRow>,
}

/// The confirmation before "Mark as departed": what will happen, or why it
/// cannot.
pub async fn confirm_departure(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (user.id, path.into_inner());
    let (person, refusal, open_tasks, fallback_owner) = state
        .db
        .read(move |conn| -> Result<_, AdminError> {
            let person = StaffRow::find(conn, id)?;
            let refusal = admin_staff::departure_refusal(conn, actor, &person)?;
            let open_tasks = open_task_count(conn, id)?;
            Ok((person, refusal, open_tasks, StaffRow::fallback_owner(conn)?))
        })
        .await?;
    let page = DepartPage {
        layout: Layout::signed_in(&user, &session),
        role: Role::parse(&person.role).map_or("Unknown role", Role::label),
        person,
        refusal,
        open_tasks,
        fallback_owner,
    };
    render(StatusCode::OK, &page)
}

pub async fn depart(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    req: HttpRequest,
    path: web::Path<i32>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (user.id, path.into_inner(), state.clock.unix());
    let address = client_address(&req);
    let result = state
        .db
        .write(move |conn| admin_staff::mark_as_departed(conn, actor, id, now))
        .await
        .map(|d| {
            tracing::warn!(
                username = %user.username,
                address = %address,
                departed = %d.person.username,
                tasks_moved = d.tasks_moved,
                "staff member marked as departed; their sessions ended"
            );
            let mut notice = format!(
                "{} was marked as departed and signed out everywhere.",
                d.person.full_name
            );
            if let (Some(to), true) = (&d.tasks_to, d.tasks_moved > 0) {
                let plural = if d.tasks_moved == 1 { "" } else { "s" };
                notice.push_str(&format!(
                    " {} open save task{plural} moved to {}.",
                    d.tasks_moved, to.full_name
                ));
            }
            notice
        });
    after(&state, &user, &session, result).await
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    layout: Layout,
    person: StaffRow,
    error: Option<String>,
    errors: FieldErrors,
}

async fn password_page(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    id: i32,
    status: StatusCode,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let person = state
        .db
        .read(move |conn| StaffRow::find(conn, id).map_err(AdminError::from))
        .await?;
    let page = PasswordPage {
        layout: Layout::signed_in(user, session),
        person,
        error: refusal.message,
        errors: refusal.errors,
    };
    render(status, &page)
}

pub async fn password_form(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let refusal = Refusal::fields(FieldErrors::default());
    password_page(
        &state,
        &user,
        &session,
        path.into_inner(),
        StatusCode::OK,
        refusal,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let password = Password::new(form.into_inner().password);
    match admin_staff::reset_password(&state, user.id, id, password).await {
        Ok(person) => {
            session.set_flash(&format!("The password of {} was reset.", person.full_name));
            Ok(see_other("/admin/staff"))
        }
        Err(error) => {
            let refusal = Refusal::try_from(error)?;
            password_page(
                &state,
                &user,
                &session,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                refusal,
            )
            .await
        }
    }
}
