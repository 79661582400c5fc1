//! One-time tokens of the new-case form, and forms parked while the agent signs in again.

use diesel::prelude::*;

use crate::domain::CaseId;

use crate::db::schema::{case_submissions, parked_forms};

/// The case a form token already created, if any.
pub fn case_for_token(conn: &mut SqliteConnection, token: &str) -> QueryResult<Option<CaseId>> {
    case_submissions::table
        .find(token)
        .select(case_submissions::case_id)
        .first(conn)
        .optional()
}

pub fn record_token(
    conn: &mut SqliteConnection,
    token: &str,
    case_id: CaseId,
    now: i64,
) -> QueryResult<usize> {
    diesel::insert_into(case_submissions::table)
        .values((
            case_submissions::token.eq(token),
            case_submissions::case_id.eq(case_id),
            case_submissions::created_at.eq(now),
        ))
        .execute(conn)
}

pub fn park(conn: &mut SqliteConnection, token: &str, body: &str, now: i64) -> QueryResult<usize> {
    // Parked forms are kept a day; older ones are swept here.
    diesel::delete(parked_forms::table.filter(parked_forms::created_at.lt(now - 24 * 60 * 60)))
        .execute(conn)?;
    diesel::insert_into(parked_forms::table)
        .values((
            parked_forms::token.eq(token),
            parked_forms::body.eq(body),
            parked_forms::created_at.eq(now),
        ))
        .execute(conn)
}

/// Takes a parked form out (it is shown once).
pub fn unpark(conn: &mut SqliteConnection, token: &str) -> QueryResult<Option<String>> {
    let body = parked_forms::table
        .find(token)
        .select(parked_forms::body)
        .first::<String>(conn)
        .optional()?;
    if body.is_some() {
        diesel::delete(parked_forms::table.find(token)).execute(conn)?;
    }
    Ok(body)
}
