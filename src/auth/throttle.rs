//! The sign-in limits of SPEC §7. Failures are rows in `login_failures`,
//! so the limits hold across restarts, an admin's "Unlock" is a delete, and
//! only failures count: an office signing in together from one address is
//! never locked out.

pub const USERNAME_FAILURE_LIMIT: i64 = 10;
pub const USERNAME_WINDOW_SECONDS: i64 = 15 * 60;
pub const ADDRESS_FAILURE_LIMIT: i64 = 30;
pub const ADDRESS_WINDOW_SECONDS: i64 = 60;

/// Why a sign-in was refused. The person sees only "Invalid username or
/// password" whatever the reason; the log gets the reason.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum RefusalReason {
    BadCredentials,
    Departed,
    UsernameThrottled,
    AddressThrottled,
}

/// The failures counted in each window before this attempt.
#[derive(Debug, Clone, Copy)]
pub struct RecentFailures {
    pub for_username: i64,
    pub from_address: i64,
}

impl RecentFailures {
    /// The limit this attempt is over, if any.
    pub fn throttled(self) -> Option<RefusalReason> {
        if self.for_username >= USERNAME_FAILURE_LIMIT {
            Some(RefusalReason::UsernameThrottled)
        } else if self.from_address >= ADDRESS_FAILURE_LIMIT {
            Some(RefusalReason::AddressThrottled)
        } else {
            None
        }
    }
}
