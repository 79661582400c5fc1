//! What `GET /metrics` reports (SPEC §4), in Prometheus' text format.
//!
//! Nothing here is global: each app keeps its own request figures (in
//! `AppState`) and its database its own `DbStats`, and a scrape builds a
//! fresh `Registry` from those handles and the open work it just counted.
//! Two apps in one process never see each other's figures.

mod requests;

pub use requests::{RequestStats, UNMATCHED_ROUTE};

use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::db::DbStats;

/// The `Content-Type` of Prometheus' text format (version 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Work waiting in the database at the moment of a scrape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenWork {
    /// Slack messages the outbox worker has still to deliver.
    pub outbox_pending: i64,
    /// How long the oldest of them has waited, in seconds (0 when none).
    pub outbox_oldest_pending_age_seconds: i64,
    pub open_save_tasks: i64,
    /// Refunds billing still has to act on (in progress).
    pub open_billing_items: i64,
}

impl OpenWork {
    fn register(&self, registry: &mut Registry) {
        let figures = [
            (
                "rd_outbox_pending_messages",
                "Slack messages waiting to be delivered",
                self.outbox_pending,
            ),
            (
                "rd_outbox_oldest_pending_age_seconds",
                "Age of the oldest Slack message waiting to be delivered",
                self.outbox_oldest_pending_age_seconds,
            ),
            (
                "rd_open_save_tasks",
                "Call-to-save tasks not yet closed",
                self.open_save_tasks,
            ),
            (
                "rd_open_billing_items",
                "Refunds billing has still to act on",
                self.open_billing_items,
            ),
        ];
        for (name, help, value) in figures {
            let gauge: Gauge = Gauge::default();
            gauge.set(value);
            registry.register(name, help, gauge);
        }
    }
}

/// The whole exposition: requests, the database's figures and the open work.
pub fn exposition(requests: &RequestStats, db: &DbStats, work: &OpenWork) -> String {
    let mut registry = Registry::default();
    requests.register(&mut registry);
    db.register(&mut registry);
    work.register(&mut registry);
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_text::encode(&mut text, &registry);
    text
}
