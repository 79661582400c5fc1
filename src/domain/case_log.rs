//! What each move of a case writes in its log: the kind of entry and its
//! words. Intake, the work queues and the demo data all write these, so a
//! log line reads the same whoever wrote it.

use super::event_kind::EventKind;
use super::money::Money;
use super::offer::OfferMade;
use super::save_outcome::SaveOutcome;
use super::service_levels::DueTrack;

/// One line for the case log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub kind: EventKind,
    pub body: String,
}

impl LogLine {
    fn new(kind: EventKind, body: impl Into<String>) -> LogLine {
        LogLine {
            kind,
            body: body.into(),
        }
    }
}

/// A comment, or R3's first comment: why the customer is entitled to the refund.
pub fn comment(text: &str) -> LogLine {
    LogLine::new(EventKind::Comment, text)
}

/// Intake: the decision's save task went to this person.
pub fn save_task_assigned(assignee: &str, fell_back: bool) -> LogLine {
    let why = if fell_back {
        " (the original sales rep has left or is unknown)"
    } else {
        ""
    };
    LogLine::new(
        EventKind::Assigned,
        format!("Save task assigned to {assignee}{why}."),
    )
}

/// Intake (R4, R6): the refund went to Billing.
pub fn refund_assigned(amount: Money, needs_review: bool) -> LogLine {
    let marked = if needs_review {
        ", marked Needs review"
    } else {
        ""
    };
    LogLine::new(
        EventKind::Assigned,
        format!("Refund of {amount} assigned to Billing as Billing / Billing in progress{marked}."),
    )
}

/// C2: the agent sent the reply; the account is cancelled.
pub fn reply_sent() -> LogLine {
    LogLine::new(
        EventKind::ReplySent,
        "Reply sent to the customer; the account is cancelled.",
    )
}

/// The customer changed their mind; every open track ends as Withdrawn.
pub fn withdrawn(reason: &str) -> LogLine {
    LogLine::new(EventKind::Withdrawn, format!("Withdrawn: {reason}"))
}

/// A save call's outcome (C2A, C3). `attempts` counts this call; `notes`
/// are the rep's call notes, if any.
pub fn save_outcome(
    outcome: SaveOutcome,
    offer: OfferMade,
    attempts: i32,
    notes: Option<&str>,
) -> LogLine {
    let what = match outcome {
        SaveOutcome::NoAnswer => {
            format!("No answer (attempt {attempts}); the task stays open.")
        }
        SaveOutcome::Saved => "Saved: the customer stays.".to_owned(),
        SaveOutcome::NotSaved => {
            "Not saved: the agent sends the C2 reply with the exit survey.".to_owned()
        }
    };
    let what = format!("{what} Offer made: {offer}.");
    let body = match notes {
        Some(notes) => format!("{what} Notes: {notes}"),
        None => what,
    };
    LogLine::new(EventKind::SaveOutcome, body)
}

/// R4 / R6: billing issued the refund.
pub fn refund_issued(amount: Money, payment_reference: Option<&str>) -> LogLine {
    let body = match payment_reference {
        Some(reference) => format!("Refund of {amount} issued (payment reference {reference})."),
        None => format!("Refund of {amount} issued."),
    };
    LogLine::new(EventKind::RefundIssued, body)
}

/// R6: billing approved a refund over the review limit; it is issued next.
pub fn refund_approved(amount: Money, notes: Option<&str>) -> LogLine {
    let notes = notes.map(|n| format!(" Notes: {n}")).unwrap_or_default();
    LogLine::new(
        EventKind::RefundApproved,
        format!("Refund of {amount} approved; billing will issue it.{notes}"),
    )
}

/// R6: billing denied a refund over the review limit, with the reason the
/// agent passes on.
pub fn refund_denied(amount: Money, reason: &str) -> LogLine {
    LogLine::new(
        EventKind::RefundDenied,
        format!("Refund of {amount} denied: {reason}"),
    )
}

/// SPEC §11: a save call or a refund passed its due time while open.
/// `due` is the due time as people read it.
pub fn overdue(track: DueTrack, due: &str) -> LogLine {
    LogLine::new(
        EventKind::Overdue,
        format!(
            "Overdue: the {} was due {due}.",
            track.label().to_lowercase()
        ),
    )
}

/// A save task moved from one person to another.
pub fn reassigned(from: &str, to: &str, reason: &str) -> LogLine {
    LogLine::new(
        EventKind::Reassigned,
        format!("Reassigned from {from} to {to}: {reason}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_outcomes_read_like_the_procedure() {
        assert_eq!(
            save_outcome(SaveOutcome::NoAnswer, OfferMade::NoOffer, 2, None).body,
            "No answer (attempt 2); the task stays open. Offer made: No offer."
        );
        assert_eq!(
            save_outcome(
                SaveOutcome::Saved,
                OfferMade::Discount,
                1,
                Some("Offered a discount")
            )
            .body,
            "Saved: the customer stays. Offer made: Discount. Notes: Offered a discount"
        );
        assert_eq!(
            save_outcome(SaveOutcome::NotSaved, OfferMade::Pause, 1, None).kind,
            EventKind::SaveOutcome
        );
    }

    #[test]
    fn overdue_names_the_track_and_the_due_time() {
        let line = overdue(DueTrack::SaveCall, "2026-11-26 10:00 UTC");
        assert_eq!(line.kind, EventKind::Overdue);
        assert_eq!(
            line.body,
            "Overdue: the save call was due 2026-11-26 10:00 UTC."
        );
        assert_eq!(
            overdue(DueTrack::Refund, "today").body,
            "Overdue: the refund was due today."
        );
    }

    #[test]
    fn refund_lines_name_the_amount() {
        let amount = Money::from_cents(250_000).unwrap();
        assert_eq!(
            refund_issued(amount, Some("PAY-1")).body,
            "Refund of $2,500.00 issued (payment reference PAY-1)."
        );
        assert_eq!(
            refund_denied(amount, "Usage continued").body,
            "Refund of $2,500.00 denied: Usage continued"
        );
    }
}
