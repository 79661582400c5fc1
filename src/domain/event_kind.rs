//! The kinds of entry in a case's append-only log (SPEC §2.3).

use super::status::StatusError;

/// What kind of entry a case log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum EventKind {
    Created,
    Comment,
    Assigned,
    Reassigned,
    SaveOutcome,
    RefundApproved,
    RefundDenied,
    RefundIssued,
    ReplySent,
    Withdrawn,
    Notification,
    Overdue,
}

impl EventKind {
    pub const ALL: [EventKind; 12] = [
        EventKind::Created,
        EventKind::Comment,
        EventKind::Assigned,
        EventKind::Reassigned,
        EventKind::SaveOutcome,
        EventKind::RefundApproved,
        EventKind::RefundDenied,
        EventKind::RefundIssued,
        EventKind::ReplySent,
        EventKind::Withdrawn,
        EventKind::Notification,
        EventKind::Overdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Comment => "comment",
            EventKind::Assigned => "assigned",
            EventKind::Reassigned => "reassigned",
            EventKind::SaveOutcome => "save_outcome",
            EventKind::RefundApproved => "refund_approved",
            EventKind::RefundDenied => "refund_denied",
            EventKind::RefundIssued => "refund_issued",
            EventKind::ReplySent => "reply_sent",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Notification => "notification",
            EventKind::Overdue => "overdue",
        }
    }

    pub fn parse(value: &str) -> Result<EventKind, StatusError> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .ok_or_else(|| StatusError::new("case log kind", value))
    }

    /// How the case log names the entry.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Created => "Case created",
            EventKind::Comment => "Comment",
            EventKind::Assigned => "Assigned",
            EventKind::Reassigned => "Reassigned",
            EventKind::SaveOutcome => "Save call",
            EventKind::RefundApproved => "Refund approved",
            EventKind::RefundDenied => "Refund denied",
            EventKind::RefundIssued => "Refund issued",
            EventKind::ReplySent => "Reply sent",
            EventKind::Withdrawn => "Withdrawn",
            EventKind::Notification => "Slack heads-up",
            EventKind::Overdue => "Overdue",
        }
    }
}
