//! `/admin/levels`: customer levels, their rank and cancellation route.

use std::ops::Deref;

use askama::Template;
use serde::Deserialize;

use crate::domain::{CancellationRoute, LevelId, LevelName, Rank};
use crate::services::admin::reference::{Level, add_level, change_route};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

use super::reference::{ReferenceScreen, ReferenceView};

#[derive(Template)]
#[template(path = "admin/levels.html")]
pub struct LevelsPage {
    view: ReferenceView<Level>,
    routes: Vec<(&'static str, &'static str)>,
}

impl Deref for LevelsPage {
    type Target = ReferenceView<Level>;
    fn deref(&self) -> &Self::Target {
        &self.view
    }
}

/// "Add level".
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct LevelForm {
    pub name: String,
    pub rank: String,
    pub route: String,
}

impl LevelForm {
    fn parse(&self) -> Result<(LevelName, Rank, CancellationRoute), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", LevelName::parse(&self.name));
        let rank = errors.check("rank", Rank::parse(&self.rank));
        let route = errors.check("route", CancellationRoute::parse(&self.route));
        match (name, rank, route) {
            (Some(name), Some(rank), Some(route)) => Ok((name, rank, route)),
            _ => Err(errors),
        }
    }
}

/// A row's "Change route".
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RouteForm {
    route: String,
}

impl ReferenceScreen for Level {
    const PATH: &'static str = "/admin/levels";
    type AddForm = LevelForm;
    type RowForm = RouteForm;
    type Page = LevelsPage;

    fn page(view: ReferenceView<Level>) -> LevelsPage {
        LevelsPage {
            view,
            routes: CancellationRoute::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
        }
    }

    async fn add(app: &AppState, actor: Actor, form: &LevelForm) -> Result<String, ServiceError> {
        let (name, rank, route) = form.parse()?;
        let notice = format!("Level {name} was added.");
        add_level(app, actor, name, rank, route)
            .await
            .map(|_| notice)
    }

    async fn change(
        app: &AppState,
        actor: Actor,
        id: LevelId,
        form: &RouteForm,
    ) -> Result<String, ServiceError> {
        let route = CancellationRoute::parse(&form.route)
            .map_err(|e| FieldErrors::one("route", e.to_string()))?;
        let level = change_route(app, actor, id, route).await?;
        Ok(format!(
            "New {} cases take the route {}; old cases keep theirs.",
            level.name,
            level.route.label()
        ))
    }
}
