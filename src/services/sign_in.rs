//! Signing in, with throttling per username and per address (SPEC §7).
//!
//! Failures are rows in `login_failures`, so the limits hold across restarts,
//! an admin's "Unlock" is a delete, and only failures count: an office signing
//! in together from one address is never locked out.

use diesel::prelude::*;

use crate::db::models::login_failures;
use crate::db::models::staff::StaffRow;
use crate::state::AppState;

use super::ServiceError;
use super::passwords::Password;

pub const USERNAME_FAILURE_LIMIT: i64 = 10;
pub const USERNAME_WINDOW_SECONDS: i64 = 15 * 60;
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
pub const ADDRESS_WINDOW_SECONDS: i64 = 60;

#[derive(Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    SignedIn {
        staff_id: i32,
    },
    /// Wrong password, unknown or departed user, or throttled: the person sees
    /// only "Invalid username or password".
    Refused(RefusalReason),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum RefusalReason {
    BadCredentials,
    Departed,
    UsernameThrottled,
    AddressThrottled,
}

struct Attempt {
    credentials: Option<crate::db::models::staff::Credentials>,
    username_failures: i64,
    address_failures: i64,
}

pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: Password,
    address: &str,
) -> Result<SignInOutcome, ServiceError> {
    let username = username.trim().to_lowercase();
    let now = state.clock.unix();
    let attempt = {
        let (username, address) = (username.clone(), address.to_owned());
        state
            .db
            .read(move |conn| -> Result<Attempt, ServiceError> {
                Ok(Attempt {
                    credentials: StaffRow::credentials(conn, &username)?,
                    username_failures: login_failures::count_for_username_since(
                        conn,
                        &username,
                        now - USERNAME_WINDOW_SECONDS,
                    )?,
                    address_failures: login_failures::count_for_address_since(
                        conn,
                        &address,
                        now - ADDRESS_WINDOW_SECONDS,
                    )?,
                })
            })
            .await?
    };

    let throttled = if attempt.username_failures >= USERNAME_FAILURE_LIMIT {
        Some(RefusalReason::UsernameThrottled)
    } else if attempt.address_failures >= ADDRESS_FAILURE_LIMIT {
        Some(RefusalReason::AddressThrottled)
    } else {
        None
    };
    if let Some(reason) = throttled {
        tracing::warn!(username = %username, address = %address, ?reason, "sign-in refused: throttled");
        return Ok(SignInOutcome::Refused(reason));
    }

    let stored_hash = attempt
        .credentials
        .as_ref()
        .map(|c| c.password_hash.clone());
    let matches = state.passwords.verify(password, stored_hash).await?;
    let outcome = match (&attempt.credentials, matches) {
        (Some(c), true) if c.departed_at.is_none() => SignInOutcome::SignedIn { staff_id: c.id },
        (Some(_), true) => SignInOutcome::Refused(RefusalReason::Departed),
        _ => SignInOutcome::Refused(RefusalReason::BadCredentials),
    };

    let (logged_username, logged_address) = (username.clone(), address.to_owned());
    match outcome {
        SignInOutcome::SignedIn { staff_id } => {
            state
                .db
                .write(move |conn| {
                    StaffRow::record_sign_in(conn, staff_id, now).map_err(ServiceError::from)
                })
                .await?;
            tracing::info!(username = %logged_username, address = %logged_address, "signed in");
        }
        SignInOutcome::Refused(reason) => {
            state
                .db
                .write(move |conn| {
                    login_failures::record(conn, &username, &logged_address, now)
                        .map_err(ServiceError::from)
                })
                .await?;
            tracing::warn!(username = %logged_username, address = %address, ?reason, "sign-in failed");
        }
    }
    Ok(outcome)
}

/// Usernames refused right now because of too many failures.
pub fn locked_usernames(conn: &mut SqliteConnection, now: i64) -> QueryResult<Vec<String>> {
    login_failures::locked_usernames(conn, now - USERNAME_WINDOW_SECONDS, USERNAME_FAILURE_LIMIT)
}
