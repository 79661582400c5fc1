//! The server-side session records behind `web::session_store` (SPEC §7):
//! stored, read, extended and deleted, each as its own small action.

use crate::db::models::sessions::{self, NewSession};
use crate::domain::StaffId;
use crate::services::ServiceError;
use crate::state::AppState;

pub use crate::db::models::sessions::StoredSession;

/// What a new session row holds (`id` is a hash of the cookie's key).
pub struct SessionRecord {
    pub id: String,
    pub staff_id: Option<StaffId>,
    pub state: String,
    pub now: i64,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
}

pub async fn find(app: &AppState, id: String) -> Result<Option<StoredSession>, ServiceError> {
    app.db
        .read(move |conn| Ok(sessions::find(conn, &id)?))
        .await
}

pub async fn create(app: &AppState, record: SessionRecord) -> Result<(), ServiceError> {
    app.db
        .write(move |conn| {
            let row = NewSession {
                id: &record.id,
                staff_id: record.staff_id,
                state: &record.state,
                now: record.now,
                idle_expires_at: record.idle_expires_at,
                absolute_expires_at: record.absolute_expires_at,
            };
            sessions::insert(conn, &row)?;
            Ok(())
        })
        .await
}

/// Updates a live session only: one ended meanwhile stays ended.
pub async fn update(app: &AppState, record: SessionRecord) -> Result<(), ServiceError> {
    app.db
        .write(move |conn| {
            let SessionRecord {
                id,
                staff_id,
                state,
                now,
                idle_expires_at,
                ..
            } = record;
            sessions::update_live(conn, &id, staff_id, &state, now, idle_expires_at)?;
            Ok(())
        })
        .await
}

pub async fn extend(
    app: &AppState,
    id: String,
    now: i64,
    idle_expires_at: i64,
) -> Result<(), ServiceError> {
    app.db
        .write(move |conn| Ok(sessions::extend(conn, &id, now, idle_expires_at).map(drop)?))
        .await
}

pub async fn end(app: &AppState, id: String) -> Result<(), ServiceError> {
    app.db
        .write(move |conn| Ok(sessions::delete(conn, &id).map(drop)?))
        .await
}
