//! Cases: the intake form with the agent's waiting list, the case page, the
//! agent's actions on it, and the searchable list.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::case_events::EventKind;
use crate::db::models::reference::{LevelRow, ServerRow};
use crate::db::models::staff::StaffRow;
use crate::db::models::submissions;
use crate::domain::{CancellationRoute, CaseState, RequestKind, Role};
use crate::services::case_actions::{self, ActionOutcome};
use crate::services::case_list::{CaseListPage, CaseListQuery, TrackFilter, list_cases};
use crate::services::case_view::{CaseView, load_case};
use crate::services::export::export_cases;
use crate::services::submit_case::{SubmitOutcome, submit_case};
use crate::services::waiting_list::{WaitingCase, acknowledge_denial, waiting_for};
use crate::services::{FieldErrors, ServiceError};
use crate::state::AppState;

use super::errors::{AppError, render, see_other};
use super::extract::{Agents, Anyone, CaseListers, CurrentUser, Exporters, Signed};
use super::forms::new_case::{NewCaseForm, UNKNOWN_REP};
use super::layout::Layout;
use super::refused::refused;
use super::session::{TypedSession, new_token};
use crate::format::Formatter;

// ---------------------------------------------------------------- intake

pub struct LevelOption {
    pub id: String,
    pub name: String,
    pub route: &'static str,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewCasePage {
    layout: Layout,
    fmt: Formatter,
    waiting: Vec<WaitingCase>,
    form: NewCaseForm,
    errors: FieldErrors,
    levels: Vec<LevelOption>,
    servers: Vec<Choice>,
    reps: Vec<Choice>,
    requests: Vec<Choice>,
    open_case_warning: Option<i32>,
    notice: Option<&'static str>,
}

async fn new_case_page(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    form: NewCaseForm,
    errors: FieldErrors,
    open_case_warning: Option<i32>,
) -> Result<NewCasePage, AppError> {
    let (levels, servers, reps) = state
        .db
        .read(|conn| -> Result<_, ServiceError> {
            Ok((
                LevelRow::active_by_rank(conn)?,
                ServerRow::active_by_name(conn)?,
                StaffRow::by_role(conn, Role::SalesRep.as_str())?,
            ))
        })
        .await?;
    Ok(NewCasePage {
        layout: Layout::signed_in(user, session),
        fmt: Formatter::for_state(state),
        waiting: waiting_for(state, user.id).await?,
        form,
        errors,
        levels: levels
            .into_iter()
            .map(|l| LevelOption {
                id: l.id.to_string(),
                route: CancellationRoute::parse(&l.route).map_or("", CancellationRoute::label),
                name: l.name,
            })
            .collect(),
        servers: servers
            .into_iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name,
            })
            .collect(),
        reps: reps
            .into_iter()
            .map(|r| Choice {
                value: r.id.to_string(),
                label: if r.departed_at.is_some() {
                    format!("{} (departed)", r.full_name)
                } else {
                    r.full_name
                },
            })
            .chain(std::iter::once(Choice {
                value: UNKNOWN_REP.to_owned(),
                label: "Unknown".to_owned(),
            }))
            .collect(),
        requests: RequestKind::ALL
            .into_iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: r.label().to_owned(),
            })
            .collect(),
        open_case_warning,
        notice: None,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCaseQuery {
    resume: Option<String>,
}

pub async fn new_case_form(
    state: web::Data<AppState>,
    user: Signed<Agents>,
    session: TypedSession,
    query: web::Query<NewCaseQuery>,
) -> Result<HttpResponse, AppError> {
    // A form posted after the sign-in expired comes back as it was typed.
    let parked = match query.into_inner().resume {
        Some(token) => state
            .db
            .write(move |conn| submissions::unpark(conn, &token).map_err(ServiceError::from))
            .await?
            .and_then(|body| serde_json::from_str::<NewCaseForm>(&body).ok()),
        None => None,
    };
    let resumed = parked.is_some();
    let form = parked.unwrap_or_else(NewCaseForm::blank);
    let mut page =
        new_case_page(&state, &user, &session, form, FieldErrors::default(), None).await?;
    if resumed {
        page.notice = Some(
            "Here is the case as you typed it before your sign-in expired. Check it and submit.",
        );
    }
    render(StatusCode::OK, &page)
}

