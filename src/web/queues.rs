//! The work queues: save tasks (`/tasks`) and the billing queue (`/billing`),
//! and the billing actions on a case.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::staff::StaffRow;
use crate::domain::{Role, SaveOutcome};
use crate::format::Formatter;
use crate::services::case_actions::ActionOutcome;
use crate::services::queues::{BillingRow, Page, TaskRow, billing_queue, open_tasks};
use crate::services::save_calls::{reassign as reassign_task, record_outcome};
use crate::services::{FieldErrors, ServiceError, billing};
use crate::state::AppState;

use super::cases::after_action;
use super::errors::{AppError, render, see_other};
use super::extract::{BillingStaff, CurrentUser, RetentionOwners, Signed, TaskWorkers};
use super::layout::Layout;
use super::refused::refused;
use super::session::TypedSession;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterParam {
    after: Option<i32>,
}

// ---------------------------------------------------------------- save tasks

#[derive(Template)]
#[template(path = "queues/tasks.html")]
struct TasksPage {
    layout: Layout,
    fmt: Formatter,
    tasks: Page<TaskRow>,
    sees_all: bool,
    notice: Option<String>,
    /// The task whose form came back with errors, and what was typed there.
    failed_task: Option<i32>,
    errors: FieldErrors,
    typed_outcome: String,
    typed_notes: String,
    /// Active sales reps a retention owner can hand a task to.
    reassign_to: Vec<(i32, String)>,
}

impl TasksPage {
    fn is_failed(&self, task_id: &i32) -> bool {
        self.failed_task == Some(*task_id)
    }
}

async fn tasks_page(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    after: Option<i32>,
) -> Result<TasksPage, AppError> {
    let sees_all = user.role == Role::RetentionOwner;
    let assignee = (!sees_all).then_some(user.id);
    let (tasks, reassign_to) = state
        .db
        .read(move |conn| -> Result<_, ServiceError> {
            let reps = if sees_all {
                StaffRow::by_role(conn, Role::SalesRep.as_str())?
                    .into_iter()
                    .filter(|rep| rep.departed_at.is_none())
                    .map(|rep| (rep.id, rep.full_name))
                    .collect()
            } else {
                Vec::new()
            };
            Ok((open_tasks(conn, assignee, after)?, reps))
        })
        .await?;
    Ok(TasksPage {
        layout: Layout::signed_in(user, session),
        fmt: Formatter::for_state(state),
        tasks,
        sees_all,
        notice: None,
        failed_task: None,
        errors: FieldErrors::default(),
        typed_outcome: String::new(),
        typed_notes: String::new(),
        reassign_to,
    })
}

pub async fn tasks(
    state: web::Data<AppState>,
    user: Signed<TaskWorkers>,
    session: TypedSession,
    query: web::Query<AfterParam>,
) -> Result<HttpResponse, AppError> {
    let page = tasks_page(&state, &user, &session, query.after).await?;
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    call_notes: String,
}

pub async fn record(
    state: web::Data<AppState>,
    user: Signed<TaskWorkers>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<OutcomeForm>,
) -> Result<HttpResponse, AppError> {
    let task_id = path.into_inner();
    let OutcomeForm {
        outcome,
        call_notes,
    } = form.into_inner();
    let parsed = SaveOutcome::parse(&outcome).ok();
    let result = record_outcome(&state, user.actor(), task_id, parsed, &call_notes).await;
    after_task_action(&state, &user, &session, task_id, result, |page| {
        page.typed_outcome = outcome;
        page.typed_notes = call_notes;
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReassignForm {
    #[serde(default)]
    assignee_id: String,
}

pub async fn reassign(
    state: web::Data<AppState>,
    user: Signed<RetentionOwners>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<ReassignForm>,
) -> Result<HttpResponse, AppError> {
    let task_id = path.into_inner();
    let to = form.assignee_id.trim().parse::<i32>().ok();
    let result = reassign_task(&state, user.actor(), task_id, to).await;
    after_task_action(&state, &user, &session, task_id, result, |_| {}).await
}

/// Back to the queue, or the queue again with what went wrong beside the task.
async fn after_task_action(
    state: &AppState,
    user: &CurrentUser,
    session: &TypedSession,
    task_id: i32,
    result: Result<ActionOutcome, ServiceError>,
    keep: impl FnOnce(&mut TasksPage),
) -> Result<HttpResponse, AppError> {
    let Some(refused) = refused(result)? else {
        return Ok(see_other("/tasks"));
    };
    let mut page = tasks_page(state, user, session, None).await?;
    page.notice = refused.notice;
    page.errors = refused.errors;
    page.failed_task = Some(task_id);
    keep(&mut page);
    render(refused.status, &page)
}

// ---------------------------------------------------------------- billing queue

#[derive(Template)]
#[template(path = "queues/billing.html")]
struct BillingPage {
    layout: Layout,
    fmt: Formatter,
    queue: Page<BillingRow>,
}

pub async fn billing_queue_page(
    state: web::Data<AppState>,
    user: Signed<BillingStaff>,
    session: TypedSession,
    query: web::Query<AfterParam>,
) -> Result<HttpResponse, AppError> {
    let after = query.after;
    let queue = state
        .db
        .read(move |conn| billing_queue(conn, after).map_err(ServiceError::from))
        .await?;
    let page = BillingPage {
        layout: Layout::signed_in(&user, &session),
        fmt: Formatter::for_state(&state),
        queue,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueForm {
    #[serde(default)]
    payment_reference: String,
}

pub async fn issue(
    state: web::Data<AppState>,
    user: Signed<BillingStaff>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let reference = form.into_inner().payment_reference;
    let outcome = billing::issue_refund(&state, user.actor(), case_id, &reference).await;
    after_action(&state, &user, &session, case_id, outcome, |page| {
        page.payment_reference = reference
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    #[serde(default)]
    review_notes: String,
    #[serde(default)]
    decision: String,
}

pub async fn review(
    state: web::Data<AppState>,
    user: Signed<BillingStaff>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let ReviewForm {
        review_notes,
        decision,
    } = form.into_inner();
    let approve = match decision.as_str() {
        "approve" => Some(true),
        "deny" => Some(false),
        _ => None,
    };
    let outcome =
        billing::review_refund(&state, user.actor(), case_id, approve, &review_notes).await;
    after_action(&state, &user, &session, case_id, outcome, |page| {
        page.review_notes = review_notes
    })
    .await
}
