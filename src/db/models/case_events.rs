//! The case log: append-only (triggers refuse UPDATE and DELETE).

use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;

use crate::db::schema::{case_events, staff};
use crate::domain::case_log::LogLine;
use crate::domain::{CaseId, EventKind, StaffId};

/// A case log line with the name of who wrote it.
#[derive(Debug, Clone, Queryable)]
pub struct CaseEventRow {
    pub id: i32,
    pub at: i64,
    pub kind: EventKind,
    pub body: String,
    pub actor_name: Option<String>,
}

pub fn append(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    actor_id: Option<StaffId>,
    kind: EventKind,
    body: &str,
    at: i64,
) -> QueryResult<usize> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case_id),
            case_events::actor_id.eq(actor_id),
            case_events::kind.eq(kind),
            case_events::body.eq(body),
            case_events::at.eq(at),
        ))
        .execute(conn)
}

/// Appends one line of the case log (`domain::case_log` words it).
pub fn append_line(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    actor_id: Option<StaffId>,
    line: &LogLine,
    at: i64,
) -> QueryResult<usize> {
    append(conn, case_id, actor_id, line.kind, &line.body, at)
}

/// Up to `limit` entries of one case's log older than `before` (all when
/// `None`), newest first. One statement for both (no boxing), and the rows
/// are taken off the case's index until there are enough instead of by a
/// bound LIMIT (see `db::models`), so it is prepared once per connection.
pub fn newest_for_case(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    before: Option<i32>,
    limit: usize,
) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .left_join(staff::table)
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::id.lt(before.unwrap_or(i32::MAX)))
        .order(case_events::id.desc())
        .select((
            case_events::id,
            case_events::at,
            case_events::kind,
            case_events::body,
            staff::full_name.nullable(),
        ))
        .load_iter::<CaseEventRow, DefaultLoadingMode>(conn)?
        .take(limit)
        .collect()
}
