//! Why the database could not do what was asked, as opposed to a refusal
//! of the action itself (which is the action's own error type).

use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection available")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    #[error("the blocking thread pool is gone")]
    Blocking,
    /// The writer thread is gone (the database was closed).
    #[error("the database writer has stopped")]
    WriterStopped,
    /// The action's closure panicked; its savepoint was rolled back.
    #[error("the write action panicked, so nothing of it was stored")]
    Panicked,
    /// The action ran, but the batch it was committed with failed as a
    /// whole (the commit, the transaction or the connection), so nothing
    /// of it was stored. Every action of that batch shares the cause.
    #[error("the batch this write was in did not commit, so nothing of it was stored")]
    NotCommitted(#[source] Arc<DbError>),
}
