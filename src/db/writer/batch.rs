//! One batch: every action in its own savepoint inside one IMMEDIATE
//! transaction, one COMMIT (one fsync) for all, and only then the answers.

use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;

use crate::db::error::DbError;
use crate::db::stats::DbStats;
use crate::db::writer::action::Action;
use crate::db::writer::hooks::WriterHooks;

/// Runs and commits `batch`, then answers each caller: with what its action
/// returned if the batch committed, else with the reason it did not.
pub fn commit(
    conn: &mut SqliteConnection,
    mut batch: Vec<Box<dyn Action>>,
    stats: &DbStats,
    hooks: &WriterHooks,
) {
    let committed = conn.immediate_transaction(|conn| {
        for action in &mut batch {
            in_savepoint(conn, action.as_mut())?;
        }
        hooks.before_commit(conn)
    });
    match committed {
        Ok(()) => {
            stats.writer_batch_size.observe(batch.len() as f64);
            for action in batch {
                action.answer();
            }
        }
        Err(error) => {
            tracing::error!(
                %error,
                actions = batch.len(),
                "a write batch did not commit; none of its actions was stored"
            );
            refuse_all(batch, DbError::Query(error));
        }
    }
}

/// Answers every caller of `batch` that nothing of its action was stored.
pub fn refuse_all(batch: Vec<Box<dyn Action>>, cause: DbError) {
    let cause = Arc::new(cause);
    for action in batch {
        action.refuse(DbError::NotCommitted(cause.clone()));
    }
}

/// Runs one action in a savepoint of its own, rolled back if the action
/// fails, so that it leaves nothing while the rest of the batch stands.
///
/// An error here means the savepoint itself could not be set, released or
/// rolled back: SQLite may have ended the whole transaction (a full disk,
/// an I/O error), so the batch stops and is rolled back as a whole rather
/// than let later actions commit one by one outside it.
fn in_savepoint(conn: &mut SqliteConnection, action: &mut dyn Action) -> diesel::QueryResult<()> {
    conn.batch_execute("SAVEPOINT user_action")?;
    if action.run(conn) {
        conn.batch_execute("RELEASE user_action")
    } else {
        conn.batch_execute("ROLLBACK TO user_action; RELEASE user_action")
    }
}
