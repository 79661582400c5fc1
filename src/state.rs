//! What every request handler and background worker shares, per running app.
//! Nothing here is global: two apps in one process never share a clock,
//! a database or a limiter.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::passwords::Passwords;
use crate::auth::signed_in::SignedInCache;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::limits::Limits;
use crate::metrics::RequestStats;
use crate::notify::signal::OutboxSignal;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub passwords: Passwords,
    /// Wakes the Slack outbox worker after a transaction queued a message.
    pub outbox: OutboxSignal,
    /// Per-person limits (comments a minute).
    pub limits: Arc<Limits>,
    /// Signs the cookies besides the session's (derived from the session key).
    pub cookie_key: actix_web::cookie::Key,
    /// One policy replay at a time (SPEC §10): it reads every case of a
    /// period, so a second one waits for the first.
    pub replays: OneAtATime,
    /// Sessions and signed-in people read lately: a page's only trip to the
    /// database is for its own data (the services keep it and forget what
    /// an ending makes stale).
    pub signed_in: Arc<SignedInCache>,
    /// Requests answered, per route pattern, for `/metrics`.
    pub requests: RequestStats,
}

/// A gate that lets one holder through at a time, per app.
#[derive(Clone)]
pub struct OneAtATime(Arc<tokio::sync::Semaphore>);

impl Default for OneAtATime {
    fn default() -> Self {
        OneAtATime(Arc::new(tokio::sync::Semaphore::new(1)))
    }
}

impl OneAtATime {
    /// Waits up to `wait` for the gate; `None` when it stayed taken. The
    /// gate opens again when the permit is dropped.
    pub async fn enter(&self, wait: Duration) -> Option<tokio::sync::OwnedSemaphorePermit> {
        tokio::time::timeout(wait, self.0.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }
}
