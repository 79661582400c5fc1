//! `/tasks`: open save tasks, "Record outcome" and (retention owner) "Reassign".

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::reports::percent;
use crate::domain::{OfferMade, Role, SaveOutcome, SaveTaskId, StaffId};
use crate::format::Formatter;
use crate::services::queues::lists::{Page, QueuePage, TaskQueue, TaskRow, task_queue};
use crate::services::queues::save_calls::{CallReport, reassign as reassign_task, record_outcome};
use crate::services::reports::{MySaveCalls, my_save_calls};
use crate::services::{FieldErrors, ServiceError};
use crate::web::answer::answer;
use crate::web::errors::{AppError, Shown, render, see_other};
use crate::web::extract::{RetentionOwners, TaskWorkers};
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::AfterParam;

#[derive(Template)]
#[template(path = "queues/tasks.html")]
struct TasksPage {
    layout: Layout,
    fmt: Formatter,
    tasks: Page<TaskRow, SaveTaskId>,
    overdue_only: bool,
    sees_all: bool,
    notice: Option<String>,
    /// The task whose form came back with errors, and what was typed there.
    failed_task: Option<SaveTaskId>,
    errors: FieldErrors,
    typed_outcome: String,
    typed_offer: String,
    typed_notes: String,
    /// Active sales reps a retention owner can hand a task to.
    reassign_to: Vec<(StaffId, String)>,
    /// A sales rep's own save rate over the last 90 days (SPEC §9).
    my_save_calls: Option<MySaveCalls>,
}

impl TasksPage {
    fn is_failed(&self, task_id: &SaveTaskId) -> bool {
        self.failed_task == Some(*task_id)
    }

    /// "My save calls": `62.5 %`, or `—` with nothing decided yet.
    fn my_rate(&self) -> String {
        percent(self.my_save_calls.and_then(|m| m.rate()))
    }

    /// "Offer made": (value, label, selected) for one task's form.
    fn offers(&self, failed: &bool) -> Vec<(&'static str, &'static str, bool)> {
        let typed = if *failed {
            self.typed_offer.as_str()
        } else {
            ""
        };
        OfferMade::ALL
            .into_iter()
            .map(|o| {
                let selected = o.as_str() == typed || (typed.is_empty() && o == OfferMade::NoOffer);
                (o.as_str(), o.label(), selected)
            })
            .collect()
    }
}

/// What a refused task action brings back onto the page.
#[derive(Default)]
struct Typed {
    task: Option<SaveTaskId>,
    outcome: String,
    offer: String,
    notes: String,
}

async fn tasks_page(
    visit: &Visit,
    wanted: QueuePage<SaveTaskId>,
    shown: Shown,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let TaskQueue {
        tasks,
        sees_all,
        reassign_to,
    } = task_queue(&visit.state, visit.actor(), wanted).await?;
    let my_save_calls = match visit.user.role {
        Role::SalesRep => Some(my_save_calls(&visit.state, visit.actor()).await?),
        _ => None,
    };
    let page = TasksPage {
        my_save_calls,
        layout: visit.layout(),
        fmt: Formatter::for_state(&visit.state),
        tasks,
        overdue_only: wanted.overdue_only,
        sees_all,
        notice: shown.message,
        failed_task: typed.task,
        errors: shown.errors,
        typed_outcome: typed.outcome,
        typed_offer: typed.offer,
        typed_notes: typed.notes,
        reassign_to,
    };
    render(shown.status, &page)
}

pub async fn tasks(
    visit: VisitBy<TaskWorkers>,
    query: web::Query<AfterParam<SaveTaskId>>,
) -> Result<HttpResponse, AppError> {
    tasks_page(&visit, query.page(), Shown::nothing(), Typed::default()).await
}

/// Back to the queue, or the queue again with what went wrong beside the task.
async fn after_task_action(
    visit: &Visit,
    result: Result<(), ServiceError>,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    answer(
        result,
        |()| see_other("/tasks"),
        |shown| {
            let first = QueuePage {
                after: None,
                overdue_only: false,
            };
            tasks_page(visit, first, shown, typed)
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    call_notes: String,
    offer: Option<String>,
}

pub async fn record(
    visit: VisitBy<TaskWorkers>,
    path: web::Path<SaveTaskId>,
    form: web::Form<OutcomeForm>,
) -> Result<HttpResponse, AppError> {
    let task_id = path.into_inner();
    let OutcomeForm {
        outcome,
        call_notes,
        offer,
    } = form.into_inner();
    let report = CallReport {
        outcome: SaveOutcome::parse(&outcome).ok(),
        offer: OfferMade::from_form(offer.as_deref()),
        notes: call_notes.clone(),
    };
    let result = record_outcome(&visit.state, visit.actor(), task_id, report).await;
    let typed = Typed {
        task: Some(task_id),
        outcome,
        offer: offer.unwrap_or_default(),
        notes: call_notes,
    };
    after_task_action(&visit, result, typed).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReassignForm {
    #[serde(default)]
    assignee_id: String,
}

pub async fn reassign(
    visit: VisitBy<RetentionOwners>,
    path: web::Path<SaveTaskId>,
    form: web::Form<ReassignForm>,
) -> Result<HttpResponse, AppError> {
    let task_id = path.into_inner();
    let to = form.assignee_id.parse::<StaffId>().ok();
    let result = reassign_task(&visit.state, visit.actor(), task_id, to).await;
    let typed = Typed {
        task: Some(task_id),
        ..Typed::default()
    };
    after_task_action(&visit, result, typed).await
}
