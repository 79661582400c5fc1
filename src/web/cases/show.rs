//! `GET /cases/{id}`: the case as the procedure decided it, its log, and
//! the actions on it (comment, reply sent, withdraw; billing's actions in
//! `web::queues::billing`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{CaseId, CaseState, EventKind, RefundStatus, ReviewState, Role};
use crate::format::Formatter;
use crate::services::FieldErrors;
use crate::services::ServiceError;
use crate::services::cases::actions;
use crate::services::cases::view::{CaseView, open_case};
use crate::web::answer::answer;
use crate::web::errors::{AppError, Shown, render, see_other};
use crate::web::extract::{Agents, Anyone};
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

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
    pub comment: String,
    pub withdraw_reason: String,
}

impl CasePage {
    fn refund_track_label(&self) -> String {
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

    fn event_label(&self, kind: &EventKind) -> &'static str {
        kind.label()
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

/// The case page for `user`, with a refused action's messages when given.
async fn case_page(
    visit: &Visit,
    (case_id, log_before): (CaseId, Option<i32>),
    shown: Shown,
) -> Result<CasePage, AppError> {
    let case = open_case(&visit.state, visit.actor(), case_id, log_before).await?;
    Ok(CasePage {
        layout: visit.layout(),
        fmt: Formatter::for_state(&visit.state),
        reply: case.reply_to_send(),
        case,
        is_agent: visit.user.role == Role::Agent,
        is_billing: visit.user.role == Role::Billing,
        payment_reference: String::new(),
        review_notes: String::new(),
        notice: shown.message,
        errors: shown.errors,
        comment: String::new(),
        withdraw_reason: String::new(),
    })
}

/// `?log_before=…`: the case log's older entries.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    log_before: Option<i32>,
}

pub async fn show(
    visit: VisitBy<Anyone>,
    path: web::Path<CaseId>,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    let at = (path.into_inner(), query.log_before);
    let page = case_page(&visit, at, Shown::nothing()).await?;
    render(StatusCode::OK, &page)
}

/// After an action on a case: back to the case, or the case again with
/// what went wrong and what was typed (`keep` puts it back in its field).
pub async fn after_action(
    visit: &Visit,
    case_id: CaseId,
    result: Result<(), ServiceError>,
    keep: impl FnOnce(&mut CasePage),
) -> Result<HttpResponse, AppError> {
    let back = |()| see_other(&format!("/cases/{case_id}"));
    answer(result, back, |shown| async move {
        let status = shown.status;
        let mut page = case_page(visit, (case_id, None), shown).await?;
        keep(&mut page);
        render(status, &page)
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

pub async fn add_comment(
    visit: VisitBy<Anyone>,
    path: web::Path<CaseId>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let text = form.into_inner().comment;
    let result = actions::add_comment(&visit.state, visit.actor(), case_id, &text).await;
    after_action(&visit, case_id, result, |page| page.comment = text).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}

pub async fn mark_reply_sent(
    visit: VisitBy<Agents>,
    path: web::Path<CaseId>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let result = actions::mark_reply_sent(&visit.state, visit.actor(), case_id).await;
    after_action(&visit, case_id, result, |_| {}).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawForm {
    #[serde(default)]
    withdraw_reason: String,
}

pub async fn withdraw(
    visit: VisitBy<Agents>,
    path: web::Path<CaseId>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let reason = form.into_inner().withdraw_reason;
    let result = actions::withdraw(&visit.state, visit.actor(), case_id, &reason).await;
    after_action(&visit, case_id, result, |page| {
        page.withdraw_reason = reason
    })
    .await
}
