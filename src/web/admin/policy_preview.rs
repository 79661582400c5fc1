//! `/admin/policy/preview` (SPEC §10): a draft policy replayed over past
//! cases (a GET, so it can be bookmarked and shared), and "Save this
//! policy", which saves exactly the previewed values.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::procedure::Policy;
use crate::services::FieldErrors;
use crate::services::admin::policy::policy_history;
use crate::services::admin::replay::tally::ReplaySummary;
use crate::services::admin::replay::{Preview, preview_draft, save_draft};
use crate::web::answer::{run_parsed, with_flash};
use crate::web::errors::{AppError, Shown, render, shown_again};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::draft::{DraftFields, DraftForm, route_choices};

/// What was previewed, as the page shows it.
struct Replayed {
    today: Policy,
    /// "Professional: Check A/R → Sales call".
    route_changes: Vec<String>,
    from: String,
    to: String,
    summary: ReplaySummary,
    save_fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/policy_preview.html")]
struct PreviewPage {
    layout: Layout,
    error: Option<String>,
    draft: DraftFields,
    draft_errors: FieldErrors,
    route_choices: Vec<(&'static str, &'static str)>,
    replayed: Option<Replayed>,
}

impl Replayed {
    fn new(preview: Preview, draft: &DraftFields) -> Replayed {
        Replayed {
            route_changes: preview
                .draft
                .changed_levels()
                .map(|l| format!("{}: {} → {}", l.name, l.today.label(), l.draft.label()))
                .collect(),
            from: preview.period.from.to_string(),
            to: preview.period.to.to_string(),
            save_fields: draft.hidden(&preview.basis),
            today: preview.today,
            summary: preview.summary,
        }
    }
}

/// The preview of `form`'s draft, or the form again with why it was refused.
async fn preview_page(
    visit: &Visit,
    shown: Shown,
    form: DraftForm,
) -> Result<HttpResponse, AppError> {
    let result = run_parsed(form.parse(), |(draft, period)| {
        preview_draft(&visit.state, visit.actor(), draft, period)
    })
    .await;
    let layout = visit.layout();
    let page = match result {
        Ok(preview) => {
            let draft = DraftFields::previewed(&preview);
            let replayed = Some(Replayed::new(preview, &draft));
            page(layout, shown, draft, replayed)
        }
        Err(refusal) => {
            let shown = shown_again(refusal)?;
            let screen = policy_history(&visit.state, visit.actor()).await?;
            let start = DraftFields::start(&screen.current, &screen.draft_levels, screen.period);
            page(layout, shown, DraftFields::typed(&form, start), None)
        }
    };
    render(page.1, &page.0)
}

fn page(
    layout: Layout,
    shown: Shown,
    draft: DraftFields,
    replayed: Option<Replayed>,
) -> (PreviewPage, actix_web::http::StatusCode) {
    let page = PreviewPage {
        layout,
        error: shown.message,
        draft,
        draft_errors: shown.errors,
        route_choices: route_choices(),
        replayed,
    };
    (page, shown.status)
}

/// "Preview changes".
pub async fn preview(
    visit: VisitBy<Admins>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = DraftForm::read(query.into_inner())?;
    preview_page(&visit, Shown::nothing(), form).await
}

/// "Save this policy": the previewed values, or the preview again with why not.
pub async fn save(
    visit: VisitBy<Admins>,
    web::Form(fields): web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = DraftForm::read(fields)?;
    let parsed = form
        .parse()
        .and_then(|(draft, _)| Ok((draft, form.based_on()?)));
    let result = run_parsed(parsed, |(draft, based_on)| {
        save_draft(&visit.state, visit.actor(), draft, based_on)
    })
    .await;
    let notice = |saved: Policy| {
        format!(
            "Policy version {} saved from the preview: new cases use it, old cases keep theirs.",
            saved.version
        )
    };
    with_flash(&visit.session, result, notice, "/admin/policy", |shown| {
        preview_page(&visit, shown, form.clone())
    })
    .await
}
