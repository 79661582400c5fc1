//! The versioned replies the procedure writes with (SPEC §12): the latest
//! version for new cases and "Not saved" replies, a case's own version to
//! explain its words.

use diesel::SqliteConnection;

use crate::db::models::cases::CaseRow;
use crate::db::models::replies::{NotSavedReplyRow, ReplyVersionRow};
use crate::db::models::staff::StaffRow;
use crate::procedure::{CaseFacts, Replies, ReplyTemplates, not_saved_reply};

use super::error::ServiceError;

fn replies_of(row: ReplyVersionRow) -> Replies {
    Replies {
        version: i64::from(row.version),
        templates: ReplyTemplates {
            greeting: row.greeting,
            sign_off: row.sign_off,
            exit_survey: row.exit_survey,
            save_call: row.save_call,
            credit: row.credit,
            review: row.review,
        },
    }
}

/// The replies new cases are written with.
pub fn current(conn: &mut SqliteConnection) -> Result<Replies, ServiceError> {
    Ok(replies_of(ReplyVersionRow::current(conn)?))
}

/// The replies an old case was written with.
pub fn version(conn: &mut SqliteConnection, version: i64) -> Result<Replies, ServiceError> {
    let version = i32::try_from(version).map_err(anyhow::Error::from)?;
    Ok(replies_of(ReplyVersionRow::find(conn, version)?))
}

/// A case's facts snapshot, with what a snapshot taken before replies were
/// templates lacks (the account ID, the submitting agent's name) filled in
/// from the case.
pub fn snapshot_of(conn: &mut SqliteConnection, case: &CaseRow) -> Result<CaseFacts, ServiceError> {
    let mut facts: CaseFacts = serde_json::from_str(&case.facts_snapshot)
        .map_err(|e| anyhow::anyhow!("case {} has an unreadable facts snapshot: {e}", case.id))?;
    if facts.account_id.is_empty() {
        facts.account_id.clone_from(&case.account_id);
    }
    if facts.agent_name.is_empty() {
        facts.agent_name = StaffRow::find(conn, case.submitted_by)?.full_name;
    }
    Ok(facts)
}

/// "Not saved": the C2 reply alone, in the words in force now and with the
/// survey link of the case's snapshot, stored with the case. Runs inside
/// the action that records the outcome.
pub fn write_not_saved_reply(
    conn: &mut SqliteConnection,
    case: &CaseRow,
    now: i64,
) -> Result<(), ServiceError> {
    let facts = snapshot_of(conn, case)?;
    let replies = current(conn)?;
    let reply = not_saved_reply(&facts, &replies);
    NotSavedReplyRow::insert(conn, case.id, replies.version as i32, &reply, now)?;
    Ok(())
}
