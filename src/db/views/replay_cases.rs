//! Cases as the policy replay reads them (SPEC §10): the ones submitted in
//! a period, in submission order, one keyset batch at a time, with only
//! what the replay decides from.

use diesel::prelude::*;

use crate::db::schema::cases;
use crate::domain::{CaseId, LevelId, StaffId};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct ReplayCaseRow {
    pub id: CaseId,
    pub created_at: i64,
    pub level_id: LevelId,
    pub original_rep_id: Option<StaffId>,
    /// The `CaseFacts` JSON the case was decided from.
    pub facts_snapshot: String,
}

/// Where the last batch ended: its last case's submission time and id.
pub type ReplayCursor = (i64, CaseId);

impl ReplayCaseRow {
    /// Up to `limit` cases submitted in `[from, to)` after `after`, ordered
    /// by (submission time, id). The lower bound is the cursor's time, so
    /// every batch starts where the index range does (no rescan of the
    /// batches before it); the few cases at exactly that time with an id
    /// already read are filtered out.
    pub fn batch(
        conn: &mut SqliteConnection,
        (from, to): (i64, i64),
        after: Option<ReplayCursor>,
        limit: i64,
    ) -> QueryResult<Vec<ReplayCaseRow>> {
        let mut query = cases::table
            .filter(cases::created_at.lt(to))
            .select(ReplayCaseRow::as_select())
            .order((cases::created_at.asc(), cases::id.asc()))
            .limit(limit)
            .into_boxed();
        query = match after {
            None => query.filter(cases::created_at.ge(from)),
            Some((at, id)) => query
                .filter(cases::created_at.ge(at.max(from)))
                .filter(cases::created_at.ne(at).or(cases::id.gt(id))),
        };
        query.load(conn)
    }
}
