//! The server-side session records behind `web::session_store` (SPEC §7):
//! stored, read, extended and deleted, each as its own small action. Reads
//! are served from the app's memory of live sessions (`auth::signed_in`)
//! when it has them; whatever ends or changes a session forgets it there
//! after its commit ([`ending`]).

use diesel::SqliteConnection;

use crate::auth::signed_in::{Forget, LiveSession};
use crate::db::models::sessions::{self, NewSession};
use crate::db::models::staff::StaffRow;
use crate::domain::StaffId;
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

use super::current_user::still_here;

/// Extending the idle timeout is a write; once a minute is often enough.
const EXTEND_AT_MOST_EVERY_SECONDS: i64 = 60;

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

/// The session stored under `id` if it is live at `now`. A session read
/// from the database is kept in memory with its person (read in the same
/// trip), so the next request and its `CurrentUser` need no trip at all.
pub async fn find(
    app: &AppState,
    id: String,
    now: i64,
) -> Result<Option<LiveSession>, ServiceError> {
    if let Some(session) = app.signed_in.session(&id, now) {
        return Ok(Some(session));
    }
    let read = app.signed_in.read_started();
    let lookup = id.clone();
    let found = app
        .db
        .read(move |conn| -> Result<_, ServiceError> {
            let Some(row) = sessions::find(conn, &lookup)? else {
                return Ok(None);
            };
            let person = match row.staff_id {
                Some(staff_id) => StaffRow::find_optional(conn, staff_id)?.and_then(still_here),
                None => None,
            };
            Ok(Some((row, person)))
        })
        .await?;
    let Some((row, person)) = found else {
        return Ok(None);
    };
    let session = LiveSession {
        staff_id: row.staff_id,
        state: row.state,
        idle_expires_at: row.idle_expires_at,
        absolute_expires_at: row.absolute_expires_at,
    };
    if !session.is_live(now) {
        return Ok(None);
    }
    app.signed_in
        .keep_session(read, id, session.clone(), person);
    Ok(Some(session))
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
    let forget = Forget::Session(record.id.clone());
    ending(app, forget, move |conn| {
        Ok(sessions::update_live(conn, &record.row()).map(drop)?)
    })
    .await
}

/// Moves a live session's idle timeout to `idle_expires_at`, unless it was
/// moved less than a minute ago: a page seldom costs this write.
pub async fn keep_alive(
    app: &AppState,
    id: String,
    now: i64,
    idle_expires_at: i64,
) -> Result<(), ServiceError> {
    let last = app.signed_in.idle_expiry(&id);
    if last.is_some_and(|last| idle_expires_at - last < EXTEND_AT_MOST_EVERY_SECONDS) {
        return Ok(());
    }
    let row_id = id.clone();
    let extended = app
        .db
        .write(move |conn| {
            Ok::<_, ServiceError>(sessions::extend(conn, &row_id, now, idle_expires_at)?)
        })
        .await?;
    if extended > 0 {
        app.signed_in.extended(&id, idle_expires_at);
    }
    Ok(())
}

/// Sign-out: the session ends at once.
pub async fn end(app: &AppState, id: String) -> Result<(), ServiceError> {
    let forget = Forget::Session(id.clone());
    ending(app, forget, move |conn| {
        Ok(sessions::delete(conn, &id).map(drop)?)
    })
    .await
}

/// Runs one action that ends or changes sessions, then forgets what it
/// made stale in the app's memory: after its commit (a session read before
/// the commit could otherwise be kept again) and before it answers. It runs
/// as a task of its own, so that a request its client drops half-way still
/// forgets what its commit ended.
pub async fn ending<T, F>(app: &AppState, forget: Forget, action: F) -> Result<T, ServiceError>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, ServiceError> + Send + 'static,
    T: Send + 'static,
{
    let app = app.clone();
    tokio::spawn(async move {
        let done = app.db.write(action).await;
        app.signed_in.forget(&forget);
        done
    })
    .await
    .map_err(|e| ServiceError::Unexpected(anyhow::anyhow!("ending sessions stopped: {e}")))?
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
    ending(app, Forget::SessionsOf(actor.id), move |conn| {
        Ok(sessions::end_others_of(conn, actor.id, &current)?)
    })
    .await
}
