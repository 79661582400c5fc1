//! `GET /admin` and `GET /admin/audit`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::CaseId;
use crate::services::admin::overview::{self as admin_overview, AuditLine as AuditRow, Overview};
use crate::state::AppState;
use crate::web::errors::{AppError, render};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::VisitBy;

use super::when;

/// An audit line as shown.
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

fn audit_lines(rows: Vec<AuditRow>, state: &AppState) -> Vec<AuditLine> {
    rows.into_iter()
        .map(|row| AuditLine {
            at: when(row.at, state.settings.timezone),
            actor: row.actor_name.unwrap_or_else(|| "System".to_owned()),
            action: row.action,
            detail: row.detail,
        })
        .collect()
}

pub struct FailedLine {
    pub case_id: CaseId,
    pub customer_name: String,
    pub attempts: i32,
    pub last_error: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    layout: Layout,
    notice: Option<String>,
    overview: Overview,
    failed: Vec<FailedLine>,
    recent: Vec<AuditLine>,
}

pub async fn overview(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError> {
    let mut overview = admin_overview::overview(&visit.state, visit.actor()).await?;
    let failed = std::mem::take(&mut overview.failed_deliveries)
        .into_iter()
        .map(|f| FailedLine {
            case_id: f.case_id,
            customer_name: f.customer_name,
            attempts: f.attempts,
            last_error: f.last_error.unwrap_or_default(),
            at: when(
                f.last_attempt_at.unwrap_or(f.created_at),
                visit.state.settings.timezone,
            ),
        })
        .collect();
    let recent = audit_lines(std::mem::take(&mut overview.recent_changes), &visit.state);
    let page = OverviewPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        overview,
        failed,
        recent,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    lines: Vec<AuditLine>,
    next: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    before: Option<i32>,
}

pub async fn audit(
    visit: VisitBy<Admins>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let before = query.into_inner().before;
    let (rows, next) = admin_overview::audit_page(&visit.state, visit.actor(), before).await?;
    let page = AuditPage {
        layout: visit.layout(),
        lines: audit_lines(rows, &visit.state),
        next,
    };
    render(StatusCode::OK, &page)
}
