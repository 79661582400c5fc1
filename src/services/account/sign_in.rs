//! Signing in, with throttling per username and per address (SPEC §7).
//!
//! An attempt takes its place in both limits before its password is
//! checked (a row in `login_failures`), so a burst of guesses sent at once
//! checks at most as many as the limit allows; the place is given back when
//! the password is right, so an office signing in together is never
//! locked out. Throttled attempts write nothing.

use diesel::SqliteConnection;

use crate::auth::passwords::Verdict;
use crate::auth::throttle::{
    ADDRESS_WINDOW_SECONDS, RecentFailures, RefusalReason, USERNAME_FAILURE_LIMIT,
    USERNAME_WINDOW_SECONDS,
};
use crate::db::models::login_failures;
use crate::db::models::staff::{Credentials, StaffRow};
use crate::domain::{StaffId, TypedPassword};
use crate::logging::Escaped;
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
    /// Too many sign-ins at once: the password was not checked; try again.
    Busy,
}

/// The attempt's place in the limits, and who the username names.
struct Reserved {
    place: i32,
    credentials: Option<Credentials>,
}

pub async fn sign_in(
    app: &AppState,
    username: &str,
    password: TypedPassword,
    address: &str,
) -> Result<SignInOutcome, ServiceError> {
    let username = username.trim().to_lowercase();
    let now = app.clock.unix();
    let reserved = {
        let (username, address) = (username.clone(), address.to_owned());
        app.db
            .write(move |conn| reserve(conn, &username, &address, now))
            .await?
    };
    let Reserved { place, credentials } = match reserved {
        Ok(reserved) => reserved,
        Err(reason) => {
            tracing::warn!(username = %Escaped(&username), address = %Escaped(address), ?reason, "sign-in refused: throttled");
            return Ok(SignInOutcome::Refused(reason));
        }
    };
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let verdict = app.passwords.verify(password, stored_hash).await?;
    let outcome = match (&credentials, verdict) {
        (_, Verdict::Busy) => SignInOutcome::Busy,
        (Some(c), Verdict::Matches) if c.departed_at.is_none() => {
            SignInOutcome::SignedIn { staff_id: c.id }
        }
        (Some(_), Verdict::Matches) => SignInOutcome::Refused(RefusalReason::Departed),
        _ => SignInOutcome::Refused(RefusalReason::BadCredentials),
    };
    settle(app, &outcome, place, now).await?;
    let (username, address) = (Escaped(&username), Escaped(address));
    match outcome {
        SignInOutcome::SignedIn { .. } => {
            tracing::info!(username = %username, address = %address, "signed in")
        }
        SignInOutcome::Busy => {
            tracing::warn!(username = %username, address = %address, "sign-in deferred: every core is hashing")
        }
        SignInOutcome::Refused(reason) => {
            tracing::warn!(username = %username, address = %address, ?reason, "sign-in failed")
        }
    }
    Ok(outcome)
}

/// Counts the failures in both windows, this attempt's place included
/// when there is room; a throttled attempt gets no place.
fn reserve(
    conn: &mut SqliteConnection,
    username: &str,
    address: &str,
    now: i64,
) -> Result<Result<Reserved, RefusalReason>, ServiceError> {
    let failures = RecentFailures {
        for_username: login_failures::count_for_username_since(
            conn,
            username,
            now - USERNAME_WINDOW_SECONDS,
        )?,
        from_address: login_failures::count_for_address_since(
            conn,
            address,
            now - ADDRESS_WINDOW_SECONDS,
        )?,
    };
    if let Some(reason) = failures.throttled() {
        return Ok(Err(reason));
    }
    Ok(Ok(Reserved {
        place: login_failures::reserve(conn, username, address, now)?,
        credentials: StaffRow::credentials(conn, username)?,
    }))
}

/// A right password gives its place back and is recorded as the person's
/// last sign-in; so does an attempt whose password was never checked. A
/// failure keeps its place: it is the counted failure.
async fn settle(
    app: &AppState,
    outcome: &SignInOutcome,
    place: i32,
    now: i64,
) -> Result<(), ServiceError> {
    let signed_in = match *outcome {
        SignInOutcome::SignedIn { staff_id } => Some(staff_id),
        SignInOutcome::Busy => None,
        SignInOutcome::Refused(_) => return Ok(()),
    };
    app.db
        .write(move |conn| {
            login_failures::release(conn, place)?;
            if let Some(staff_id) = signed_in {
                StaffRow::record_sign_in(conn, staff_id, now)?;
            }
            Ok(())
        })
        .await
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
