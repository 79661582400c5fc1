//! The versioned policy: the limits the procedure decides with. Versions are
//! only ever added; every case keeps the version it was decided under.

use diesel::prelude::*;

use crate::db::schema::{policy_versions, staff};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = policy_versions)]
pub struct PolicyVersionRow {
    pub version: i32,
    pub ar_limit_cents: i64,
    pub refund_review_limit_cents: i64,
    pub created_by: Option<i32>,
    pub created_at: i64,
}

/// A version with the name of who saved it, for the history table.
#[derive(Queryable, Debug, Clone)]
pub struct PolicyHistoryRow {
    pub version: i32,
    pub ar_limit_cents: i64,
    pub refund_review_limit_cents: i64,
    pub created_at: i64,
    pub created_by_name: Option<String>,
}

impl PolicyVersionRow {
    /// The policy new cases are decided with: the highest version.
    pub fn latest(conn: &mut SqliteConnection) -> QueryResult<PolicyVersionRow> {
        policy_versions::table
            .order(policy_versions::version.desc())
            .select(PolicyVersionRow::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut SqliteConnection, version: i32) -> QueryResult<PolicyVersionRow> {
        policy_versions::table
            .find(version)
            .select(PolicyVersionRow::as_select())
            .first(conn)
    }

    /// Adds the next version after the latest one; returns its number.
    pub fn insert_next(
        conn: &mut SqliteConnection,
        ar_limit_cents: i64,
        refund_review_limit_cents: i64,
        created_by: i32,
        at: i64,
    ) -> QueryResult<i32> {
        let next = PolicyVersionRow::latest(conn)?.version + 1;
        diesel::insert_into(policy_versions::table)
            .values((
                policy_versions::version.eq(next),
                policy_versions::ar_limit_cents.eq(ar_limit_cents),
                policy_versions::refund_review_limit_cents.eq(refund_review_limit_cents),
                policy_versions::created_by.eq(created_by),
                policy_versions::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(next)
    }

    /// Every version, newest first.
    pub fn history(conn: &mut SqliteConnection) -> QueryResult<Vec<PolicyHistoryRow>> {
        policy_versions::table
            .left_join(staff::table)
            .order(policy_versions::version.desc())
            .select((
                policy_versions::version,
                policy_versions::ar_limit_cents,
                policy_versions::refund_review_limit_cents,
                policy_versions::created_at,
                staff::full_name.nullable(),
            ))
            .load(conn)
    }
}
