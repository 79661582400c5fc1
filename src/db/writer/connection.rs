//! The one writer connection, shared by the group-commit thread and the
//! blocking callers (CLI commands, seeding, a test's look at the file).
//!
//! r2d2 gives a returned connection to whoever asks first, and under load
//! the writer thread asks again the moment it gives it back, so a blocking
//! caller could wait out its timeout. A blocking caller therefore says it
//! is waiting, and the writer thread lets it go first.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use prometheus_client::metrics::histogram::Histogram;

use crate::db::error::DbError;
use crate::db::pool::{Conn, SqlitePool, timed_get};

#[derive(Clone)]
pub struct WriterConnection {
    pool: SqlitePool,
    blocking_callers: Arc<Waiting>,
}

/// How many blocking callers are waiting for the connection.
#[derive(Default)]
struct Waiting {
    count: Mutex<usize>,
    none_left: Condvar,
}

impl Waiting {
    fn count(&self) -> MutexGuard<'_, usize> {
        // The count stays right even if a holder panicked: it is only
        // changed by whole increments and decrements.
        self.count.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl WriterConnection {
    pub fn new(pool: SqlitePool) -> WriterConnection {
        WriterConnection {
            pool,
            blocking_callers: Arc::default(),
        }
    }

    /// The connection for a synchronous caller, ahead of the next batch.
    pub fn for_blocking_caller(&self) -> Result<Conn, DbError> {
        *self.blocking_callers.count() += 1;
        let conn = self.pool.get().map_err(DbError::from);
        let mut count = self.blocking_callers.count();
        *count -= 1;
        if *count == 0 {
            self.blocking_callers.none_left.notify_all();
        }
        conn
    }

    /// The connection for the writer thread's next batch, once no blocking
    /// caller is waiting for it.
    pub fn for_batch(&self, waits: &Histogram) -> Result<Conn, DbError> {
        let count = self.blocking_callers.count();
        drop(
            self.blocking_callers
                .none_left
                .wait_while(count, |count| *count > 0)
                .unwrap_or_else(|e| e.into_inner()),
        );
        timed_get(&self.pool, waits)
    }
}
