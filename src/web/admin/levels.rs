//! `/admin/levels`: customer levels, their rank and cancellation route.

use std::ops::Deref;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{CancellationRoute, LevelId, LevelName, Rank};
use crate::services::FieldErrors;
use crate::services::admin::reference::{Level, add_level, change_route as change_level_route};
use crate::state::AppState;
use crate::web::errors::{AppError, Shown};
use crate::web::extract::{Admins, Signed};
use crate::web::session::TypedSession;

use super::reference::{
    ReferenceScreen, ReferenceView, Target, after, reference_page, row_refused,
};

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
}

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

pub async fn add(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<LevelForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (name, rank, route) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let shown = Shown::invalid(errors);
            return reference_page(&state, &user, &session, shown, Target::<Level>::Add(form))
                .await;
        }
    };
    let notice = format!("Level {name} was added.");
    let result = add_level(&state, user.actor(), name, rank, route).await;
    after(
        &state,
        &user,
        &session,
        result,
        |_| notice,
        Target::<Level>::Add(form),
    )
    .await
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RouteForm {
    route: String,
}

pub async fn change_route(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    path: web::Path<LevelId>,
    form: web::Form<RouteForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (path.into_inner(), form.into_inner());
    let route = match CancellationRoute::parse(&form.route) {
        Ok(route) => route,
        Err(e) => {
            let errors = FieldErrors::one("route", e.to_string());
            return row_refused::<Level>(&state, &user, &session, id, form, errors).await;
        }
    };
    let result = change_level_route(&state, user.actor(), id, route).await;
    let notice = |level: Level| {
        format!(
            "New {} cases take the route {}; old cases keep theirs.",
            level.name,
            level.route.label()
        )
    };
    after(
        &state,
        &user,
        &session,
        result,
        notice,
        Target::<Level>::Row(id, form),
    )
    .await
}
