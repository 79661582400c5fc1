//! Per-person limits kept in memory, one set per app (never global: two
//! apps in one process never share them), on the app's own clock so tests
//! move time by hand. Built on `governor`'s keyed GCRA limiter.

use std::num::NonZeroU32;
use std::ops::Add;

use governor::clock::{Clock as GovernorClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::SharedClock;
use crate::domain::StaffId;

/// Comments one person may add in a minute (SPEC §7).
pub const COMMENTS_PER_MINUTE: u32 = 30;

/// An instant of the app's clock, in nanoseconds since the epoch.
#[derive(Debug, Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppInstant(u64);

impl Add<Nanos> for AppInstant {
    type Output = AppInstant;
    fn add(self, other: Nanos) -> AppInstant {
        AppInstant(self.0.saturating_add(other.as_u64()))
    }
}

impl Reference for AppInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_sub(earlier.0))
    }

    fn saturating_sub(&self, duration: Nanos) -> Self {
        AppInstant(self.0.saturating_sub(duration.as_u64()))
    }
}

/// The app's injected clock as governor reads it.
#[derive(Clone)]
pub struct AppClock(SharedClock);

impl GovernorClock for AppClock {
    type Instant = AppInstant;

    fn now(&self) -> AppInstant {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or_default();
        AppInstant(u64::try_from(nanos).unwrap_or_default())
    }
}

type PerPerson =
    RateLimiter<StaffId, HashMapStateStore<StaffId>, AppClock, NoOpMiddleware<AppInstant>>;

pub struct Limits {
    comments: PerPerson,
}

impl Limits {
    pub fn new(clock: SharedClock) -> Limits {
        let per_minute = NonZeroU32::new(COMMENTS_PER_MINUTE).expect("a positive limit");
        Limits {
            comments: RateLimiter::new(
                Quota::per_minute(per_minute),
                HashMapStateStore::default(),
                AppClock(clock),
            ),
        }
    }

    /// Takes one comment from `person`'s allowance; false when it is used up.
    pub fn allow_comment(&self, person: StaffId) -> bool {
        self.comments.check_key(&person).is_ok()
    }
}