pub async fn submit(
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    session: TypedSession,
    form: web::Form<NewCaseForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(user) = user else {
        // Signed out while typing: keep the form and bring it back after sign-in.
        let token = new_token();
        let body = serde_json::to_string(&form).map_err(anyhow::Error::from)?;
        let now = state.clock.unix();
        let parked_token = token.clone();
        state
            .db
            .write(move |conn| {
                submissions::park(conn, &parked_token, &body, now).map_err(ServiceError::from)
            })
            .await?;
        return Ok(see_other(&format!("/login?resume={token}")));
    };
    if user.role != Role::Agent {
        return Err(AppError::Forbidden);
    }
    let submission = match form.parse() {
        Ok(submission) => submission,
        Err(errors) => {
            let page = new_case_page(&state, &user, &session, form, errors, None).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match submit_case(&state, user.id, submission).await? {
        SubmitOutcome::Created(id) | SubmitOutcome::AlreadyCreated(id) => {
            Ok(see_other(&format!("/cases/{id}")))
        }
        SubmitOutcome::OpenCaseOnAccount(open) => {
            let page = new_case_page(
                &state,
                &user,
                &session,
                form,
                FieldErrors::default(),
                Some(open),
            )
            .await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SubmitOutcome::Invalid(errors) => {
            let page = new_case_page(&state, &user, &session, form, errors, None).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// ---------------------------------------------------------------- case page

#[derive(Template)]
#[template(path = "cases/show.html")]
pub struct CasePage {
    layout: Layout,
    fmt: Formatter,
    case: CaseView,
    reply: String,
    is_agent: bool,
    is_billing: bool,
    pub payment_reference: String,
    pub review_notes: String,
    notice: Option<String>,
    errors: FieldErrors,
    comment: String,
    withdraw_reason: String,
}

impl CasePage {
    fn refund_track_label(&self) -> String {
        use crate::domain::{RefundStatus, ReviewState};
        match (self.case.refund_status, &self.case.billing) {
            (Some(RefundStatus::BillingInProgress), Some(billing)) => match billing.review {
                ReviewState::NeedsReview => {
                    "Billing / Billing in progress · Needs review".to_owned()
                }
                ReviewState::Approved => "Billing / Billing in progress · Approved".to_owned(),
                _ => "Billing / Billing in progress".to_owned(),
            },
            (Some(status), _) => status.label().to_owned(),
            (None, _) => String::new(),
        }
    }

    fn event_label(&self, kind: &str) -> &'static str {
        EventKind::parse(kind).map_or("Note", EventKind::label)
    }

    fn is_open(&self) -> bool {
        self.case.state == CaseState::Open
    }

    fn ticket_link(&self) -> Option<&str> {
        self.case
            .support_ticket
            .as_deref()
            .filter(|t| t.starts_with("https://") || t.starts_with("http://"))
    }
}

async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    case_id: i32,
) -> Result<CasePage, AppError> {
    let case = load_case(state, case_id).await?;
    let denial_unseen = case.submitted_by_id == user.id
        && case.billing.as_ref().is_some_and(|b| b.status == "denied");
    if denial_unseen {
        acknowledge_denial(state, user.id, case_id).await?;
    }
    Ok(CasePage {
        layout: Layout::signed_in(user, session),
        fmt: Formatter::for_state(state),
        reply: case.reply_to_send(),
        case,
        is_agent: user.role == Role::Agent,
        is_billing: user.role == Role::Billing,
        payment_reference: String::new(),
        review_notes: String::new(),
        notice: None,
        errors: FieldErrors::default(),
        comment: String::new(),
        withdraw_reason: String::new(),
    })
}

pub async fn show(
    state: web::Data<AppState>,
    user: Signed<Anyone>,
    session: TypedSession,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let page = case_page(&state, &user, &session, path.into_inner()).await?;
    render(StatusCode::OK, &page)
}

/// After an action: back to the case, or the case again with what went wrong.
pub async fn after_action(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    case_id: i32,
    outcome: Result<ActionOutcome, ServiceError>,
    keep: impl FnOnce(&mut CasePage),
) -> Result<HttpResponse, AppError> {
    let Some(refused) = refused(outcome)? else {
        return Ok(see_other(&format!("/cases/{case_id}")));
    };
    let mut page = case_page(state, user, session, case_id).await?;
    page.notice = refused.notice;
    page.errors = refused.errors;
    keep(&mut page);
    render(refused.status, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

pub async fn add_comment(
    state: web::Data<AppState>,
    user: Signed<Anyone>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let text = form.into_inner().comment;
    let outcome = case_actions::add_comment(&state, user.actor(), case_id, &text).await;
    after_action(&state, &user, &session, case_id, outcome, |page| {
        page.comment = text
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}

pub async fn mark_reply_sent(
    state: web::Data<AppState>,
    user: Signed<Agents>,
    session: TypedSession,
    path: web::Path<i32>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let outcome = case_actions::mark_reply_sent(&state, user.actor(), case_id).await;
    after_action(&state, &user, &session, case_id, outcome, |_| {}).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawForm {
    #[serde(default)]
    withdraw_reason: String,
}

pub async fn withdraw(
    state: web::Data<AppState>,
    user: Signed<Agents>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let reason = form.into_inner().withdraw_reason;
    let outcome = case_actions::withdraw(&state, user.actor(), case_id, &reason).await;
    after_action(&state, &user, &session, case_id, outcome, |page| {
        page.withdraw_reason = reason
    })
    .await
}

// ---------------------------------------------------------------- list

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    q: Option<String>,
    state: Option<String>,
    status: Option<String>,
    before: Option<i32>,
}

impl ListParams {
    fn query(&self) -> CaseListQuery {
        CaseListQuery {
            search: self.q.clone(),
            state: match self.state.as_deref() {
                Some("open") => Some(CaseState::Open),
                Some("closed") => Some(CaseState::Closed),
                _ => None,
            },
            track: self.status.as_deref().and_then(TrackFilter::parse),
            before: self.before,
        }
    }

    /// The filters as a query string (without the page position).
    fn filters(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("q", &self.q),
            ("state", &self.state),
            ("status", &self.status),
        ]
        .into_iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| (name, v))
        })
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// `GET /cases/export.csv`: the filtered cases as CSV, for billing and admins.
pub async fn export(
    state: web::Data<AppState>,
    user: Signed<Exporters>,
    params: web::Query<ListParams>,
) -> HttpResponse {
    let mut query = params.into_inner().query();
    query.before = None;
    tracing::info!(username = %user.username, "CSV export of cases");
    let chunks = tokio_stream::wrappers::ReceiverStream::new(export_cases(&state, query));
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"cases.csv\""))
        .streaming(chunks)
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct CaseListView {
    layout: Layout,
    fmt: Formatter,
    page: CaseListPage,
    q: String,
    state: String,
    status: String,
    statuses: Vec<Choice>,
    next_link: Option<String>,
    first_page: bool,
    export_link: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    user: Signed<CaseListers>,
    session: TypedSession,
    req: HttpRequest,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let params = params.into_inner();
    let page = list_cases(&state, params.query()).await?;
    let filters = params.filters();
    let export_link = matches!(user.role, Role::Billing | Role::Admin)
        .then(|| format!("/cases/export.csv?{filters}"));
    let next_link = page.next_before.map(|before| {
        let separator = if filters.is_empty() { "" } else { "&" };
        format!("/cases?{filters}{separator}before={before}")
    });
    let view = CaseListView {
        layout: Layout::signed_in(&user, &session),
        fmt: Formatter::for_state(&state),
        page,
        q: params.q.unwrap_or_default(),
        state: params.state.unwrap_or_default(),
        status: params.status.unwrap_or_default(),
        statuses: TrackFilter::all()
            .into_iter()
            .map(|f| Choice {
                value: f.value(),
                label: f.label(),
            })
            .collect(),
        next_link,
        first_page: req.query_string().is_empty() || params.before.is_none(),
        export_link,
    };
    render(StatusCode::OK, &view)
}
