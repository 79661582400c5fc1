//! What the database layer reports to `/metrics`: the writer's queue and
//! batches, and waits for a reader connection.
//!
//! One `DbStats` per opened database, never a process-wide registry, so two
//! apps in one test process never see each other's figures.

use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Batch sizes are counts of user actions: 1, 2, 4 … 256.
const BATCH_SIZE_BUCKETS: [f64; 9] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// Pool waits in seconds: 0.1 ms to 2.5 s.
const POOL_WAIT_BUCKETS: [f64; 10] = [
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.1, 0.25, 1.0, 2.5,
];

#[derive(Clone, Debug)]
pub struct DbStats {
    /// User actions handed to the writer and not yet started.
    pub writer_queue_depth: Gauge,
    /// User actions committed together by one writer commit.
    pub writer_batch_size: Histogram,
    /// Time spent waiting for a reader connection from the pool.
    pub reader_pool_wait_seconds: Histogram,
    /// Time spent waiting for the writer connection from the pool.
    pub writer_pool_wait_seconds: Histogram,
}

impl Default for DbStats {
    fn default() -> Self {
        DbStats {
            writer_queue_depth: Gauge::default(),
            writer_batch_size: Histogram::new(BATCH_SIZE_BUCKETS),
            reader_pool_wait_seconds: Histogram::new(POOL_WAIT_BUCKETS),
            writer_pool_wait_seconds: Histogram::new(POOL_WAIT_BUCKETS),
        }
    }
}

impl DbStats {
    /// Adds these figures to an app's registry (the handles are shared, so
    /// the registry reads the live values).
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "rd_writer_queue_depth",
            "User actions waiting for the database writer",
            self.writer_queue_depth.clone(),
        );
        registry.register(
            "rd_writer_batch_size",
            "User actions committed together in one writer commit",
            self.writer_batch_size.clone(),
        );
        registry.register(
            "rd_reader_pool_wait_seconds",
            "Time spent waiting for a reader connection",
            self.reader_pool_wait_seconds.clone(),
        );
        registry.register(
            "rd_writer_pool_wait_seconds",
            "Time spent waiting for the writer connection",
            self.writer_pool_wait_seconds.clone(),
        );
    }
}
