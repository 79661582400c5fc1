//! `GET /cases` (newest first, searchable, filterable) and its CSV export.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{CaseId, CaseState, Role, SearchText};
use crate::format::Formatter;
use crate::services::FieldErrors;
use crate::services::cases::export::export_cases;
use crate::services::cases::list::{CaseListPage, CaseListQuery, TrackFilter, list_cases};
use crate::state::AppState;
use crate::web::errors::{AppError, render};
use crate::web::extract::{CaseListers, Exporters, Signed};
use crate::web::layout::Layout;
use crate::web::visit::VisitBy;

use super::Choice;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    q: Option<String>,
    state: Option<String>,
    status: Option<String>,
    before: Option<CaseId>,
}

impl ListParams {
    /// The filters as the list reads them, or the search's error.
    fn query(&self) -> Result<CaseListQuery, FieldErrors> {
        let search = SearchText::parse(self.q.as_deref().unwrap_or_default())
            .map_err(|e| FieldErrors::one("q", e.to_string()))?;
        Ok(CaseListQuery {
            search,
            state: match self.state.as_deref() {
                Some("open") => Some(CaseState::Open),
                Some("closed") => Some(CaseState::Closed),
                _ => None,
            },
            track: self.status.as_deref().and_then(TrackFilter::parse),
            before: self.before,
        })
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

    fn next_link(&self, page: &CaseListPage) -> Option<String> {
        let filters = self.filters();
        page.next_before.map(|before| {
            let separator = if filters.is_empty() { "" } else { "&" };
            format!("/cases?{filters}{separator}before={before}")
        })
    }
}

/// `GET /cases/export.csv`: the filtered cases as CSV, for billing and admins.
pub async fn export(
    state: web::Data<AppState>,
    user: Signed<Exporters>,
    params: web::Query<ListParams>,
) -> HttpResponse {
    let Ok(mut query) = params.into_inner().query() else {
        return HttpResponse::UnprocessableEntity()
            .content_type("text/plain; charset=utf-8")
            .body("Search for at most 100 characters.");
    };
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
    errors: FieldErrors,
}

pub async fn list(
    visit: VisitBy<CaseListers>,
    req: HttpRequest,
    web::Query(params): web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let app = &visit.state;
    let (page, errors) = match params.query() {
        Ok(query) => (list_cases(app, query).await?, FieldErrors::default()),
        Err(errors) => (CaseListPage::empty(), errors),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let exports = matches!(visit.user.role, Role::Billing | Role::Admin);
    let view = CaseListView {
        layout: visit.layout(),
        fmt: Formatter::for_state(app),
        next_link: params.next_link(&page),
        export_link: exports.then(|| format!("/cases/export.csv?{}", params.filters())),
        first_page: req.query_string().is_empty() || params.before.is_none(),
        page,
        statuses: TrackFilter::all()
            .into_iter()
            .map(|f| Choice::new(f.value(), f.label()))
            .collect(),
        q: params.q.unwrap_or_default(),
        state: params.state.unwrap_or_default(),
        status: params.status.unwrap_or_default(),
        errors,
    };
    render(status, &view)
}
