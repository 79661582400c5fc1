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
use crate::state::AppState;
use crate::web::answer::with_flash;
use crate::web::errors::{AppError, Shown, render, see_other};
use crate::web::extract::{Anyone, Signed};
use crate::web::layout::Layout;
use crate::web::session::TypedSession;

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    errors: FieldErrors,
}

fn password_page(
    user: &Signed<Anyone>,
    session: &TypedSession,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let page = PasswordPage {
        layout: Layout::signed_in(user, session),
        notice: session.take_flash(),
        error: shown.message,
        errors: shown.errors,
    };
    render(shown.status, &page)
}

pub async fn password_form(
    user: Signed<Anyone>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    password_page(&user, &session, Shown::nothing())
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
    state: web::Data<AppState>,
    user: Signed<Anyone>,
    session: TypedSession,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let this_session = session.public_id().unwrap_or_default();
    let result = match form.into_inner().parse() {
        Ok(change) => change_own_password(&state, user.actor(), change, this_session).await,
        Err(errors) => Err(errors.into()),
    };
    let notice = |()| "Your password was changed; your other sessions ended.".to_owned();
    with_flash(
        &session,
        result,
        notice,
        "/account/password",
        |shown| async { password_page(&user, &session, shown) },
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

pub async fn sessions(
    state: web::Data<AppState>,
    user: Signed<Anyone>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let sessions = own_sessions(&state, user.actor(), session.public_id()).await?;
    let page = SessionsPage {
        layout: Layout::signed_in(&user, &session),
        fmt: Formatter::for_state(&state),
        notice: session.take_flash(),
        sessions,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}

pub async fn end_other_sessions(
    state: web::Data<AppState>,
    user: Signed<Anyone>,
    session: TypedSession,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let this_session = session.public_id().unwrap_or_default();
    let ended = sign_out_others(&state, user.actor(), this_session).await?;
    let plural = if ended == 1 { "" } else { "s" };
    session.set_flash(&format!("{ended} other session{plural} signed out."));
    Ok(see_other("/account/sessions"))
}
