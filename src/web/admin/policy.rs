//! `/admin/policy`: the limits, saved as a new version each time.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::Money;
use crate::procedure::Policy;
use crate::services::FieldErrors;
use crate::services::admin::policy::{PolicyVersionLine, policy_history, save_policy};
use crate::web::answer::{run_parsed, with_flash};
use crate::web::errors::{AppError, Shown, render};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::draft::{DraftFields, prefill, route_choices};
use super::when;

pub struct VersionLine {
    pub version: i32,
    pub ar_limit: String,
    pub refund_review_limit: String,
    pub saved: String,
    pub by: String,
}

impl VersionLine {
    fn new(row: PolicyVersionLine, zone: chrono_tz::Tz) -> VersionLine {
        VersionLine {
            version: row.version,
            ar_limit: row.ar_limit.to_string(),
            refund_review_limit: row.refund_review_limit.to_string(),
            saved: if row.created_at == 0 && row.created_by_name.is_none() {
                "When installed".to_owned()
            } else {
                when(row.created_at, zone)
            },
            by: row.created_by_name.unwrap_or_else(|| "Seeded".to_owned()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/policy.html")]
struct PolicyPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    current: Policy,
    history: Vec<VersionLine>,
    form: PolicyForm,
    errors: FieldErrors,
    /// "Try a draft", from today's values.
    draft: DraftFields,
    draft_errors: FieldErrors,
    route_choices: Vec<(&'static str, &'static str)>,
}

async fn policy_page(
    visit: &Visit,
    shown: Shown,
    typed: Option<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let screen = policy_history(&visit.state, visit.actor()).await?;
    let current = screen.current;
    let draft = DraftFields::start(&current, &screen.draft_levels, screen.period);
    let zone = visit.state.settings.timezone;
    let history = screen
        .history
        .into_iter()
        .map(|row| VersionLine::new(row, zone))
        .collect();
    let form = typed.unwrap_or_else(|| PolicyForm {
        ar_limit: prefill(current.ar_limit),
        refund_review_limit: prefill(current.refund_review_limit),
    });
    let page = PolicyPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        current,
        history,
        form,
        errors: shown.errors,
        draft,
        draft_errors: FieldErrors::default(),
        route_choices: route_choices(),
    };
    render(shown.status, &page)
}

pub async fn show(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError> {
    policy_page(&visit, Shown::nothing(), None).await
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PolicyForm {
    pub ar_limit: String,
    pub refund_review_limit: String,
}

impl PolicyForm {
    fn parse(&self) -> Result<(Money, Money), FieldErrors> {
        let mut errors = FieldErrors::default();
        let ar_limit = errors.check("ar_limit", Money::parse(&self.ar_limit));
        let refund_review_limit = errors.check(
            "refund_review_limit",
            Money::parse(&self.refund_review_limit),
        );
        ar_limit.zip(refund_review_limit).ok_or(errors)
    }
}

pub async fn save(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let result = run_parsed(form.parse(), |(ar, refund)| {
        save_policy(&visit.state, visit.actor(), ar, refund)
    })
    .await;
    let notice = |saved: Policy| {
        format!(
            "Policy version {} saved: new cases use it, old cases keep theirs.",
            saved.version
        )
    };
    with_flash(&visit.session, result, notice, "/admin/policy", |shown| {
        policy_page(&visit, shown, Some(form))
    })
    .await
}
