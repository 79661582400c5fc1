//! `/admin/servers`: hosting servers and their exit-survey links.

use std::ops::Deref;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{ExitSurveyUrl, ServerId, ServerName};
use crate::services::FieldErrors;
use crate::services::admin::reference::{Server, add_server, update_server};
use crate::state::AppState;
use crate::web::errors::{AppError, Shown};
use crate::web::extract::{Admins, Signed};
use crate::web::session::TypedSession;

use super::reference::{
    ReferenceScreen, ReferenceView, Target, after, reference_page, row_refused,
};

#[derive(Template)]
#[template(path = "admin/servers.html")]
pub struct ServersPage {
    view: ReferenceView<Server>,
}

impl Deref for ServersPage {
    type Target = ReferenceView<Server>;
    fn deref(&self) -> &Self::Target {
        &self.view
    }
}

impl ReferenceScreen for Server {
    const PATH: &'static str = "/admin/servers";
    type AddForm = ServerForm;
    type RowForm = ServerForm;
    type Page = ServersPage;

    fn page(view: ReferenceView<Server>) -> ServersPage {
        ServersPage { view }
    }
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

pub async fn add(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<ServerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (name, url) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let shown = Shown::invalid(errors);
            return reference_page(&state, &user, &session, shown, Target::<Server>::Add(form))
                .await;
        }
    };
    let notice = format!("Server {name} was added.");
    let result = add_server(&state, user.actor(), name, url).await;
    after(
        &state,
        &user,
        &session,
        result,
        |_| notice,
        Target::<Server>::Add(form),
    )
    .await
}

pub async fn update(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<ServerId>,
    form: web::Form<ServerForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (path.into_inner(), form.into_inner());
    let (name, url) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            return row_refused::<Server>(&state, &user, &session, id, form, errors).await;
        }
    };
    let result = update_server(&state, user.actor(), id, name, url).await;
    let notice = |server: Server| format!("Server {} was saved.", server.name);
    after(
        &state,
        &user,
        &session,
        result,
        notice,
        Target::<Server>::Row(id, form),
    )
    .await
}
