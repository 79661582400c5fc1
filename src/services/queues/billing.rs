//! Heather's actions on refunds (SOP R4: issue; R6: review), each exactly once.
//! Every change is a conditional update in one immediate transaction; the
//! loser of a race is told who acted and when.

use diesel::prelude::*;

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::staff::StaffRow;
use crate::domain::case_log;
use crate::domain::{
    BillingItemId, BillingStatus, CaseId, RefundStatus, ReviewState, Role, StaffId,
    has_control_characters,
};
use crate::format::Formatter;
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

const TEXT_MAX_CHARS: usize = 2_000;

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
    if has_control_characters(text) {
        errors.add(field, "Remove the control characters from the text");
        return Err(errors);
    }
    Ok(Some(text.to_owned()))
}

/// "Mark refund issued": standard refunds, and review refunds once approved.
pub async fn issue_refund(
    state: &AppState,
    actor: Actor,
    case_id: CaseId,
    payment_reference: &str,
) -> Result<(), ServiceError> {
    actor.require(Role::Billing)?;
    let payment_reference = payment_reference.to_owned();
    let fmt = Formatter::for_state(state);
    state
        .db
        .write(move |conn| {
            let item = BillingItemRow::for_case(conn, case_id)?.ok_or(ServiceError::NotFound)?;
            // The refund's state first: a form for an action that no longer
            // applies is answered with what happened, not with field errors.
            let ready = item.status == BillingStatus::InProgress
                && matches!(item.review, ReviewState::NotNeeded | ReviewState::Approved);
            if !ready {
                return Err(ServiceError::Conflict(why_not(conn, item.id, &fmt)?));
            }
            let reference = clean("payment_reference", &payment_reference, None)?;
            if !BillingItemRow::issue_if_ready(
                conn,
                item.id,
                reference.as_deref(),
                actor.id,
                fmt.now,
            )? {
                return Err(ServiceError::Conflict(why_not(conn, item.id, &fmt)?));
            }
            finish_refund_track(conn, case_id, RefundStatus::RefundIssued, fmt.now)?;
            let line = case_log::refund_issued(item.amount, reference.as_deref());
            case_events::append_line(conn, case_id, Some(actor.id), &line, fmt.now)?;
            Ok(())
        })
        .await
}

/// R6: billing approves (then issues) or denies a refund over the limit.
pub async fn review_refund(
    state: &AppState,
    actor: Actor,
    case_id: CaseId,
    approve: Option<bool>,
    notes: &str,
) -> Result<(), ServiceError> {
    actor.require(Role::Billing)?;
    let notes = notes.to_owned();
    let fmt = Formatter::for_state(state);
    state
        .db
        .write(move |conn| {
            let item = BillingItemRow::for_case(conn, case_id)?.ok_or(ServiceError::NotFound)?;
            let pending =
                item.status == BillingStatus::InProgress && item.review == ReviewState::NeedsReview;
            if !pending {
                return Err(ServiceError::Conflict(why_not(conn, item.id, &fmt)?));
            }
            let approve = approve.ok_or_else(|| {
                ServiceError::field("review_notes", "Press “Approve refund” or “Deny refund”")
            })?;
            let required = (!approve)
                .then_some("Say why the refund is denied: the agent passes it on to the customer");
            let notes = clean("review_notes", &notes, required)?;
            if !BillingItemRow::review_if_pending(
                conn,
                item.id,
                approve,
                notes.as_deref(),
                actor.id,
                fmt.now,
            )? {
                return Err(ServiceError::Conflict(why_not(conn, item.id, &fmt)?));
            }
            let line = if approve {
                case_log::refund_approved(item.amount, notes.as_deref())
            } else {
                finish_refund_track(conn, case_id, RefundStatus::RefundDenied, fmt.now)?;
                case_log::refund_denied(item.amount, &notes.unwrap_or_default())
            };
            case_events::append_line(conn, case_id, Some(actor.id), &line, fmt.now)?;
            Ok(())
        })
        .await
}

fn finish_refund_track(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    next: RefundStatus,
    now: i64,
) -> Result<(), ServiceError> {
    let from = CaseRow::find(conn, case_id)?
        .tracks()
        .with_refund(RefundStatus::BillingInProgress);
    if !CaseRow::move_tracks(conn, case_id, from, from.with_refund(next), now)? {
        return Err(ServiceError::Conflict(
            "The case changed just now (it may have been withdrawn).".into(),
        ));
    }
    Ok(())
}

/// Why a billing action found nothing to do: who did what, and when.
fn why_not(
    conn: &mut SqliteConnection,
    item_id: BillingItemId,
    fmt: &Formatter,
) -> Result<String, ServiceError> {
    let item = BillingItemRow::find(conn, item_id)?;
    let mut name = |id: Option<StaffId>| -> QueryResult<String> {
        id.map_or(Ok("someone".to_owned()), |id| {
            StaffRow::find(conn, id).map(|s| s.full_name)
        })
    };
    let at = |t: Option<i64>| t.map(|t| fmt.clock_time(&t)).unwrap_or_default();
    Ok(match item.status {
        BillingStatus::Issued => format!(
            "This refund was already issued by {} at {}.",
            name(item.issued_by)?,
            at(item.issued_at)
        ),
        BillingStatus::Denied => format!(
            "This refund was already denied by {} at {}.",
            name(item.reviewed_by)?,
            at(item.reviewed_at)
        ),
        BillingStatus::Withdrawn => {
            "The agent withdrew this case; there is nothing to refund.".to_owned()
        }
        BillingStatus::InProgress => match item.review {
            ReviewState::NeedsReview => {
                "This refund is over the limit: approve it before issuing it.".to_owned()
            }
            ReviewState::Approved => format!(
                "This refund was already approved by {} at {}; it can now be issued.",
                name(item.reviewed_by)?,
                at(item.reviewed_at)
            ),
            _ => "This refund needs no review; mark it issued instead.".to_owned(),
        },
    })
}
