//! `/admin/reasons`: reasons for leaving, their order on the intake form
//! (SPEC §8). A reason is never renamed: retire it and add another.

use std::ops::Deref;

use askama::Template;
use serde::Deserialize;

use crate::domain::{Rank, ReasonId, ReasonName};
use crate::services::admin::reasons::{Reason, add_reason, move_reason};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

use super::reference::{Line, ReferenceScreen, ReferenceView};

#[derive(Template)]
#[template(path = "admin/reasons.html")]
pub struct ReasonsPage {
    view: ReferenceView<Reason>,
}

impl ReasonsPage {
    /// What a row's position field shows: what was typed when refused.
    fn position_shown(&self, line: &Line<Reason>) -> String {
        match &line.typed {
            Some(typed) => typed.position.clone(),
            None => line.row.position.to_string(),
        }
    }
}

impl Deref for ReasonsPage {
    type Target = ReferenceView<Reason>;
    fn deref(&self) -> &Self::Target {
        &self.view
    }
}

const POSITION_ERROR: &str = "Enter a position, a whole number from 0 to 100000 like 25";

fn position(typed: &str) -> Result<Rank, FieldErrors> {
    Rank::parse(typed).map_err(|_| FieldErrors::one("position", POSITION_ERROR))
}

/// "Add reason".
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReasonForm {
    pub name: String,
    pub position: String,
}

impl ReasonForm {
    fn parse(&self) -> Result<(ReasonName, Rank), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", ReasonName::parse(&self.name));
        let position = errors.check(
            "position",
            Rank::parse(&self.position).map_err(|_| POSITION_ERROR),
        );
        match (name, position) {
            (Some(name), Some(position)) => Ok((name, position)),
            _ => Err(errors),
        }
    }
}

/// A row's "Move".
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PositionForm {
    position: String,
}

impl ReferenceScreen for Reason {
    const PATH: &'static str = "/admin/reasons";
    type AddForm = ReasonForm;
    type RowForm = PositionForm;
    type Page = ReasonsPage;

    fn page(view: ReferenceView<Reason>) -> ReasonsPage {
        ReasonsPage { view }
    }

    async fn add(app: &AppState, actor: Actor, form: &ReasonForm) -> Result<String, ServiceError> {
        let (name, position) = form.parse()?;
        let notice = format!("Reason {name} was added.");
        add_reason(app, actor, name, position).await.map(|_| notice)
    }

    async fn change(
        app: &AppState,
        actor: Actor,
        id: ReasonId,
        form: &PositionForm,
    ) -> Result<String, ServiceError> {
        let reason = move_reason(app, actor, id, position(&form.position)?).await?;
        Ok(format!(
            "{} is now at position {} on the intake form.",
            reason.name, reason.position
        ))
    }
}
