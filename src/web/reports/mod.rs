//! `/reports` (SPEC §9): save calls, cancellations and refunds for a
//! period, grouped one way, each with a bar chart and its own CSV.

pub mod form;
pub mod tables;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::reports::GroupBy;
use crate::services::FieldErrors;
use crate::services::reports::{ReportFilter, default_period, reports};
use crate::web::errors::{AppError, render};
use crate::web::extract::ReportReaders;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use self::form::ReportForm;
use self::tables::{CHART_BAR_WIDTH, CHART_LABEL_WIDTH, TableView, Which, csv, views};

#[derive(Template)]
#[template(path = "reports/index.html")]
struct ReportsPage {
    layout: Layout,
    form: ReportForm,
    errors: FieldErrors,
    groups: Vec<(&'static str, &'static str)>,
    tables: Vec<TableView>,
    label_width: u64,
    chart_width: u64,
}

fn page(
    layout: Layout,
    status: StatusCode,
    (form, errors): (ReportForm, FieldErrors),
    tables: Vec<TableView>,
) -> Result<HttpResponse, AppError> {
    let page = ReportsPage {
        layout,
        form,
        errors,
        groups: GroupBy::ALL
            .iter()
            .map(|g| (g.as_str(), g.label()))
            .collect(),
        tables,
        label_width: CHART_LABEL_WIDTH,
        chart_width: CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50,
    };
    render(status, &page)
}

/// The tables for a filter, with links to their CSV for the same filter.
async fn tables_for(
    visit: &Visit,
    filter: ReportFilter,
) -> Result<(ReportForm, Vec<TableView>), AppError> {
    let figures = reports(&visit.state, visit.actor(), filter).await?;
    let shown = ReportForm::shown(&filter);
    let tables = views(&figures, filter.group_by, &shown.query());
    Ok((shown, tables))
}

pub async fn show(
    visit: VisitBy<ReportReaders>,
    query: web::Query<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let typed = query.into_inner();
    let layout = visit.layout();
    match typed.parse(default_period(&visit.state)) {
        Ok(filter) => {
            let (shown, tables) = tables_for(&visit, filter).await?;
            page(
                layout,
                StatusCode::OK,
                (shown, FieldErrors::default()),
                tables,
            )
        }
        Err(errors) => page(
            layout,
            StatusCode::UNPROCESSABLE_ENTITY,
            (typed, errors),
            Vec::new(),
        ),
    }
}

/// "Download CSV": one table, for the same filters.
pub async fn download(
    visit: VisitBy<ReportReaders>,
    path: web::Path<String>,
    query: web::Query<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let which = Which::from_csv_path(&path).ok_or(AppError::NotFound)?;
    let filter = query
        .parse(default_period(&visit.state))
        .map_err(AppError::Invalid)?;
    let (_, tables) = tables_for(&visit, filter).await?;
    let table = tables
        .iter()
        .find(|t| t.which == which)
        .ok_or(AppError::NotFound)?;
    let name = format!("{}-{}-to-{}.csv", which.slug(), filter.from, filter.to);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(csv(table)))
}
