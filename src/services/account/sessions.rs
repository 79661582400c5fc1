//! The server-side session records behind `web::session_store` (SPEC §7):
//! stored, read, extended and deleted, each as its own small action.

use crate::db::models::sessions::{self, NewSession};
use crate::domain::StaffId;
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

pub use crate::db::models::sessions::StoredSession;

/// What a new session row holds (`id` is a hash of the cookie's key).
pub struct SessionRecord {
    pub id: String,
    pub staff_id: Option<StaffId>,
    pub public_id: Option<String>,
    pub address: Option<String>,
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
        .write(move |conn| Ok(sessions::insert(conn, &record.row()).map(drop)?))
        .await
}

impl SessionRecord {
    fn row(&self) -> NewSession<'_> {
        NewSession {
            id: &self.id,
            staff_id: self.staff_id,
            public_id: self.public_id.as_deref(),
            address: self.address.as_deref(),
            state: &self.state,
            now: self.now,
            idle_expires_at: self.idle_expires_at,
            absolute_expires_at: self.absolute_expires_at,
        }
    }
}

/// Updates a live session only: one ended meanwhile stays ended.
pub async fn update(app: &AppState, record: SessionRecord) -> Result<(), ServiceError> {
    app.db
        .write(move |conn| Ok(sessions::update_live(conn, &record.row()).map(drop)?))
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

/// One of the person's own sessions as "Your sessions" lists it.
pub struct SessionSummary {
    pub started_at: i64,
    pub last_seen_at: i64,
    pub address: Option<String>,
    pub this_one: bool,
}

/// "Your sessions": the person's live sessions; `current` is the public id
/// of the session asking.
pub async fn own_sessions(
    app: &AppState,
    actor: Actor,
    current: Option<String>,
) -> Result<Vec<SessionSummary>, ServiceError> {
    let now = app.clock.unix();
    let idle = i64::try_from(app.settings.idle_timeout.as_secs()).unwrap_or(i64::MAX);
    let lines = app
        .db
        .read(move |conn| Ok::<_, ServiceError>(sessions::live_of(conn, actor.id, now)?))
        .await?;
    Ok(lines
        .into_iter()
        .map(|line| SessionSummary {
            started_at: line.created_at,
            last_seen_at: line
                .idle_expires_at
                .saturating_sub(idle)
                .max(line.created_at),
            this_one: current.is_some() && line.public_id == current,
            address: line.address,
        })
        .collect())
}

/// "Sign out other sessions": every session of the person but `current`.
pub async fn sign_out_others(
    app: &AppState,
    actor: Actor,
    current: String,
) -> Result<usize, ServiceError> {
    app.db
        .write(move |conn| Ok(sessions::end_others_of(conn, actor.id, &current)?))
        .await
}
