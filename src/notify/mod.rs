//! Notifications that leave the app: the Slack heads-up to billing (SPEC §6),
//! written to an outbox with its case and delivered by a background worker.

pub mod outbox;
pub mod slack;

use std::sync::Arc;

use tokio::sync::{Mutex, Notify};

pub use crate::db::models::outbox::{
    DeliveryState, FailedDelivery, SlackDelivery, delivery_for_case, enqueue_heads_up,
    failed_deliveries,
};
pub use outbox::OutboxWorker;
pub use slack::heads_up_text;

/// The app's handle on its outbox worker: `wake()` after committing a
/// transaction that queued a message, so it goes out at once instead of at
/// the next poll.
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
}

impl std::fmt::Debug for OutboxSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutboxSignal")
    }
}
