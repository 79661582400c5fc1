//! Group commit: one writer thread per database takes every user action
//! waiting for it (up to [`MOST_PER_BATCH`]), runs each in its own
//! savepoint inside one IMMEDIATE transaction, commits once, and only then
//! answers each caller. One fsync then covers a whole batch, so durability
//! (`synchronous = FULL`) does not cap how many actions a second can be
//! stored; an action that fails rolls back alone.
//!
//! The thread takes the one writer connection from its pool for each batch
//! and gives it back after, so blocking callers (CLI commands, seeding)
//! still get it, ahead of the next batch (see [`connection`]). It ends when
//! the last handle ([`Writer`], inside every `Db` clone) is dropped.

mod action;
mod batch;
mod connection;
mod hooks;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use diesel::sqlite::SqliteConnection;

use crate::db::error::DbError;
use crate::db::stats::DbStats;
use crate::db::writer::action::{Action, Answer, Pending};

pub use connection::WriterConnection;
pub use hooks::WriterHooks;

/// The most user actions one commit takes: enough that a burst shares a
/// few fsyncs, few enough that the first caller is not kept long.
const MOST_PER_BATCH: usize = 256;

/// A handle on the writer thread; clones share it.
#[derive(Clone)]
pub struct Writer {
    thread: Arc<ThreadHandle>,
    stats: DbStats,
    #[cfg(any(test, feature = "test-hooks"))]
    hooks: Arc<WriterHooks>,
}

impl Writer {
    /// Starts the writer thread on `connection`.
    pub fn start(connection: WriterConnection, stats: DbStats) -> std::io::Result<Writer> {
        let (queue, waiting) = mpsc::channel();
        let hooks: Arc<WriterHooks> = Arc::default();
        let thread = Thread {
            waiting,
            connection,
            stats: stats.clone(),
            hooks: hooks.clone(),
        };
        let handle = std::thread::Builder::new()
            .name("db-writer".to_owned())
            .spawn(move || thread.serve())?;
        Ok(Writer {
            thread: Arc::new(ThreadHandle {
                queue: Some(queue),
                handle: Some(handle),
            }),
            stats,
            #[cfg(any(test, feature = "test-hooks"))]
            hooks,
        })
    }

    /// Runs `work` as one user action in the next batch and returns what it
    /// returned once that batch has committed.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut SqliteConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.hand_over(work)
            .await
            .unwrap_or_else(|_| Err(E::from(DbError::WriterStopped)))
    }

    /// Queues `work` for the writer thread; the answer comes after its commit.
    fn hand_over<T, E, F>(&self, work: F) -> Answer<T, E>
    where
        F: FnOnce(&mut SqliteConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (action, answer) = Pending::new(work);
        self.stats.writer_queue_depth.inc();
        let queue = self
            .thread
            .queue
            .as_ref()
            .expect("kept until the last handle drops");
        if queue.send(Box::new(action)).is_err() {
            // The thread is gone; dropping the action closes `answer`.
            self.stats.writer_queue_depth.dec();
        }
        answer
    }

    #[cfg(any(test, feature = "test-hooks"))]
    pub fn hooks(&self) -> &WriterHooks {
        &self.hooks
    }
}

/// The queue into the writer thread, and the thread, shared by every handle.
struct ThreadHandle {
    queue: Option<Sender<Box<dyn Action>>>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for ThreadHandle {
    /// The last handle closes the queue and waits for the thread to finish
    /// what was queued and close its connection, so that once the last
    /// `Db` is dropped the file is free (a bulk load may then change its
    /// journal mode).
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(handle) = self.handle.take()
            // An action that held the last `Db` is dropped on the thread.
            && handle.thread().id() != std::thread::current().id()
            && handle.join().is_err()
        {
            tracing::error!("the database writer thread panicked");
        }
    }
}

/// What the writer thread owns.
struct Thread {
    waiting: Receiver<Box<dyn Action>>,
    connection: WriterConnection,
    stats: DbStats,
    hooks: Arc<WriterHooks>,
}

impl Thread {
    fn serve(self) {
        while let Ok(first) = self.waiting.recv() {
            let mut batch = vec![first];
            self.hooks.hold(&self.waiting, &mut batch, MOST_PER_BATCH);
            let conn = self
                .connection
                .for_batch(&self.stats.writer_pool_wait_seconds);
            // What arrived while the connection was being taken joins too.
            let room = MOST_PER_BATCH.saturating_sub(batch.len());
            batch.extend(self.waiting.try_iter().take(room));
            self.stats.writer_queue_depth.dec_by(batch.len() as i64);
            match conn {
                Ok(mut conn) => batch::commit(&mut conn, batch, &self.stats, &self.hooks),
                Err(error) => batch::refuse_all(batch, error),
            }
        }
    }
}
