//! A new-case form typed by an agent whose sign-in expired is kept (parked)
//! and handed back after they sign in again (SPEC §7) — only to the
//! browser it was typed in, one form per browser, never for a stranger.

use crate::db::models::submissions;
use crate::services::ServiceError;
use crate::state::AppState;

/// The most a parked form may hold; a larger one is not kept.
pub const PARKED_MAX_BYTES: usize = 16 * 1024;

/// Parks the typed form (as the web layer serialized it) under `token` for
/// `browser`, replacing what that browser had parked. False when the form
/// was too large to keep.
pub async fn park(
    app: &AppState,
    browser: String,
    token: String,
    body: String,
) -> Result<bool, ServiceError> {
    if body.len() > PARKED_MAX_BYTES {
        return Ok(false);
    }
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            Ok::<_, ServiceError>(submissions::park(conn, &browser, &token, &body, now).map(drop)?)
        })
        .await?;
    Ok(true)
}

/// Takes the parked form out (it is given back once), if `browser` parked it.
pub async fn resume(
    app: &AppState,
    browser: String,
    token: String,
) -> Result<Option<String>, ServiceError> {
    app.db
        .write(move |conn| Ok(submissions::unpark(conn, &browser, &token)?))
        .await
}
