//! A new-case form typed by an agent whose sign-in expired is kept (parked)
//! and handed back after they sign in again (SPEC §7).

use crate::db::models::submissions;
use crate::services::ServiceError;
use crate::state::AppState;

/// Parks the typed form (as the web layer serialized it) under `token`.
pub async fn park(app: &AppState, token: String, body: String) -> Result<(), ServiceError> {
    let now = app.clock.unix();
    app.db
        .write(move |conn| Ok(submissions::park(conn, &token, &body, now).map(drop)?))
        .await
}

/// Takes the parked form out (it is given back once).
pub async fn resume(app: &AppState, token: String) -> Result<Option<String>, ServiceError> {
    app.db
        .write(move |conn| Ok(submissions::unpark(conn, &token)?))
        .await
}
