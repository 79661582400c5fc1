//! `/admin/replies` (SPEC §12): the greeting, the sign-off and the four
//! bodies; "Preview" (a POST that writes nothing) and "Save replies" (a new
//! version).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::procedure::{Placeholder, REPLY_MAX_CHARS, Replies, ReplyField, ReplyTemplates};
use crate::services::FieldErrors;
use crate::services::admin::replies::{
    RepliesVersionLine, ReplyPreview, preview_replies, replies_history, save_replies,
};
use crate::web::answer::{run_parsed, with_flash};
use crate::web::errors::{AppError, Shown, render, shown_again};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::when;

/// One textarea of the form.
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: String,
}

pub struct VersionLine {
    pub version: i32,
    pub saved: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "admin/replies.html")]
struct RepliesPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    current_version: i64,
    fields: Vec<FieldView>,
    previews: Vec<ReplyPreview>,
    history: Vec<VersionLine>,
    errors: FieldErrors,
}

/// The placeholders a field may use, and the one it needs.
fn hint(field: ReplyField) -> String {
    let allowed: Vec<String> = field
        .allowed()
        .into_iter()
        .map(Placeholder::written)
        .collect();
    let mut hint = format!("May use {}", allowed.join(", "));
    if let Some(required) = field.required() {
        hint.push_str(&format!("; must contain {}", required.written()));
    }
    if field == ReplyField::SignOff {
        hint.push_str("; leave empty for no sign-off");
    }
    hint.push_str(&format!(
        ". Write {{{{ and }}}} for a brace. At most {REPLY_MAX_CHARS} characters."
    ));
    hint
}

fn fields_of(templates: &ReplyTemplates) -> Vec<FieldView> {
    ReplyField::ALL
        .into_iter()
        .map(|field| FieldView {
            key: field.key(),
            label: field.label(),
            value: templates.get(field).to_owned(),
            hint: hint(field),
        })
        .collect()
}

fn version_line(row: RepliesVersionLine, zone: chrono_tz::Tz) -> VersionLine {
    let seeded = row.created_at == 0 && row.created_by_name.is_none();
    VersionLine {
        version: row.version,
        saved: if seeded {
            "When installed".to_owned()
        } else {
            when(row.created_at, zone)
        },
        by: row.created_by_name.unwrap_or_else(|| "Seeded".to_owned()),
    }
}

/// The page with the words in force, or `typed` as typed, and `previews`.
async fn replies_page(
    visit: &Visit,
    shown: Shown,
    (typed, previews): (Option<ReplyTemplates>, Vec<ReplyPreview>),
) -> Result<HttpResponse, AppError> {
    let (current, rows) = replies_history(&visit.state, visit.actor()).await?;
    let zone = visit.state.settings.timezone;
    let page = RepliesPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        current_version: current.version,
        fields: fields_of(typed.as_ref().unwrap_or(&current.templates)),
        previews,
        history: rows.into_iter().map(|r| version_line(r, zone)).collect(),
        errors: shown.errors,
    };
    render(shown.status, &page)
}

pub async fn show(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError> {
    replies_page(&visit, Shown::nothing(), (None, Vec::new())).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepliesForm {
    #[serde(default)]
    greeting: String,
    #[serde(default)]
    sign_off: String,
    #[serde(default)]
    exit_survey: String,
    #[serde(default)]
    save_call: String,
    #[serde(default)]
    credit: String,
    #[serde(default)]
    review: String,
}

impl RepliesForm {
    /// The words as typed, and the templates they make or what is wrong.
    fn parse(self) -> (ReplyTemplates, Result<ReplyTemplates, FieldErrors>) {
        let typed = ReplyTemplates {
            greeting: self.greeting,
            sign_off: self.sign_off,
            exit_survey: self.exit_survey,
            save_call: self.save_call,
            credit: self.credit,
            review: self.review,
        };
        let parsed = ReplyTemplates::parse(typed.clone()).map_err(|problems| {
            let mut errors = FieldErrors::default();
            for (field, message) in problems {
                errors.add(field.key(), message);
            }
            errors
        });
        (typed, parsed)
    }
}

/// "Preview": the replies for an example customer; nothing is written.
pub async fn preview(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<RepliesForm>,
) -> Result<HttpResponse, AppError> {
    let (typed, parsed) = form.parse();
    let previews = run_parsed(parsed, |templates| {
        preview_replies(&visit.state, visit.actor(), templates)
    });
    let (shown, previews) = match previews.await {
        Ok(previews) => (Shown::nothing(), previews),
        Err(error) => (shown_again(error)?, Vec::new()),
    };
    replies_page(&visit, shown, (Some(typed), previews)).await
}

/// "Save replies": a new version; new cases are written with it.
pub async fn save(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<RepliesForm>,
) -> Result<HttpResponse, AppError> {
    let (typed, parsed) = form.parse();
    let result = run_parsed(parsed, |templates| {
        save_replies(&visit.state, visit.actor(), templates)
    })
    .await;
    let notice = |saved: Replies| {
        format!(
            "Replies version {} saved: new cases use it, old cases keep their words.",
            saved.version
        )
    };
    with_flash(&visit.session, result, notice, "/admin/replies", |shown| {
        replies_page(&visit, shown, (Some(typed), Vec::new()))
    })
    .await
}
