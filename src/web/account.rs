//! `/account/password` and `/account/sessions`: one's own password and
//! sessions (SPEC §7), for every role.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{Password, TypedPassword};
use crate::format::Formatter;
use crate::services::FieldErrors;
use crate::services::account::password::{PasswordChange, change_own_password};
use crate::services::account::sessions::{SessionSummary, own_sessions, sign_out_others};
use crate::web::answer::{run_parsed, with_flash};
use crate::web::errors::{AppError, Shown, render, see_other};
use crate::web::extract::Anyone;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    errors: FieldErrors,
}

fn password_page(visit: &Visit, shown: Shown) -> Result<HttpResponse, AppError> {
    let page = PasswordPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        errors: shown.errors,
    };
    render(shown.status, &page)
}

pub async fn password_form(visit: VisitBy<Anyone>) -> Result<HttpResponse, AppError> {
    password_page(&visit, Shown::nothing())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

impl PasswordForm {
    fn parse(self) -> Result<PasswordChange, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.current_password.is_empty() {
            errors.add("current_password", "Enter your current password");
        }
        let new = errors.check("new_password", Password::parse(&self.new_password));
        if self.repeat_password != self.new_password {
            errors.add("repeat_password", "The two new passwords differ");
        }
        let current = TypedPassword::new(self.current_password);
        new.filter(|_| errors.is_empty())
            .map(|new| PasswordChange { current, new })
            .ok_or(errors)
    }
}

pub async fn change_password(
    visit: VisitBy<Anyone>,
    web::Form(form): web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let this_session = visit.session.public_id().unwrap_or_default();
    let result = run_parsed(form.parse(), |change| {
        change_own_password(&visit.state, visit.actor(), change, this_session)
    })
    .await;
    let notice = |()| "Your password was changed; your other sessions ended.".to_owned();
    with_flash(
        &visit.session,
        result,
        notice,
        "/account/password",
        |shown| async { password_page(&visit, shown) },
    )
    .await
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
struct SessionsPage {
    layout: Layout,
    fmt: Formatter,
    notice: Option<String>,
    sessions: Vec<SessionSummary>,
}

pub async fn sessions(visit: VisitBy<Anyone>) -> Result<HttpResponse, AppError> {
    let sessions = own_sessions(&visit.state, visit.actor(), visit.session.public_id()).await?;
    let page = SessionsPage {
        layout: visit.layout(),
        fmt: Formatter::for_state(&visit.state),
        notice: visit.session.take_flash(),
        sessions,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}

pub async fn end_other_sessions(
    visit: VisitBy<Anyone>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let this_session = visit.session.public_id().unwrap_or_default();
    let ended = sign_out_others(&visit.state, visit.actor(), this_session).await?;
    let plural = if ended == 1 { "" } else { "s" };
    visit
        .session
        .set_flash(&format!("{ended} other session{plural} signed out."));
    Ok(see_other("/account/sessions"))
}
