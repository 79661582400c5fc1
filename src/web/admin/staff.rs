//! `/admin/staff`: the staff directory and what admins do to it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{FullName, Password, Role, StaffId, Username};
use crate::services::FieldErrors;
use crate::services::admin::new_staff::NewStaffMember;
use crate::services::admin::staff::{
    self as admin_staff, Departure, DeparturePreview, StaffDirectory, StaffListItem, StaffMember,
};
use crate::web::answer::{run_parsed, with_flash};
use crate::web::client_address::client_address;
use crate::web::errors::{AppError, Shown, render};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::{EmptyForm, when};

/// A directory row as shown.
pub struct PersonLine {
    pub id: StaffId,
    pub full_name: String,
    pub username: String,
    pub role: &'static str,
    pub departed: Option<String>,
    pub last_sign_in: String,
    pub locked: bool,
    pub receives_fallbacks: bool,
    pub open_tasks: i64,
    pub slack_member_id: String,
}

impl PersonLine {
    fn new(p: StaffListItem, zone: chrono_tz::Tz) -> PersonLine {
        PersonLine {
            id: p.staff.id,
            role: p.staff.role.label(),
            departed: p.staff.departed_at.map(|at| when(at, zone)),
            last_sign_in: p
                .staff
                .last_sign_in_at
                .map_or_else(|| "Never".to_owned(), |at| when(at, zone)),
            full_name: p.staff.full_name,
            username: p.staff.username,
            locked: p.locked,
            receives_fallbacks: p.staff.receives_fallbacks,
            open_tasks: p.open_tasks,
            slack_member_id: p.staff.slack_member_id.unwrap_or_default(),
        }
    }
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
    fallback_owner: Option<StaffMember>,
    retention_owners: Vec<StaffMember>,
    roles: Vec<(&'static str, &'static str)>,
    form: AddForm,
    errors: FieldErrors,
    /// The row whose "Slack member ID" came back refused, and what was typed.
    slack_row: Option<(StaffId, String)>,
}

impl StaffPage {
    /// The Slack member ID field of a row: what was typed when it came
    /// back refused, else the saved one; and the key its error is under.
    fn slack_field(&self, person: &PersonLine) -> (String, &'static str) {
        match &self.slack_row {
            Some((id, typed)) if *id == person.id => (typed.clone(), "slack_member_id"),
            _ => (person.slack_member_id.clone(), ""),
        }
    }
}

/// The staff page, with a refused Slack member ID shown again in its row.
pub(super) async fn staff_page(
    visit: &Visit,
    shown: Shown,
    form: AddForm,
    slack_row: Option<(StaffId, String)>,
) -> Result<HttpResponse, AppError> {
    let StaffDirectory {
        people,
        fallback_owner,
        retention_owners,
    } = admin_staff::directory(&visit.state, visit.actor()).await?;
    let zone = visit.state.settings.timezone;
    let people = people
        .into_iter()
        .map(|p| PersonLine::new(p, zone))
        .collect();
    let page = StaffPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        people,
        fallback_owner,
        retention_owners,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        form,
        errors: shown.errors,
        slack_row,
    };
    render(shown.status, &page)
}

