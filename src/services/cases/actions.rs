//! What an agent (or anyone, for comments) does on a case after intake.

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::domain::case_log;
use crate::domain::{CancellationStatus, CaseId, Role, has_control_characters};
use crate::limits::COMMENTS_PER_MINUTE;
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

use super::view::load_case_in;

/// A comment's length (SPEC §7), and a withdrawal reason's.
pub const COMMENT_MAX_CHARS: usize = 2_000;
pub const REASON_MAX_CHARS: usize = 5_000;

/// Trimmed text that must be there, short enough and free of control characters.
pub fn required_text(
    field: &'static str,
    text: &str,
    (missing, max): (&str, usize),
) -> Result<String, ServiceError> {
    let text = text.trim();
    let problem = if text.is_empty() {
        missing.to_owned()
    } else if text.chars().count() > max {
        format!("Keep it to {max} characters")
    } else if has_control_characters(text) {
        "Remove the control characters from the text".to_owned()
    } else {
        return Ok(text.to_owned());
    };
    Err(FieldErrors::one(field, problem).into())
}

/// "Add comment": anyone may comment on a case they can see.
pub async fn add_comment(
    app: &AppState,
    actor: Actor,
    case_id: CaseId,
    text: &str,
) -> Result<(), ServiceError> {
    let text = required_text(
        "comment",
        text,
        ("Write the comment first", COMMENT_MAX_CHARS),
    )?;
    if !app.limits.allow_comment(actor.id) {
        return Err(ServiceError::field(
            "comment",
            format!(
                "You have added {COMMENTS_PER_MINUTE} comments in the last minute: wait a moment and add this one again"
            ),
        ));
    }
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            CaseRow::find(conn, case_id)?;
            case_events::append_line(
                conn,
                case_id,
                Some(actor.id),
                &case_log::comment(&text),
                now,
            )?;
            Ok(())
        })
        .await
}

/// C2: the agent sent the reply; the cancellation is done.
pub async fn mark_reply_sent(
    app: &AppState,
    actor: Actor,
    case_id: CaseId,
) -> Result<(), ServiceError> {
    actor.require(Role::Agent)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let case = load_case_in(conn, case_id)?;
            if !case.can_mark_reply_sent() {
                return Err(ServiceError::Conflict(format!(
                    "There is no reply waiting on this case: the cancellation is {}.",
                    case.cancellation_status
                        .map_or("not part of it", |s| s.label())
                )));
            }
            let from = case.tracks();
            let next = from.with_cancellation(CancellationStatus::Cancelled);
            if !CaseRow::move_tracks(conn, case_id, from, next, now)? {
                return Err(ServiceError::Conflict(
                    "Someone changed this case just now; look again.".into(),
                ));
            }
            case_events::append_line(conn, case_id, Some(actor.id), &case_log::reply_sent(), now)?;
            Ok(())
        })
        .await
}

/// The customer changed their mind: every open track ends as Withdrawn,
/// allowed only before billing acted on the refund.
pub async fn withdraw(
    app: &AppState,
    actor: Actor,
    case_id: CaseId,
    reason: &str,
) -> Result<(), ServiceError> {
    actor.require(Role::Agent)?;
    let missing = "Say why the case is withdrawn";
    let reason = required_text("withdraw_reason", reason, (missing, REASON_MAX_CHARS))?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let case = load_case_in(conn, case_id)?;
            if !case.can_withdraw() {
                return Err(ServiceError::Conflict(
                    "This case can no longer be withdrawn: it is closed or billing has already acted on the refund."
                        .into(),
                ));
            }
            let from = case.tracks();
            let moved = CaseRow::move_tracks(conn, case_id, from, from.withdrawn(), now)?;
            let billing_untouched =
                case.billing.is_none() || BillingItemRow::withdraw_untouched(conn, case_id)?;
            if !moved || !billing_untouched {
                return Err(ServiceError::Conflict(
                    "Billing acted on this refund just now, so the case was not withdrawn.".into(),
                ));
            }
            SaveTaskRow::close_for_case(conn, case_id, actor.id, now)?;
            case_events::append_line(conn, case_id, Some(actor.id), &case_log::withdrawn(&reason), now)?;
            Ok(())
        })
        .await
}
