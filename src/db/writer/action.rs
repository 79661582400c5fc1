//! One user action handed to the writer: its closure, what the closure
//! returned, and the caller waiting for that, with the types erased so
//! actions of every service can share a batch.

use std::panic::{AssertUnwindSafe, catch_unwind};

use diesel::sqlite::SqliteConnection;
use tokio::sync::oneshot;

use crate::db::error::DbError;

pub trait Action: Send {
    /// Runs the action's writes (inside its savepoint); true when they
    /// went through, false when the action refused, failed or panicked
    /// and its savepoint must be rolled back.
    fn run(&mut self, conn: &mut SqliteConnection) -> bool;

    /// The batch committed: the caller gets what the action returned.
    fn answer(self: Box<Self>);

    /// The batch did not commit: the caller gets `error`, whatever the
    /// action returned, since nothing of it was stored.
    fn refuse(self: Box<Self>, error: DbError);
}

/// The caller's end: what the action returned, once its batch is settled.
pub type Answer<T, E> = oneshot::Receiver<Result<T, E>>;

pub struct Pending<T, E, F> {
    work: Option<F>,
    outcome: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Pending<T, E, F>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, E>,
{
    pub fn new(work: F) -> (Pending<T, E, F>, Answer<T, E>) {
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            work: Some(work),
            outcome: None,
            reply,
        };
        (pending, answer)
    }
}

impl<T, E, F> Action for Pending<T, E, F>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, E> + Send,
    T: Send,
    E: From<DbError> + Send,
{
    fn run(&mut self, conn: &mut SqliteConnection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        // A panicking action fails alone: its savepoint is rolled back and
        // the rest of the batch goes on.
        let outcome = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
            tracing::error!("a write action panicked; its writes were rolled back");
            Err(E::from(DbError::Panicked))
        });
        let went_through = outcome.is_ok();
        self.outcome = Some(outcome);
        went_through
    }

    fn answer(self: Box<Self>) {
        let outcome = self
            .outcome
            .unwrap_or_else(|| Err(E::from(DbError::WriterStopped)));
        // The caller may have gone (a closed request): the action stands.
        let _ = self.reply.send(outcome);
    }

    fn refuse(self: Box<Self>, error: DbError) {
        let _ = self.reply.send(Err(E::from(error)));
    }
}
