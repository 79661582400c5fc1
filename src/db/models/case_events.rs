//! The case log: append-only (triggers refuse UPDATE and DELETE).

use diesel::prelude::*;

use crate::db::schema::{case_events, staff};

/// What kind of entry a case log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
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
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == value)
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
        }
    }
}

/// A case log line with the name of who wrote it.
#[derive(Debug, Clone, Queryable)]
pub struct CaseEventRow {
    pub id: i32,
    pub at: i64,
    pub kind: String,
    pub body: String,
    pub actor_name: Option<String>,
}

pub fn append(
    conn: &mut SqliteConnection,
    case_id: i32,
    actor_id: Option<i32>,
    kind: EventKind,
    body: &str,
    at: i64,
) -> QueryResult<usize> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case_id),
            case_events::actor_id.eq(actor_id),
            case_events::kind.eq(kind.as_str()),
            case_events::body.eq(body),
            case_events::at.eq(at),
        ))
        .execute(conn)
}

/// The whole log of one case, oldest first.
pub fn for_case(conn: &mut SqliteConnection, case_id: i32) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .left_join(staff::table)
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::id.asc())
        .select((
            case_events::id,
            case_events::at,
            case_events::kind,
            case_events::body,
            staff::full_name.nullable(),
        ))
        .load(conn)
}
