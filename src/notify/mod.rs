//! Notifications that leave the app: the Slack heads-up to billing (SPEC §6),
//! written to an outbox with its case and delivered by a background worker.

pub mod outbox;
pub mod service_levels;
pub mod signal;
pub mod slack;

pub use outbox::OutboxWorker;
pub use signal::OutboxSignal;
