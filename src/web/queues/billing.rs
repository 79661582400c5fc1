//! `/billing`: Heather's queue, and billing's actions on a case (R4, R6).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{BillingItemId, CaseId};
use crate::format::Formatter;
use crate::services::queues::billing;
use crate::services::queues::lists::{BillingRow, Page, billing_queue};
use crate::web::cases::show::after_action;
use crate::web::errors::{AppError, render};
use crate::web::extract::BillingStaff;
use crate::web::layout::Layout;
use crate::web::visit::VisitBy;

use super::AfterParam;

#[derive(Template)]
#[template(path = "queues/billing.html")]
struct BillingPage {
    layout: Layout,
    fmt: Formatter,
    queue: Page<BillingRow, BillingItemId>,
    overdue_only: bool,
}

pub async fn billing_queue_page(
    visit: VisitBy<BillingStaff>,
    query: web::Query<AfterParam<BillingItemId>>,
) -> Result<HttpResponse, AppError> {
    let wanted = query.page();
    let queue = billing_queue(&visit.state, visit.actor(), wanted).await?;
    let page = BillingPage {
        layout: visit.layout(),
        fmt: Formatter::for_state(&visit.state),
        queue,
        overdue_only: wanted.overdue_only,
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
    visit: VisitBy<BillingStaff>,
    path: web::Path<CaseId>,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, AppError> {
    let case_id = path.into_inner();
    let reference = form.into_inner().payment_reference;
    let result = billing::issue_refund(&visit.state, visit.actor(), case_id, &reference).await;
    after_action(&visit, case_id, result, |page| {
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
    visit: VisitBy<BillingStaff>,
    path: web::Path<CaseId>,
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
    let result =
        billing::review_refund(&visit.state, visit.actor(), case_id, approve, &review_notes).await;
    after_action(&visit, case_id, result, |page| {
        page.review_notes = review_notes
    })
    .await
}
