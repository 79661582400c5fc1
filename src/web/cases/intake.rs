//! `GET /cases/new` and `POST /cases`: the agent's waiting list above the
//! new-case form, and the submission.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{CancellationRoute, CaseId, LevelId, RequestKind, Role, StaffId};
use crate::format::Formatter;
use crate::services::FieldErrors;
use crate::services::cases::intake::{
    IntakeChoices, IntakePage, Submitted, intake_page, submit_case,
};
use crate::services::cases::typed_forms;
use crate::services::cases::waiting_list::WaitingPage;
use crate::state::AppState;
use crate::web::cookies::browser_id;
use crate::web::current_user::CurrentUser;
use crate::web::errors::{AppError, Shown, render, see_other, shown_again};
use crate::web::extract::{Agents, Signed};
use crate::web::forms::new_case::{NewCaseForm, UNKNOWN_REP};
use crate::web::layout::Layout;
use crate::web::session::{TypedSession, new_token};

use super::Choice;

pub struct LevelOption {
    pub id: String,
    pub name: String,
    pub route: &'static str,
}

impl From<(LevelId, String, CancellationRoute)> for LevelOption {
    fn from((id, name, route): (LevelId, String, CancellationRoute)) -> LevelOption {
        LevelOption {
            id: id.to_string(),
            name,
            route: route.label(),
        }
    }
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewCasePage {
    layout: Layout,
    fmt: Formatter,
    /// The longest waiting; `waiting.next` says there are more.
    waiting: WaitingPage,
    form: NewCaseForm,
    errors: FieldErrors,
    levels: Vec<LevelOption>,
    servers: Vec<Choice>,
    reps: Vec<Choice>,
    requests: Vec<Choice>,
    reasons: Vec<Choice>,
    open_case_warning: Option<CaseId>,
    notice: Option<&'static str>,
}

/// What the form needs beside what was typed.
struct Extras {
    errors: FieldErrors,
    open_case_warning: Option<CaseId>,
    notice: Option<&'static str>,
}

impl Extras {
    fn errors(errors: FieldErrors) -> Extras {
        Extras {
            errors,
            open_case_warning: None,
            notice: None,
        }
    }
}

async fn new_case_page(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    status: StatusCode,
    form: NewCaseForm,
    extras: Extras,
) -> Result<HttpResponse, AppError> {
    let IntakePage { choices, waiting } = intake_page(state, user.actor()).await?;
    let IntakeChoices {
        levels,
        servers,
        reps,
        reasons,
    } = choices;
    let page = NewCasePage {
        layout: Layout::signed_in(user, session),
        fmt: Formatter::for_state(state),
        waiting,
        form,
        errors: extras.errors,
        levels: levels.into_iter().map(LevelOption::from).collect(),
        servers: servers
            .into_iter()
            .map(|(id, name)| Choice::new(id, name))
            .collect(),
        reps: rep_choices(reps),
        requests: request_choices(),
        reasons: reasons
            .into_iter()
            .map(|(id, name)| Choice::new(id, name))
            .collect(),
        open_case_warning: extras.open_case_warning,
        notice: extras.notice,
    };
    render(status, &page)
}

/// Active reps, departed ones marked, and "Unknown".
fn rep_choices(reps: Vec<(StaffId, String, bool)>) -> Vec<Choice> {
    reps.into_iter()
        .map(|(id, name, departed)| {
            let label = if departed {
                format!("{name} (departed)")
            } else {
                name
            };
            Choice::new(id, label)
        })
        .chain(std::iter::once(Choice::new(UNKNOWN_REP, "Unknown")))
        .collect()
}

fn request_choices() -> Vec<Choice> {
    RequestKind::ALL
        .into_iter()
        .map(|r| Choice::new(r.as_str(), r.label()))
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCaseQuery {
    resume: Option<String>,
}

const RESUMED: &str =
    "Here is the case as you typed it before your sign-in expired. Check it and submit.";

pub async fn new_case_form(
    state: web::Data<AppState>,
    user: Signed<Agents>,
    session: TypedSession,
    req: HttpRequest,
    query: web::Query<NewCaseQuery>,
) -> Result<HttpResponse, AppError> {
    // A form posted after the sign-in expired comes back as it was typed,
    // in the browser it was typed in only.
    let browser = browser_id(&req, &state.cookie_key, state.settings.cookie_secure);
    let parked = match (query.into_inner().resume, browser) {
        (Some(token), Some(browser)) => typed_forms::resume(&state, browser, token).await?,
        _ => None,
    }
    .and_then(|body| serde_json::from_str::<NewCaseForm>(&body).ok());
    let mut extras = Extras::errors(FieldErrors::default());
    extras.notice = parked.is_some().then_some(RESUMED);
    let form = parked.unwrap_or_else(NewCaseForm::blank);
    new_case_page(&state, &user, &session, StatusCode::OK, form, extras).await
}

pub async fn submit(
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    session: TypedSession,
    req: HttpRequest,
    form: web::Form<NewCaseForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = user else {
        return park_until_signed_in(&state, &req, &form).await;
    };
    if user.role != Role::Agent {
        return Err(AppError::Forbidden);
    }
    let result = match form.parse() {
        Ok(submission) => submit_case(&state, user.actor(), submission).await,
        Err(errors) => Err(errors.into()),
    };
    let (status, extras) = match result {
        Ok(Submitted::Created(id) | Submitted::AlreadyCreated(id)) => {
            return Ok(see_other(&format!("/cases/{id}")));
        }
        Ok(Submitted::OpenCaseOnAccount(open)) => {
            let mut extras = Extras::errors(FieldErrors::default());
            extras.open_case_warning = Some(open);
            (StatusCode::UNPROCESSABLE_ENTITY, extras)
        }
        Err(error) => {
            let Shown { status, errors, .. } = shown_again(error)?;
            (status, Extras::errors(errors))
        }
    };
    new_case_page(&state, &user, &session, status, form, extras).await
}

/// Signed out while typing: a browser that was signed in here keeps the
/// form to bring back after sign-in; a stranger is only sent to sign in.
async fn park_until_signed_in(
    state: &AppState,
    req: &HttpRequest,
    form: &NewCaseForm,
) -> Result<HttpResponse, AppError> {
    let Some(browser) = browser_id(req, &state.cookie_key, state.settings.cookie_secure) else {
        return Ok(see_other("/login"));
    };
    let token = new_token();
    let body = serde_json::to_string(form).map_err(anyhow::Error::from)?;
    if !typed_forms::park(state, browser, token.clone(), body).await? {
        return Ok(see_other("/login"));
    }
    Ok(see_other(&format!("/login?resume={token}")))
}
