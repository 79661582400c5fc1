//! Server-side sessions in SQLite, behind actix-session's `SessionStore`.
//!
//! The cookie store cannot end a session before it expires; this one can:
//! sign-out and "Mark as departed" delete rows, and a deleted session is never
//! brought back by a request that was still in flight (`update` only updates).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use rand::Rng;
use rand::distributions::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::domain::StaffId;
use crate::services::account::sessions::{self, SessionRecord};
use crate::state::AppState;

type SessionState = HashMap<String, String>;

/// The session key under which the signed-in staff member's id is kept.
pub const STAFF_ID_KEY: &str = "staff_id";
/// What the person's own sessions page calls the session (not its key).
pub const PUBLIC_ID_KEY: &str = "sid";
/// Where the session signed in from.
pub const ADDRESS_KEY: &str = "address";

/// Extending the idle timeout is a write; once a minute is often enough.
const EXTEND_AT_MOST_EVERY_SECONDS: i64 = 60;

#[derive(Clone)]
pub struct SqliteSessionStore {
    /// The app the sessions belong to: its database and its clock.
    app: AppState,
    idle: i64,
    absolute: i64,
    /// Idle expiry as last written, per stored session id: lets `update_ttl`
    /// skip the write when it was extended less than a minute ago.
    extended: Arc<Mutex<HashMap<String, i64>>>,
}

impl SqliteSessionStore {
    pub fn new(app: AppState, idle: StdDuration, absolute: StdDuration) -> Self {
        SqliteSessionStore {
            app,
            idle: idle.as_secs() as i64,
            absolute: absolute.as_secs() as i64,
            extended: Arc::default(),
        }
    }

    fn remember_extension(&self, id: &str, idle_expires_at: i64) {
        let mut extended = self.extended.lock().unwrap_or_else(|e| e.into_inner());
        if extended.len() > 100_000 {
            extended.clear();
        }
        extended.insert(id.to_owned(), idle_expires_at);
    }

    /// The row for session `id` holding `state`, its timeouts counted from now.
    fn record(&self, id: &str, state: &SessionState) -> serde_json::Result<SessionRecord> {
        let now = self.app.clock.unix();
        Ok(SessionRecord {
            id: id.to_owned(),
            staff_id: staff_id_of(state),
            public_id: text_of(state, PUBLIC_ID_KEY),
            address: text_of(state, ADDRESS_KEY),
            state: serde_json::to_string(state)?,
            now,
            idle_expires_at: now + self.idle,
            absolute_expires_at: now + self.absolute,
        })
    }

    fn forget(&self, id: &str) {
        let mut extended = self.extended.lock().unwrap_or_else(|e| e.into_inner());
        extended.remove(id);
    }
}

/// Only a hash of the key is stored: a copy of the database hands out no live cookies.
fn stored_id(key: &SessionKey) -> String {
    let digest = Sha256::digest(key.as_ref().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_key() -> SessionKey {
    let key: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect();
    SessionKey::try_from(key).expect("64 alphanumeric characters are a valid session key")
}

fn text_of(state: &SessionState, key: &str) -> Option<String> {
    state
        .get(key)
        .and_then(|json| serde_json::from_str::<String>(json).ok())
}

fn staff_id_of(state: &SessionState) -> Option<StaffId> {
    state
        .get(STAFF_ID_KEY)
        .and_then(|json| serde_json::from_str::<StaffId>(json).ok())
}

impl SessionStore for SqliteSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        let id = stored_id(session_key);
        let now = self.app.clock.unix();
        let lookup = id.clone();
        // A session that cannot be read counts as none: the person is asked
        // to sign in, and the page still carries the security headers (an
        // error here would escape every middleware around the sessions).
        let row = match sessions::find(&self.app, lookup).await {
            Ok(row) => row,
            Err(error) => {
                tracing::error!(error = ?error, "reading a session failed; treated as signed out");
                return Ok(None);
            }
        };
        let Some(row) = row else { return Ok(None) };
        if now >= row.idle_expires_at || now >= row.absolute_expires_at {
            return Ok(None);
        }
        self.remember_extension(&id, row.idle_expires_at);
        Ok(serde_json::from_str(&row.state).ok())
    }

    async fn save(&self, state: SessionState, _ttl: &Duration) -> Result<SessionKey, SaveError> {
        let key = new_key();
        let id = stored_id(&key);
        let record = self
            .record(&id, &state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let idle = record.idle_expires_at;
        sessions::create(&self.app, record)
            .await
            .map_err(|e| SaveError::Other(e.into()))?;
        self.remember_extension(&id, idle);
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: SessionState,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let id = stored_id(&session_key);
        let record = self
            .record(&id, &state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let idle = record.idle_expires_at;
        // Only a live session is updated: one deleted by sign-out or departure
        // while this request ran stays deleted.
        sessions::update(&self.app, record)
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        self.remember_extension(&id, idle);
        Ok(session_key)
    }

    async fn update_ttl(&self, session_key: &SessionKey, _ttl: &Duration) -> anyhow::Result<()> {
        let id = stored_id(session_key);
        let now = self.app.clock.unix();
        let idle = now + self.idle;
        let last = {
            let extended = self.extended.lock().unwrap_or_else(|e| e.into_inner());
            extended.get(&id).copied()
        };
        if last.is_some_and(|last| idle - last < EXTEND_AT_MOST_EVERY_SECONDS) {
            return Ok(());
        }
        let row_id = id.clone();
        sessions::extend(&self.app, row_id, now, idle).await?;
        self.remember_extension(&id, idle);
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let id = stored_id(session_key);
        self.forget(&id);
        sessions::end(&self.app, id).await?;
        Ok(())
    }
}
