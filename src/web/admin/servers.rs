//! `/admin/servers`: hosting servers and their exit-survey links.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::reference::ServerRow;
use crate::domain::{ExitSurveyUrl, ServerName};
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

pub struct ServerLine {
    pub row: ServerRow,
    pub retired: Option<String>,
    /// What was typed into this row's edit form when it was refused.
    pub typed: Option<ServerForm>,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin/servers.html")]
struct ServersPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    servers: Vec<ServerLine>,
    form: ServerForm,
    errors: FieldErrors,
}

/// Which form a refusal belongs to: the add form, or one server's row.
enum Target {
    Add(ServerForm),
    Row(i32, ServerForm),
    Page,
}

async fn servers_page(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    status: StatusCode,
    target: Target,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let rows = state
        .db
        .read(|conn| ServerRow::all(conn).map_err(AdminError::from))
        .await?;
    let zone = state.settings.timezone;
    let Refusal { errors, message } = refusal;
    let (mut form, mut form_errors) = (ServerForm::default(), FieldErrors::default());
    let mut row_target = None;
    match target {
        Target::Add(typed) => (form, form_errors) = (typed, errors),
        Target::Row(id, typed) => row_target = Some((id, typed, errors)),
        Target::Page => {}
    }
    let servers = rows
        .into_iter()
        .map(|row| {
            let mut line = ServerLine {
                retired: row.retired_at.map(|at| when(at, zone)),
                row,
                typed: None,
                errors: FieldErrors::default(),
            };
            if let Some((id, typed, errors)) = &row_target
                && *id == line.row.id
            {
                line.typed = Some(typed.clone());
                line.errors = errors.clone();
            }
            line
        })
        .collect();
    let page = ServersPage {
        layout: Layout::signed_in(user, session),
        notice: session.take_flash(),
        error: message,
        servers,
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
    servers_page(
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
pub struct ServerForm {
    pub name: String,
    pub exit_survey_url: String,
}

impl ServerForm {
    fn parse(&self) -> Result<(ServerName, ExitSurveyUrl), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", ServerName::parse(&self.name));
        let url = errors.check(
            "exit_survey_url",
            ExitSurveyUrl::parse(&self.exit_survey_url),
        );
        match (name, url) {
            (Some(name), Some(url)) => Ok((name, url)),
            _ => Err(errors),
        }
    }
}

/// A 303 back to the servers with a notice, or the servers again with the refusal.
async fn after<T>(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    result: Result<T, AdminError>,
    notice: impl FnOnce(T) -> String,
    target: Target,
) -> Result<HttpResponse, AppError> {
    super::after(session, result, notice, "/admin/servers", |refusal| {
        servers_page(
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
    form: web::Form<ServerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (actor, now) = (user.id, state.clock.unix());
    let result = match form.parse() {
        Ok((name, url)) => {
            state
                .db
                .write(move |conn| {
                    admin_reference::add_server(conn, actor, &name, &url, now)?;
                    Ok(name)
                })
                .await
        }
        Err(errors) => {
            let refusal = Refusal::fields(errors);
            return servers_page(
                &state,
                &user,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Target::Add(form),
                refusal,
            )
            .await;
        }
    };
    let notice = |name: ServerName| format!("Server {name} was added.");
    after(&state, &user, &session, result, notice, Target::Add(form)).await
}

pub async fn update(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<i32>,
    form: web::Form<ServerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (actor, id, now) = (user.id, path.into_inner(), state.clock.unix());
    let result = match form.parse() {
        Ok((name, url)) => {
            state
                .db
                .write(move |conn| {
                    admin_reference::update_server(conn, actor, id, &name, &url, now)
                })
                .await
        }
        Err(errors) => {
            // A server that does not exist is 404, whatever was typed.
            state
                .db
                .read(move |conn| ServerRow::find(conn, id).map_err(ServiceError::from))
                .await?;
            let refusal = Refusal::fields(errors);
            return servers_page(
                &state,
                &user,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Target::Row(id, form),
                refusal,
            )
            .await;
        }
    };
    let notice = |server: ServerRow| format!("Server {} was saved.", server.name);
    after(
        &state,
        &user,
        &session,
        result,
        notice,
        Target::Row(id, form),
    )
    .await
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
        .write(move |conn| admin_reference::retire_server(conn, actor, id, now))
        .await;
    let notice = |server: ServerRow| {
        format!(
            "Server {} was retired: old cases keep it, new cases cannot choose it.",
            server.name
        )
    };
    after(&state, &user, &session, result, notice, Target::Page).await
}
