//! `/admin/servers`: hosting servers and their exit-survey links.

use std::ops::Deref;

use askama::Template;
use serde::Deserialize;

use crate::domain::{ExitSurveyUrl, ServerId, ServerName};
use crate::services::admin::reference::{Server, add_server, update_server};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

use super::reference::{ReferenceScreen, ReferenceView};

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

/// "Add server", and a row's "Save changes": a name and a survey link.
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
        name.zip(url).ok_or(errors)
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

    async fn add(app: &AppState, actor: Actor, form: &ServerForm) -> Result<String, ServiceError> {
        let (name, url) = form.parse()?;
        let notice = format!("Server {name} was added.");
        add_server(app, actor, name, url).await.map(|_| notice)
    }

    async fn change(
        app: &AppState,
        actor: Actor,
        id: ServerId,
        form: &ServerForm,
    ) -> Result<String, ServiceError> {
        let (name, url) = form.parse()?;
        let server = update_server(app, actor, id, name, url).await?;
        Ok(format!("Server {} was saved.", server.name))
    }
}