pub async fn list(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError> {
    staff_page(&visit, Shown::nothing(), AddForm::default(), None).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddStaffForm {
    full_name: String,
    username: String,
    role: String,
    password: String,
}

impl AddStaffForm {
    /// The new person and their password, or every field's error; and the
    /// form as typed, without the password, to show again.
    fn parse(self) -> (Result<(NewStaffMember, Password), FieldErrors>, AddForm) {
        let mut errors = FieldErrors::default();
        let full_name = errors.check("full_name", FullName::parse(&self.full_name));
        let username = errors.check("username", Username::parse(&self.username));
        let role = Role::parse(&self.role)
            .map_err(|_| errors.add("role", "Choose a role"))
            .ok();
        let password = errors.check("password", Password::parse(&self.password));
        let parsed = match (full_name, username, role, password) {
            (Some(full_name), Some(username), Some(role), Some(password)) => Ok((
                NewStaffMember {
                    username,
                    full_name,
                    role,
                },
                password,
            )),
            _ => Err(errors),
        };
        let typed = AddForm {
            full_name: self.full_name,
            username: self.username,
            role: self.role,
        };
        (parsed, typed)
    }
}

pub async fn add(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<AddStaffForm>,
) -> Result<HttpResponse, AppError> {
    let (parsed, typed) = form.parse();
    let result = run_parsed(parsed, |(member, password)| async {
        let added = format!(
            "{} was added as {}.",
            member.full_name.as_str(),
            member.role.label()
        );
        admin_staff::add_staff_member(&visit.state, visit.actor(), member, password)
            .await
            .map(|_| added)
    })
    .await;
    after(&visit, result, typed).await
}

/// A 303 back to the staff list with a notice, or the list again with the
/// refusal (and the add form as typed).
async fn after(
    visit: &Visit,
    result: Result<String, crate::services::ServiceError>,
    typed: AddForm,
) -> Result<HttpResponse, AppError> {
    with_flash(
        &visit.session,
        result,
        |notice| notice,
        "/admin/staff",
        |shown| staff_page(visit, shown, typed, None),
    )
    .await
}

pub async fn unlock(
    visit: VisitBy<Admins>,
    req: HttpRequest,
    path: web::Path<StaffId>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req);
    let result = admin_staff::unlock(&visit.state, visit.actor(), path.into_inner())
        .await
        .map(|person| {
            tracing::warn!(username = %visit.user.username, address = %address, unlocked = %person.username, "sign-in unlocked by an admin");
            format!("{} can sign in again.", person.full_name)
        });
    after(&visit, result, AddForm::default()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FallbackForm {
    fallback_owner: String,
}

pub async fn choose_fallback_owner(
    visit: VisitBy<Admins>,
    form: web::Form<FallbackForm>,
) -> Result<HttpResponse, AppError> {
    let chosen = form.fallback_owner.parse::<StaffId>().ok();
    let result = admin_staff::choose_fallback_owner(&visit.state, visit.actor(), chosen)
        .await
        .map(|person| format!("{} now receives fallback save tasks.", person.full_name));
    after(&visit, result, AddForm::default()).await
}

#[derive(Template)]
#[template(path = "admin/depart.html")]
struct DepartPage {
    layout: Layout,
    person: StaffMember,
    role: &'static str,
    refusal: Option<String>,
    open_tasks: i64,
    fallback_owner: Option<StaffMember>,
}

/// The confirmation before "Mark as departed": what will happen, or why it
/// cannot.
pub async fn confirm_departure(
    visit: VisitBy<Admins>,
    path: web::Path<StaffId>,
) -> Result<HttpResponse, AppError> {
    let DeparturePreview {
        person,
        refusal,
        open_tasks,
        fallback_owner,
    } = admin_staff::departure_preview(&visit.state, visit.actor(), path.into_inner()).await?;
    let page = DepartPage {
        layout: visit.layout(),
        role: person.role.label(),
        person,
        refusal,
        open_tasks,
        fallback_owner,
    };
    render(StatusCode::OK, &page)
}

/// What the admin reads after a departure.
fn departure_notice(d: &Departure) -> String {
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
}

pub async fn depart(
    visit: VisitBy<Admins>,
    req: HttpRequest,
    path: web::Path<StaffId>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req);
    let result = admin_staff::mark_as_departed(&visit.state, visit.actor(), path.into_inner())
        .await
        .map(|d| {
            tracing::warn!(
                username = %visit.user.username,
                address = %address,
                departed = %d.person.username,
                tasks_moved = d.tasks_moved,
                "staff member marked as departed; their sessions ended"
            );
            departure_notice(&d)
        });
    after(&visit, result, AddForm::default()).await
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    layout: Layout,
    person: StaffMember,
    error: Option<String>,
    errors: FieldErrors,
}

async fn password_page(visit: &Visit, id: StaffId, shown: Shown) -> Result<HttpResponse, AppError> {
    let person = admin_staff::person(&visit.state, visit.actor(), id).await?;
    let page = PasswordPage {
        layout: visit.layout(),
        person,
        error: shown.message,
        errors: shown.errors,
    };
    render(shown.status, &page)
}

pub async fn password_form(
    visit: VisitBy<Admins>,
    path: web::Path<StaffId>,
) -> Result<HttpResponse, AppError> {
    password_page(&visit, path.into_inner(), Shown::nothing()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    visit: VisitBy<Admins>,
    path: web::Path<StaffId>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let parsed =
        Password::parse(&form.password).map_err(|e| FieldErrors::one("password", e.to_string()));
    let result = run_parsed(parsed, |password| async {
        let this_session = visit.session.public_id();
        admin_staff::reset_password(&visit.state, visit.actor(), id, password, this_session)
            .await
            .map(|person| format!("The password of {} was reset.", person.full_name))
    })
    .await;
    with_flash(
        &visit.session,
        result,
        |notice| notice,
        "/admin/staff",
        |shown| password_page(&visit, id, shown),
    )
    .await
}
