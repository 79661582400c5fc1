//! `/admin/levels`: customer levels, their rank and cancellation route.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::reference::LevelRow;
use crate::domain::{CancellationRoute, LevelName, Rank};
use crate::services::ServiceError;
use crate::services::admin_errors::AdminError;
use crate::services::admin_reference;
use crate::state::AppState;
use crate::web::errors::{AppError, render};
use crate::web::extract::{Admins, Signed};
use crate::web::layout::Layout;
use crate::web::session::TypedSession;

use super::staff::EmptyForm;
use super::{FieldErrors, Refusal, when};

pub struct LevelLine {
    pub row: LevelRow,
    pub route_label: &'static str,
    pub retired: Option<String>,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin/levels.html")]
struct LevelsPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    levels: Vec<LevelLine>,
    routes: Vec<(&'static str, &'static str)>,
    form: LevelForm,
    errors: FieldErrors,
}

enum Target {
    Add(LevelForm),
    Row(i32),
    Page,
}

async fn levels_page(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    status: StatusCode,
    target: Target,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let rows = state
        .db
        .read(|conn| LevelRow::all(conn).map_err(AdminError::from))
        .await?;
    let zone = state.settings.timezone;
    let Refusal { errors, message } = refusal;
    let (mut form, mut form_errors, mut row_errors) =
        (LevelForm::default(), FieldErrors::default(), None);
    match target {
        Target::Add(typed) => (form, form_errors) = (typed, errors),
        Target::Row(id) => row_errors = Some((id, errors)),
        Target::Page => {}
    }
    let levels = rows
        .into_iter()
        .map(|row| LevelLine {
            route_label: CancellationRoute::parse(&row.route)
                .map_or("Unknown route", |r| r.label()),
            retired: row.retired_at.map(|at| when(at, zone)),
            errors: match &row_errors {
                Some((id, errors)) if *id == row.id => errors.clone(),
                _ => FieldErrors::default(),
            },
            row,
        })
        .collect();
    let page = LevelsPage {
        layout: Layout::signed_in(user, session),
        notice: session.take_flash(),
        error: message,
        levels,
        routes: CancellationRoute::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        form,
        errors: form_errors,
    };
    render(status, &page)
}

pub async fn list(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let refusal = Refusal::fields(FieldErrors::default());
    levels_page(
        &state,
        &user,
        &session,
        StatusCode::OK,
        Target::Page,
        refusal,
    )
    .await
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct LevelForm {
    pub name: String,
    pub rank: String,
    pub route: String,
}

/// A 303 back to the levels with a notice, or the levels again with the refusal.
async fn after<T>(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    result: Result<T, AdminError>,
    notice: impl FnOnce(T) -> String,
    target: Target,
) -> Result<HttpResponse, AppError> {
    super::after(session, result, notice, "/admin/levels", |refusal| {
        levels_page(
            state,
            user,
            session,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            refusal,
        )
    })
    .await
}

pub async fn add(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<LevelForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let name = errors.check("name", LevelName::parse(&form.name));
    let rank = errors.check("rank", Rank::parse(&form.rank));
    let route = errors.check("route", CancellationRoute::parse(&form.route));
    let (Some(name), Some(rank), Some(route)) = (name, rank, route) else {
        let refusal = Refusal::fields(errors);
        return levels_page(
            &state,
            &user,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Target::Add(form),
            refusal,
        )
        .await;
    };
    let (actor, now) = (user.id, state.clock.unix());
    let result = state
        .db
        .write(move |conn| {
            admin_reference::add_level(conn, actor, &name, rank, route, now)?;
            Ok(name)
        })
        .await;
    let notice = |name: LevelName| format!("Level {name} was added.");
    after(&state, &user, &session, result, notice, Target::Add(form)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteForm {
    route: String,
}

pub async fn change_route(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<RouteForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (user.id, path.into_inner(), state.clock.unix());
    let result = match CancellationRoute::parse(&form.route) {
        Ok(route) => {
            state
                .db
                .write(move |conn| admin_reference::change_route(conn, actor, id, route, now))
                .await
        }
        Err(e) => {
            // A level that does not exist is 404, whatever was chosen.
            state
                .db
                .read(move |conn| LevelRow::find(conn, id).map_err(ServiceError::from))
                .await?;
            Err(AdminError::field("route", e))
        }
    };
    let notice = |level: LevelRow| {
        let route = CancellationRoute::parse(&level.route).map_or("", |r| r.label());
        format!(
            "New {} cases take the route {route}; old cases keep theirs.",
            level.name
        )
    };
    after(&state, &user, &session, result, notice, Target::Row(id)).await
}

pub async fn retire(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (user.id, path.into_inner(), state.clock.unix());
    let result = state
        .db
        .write(move |conn| admin_reference::retire_level(conn, actor, id, now))
        .await;
    let notice = |level: LevelRow| {
        format!(
            "Level {} was retired: old cases keep it, new cases cannot choose it.",
            level.name
        )
    };
    after(&state, &user, &session, result, notice, Target::Page).await
}
