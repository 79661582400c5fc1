//! The replies versions (SPEC §12) and the replies written when a save call
//! ended "Not saved".

use diesel::prelude::*;

use crate::domain::{CaseId, StaffId};

use crate::db::schema::{not_saved_replies, reply_versions, staff};

/// A replies version: the six templates as saved.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = reply_versions)]
pub struct ReplyVersionRow {
    pub version: i32,
    pub greeting: String,
    pub sign_off: String,
    pub exit_survey: String,
    pub save_call: String,
    pub credit: String,
    pub review: String,
    pub created_by: Option<StaffId>,
    pub created_at: i64,
}

/// The words of a new version.
#[derive(Insertable)]
#[diesel(table_name = reply_versions)]
pub struct NewReplyVersion<'a> {
    pub greeting: &'a str,
    pub sign_off: &'a str,
    pub exit_survey: &'a str,
    pub save_call: &'a str,
    pub credit: &'a str,
    pub review: &'a str,
}

/// A version with the name of who saved it, for the history table.
#[derive(Queryable, Debug, Clone)]
pub struct ReplyHistoryRow {
    pub version: i32,
    pub created_at: i64,
    pub created_by_name: Option<String>,
}

impl ReplyVersionRow {
    /// The replies in force: the newest version.
    pub fn current(conn: &mut SqliteConnection) -> QueryResult<ReplyVersionRow> {
        reply_versions::table
            .order(reply_versions::version.desc())
            .select(ReplyVersionRow::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut SqliteConnection, version: i32) -> QueryResult<ReplyVersionRow> {
        reply_versions::table
            .find(version)
            .select(ReplyVersionRow::as_select())
            .get_result(conn)
    }

    /// Adds the next version after the latest one; returns its number.
    pub fn insert_next(
        conn: &mut SqliteConnection,
        words: &NewReplyVersion<'_>,
        created_by: StaffId,
        at: i64,
    ) -> QueryResult<i32> {
        let next = ReplyVersionRow::current(conn)?.version + 1;
        diesel::insert_into(reply_versions::table)
            .values((
                reply_versions::version.eq(next),
                words,
                reply_versions::created_by.eq(created_by),
                reply_versions::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(next)
    }

    /// Every version, newest first.
    pub fn history(conn: &mut SqliteConnection) -> QueryResult<Vec<ReplyHistoryRow>> {
        reply_versions::table
            .left_join(staff::table)
            .order(reply_versions::version.desc())
            .select((
                reply_versions::version,
                reply_versions::created_at,
                staff::full_name.nullable(),
            ))
            .load(conn)
    }
}

/// The reply a case got when its save call ended "Not saved".
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = not_saved_replies)]
pub struct NotSavedReplyRow {
    pub case_id: CaseId,
    pub replies_version: i32,
    pub reply: String,
    pub created_at: i64,
}

impl NotSavedReplyRow {
    /// Written in the same action as the "Not saved" outcome.
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: CaseId,
        replies_version: i32,
        reply: &str,
        at: i64,
    ) -> QueryResult<usize> {
        diesel::insert_into(not_saved_replies::table)
            .values((
                not_saved_replies::case_id.eq(case_id),
                not_saved_replies::replies_version.eq(replies_version),
                not_saved_replies::reply.eq(reply),
                not_saved_replies::created_at.eq(at),
            ))
            .execute(conn)
    }

    pub fn for_case(
        conn: &mut SqliteConnection,
        case_id: CaseId,
    ) -> QueryResult<Option<NotSavedReplyRow>> {
        not_saved_replies::table
            .find(case_id)
            .select(NotSavedReplyRow::as_select())
            .get_result(conn)
            .optional()
    }
}
