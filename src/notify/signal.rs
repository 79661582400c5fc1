//! The app's handle on its outbox worker.

use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard, Notify};

/// `wake()` after committing a transaction that queued a message, so it
/// goes out at once instead of at the next poll.
#[derive(Clone, Default)]
pub struct OutboxSignal {
    wake: Arc<Notify>,
    // One delivery pass at a time per app: the background worker and a
    // test's `run_until_idle` never post the same message side by side.
    pass: Arc<Mutex<()>>,
}

impl OutboxSignal {
    pub fn wake(&self) {
        // `notify_one` keeps a permit when the worker is busy, so a message
        // queued during a delivery pass is not left waiting for the poll.
        self.wake.notify_one();
    }

    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }

    pub(super) async fn one_pass_at_a_time(&self) -> MutexGuard<'_, ()> {
        self.pass.lock().await
    }
}

impl std::fmt::Debug for OutboxSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutboxSignal")
    }
}
