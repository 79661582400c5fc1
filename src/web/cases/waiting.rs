//! `GET /cases/waiting`: the agent's whole waiting list, a page at a time
//! (the new-case form shows only the longest waiting).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::format::Formatter;
use crate::services::cases::waiting_list::{Position, WaitingPage, waiting_page};
use crate::web::errors::{AppError, render};
use crate::web::extract::Agents;
use crate::web::layout::Layout;
use crate::web::visit::VisitBy;

#[derive(Template)]
#[template(path = "cases/waiting.html")]
struct WaitingListView {
    layout: Layout,
    fmt: Formatter,
    page: WaitingPage,
    first_page: bool,
}

/// `?after=…`: where the page starts (the last item of the page before).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingQuery {
    after: Option<Position>,
}

pub async fn waiting_list(
    visit: VisitBy<Agents>,
    web::Query(WaitingQuery { after }): web::Query<WaitingQuery>,
) -> Result<HttpResponse, AppError> {
    let page = waiting_page(&visit.state, visit.actor(), after).await?;
    let view = WaitingListView {
        layout: visit.layout(),
        fmt: Formatter::for_state(&visit.state),
        page,
        first_page: after.is_none(),
    };
    render(StatusCode::OK, &view)
}
