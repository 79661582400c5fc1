//! One-time tokens of the new-case form, and forms parked while the agent signs in again.

use diesel::prelude::*;

use crate::domain::{CaseId, StaffId};

use crate::db::schema::{case_submissions, cases, parked_forms};

/// The case a form token already created, if any, and who submitted it.
pub fn case_for_token(
    conn: &mut SqliteConnection,
    token: &str,
) -> QueryResult<Option<(CaseId, StaffId)>> {
    case_submissions::table
        .inner_join(cases::table)
        .filter(case_submissions::token.eq(token))
        .select((case_submissions::case_id, cases::submitted_by))
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

/// Parks a typed form for `browser`, replacing the one it had parked
/// before (one per browser). Forms are kept a day; older ones are swept here.
pub fn park(
    conn: &mut SqliteConnection,
    browser: &str,
    token: &str,
    body: &str,
    now: i64,
) -> QueryResult<usize> {
    diesel::delete(parked_forms::table.filter(parked_forms::created_at.lt(now - 24 * 60 * 60)))
        .execute(conn)?;
    diesel::delete(parked_forms::table.filter(parked_forms::browser.eq(browser))).execute(conn)?;
    diesel::insert_into(parked_forms::table)
        .values((
            parked_forms::token.eq(token),
            parked_forms::browser.eq(browser),
            parked_forms::body.eq(body),
            parked_forms::created_at.eq(now),
        ))
        .execute(conn)
}

/// Takes a parked form out (it is shown once), only for the browser it
/// was parked for.
pub fn unpark(
    conn: &mut SqliteConnection,
    browser: &str,
    token: &str,
) -> QueryResult<Option<String>> {
    let mine = parked_forms::table
        .filter(parked_forms::token.eq(token))
        .filter(parked_forms::browser.eq(browser));
    let body = mine
        .select(parked_forms::body)
        .first::<String>(conn)
        .optional()?;
    if body.is_some() {
        diesel::delete(mine).execute(conn)?;
    }
    Ok(body)
}
