//! Server-side sessions (`web::session_store` is the actix-session store
//! on top). Rows are keyed by a SHA-256 of the cookie's key, never the key.

use diesel::prelude::*;

use crate::db::schema::sessions;
use crate::domain::StaffId;

#[derive(Queryable)]
pub struct StoredSession {
    pub staff_id: Option<StaffId>,
    pub state: String,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub staff_id: Option<StaffId>,
    /// What the person's own sessions page calls this session (never the key).
    pub public_id: Option<&'a str>,
    pub address: Option<&'a str>,
    pub state: &'a str,
    pub now: i64,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
}

pub fn find(conn: &mut SqliteConnection, id: &str) -> QueryResult<Option<StoredSession>> {
    sessions::table
        .find(id)
        .select((
            sessions::staff_id,
            sessions::state,
            sessions::idle_expires_at,
            sessions::absolute_expires_at,
        ))
        .get_result(conn)
        .optional()
}

/// Inserts a session, sweeping the expired ones while the writer is held anyway.
pub fn insert(conn: &mut SqliteConnection, row: &NewSession<'_>) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::idle_expires_at.le(row.now))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(row.id),
            sessions::staff_id.eq(row.staff_id),
            sessions::public_id.eq(row.public_id),
            sessions::address.eq(row.address),
            sessions::state.eq(row.state),
            sessions::created_at.eq(row.now),
            sessions::idle_expires_at.eq(row.idle_expires_at),
            sessions::absolute_expires_at.eq(row.absolute_expires_at),
        ))
        .execute(conn)
}

/// Updates a live session only: one deleted by sign-out or departure while
/// a request ran stays deleted.
pub fn update_live(conn: &mut SqliteConnection, row: &NewSession<'_>) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(row.id)
            .filter(sessions::idle_expires_at.gt(row.now))
            .filter(sessions::absolute_expires_at.gt(row.now)),
    )
    .set((
        sessions::state.eq(row.state),
        sessions::staff_id.eq(row.staff_id),
        sessions::public_id.eq(row.public_id),
        sessions::address.eq(row.address),
        sessions::idle_expires_at.eq(row.idle_expires_at),
    ))
    .execute(conn)
}

/// Moves a live session's idle timeout later (never earlier: two requests
/// extending at once leave the later time, as the app's memory does).
pub fn extend(
    conn: &mut SqliteConnection,
    id: &str,
    now: i64,
    idle_expires_at: i64,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::idle_expires_at.gt(now))
            .filter(sessions::idle_expires_at.lt(idle_expires_at)),
    )
    .set(sessions::idle_expires_at.eq(idle_expires_at))
    .execute(conn)
}

pub fn delete(conn: &mut SqliteConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Ends every session of one staff member at once (departure).
pub fn end_all_of(conn: &mut SqliteConnection, staff_id: StaffId) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::staff_id.eq(staff_id))).execute(conn)
}

/// Ends every session of one staff member but `keep` (a password change,
/// "Sign out other sessions").
pub fn end_others_of(
    conn: &mut SqliteConnection,
    staff_id: StaffId,
    keep: &str,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::staff_id.eq(staff_id))
            .filter(
                sessions::public_id
                    .ne(keep)
                    .or(sessions::public_id.is_null()),
            ),
    )
    .execute(conn)
}

/// One of a person's live sessions, as their sessions page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct SessionLine {
    pub public_id: Option<String>,
    pub created_at: i64,
    pub idle_expires_at: i64,
    pub address: Option<String>,
}

/// A person's live sessions, most recently used first.
pub fn live_of(
    conn: &mut SqliteConnection,
    staff_id: StaffId,
    now: i64,
) -> QueryResult<Vec<SessionLine>> {
    sessions::table
        .filter(sessions::staff_id.eq(staff_id))
        .filter(sessions::idle_expires_at.gt(now))
        .filter(sessions::absolute_expires_at.gt(now))
        .order(sessions::idle_expires_at.desc())
        .select((
            sessions::public_id,
            sessions::created_at,
            sessions::idle_expires_at,
            sessions::address,
        ))
        .load(conn)
}
