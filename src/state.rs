//! What every request handler and background worker shares, per running app.
//! Nothing here is global: two apps in one process never share a clock,
//! a database or a limiter.

use std::sync::Arc;

use crate::auth::passwords::Passwords;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::limits::Limits;
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
}
