//! What an agent (or anyone, for comments) does on a case after intake.

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events::{self, EventKind};
use crate::db::models::cases::CaseRow;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::domain::{CancellationStatus, CaseState, RefundStatus, Role};
use crate::state::AppState;

use super::case_view::load_case_in;
use super::{FieldErrors, ServiceError};

/// The person acting, as services need to know them.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: i32,
    pub role: Role,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ActionOutcome {
    Done,
    /// Someone else changed the case first; the message says what happened.
    AlreadyChanged(String),
    Invalid(FieldErrors),
}

pub const COMMENT_MAX_CHARS: usize = 5_000;

fn required_text(field: &'static str, text: &str, missing: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    let text = text.trim();
    if text.is_empty() {
        errors.add(field, missing);
    } else if text.chars().count() > COMMENT_MAX_CHARS {
        errors.add(
            field,
            format!("Keep it under {COMMENT_MAX_CHARS} characters"),
        );
    } else if crate::domain::has_control_characters(text) {
        errors.add(field, "Remove the control characters from the text");
    }
    if errors.is_empty() {
        Ok(text.to_owned())
    } else {
        Err(errors)
    }
}

pub async fn add_comment(
    state: &AppState,
    actor: Actor,
    case_id: i32,
    text: &str,
) -> Result<ActionOutcome, ServiceError> {
    let text = match required_text("comment", text, "Write the comment first") {
        Ok(text) => text,
        Err(errors) => return Ok(ActionOutcome::Invalid(errors)),
    };
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            CaseRow::find(conn, case_id)?;
            case_events::append(
                conn,
                case_id,
                Some(actor.id),
                EventKind::Comment,
                &text,
                now,
            )?;
            Ok(ActionOutcome::Done)
        })
        .await
}

/// C2: the agent sent the reply; the cancellation is done.
pub async fn mark_reply_sent(
    state: &AppState,
    actor: Actor,
    case_id: i32,
) -> Result<ActionOutcome, ServiceError> {
    if actor.role != Role::Agent {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            let case = load_case_in(conn, case_id)?;
            if !case.can_mark_reply_sent() {
                return Ok(ActionOutcome::AlreadyChanged(format!(
                    "There is no reply waiting on this case: the cancellation is {}.",
                    case.cancellation_status
                        .map_or("not part of it", |s| s.label())
                )));
            }
            let next = Some(CancellationStatus::Cancelled);
            let moved = CaseRow::move_tracks(
                conn,
                case_id,
                (
                    case.cancellation_status.map(|s| s.as_str()),
                    case.refund_status.map(|s| s.as_str()),
                ),
                (
                    next.map(|s| s.as_str()),
                    case.refund_status.map(|s| s.as_str()),
                ),
                CaseState::of(next, case.refund_status) == CaseState::Open,
                now,
            )?;
            if !moved {
                return Ok(ActionOutcome::AlreadyChanged(
                    "Someone changed this case just now; look again.".into(),
                ));
            }
            case_events::append(
                conn,
                case_id,
                Some(actor.id),
                EventKind::ReplySent,
                "Reply sent to the customer; the account is cancelled.",
                now,
            )?;
            Ok(ActionOutcome::Done)
        })
        .await
}

/// The customer changed their mind: every open track ends as Withdrawn,
/// allowed only before billing acted on the refund.
pub async fn withdraw(
    state: &AppState,
    actor: Actor,
    case_id: i32,
    reason: &str,
) -> Result<ActionOutcome, ServiceError> {
    if actor.role != Role::Agent {
        return Err(ServiceError::Forbidden);
    }
    let reason = match required_text("withdraw_reason", reason, "Say why the case is withdrawn") {
        Ok(reason) => reason,
        Err(errors) => return Ok(ActionOutcome::Invalid(errors)),
    };
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            let case = load_case_in(conn, case_id)?;
            if !case.can_withdraw() {
                return Ok(ActionOutcome::AlreadyChanged(
                    "This case can no longer be withdrawn: it is closed or billing has already acted on the refund."
                        .into(),
                ));
            }
            let cancellation = case
                .cancellation_status
                .map(|s| if s.is_final() { s } else { CancellationStatus::Withdrawn });
            let refund = case
                .refund_status
                .map(|s| if s.is_final() { s } else { RefundStatus::Withdrawn });
            let moved = CaseRow::move_tracks(
                conn,
                case_id,
                (case.cancellation_status.map(|s| s.as_str()), case.refund_status.map(|s| s.as_str())),
                (cancellation.map(|s| s.as_str()), refund.map(|s| s.as_str())),
                false,
                now,
            )?;
            let billing_untouched = case.billing.is_none() || BillingItemRow::withdraw_untouched(conn, case_id)?;
            if !moved || !billing_untouched {
                // Roll back whatever moved: billing got there first.
                return Err(ServiceError::Conflict(
                    "Billing acted on this refund just now, so the case was not withdrawn.".into(),
                ));
            }
            SaveTaskRow::close_for_case(conn, case_id, actor.id, now)?;
            case_events::append(conn, case_id, Some(actor.id), EventKind::Withdrawn, &format!("Withdrawn: {reason}"), now)?;
            Ok(ActionOutcome::Done)
        })
        .await
}
