//! Time as the application sees it. Injected, so tests move time by hand
//! instead of sleeping, and two apps in one test process never share it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Unix seconds, the form timestamps take in the database.
    fn unix(&self) -> i64 {
        self.now().timestamp()
    }
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    unix_seconds: AtomicI64,
}

impl ManualClock {
    pub fn starting_at(unix_seconds: i64) -> Arc<ManualClock> {
        Arc::new(ManualClock {
            unix_seconds: AtomicI64::new(unix_seconds),
        })
    }

    pub fn advance(&self, seconds: i64) {
        self.unix_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.unix_seconds.load(Ordering::SeqCst), 0).unwrap_or_default()
    }
}

pub type SharedClock = Arc<dyn Clock>;
