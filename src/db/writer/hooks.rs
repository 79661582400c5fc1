//! Test-only control of the writer: hold the next batch until it has a
//! given number of actions (so a test knows they share one commit, without
//! sleeping), and make commits fail. Compiled only for the tests (the
//! `test-hooks` feature, which only the dev-dependency turns on); without
//! it the writer calls an empty stand-in the compiler removes.

#[cfg(any(test, feature = "test-hooks"))]
pub use armed::WriterHooks;
#[cfg(not(any(test, feature = "test-hooks")))]
pub use inert::WriterHooks;

#[cfg(any(test, feature = "test-hooks"))]
mod armed {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc::Receiver;
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::sqlite::SqliteConnection;

    /// A foreign key checked only at COMMIT and left dangling, so SQLite
    /// itself refuses the COMMIT. The tables are temporary and created in
    /// the batch's transaction, so its rollback takes them away again.
    const DANGLING_DEFERRED_KEY: &str = "
        CREATE TEMP TABLE failing_commit_parent (id INTEGER PRIMARY KEY);
        CREATE TEMP TABLE failing_commit_child (
            parent_id INTEGER REFERENCES failing_commit_parent (id)
                DEFERRABLE INITIALLY DEFERRED
        );
        INSERT INTO failing_commit_child (parent_id) VALUES (1);";

    /// How long a held batch waits for its next action at most: a test that
    /// miscounts its actions then fails on what it checks instead of hanging.
    const LONGEST_HOLD: Duration = Duration::from_secs(60);

    #[derive(Debug, Default)]
    pub struct WriterHooks {
        hold_until: AtomicUsize,
        commits_fail: AtomicBool,
    }

    impl WriterHooks {
        /// The writer's next batch waits until it holds `actions` user
        /// actions (at most a whole batch) before it starts.
        pub fn hold_next_batch_until(&self, actions: usize) {
            self.hold_until.store(actions, Ordering::SeqCst);
        }

        /// While on, every batch's COMMIT fails (and is rolled back).
        pub fn set_commits_fail(&self, fail: bool) {
            self.commits_fail.store(fail, Ordering::SeqCst);
        }

        pub(crate) fn hold<A>(&self, queue: &Receiver<A>, batch: &mut Vec<A>, most: usize) {
            let until = self.hold_until.swap(0, Ordering::SeqCst).min(most);
            while batch.len() < until {
                match queue.recv_timeout(LONGEST_HOLD) {
                    Ok(action) => batch.push(action),
                    Err(_) => return,
                }
            }
        }

        pub(crate) fn before_commit(&self, conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
            if self.commits_fail.load(Ordering::SeqCst) {
                conn.batch_execute(DANGLING_DEFERRED_KEY)?;
            }
            Ok(())
        }
    }
}

#[cfg(not(any(test, feature = "test-hooks")))]
mod inert {
    use std::sync::mpsc::Receiver;

    use diesel::sqlite::SqliteConnection;

    #[derive(Debug, Default)]
    pub struct WriterHooks;

    impl WriterHooks {
        #[inline(always)]
        pub(crate) fn hold<A>(&self, _: &Receiver<A>, _: &mut Vec<A>, _: usize) {}

        #[inline(always)]
        pub(crate) fn before_commit(&self, _: &mut SqliteConnection) -> diesel::QueryResult<()> {
            Ok(())
        }
    }
}
