//! Server-side sessions in SQLite, behind actix-session's `SessionStore`.
//!
//! The cookie store cannot end a session before it expires; this one can:
//! sign-out and "Mark as departed" delete rows, and a deleted session is never
//! brought back by a request that was still in flight (`update` only updates).
//! A live session is usually served from the app's memory (the services
//! keep it there and forget it when it ends), so loading one costs no trip
//! to the database.

use std::collections::HashMap;
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

#[derive(Clone)]
pub struct SqliteSessionStore {
    /// The app the sessions belong to: its database and its clock.
    app: AppState,
    idle: i64,
    absolute: i64,
}

impl SqliteSessionStore {
    pub fn new(app: AppState, idle: StdDuration, absolute: StdDuration) -> Self {
        SqliteSessionStore {
            app,
            idle: idle.as_secs() as i64,
            absolute: absolute.as_secs() as i64,
        }
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
        // A session that cannot be read counts as none: the person is asked
        // to sign in, and the page still carries the security headers (an
        // error here would escape every middleware around the sessions).
        match sessions::find(&self.app, id, now).await {
            Ok(session) => Ok(session.and_then(|s| serde_json::from_str(&s.state).ok())),
            Err(error) => {
                tracing::error!(error = ?error, "reading a session failed; treated as signed out");
                Ok(None)
            }
        }
    }

    async fn save(&self, state: SessionState, _ttl: &Duration) -> Result<SessionKey, SaveError> {
        let key = new_key();
        let record = self
            .record(&stored_id(&key), &state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        sessions::create(&self.app, record)
            .await
            .map_err(|e| SaveError::Other(e.into()))?;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: SessionState,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let record = self
            .record(&stored_id(&session_key), &state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        // Only a live session is updated: one deleted by sign-out or departure
        // while this request ran stays deleted.
        sessions::update(&self.app, record)
            .await
            .map_err(|e| UpdateError::Other(e.into()))?;
        Ok(session_key)
    }

    async fn update_ttl(&self, session_key: &SessionKey, _ttl: &Duration) -> anyhow::Result<()> {
        let now = self.app.clock.unix();
        sessions::keep_alive(&self.app, stored_id(session_key), now, now + self.idle).await?;
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        sessions::end(&self.app, stored_id(session_key)).await?;
        Ok(())
    }
}
