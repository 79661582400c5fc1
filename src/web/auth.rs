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
use super::cookies::{browser_cookie, login_token_or_new};
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
    fn new(state: &AppState, form_token: String, username: String, resume: Option<String>) -> Self {
        LoginPage {
            layout: Layout::signed_out(form_token),
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

/// What the sign-in page says above the form.
enum Said {
    Nothing,
    Notice(&'static str),
    Error(&'static str),
}

/// The sign-in page with the username and resume link kept, carrying this
/// browser's form token (and setting its cookie when the browser has none:
/// a stranger gets a cookie, never a session row).
fn sign_in_page(
    state: &AppState,
    req: &HttpRequest,
    (username, resume): (String, Option<String>),
    said: Said,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let secure = state.settings.cookie_secure;
    let (token, cookie) = login_token_or_new(req, &state.cookie_key, secure);
    let mut page = LoginPage::new(state, token, username, resume);
    match said {
        Said::Nothing => {}
        Said::Notice(notice) => page.notice = Some(notice),
        Said::Error(error) => page.error = Some(error),
    }
    let mut response = render(status, &page)?;
    if let Some(cookie) = cookie {
        response.add_cookie(&cookie).map_err(anyhow::Error::from)?;
    }
    Ok(response)
}

const RESUME_NOTICE: &str = "Your sign-in expired while you typed. Sign in again and your case form comes back as you left it.";
const EXPIRED_FORM: &str = "The sign-in form had expired. Please sign in again.";
const BUSY: &str = "Many people are signing in right now. Wait a few seconds and sign in again.";

pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Option<CurrentUser>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = user {
        return Ok(see_other(user.role.home_path()));
    }
    let resume = query.into_inner().resume;
    let said = if resume.is_some() {
        Said::Notice(RESUME_NOTICE)
    } else {
        Said::Nothing
    };
    sign_in_page(&state, &req, (String::new(), resume), said, StatusCode::OK)
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
    if req.extensions().get::<CsrfFailed>().is_some() {
        let said = Said::Notice(EXPIRED_FORM);
        return sign_in_page(&state, &req, (username, resume), said, StatusCode::OK);
    }
    let address = client_address(&req);
    let typed = (username.clone(), resume.clone());
    match sign_in(&state, &username, TypedPassword::new(password), &address).await? {
        SignInOutcome::SignedIn { staff_id } => {
            session_for(&state, &req, &session, (staff_id, &address), resume)
        }
        SignInOutcome::Refused(_) => {
            let said = Said::Error(INVALID_CREDENTIALS);
            sign_in_page(&state, &req, typed, said, StatusCode::OK)
        }
        SignInOutcome::Busy => busy(&state, &req, typed),
    }
}

/// Every core is checking passwords: try again in a few seconds (503).
fn busy(
    state: &AppState,
    req: &HttpRequest,
    typed: (String, Option<String>),
) -> Result<HttpResponse, AppError> {
    let status = StatusCode::SERVICE_UNAVAILABLE;
    let mut response = sign_in_page(state, req, typed, Said::Notice(BUSY), status)?;
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from_static("5"),
    );
    Ok(response)
}

/// The new session (a new id and a new CSRF token), the browser's id for
/// a parked form, then the start page, or the case form that was being
/// typed when the last sign-in expired.
fn session_for(
    state: &AppState,
    req: &HttpRequest,
    session: &TypedSession,
    (staff_id, address): (StaffId, &str),
    resume: Option<String>,
) -> Result<HttpResponse, AppError> {
    session
        .sign_in(staff_id, address)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("storing the session: {e}")))?;
    let mut response = match resume {
        Some(token) => see_other(&format!("/cases/new?resume={}", urlencode(&token))),
        None => see_other("/"),
    };
    let secure = state.settings.cookie_secure;
    let browser = browser_cookie(req, &state.cookie_key, secure);
    response.add_cookie(&browser).map_err(anyhow::Error::from)?;
    Ok(response)
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
