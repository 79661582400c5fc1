//! Heather's actions on refunds (SOP R4: issue; R6: review), each exactly once.
//! Every change is a conditional update in one immediate transaction; the
//! loser of a race is told who acted and when.

use diesel::prelude::*;

use crate::db::models::billing_items::{self, BillingItemRow};
use crate::db::models::case_events::{self, EventKind};
use crate::db::models::cases::CaseRow;
use crate::db::models::staff::StaffRow;
use crate::domain::{CaseState, Money, RefundStatus, ReviewState, Role};
use crate::format::Formatter;
use crate::state::AppState;

use super::case_actions::{ActionOutcome, Actor};
use super::{FieldErrors, ServiceError};

const TEXT_MAX_CHARS: usize = 2_000;

fn billing_only(actor: Actor) -> Result<(), ServiceError> {
    if actor.role == Role::Billing {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn clean(
    field: &'static str,
    text: &str,
    required: Option<&str>,
) -> Result<Option<String>, FieldErrors> {
    let text = text.trim();
    let mut errors = FieldErrors::default();
    if text.is_empty() {
        if let Some(message) = required {
            errors.add(field, message);
            return Err(errors);
        }
        return Ok(None);
    }
    if text.chars().count() > TEXT_MAX_CHARS {
        errors.add(field, format!("Keep it under {TEXT_MAX_CHARS} characters"));
        return Err(errors);
    }
    if crate::domain::has_control_characters(text) {
        errors.add(field, "Remove the control characters from the text");
        return Err(errors);
    }
    Ok(Some(text.to_owned()))
}

/// "Mark refund issued": standard refunds, and review refunds once approved.
pub async fn issue_refund(
    state: &AppState,
    actor: Actor,
    case_id: i32,
    payment_reference: &str,
) -> Result<ActionOutcome, ServiceError> {
    billing_only(actor)?;
    let payment_reference = payment_reference.to_owned();
    let fmt = Formatter::for_state(state);
    state
        .db
        .write(move |conn| {
            let item = BillingItemRow::for_case(conn, case_id)?.ok_or(ServiceError::NotFound)?;
            // The refund's state first: a form for an action that no longer
            // applies is answered with what happened, not with field errors.
            let ready = item.status == billing_items::IN_PROGRESS
                && matches!(
                    ReviewState::parse(&item.review),
                    Ok(ReviewState::NotNeeded | ReviewState::Approved)
                );
            if !ready {
                return Ok(ActionOutcome::AlreadyChanged(why_not(conn, item.id, &fmt)?));
            }
            let reference = match clean("payment_reference", &payment_reference, None) {
                Ok(reference) => reference,
                Err(errors) => return Ok(ActionOutcome::Invalid(errors)),
            };
            if !BillingItemRow::issue_if_ready(
                conn,
                item.id,
                reference.as_deref(),
                actor.id,
                fmt.now,
            )? {
                return Ok(ActionOutcome::AlreadyChanged(why_not(conn, item.id, &fmt)?));
            }
            finish_refund_track(conn, case_id, RefundStatus::RefundIssued, fmt.now)?;
            let amount = Money::from_cents(item.amount_cents).unwrap_or(Money::ZERO);
            let body = match &reference {
                Some(reference) => {
                    format!("Refund of {amount} issued (payment reference {reference}).")
                }
                None => format!("Refund of {amount} issued."),
            };
            case_events::append(
                conn,
                case_id,
                Some(actor.id),
                EventKind::RefundIssued,
                &body,
                fmt.now,
            )?;
            Ok(ActionOutcome::Done)
        })
        .await
}

/// R6: billing approves (then issues) or denies a refund over the limit.
pub async fn review_refund(
    state: &AppState,
    actor: Actor,
    case_id: i32,
    approve: Option<bool>,
    notes: &str,
) -> Result<ActionOutcome, ServiceError> {
    billing_only(actor)?;
    let notes = notes.to_owned();
    let fmt = Formatter::for_state(state);
    state
        .db
        .write(move |conn| {
            let item = BillingItemRow::for_case(conn, case_id)?.ok_or(ServiceError::NotFound)?;
            let pending = item.status == billing_items::IN_PROGRESS
                && ReviewState::parse(&item.review) == Ok(ReviewState::NeedsReview);
            if !pending {
                return Ok(ActionOutcome::AlreadyChanged(why_not(conn, item.id, &fmt)?));
            }
            let Some(approve) = approve else {
                let mut errors = FieldErrors::default();
                errors.add("review_notes", "Press “Approve refund” or “Deny refund”");
                return Ok(ActionOutcome::Invalid(errors));
            };
            let required = (!approve)
                .then_some("Say why the refund is denied: the agent passes it on to the customer");
            let notes = match clean("review_notes", &notes, required) {
                Ok(notes) => notes,
                Err(errors) => return Ok(ActionOutcome::Invalid(errors)),
            };
            if !BillingItemRow::review_if_pending(
                conn,
                item.id,
                approve,
                notes.as_deref(),
                actor.id,
                fmt.now,
            )? {
                return Ok(ActionOutcome::AlreadyChanged(why_not(conn, item.id, &fmt)?));
            }
            let amount = Money::from_cents(item.amount_cents).unwrap_or(Money::ZERO);
            let (kind, body) = if approve {
                let notes = notes.map(|n| format!(" Notes: {n}")).unwrap_or_default();
                (
                    EventKind::RefundApproved,
                    format!("Refund of {amount} approved; billing will issue it.{notes}"),
                )
            } else {
                finish_refund_track(conn, case_id, RefundStatus::RefundDenied, fmt.now)?;
                let reason = notes.unwrap_or_default();
                (
                    EventKind::RefundDenied,
                    format!("Refund of {amount} denied: {reason}"),
                )
            };
            case_events::append(conn, case_id, Some(actor.id), kind, &body, fmt.now)?;
            Ok(ActionOutcome::Done)
        })
        .await
}

fn finish_refund_track(
    conn: &mut SqliteConnection,
    case_id: i32,
    next: RefundStatus,
    now: i64,
) -> Result<(), ServiceError> {
    let case = CaseRow::find(conn, case_id)?;
    let cancellation = case
        .cancellation_status
        .as_deref()
        .map(crate::domain::CancellationStatus::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("case {case_id}: {e}"))?;
    let moved = CaseRow::move_tracks(
        conn,
        case_id,
        (
            case.cancellation_status.as_deref(),
            Some(RefundStatus::BillingInProgress.as_str()),
        ),
        (case.cancellation_status.as_deref(), Some(next.as_str())),
        CaseState::of(cancellation, Some(next)) == CaseState::Open,
        now,
    )?;
    if !moved {
        return Err(ServiceError::Conflict(
            "The case changed just now (it may have been withdrawn).".into(),
        ));
    }
    Ok(())
}

/// Why a billing action found nothing to do: who did what, and when.
fn why_not(
    conn: &mut SqliteConnection,
    item_id: i32,
    fmt: &Formatter,
) -> Result<String, ServiceError> {
    let item = BillingItemRow::find(conn, item_id)?;
    let mut name = |id: Option<i32>| -> QueryResult<String> {
        id.map_or(Ok("someone".to_owned()), |id| {
            StaffRow::find(conn, id).map(|s| s.full_name)
        })
    };
    let at = |t: Option<i64>| t.map(|t| fmt.clock_time(&t)).unwrap_or_default();
    Ok(match item.status.as_str() {
        billing_items::ISSUED => format!(
            "This refund was already issued by {} at {}.",
            name(item.issued_by)?,
            at(item.issued_at)
        ),
        billing_items::DENIED => format!(
            "This refund was already denied by {} at {}.",
            name(item.reviewed_by)?,
            at(item.reviewed_at)
        ),
        billing_items::WITHDRAWN => {
            "The agent withdrew this case; there is nothing to refund.".to_owned()
        }
        _ => match ReviewState::parse(&item.review) {
            Ok(ReviewState::NeedsReview) => {
                "This refund is over the limit: approve it before issuing it.".to_owned()
            }
            Ok(ReviewState::Approved) => format!(
                "This refund was already approved by {} at {}; it can now be issued.",
                name(item.reviewed_by)?,
                at(item.reviewed_at)
            ),
            _ => "This refund needs no review; mark it issued instead.".to_owned(),
        },
    })
}
