//! Signing in, with throttling per username and per address (SPEC §7).

use diesel::SqliteConnection;

use crate::auth::throttle::{
    ADDRESS_WINDOW_SECONDS, RecentFailures, RefusalReason, USERNAME_FAILURE_LIMIT,
    USERNAME_WINDOW_SECONDS,
};
use crate::db::models::login_failures;
use crate::db::models::staff::{Credentials, StaffRow};
use crate::domain::{StaffId, TypedPassword};
use crate::services::ServiceError;
use crate::state::AppState;

#[derive(Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    SignedIn {
        staff_id: StaffId,
    },
    /// Wrong password, unknown or departed user, or throttled: the person
    /// sees only "Invalid username or password".
    Refused(RefusalReason),
}

pub async fn sign_in(
    app: &AppState,
    username: &str,
    password: TypedPassword,
    address: &str,
) -> Result<SignInOutcome, ServiceError> {
    let username = username.trim().to_lowercase();
    let now = app.clock.unix();
    let (credentials, failures) = {
        let (username, address) = (username.clone(), address.to_owned());
        app.db
            .read(
                move |conn| -> Result<(Option<Credentials>, RecentFailures), ServiceError> {
                    let failures = RecentFailures {
                        for_username: login_failures::count_for_username_since(
                            conn,
                            &username,
                            now - USERNAME_WINDOW_SECONDS,
                        )?,
                        from_address: login_failures::count_for_address_since(
                            conn,
                            &address,
                            now - ADDRESS_WINDOW_SECONDS,
                        )?,
                    };
                    Ok((StaffRow::credentials(conn, &username)?, failures))
                },
            )
            .await?
    };
    if let Some(reason) = failures.throttled() {
        tracing::warn!(username = %username, address = %address, ?reason, "sign-in refused: throttled");
        return Ok(SignInOutcome::Refused(reason));
    }

    let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = app.passwords.verify(password, stored_hash).await?;
    let outcome = match (&credentials, matches) {
        (Some(c), true) if c.departed_at.is_none() => SignInOutcome::SignedIn { staff_id: c.id },
        (Some(_), true) => SignInOutcome::Refused(RefusalReason::Departed),
        _ => SignInOutcome::Refused(RefusalReason::BadCredentials),
    };
    record(app, &outcome, username, address.to_owned(), now).await?;
    Ok(outcome)
}

/// Writes the sign-in (its time) or the failure (counted for the limits).
async fn record(
    app: &AppState,
    outcome: &SignInOutcome,
    username: String,
    address: String,
    now: i64,
) -> Result<(), ServiceError> {
    match *outcome {
        SignInOutcome::SignedIn { staff_id } => {
            app.db
                .write(move |conn| {
                    Ok::<_, ServiceError>(StaffRow::record_sign_in(conn, staff_id, now)?)
                })
                .await?;
            tracing::info!(username = %username, address = %address, "signed in");
        }
        SignInOutcome::Refused(reason) => {
            let (logged_username, logged_address) = (username.clone(), address.clone());
            app.db
                .write(move |conn| {
                    Ok::<_, ServiceError>(login_failures::record(conn, &username, &address, now)?)
                })
                .await?;
            tracing::warn!(username = %logged_username, address = %logged_address, ?reason, "sign-in failed");
        }
    }
    Ok(())
}

/// Usernames refused right now because of too many failures.
pub fn locked_usernames(
    conn: &mut SqliteConnection,
    now: i64,
) -> Result<Vec<String>, ServiceError> {
    Ok(login_failures::locked_usernames(
        conn,
        now - USERNAME_WINDOW_SECONDS,
        USERNAME_FAILURE_LIMIT,
    )?)
}
