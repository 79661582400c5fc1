//! The kinds of entry in a case's append-only log (SPEC §2.3).

use super::code_enum::code_enum;
use super::status::StatusError;

code_enum! {
    /// What kind of entry a case log line is, and how the case log names it.
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum EventKind {
        Created => "created", "Case created";
        Comment => "comment", "Comment";
        Assigned => "assigned", "Assigned";
        Reassigned => "reassigned", "Reassigned";
        SaveOutcome => "save_outcome", "Save call";
        RefundApproved => "refund_approved", "Refund approved";
        RefundDenied => "refund_denied", "Refund denied";
        RefundIssued => "refund_issued", "Refund issued";
        ReplySent => "reply_sent", "Reply sent";
        Withdrawn => "withdrawn", "Withdrawn";
        Notification => "notification", "Slack heads-up";
        Overdue => "overdue", "Overdue";
    }
    refused(value) -> StatusError { StatusError::new("case log kind", value) }
}
