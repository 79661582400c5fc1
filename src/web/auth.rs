//! Sign-in, sign-out, the per-role start page and the health check.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::demo::seed::{DEMO_PASSWORD, DEMO_STAFF};
use crate::domain::{StaffId, TypedPassword};
use crate::services::account::sign_in::{SignInOutcome, sign_in};
use crate::services::health::database_answers;
use crate::state::AppState;

use super::client_address::client_address;
use super::csrf::CsrfFailed;
use super::current_user::CurrentUser;
use super::errors::{AppError, render, see_other};
use super::extract::{Anyone, Signed};
use super::layout::Layout;
use super::session::TypedSession;

pub const INVALID_CREDENTIALS: &str = "Invalid username or password";

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
    resume: Option<String>,
    demo: bool,
    demo_password: &'static str,
    demo_accounts: Vec<(&'static str, &'static str, &'static str)>,
}

impl LoginPage {
    fn new(
        state: &AppState,
        session: &TypedSession,
        username: String,
        resume: Option<String>,
    ) -> Self {
        LoginPage {
            layout: Layout::signed_out(session),
            username,
            error: None,
            notice: None,
            resume,
            demo: state.settings.demo,
            demo_password: DEMO_PASSWORD,
            demo_accounts: DEMO_STAFF
                .iter()
                .map(|(username, name, role, departed)| {
                    let role = if *departed {
                        "Sales rep (departed)"
                    } else {
                        role.label()
                    };
                    (*username, *name, role)
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginQuery {
    resume: Option<String>,
}

pub async fn login_form(
    state: web::Data<AppState>,
    session: TypedSession,
    user: Option<CurrentUser>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = user {
        return Ok(see_other(user.role.home_path()));
    }
    let mut page = LoginPage::new(&state, &session, String::new(), query.into_inner().resume);
    if page.resume.is_some() {
        page.notice = Some(
            "Your sign-in expired while you typed. Sign in again and your case form comes back as you left it.",
        );
    }
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    username: String,
    password: String,
    resume: Option<String>,
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: TypedSession,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        username,
        password,
        resume,
    } = form.into_inner();
    let resume = resume.filter(|r| !r.is_empty());
    let mut page = LoginPage::new(&state, &session, username.clone(), resume.clone());
    if req.extensions().get::<CsrfFailed>().is_some() {
        page.notice = Some("The sign-in form had expired. Please sign in again.");
        return render(StatusCode::OK, &page);
    }
    let address = client_address(&req);
    match sign_in(&state, &username, TypedPassword::new(password), &address).await? {
        SignInOutcome::SignedIn { staff_id } => signed_in(&session, staff_id, resume),
        SignInOutcome::Refused(_) => {
            page.error = Some(INVALID_CREDENTIALS);
            render(StatusCode::OK, &page)
        }
    }
}

/// The new session, then the start page, or the case form that was being
/// typed when the last sign-in expired.
fn signed_in(
    session: &TypedSession,
    staff_id: StaffId,
    resume: Option<String>,
) -> Result<HttpResponse, AppError> {
    session
        .sign_in(staff_id)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("storing the session: {e}")))?;
    Ok(match resume {
        Some(token) => see_other(&format!("/cases/new?resume={}", urlencode(&token))),
        None => see_other("/"),
    })
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

pub async fn logout(session: TypedSession, user: Option<CurrentUser>) -> HttpResponse {
    if let Some(user) = user {
        tracing::info!(username = %user.username, "signed out");
    }
    session.sign_out();
    see_other("/login")
}

pub async fn home(user: Signed<Anyone>) -> HttpResponse {
    see_other(user.role.home_path())
}

pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    match database_answers(&state).await {
        Ok(_) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(error) => {
            tracing::error!(error = ?error, "health check: the database did not answer");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
