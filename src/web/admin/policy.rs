//! `/admin/policy`: the limits, saved as a new version each time.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::models::reference::{PolicyHistoryRow, PolicyRow};
use crate::domain::Money;
use crate::procedure::Policy;
use crate::services::admin_errors::AdminError;
use crate::services::policy;
use crate::state::AppState;
use crate::web::errors::{AppError, render, see_other};
use crate::web::extract::{Admins, Signed};
use crate::web::layout::Layout;
use crate::web::session::TypedSession;

use super::{FieldErrors, Refusal, when};

pub struct VersionLine {
    pub version: i32,
    pub ar_limit: String,
    pub refund_review_limit: String,
    pub saved: String,
    pub by: String,
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
}

/// `1,000.00`: how a limit is pre-filled (Money's Display without the `$`).
fn prefill(money: Money) -> String {
    let shown = money.to_string();
    shown.replacen('$', "", 1)
}

fn shown(cents: i64) -> String {
    Money::from_cents(cents).map_or_else(|| format!("{cents} cents"), |m| m.to_string())
}

async fn policy_page(
    state: &AppState,
    user: &Signed<Admins>,
    session: &TypedSession,
    status: StatusCode,
    typed: Option<PolicyForm>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let (current, rows) = state
        .db
        .read(
            |conn| -> Result<(Policy, Vec<PolicyHistoryRow>), AdminError> {
                Ok((policy::current_policy(conn)?, PolicyRow::history(conn)?))
            },
        )
        .await?;
    let zone = state.settings.timezone;
    let history = rows
        .into_iter()
        .map(|row| VersionLine {
            version: row.version,
            ar_limit: shown(row.ar_limit_cents),
            refund_review_limit: shown(row.refund_review_limit_cents),
            saved: if row.created_at == 0 && row.created_by_name.is_none() {
                "When installed".to_owned()
            } else {
                when(row.created_at, zone)
            },
            by: row.created_by_name.unwrap_or_else(|| "Seeded".to_owned()),
        })
        .collect();
    let form = typed.unwrap_or_else(|| PolicyForm {
        ar_limit: prefill(current.ar_limit),
        refund_review_limit: prefill(current.refund_review_limit),
    });
    let page = PolicyPage {
        layout: Layout::signed_in(user, session),
        notice: session.take_flash(),
        error: refusal.message,
        current,
        history,
        form,
        errors: refusal.errors,
    };
    render(status, &page)
}

pub async fn show(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let refusal = Refusal::fields(FieldErrors::default());
    policy_page(&state, &user, &session, StatusCode::OK, None, refusal).await
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PolicyForm {
    pub ar_limit: String,
    pub refund_review_limit: String,
}

pub async fn save(
    state: web::Data<AppState>,
    user: Signed<Admins>,
    session: TypedSession,
    form: web::Form<PolicyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let ar_limit = errors.check("ar_limit", Money::parse(&form.ar_limit));
    let refund_review_limit = errors.check(
        "refund_review_limit",
        Money::parse(&form.refund_review_limit),
    );
    let (Some(ar), Some(refund)) = (ar_limit, refund_review_limit) else {
        let refusal = Refusal::fields(errors);
        return policy_page(
            &state,
            &user,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(form),
            refusal,
        )
        .await;
    };
    let (actor, now) = (user.id, state.clock.unix());
    let result = state
        .db
        .write(move |conn| policy::save_policy(conn, actor, ar, refund, now))
        .await;
    match result {
        Ok(saved) => {
            session.set_flash(&format!(
                "Policy version {} saved: new cases use it, old cases keep theirs.",
                saved.version
            ));
            Ok(see_other("/admin/policy"))
        }
        Err(error) => {
            let refusal = Refusal::try_from(error)?;
            policy_page(
                &state,
                &user,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                refusal,
            )
            .await
        }
    }
}
