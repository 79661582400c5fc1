//! `GET /cases/waiting`: the agent's whole waiting list, a page at a time
//! (the new-case form shows only the longest waiting).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::format::Formatter;
use crate::services::cases::waiting_list::{Position, WaitingPage, waiting_page};
use crate::state::AppState;
use crate::web::errors::{AppError, render};
use crate::web::extract::{Agents, Signed};
use crate::web::layout::Layout;
use crate::web::session::TypedSession;

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
    state: web::Data<AppState>,
    user: Signed<Agents>,
    session: TypedSession,
    query: web::Query<WaitingQuery>,
) -> Result<HttpResponse, AppError> {
    let after = query.into_inner().after;
    let page = waiting_page(&state, user.actor(), after).await?;
    let view = WaitingListView {
        layout: Layout::signed_in(&user, &session),
        fmt: Formatter::for_state(&state),
        page,
        first_page: after.is_none(),
    };
    render(StatusCode::OK, &view)
}
