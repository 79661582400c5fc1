//! The writer's batches, on a real database file: each action in its own
//! savepoint, one commit, answers only after it.

use std::sync::mpsc;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use tokio::sync::oneshot::error::TryRecvError;

use crate::db::{Db, DbError};

/// A database with one table of numbers to write into.
fn probe_db() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = Db::open(&dir.path().join("probe.sqlite3")).expect("the database opens");
    db.writer_blocking()
        .expect("the writer connection")
        .batch_execute("CREATE TABLE probe (x BIGINT NOT NULL)")
        .expect("the probe table");
    (db, dir)
}

fn insert(conn: &mut SqliteConnection, x: i64) -> anyhow::Result<()> {
    diesel::sql_query("INSERT INTO probe (x) VALUES (?)")
        .bind::<BigInt, _>(x)
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Probe {
    #[diesel(sql_type = BigInt)]
    x: i64,
}

/// What a reader sees committed, in order.
fn stored(db: &Db) -> Vec<i64> {
    let mut conn = db.reader_blocking().expect("a reader");
    diesel::sql_query("SELECT x FROM probe ORDER BY x")
        .load::<Probe>(&mut conn)
        .expect("the probe rows")
        .into_iter()
        .map(|p| p.x)
        .collect()
}

fn db_error(error: &anyhow::Error) -> &DbError {
    error.downcast_ref::<DbError>().expect("a database error")
}

#[test]
fn answers_come_only_after_the_batch_commits() {
    let (db, _dir) = probe_db();
    db.writer_hooks().hold_next_batch_until(2);
    let mut first = db.writer.hand_over(|conn| insert(conn, 1));
    assert_eq!(
        db.stats.writer_queue_depth.get(),
        1,
        "the held action has not started"
    );
    let (started, has_started) = mpsc::channel();
    let (go_on, may_go_on) = mpsc::channel::<()>();
    let mut second = db.writer.hand_over(move |conn| -> anyhow::Result<()> {
        insert(conn, 2)?;
        started.send(()).expect("the test waits");
        may_go_on.recv().expect("the test lets it go on");
        Ok(())
    });
    has_started.recv().expect("the second action runs");

    // The first action is done, but its batch has not committed yet.
    assert!(matches!(first.try_recv(), Err(TryRecvError::Empty)));
    assert!(matches!(second.try_recv(), Err(TryRecvError::Empty)));
    assert_eq!(stored(&db), Vec::<i64>::new(), "nothing committed yet");

    go_on.send(()).expect("the action waits");
    first.blocking_recv().expect("an answer").expect("stored");
    assert_eq!(stored(&db), [1, 2], "answered once both are committed");
    second.blocking_recv().expect("an answer").expect("stored");
    assert_eq!(db.stats.writer_queue_depth.get(), 0);
    assert_eq!(db.stats.writer_batch_size.count(), 1, "one commit");
    assert_eq!(db.stats.writer_batch_size.sum(), 2.0, "of both actions");
}

#[test]
fn a_failing_or_panicking_action_rolls_back_alone() {
    let (db, _dir) = probe_db();
    db.writer_hooks().hold_next_batch_until(4);
    let first = db.writer.hand_over(|conn| insert(conn, 1));
    let refused = db.writer.hand_over(|conn| -> anyhow::Result<()> {
        insert(conn, 2)?;
        anyhow::bail!("refused after writing")
    });
    let panicked = db.writer.hand_over(|conn| -> anyhow::Result<()> {
        insert(conn, 3)?;
        panic!("a bug after writing")
    });
    let last = db.writer.hand_over(|conn| insert(conn, 4));

    first.blocking_recv().expect("an answer").expect("stored");
    let refusal = refused.blocking_recv().expect("an answer").unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "refused after writing",
        "its own error"
    );
    let panic = panicked.blocking_recv().expect("an answer").unwrap_err();
    assert!(matches!(db_error(&panic), DbError::Panicked), "{panic:?}");
    last.blocking_recv().expect("an answer").expect("stored");

    assert_eq!(stored(&db), [1, 4], "the failed actions left nothing");
    assert_eq!(db.stats.writer_batch_size.count(), 1, "one commit");
    assert_eq!(db.stats.writer_batch_size.sum(), 4.0, "of all four");
}

#[test]
fn a_failed_commit_acknowledges_no_action_of_its_batch() {
    let (db, _dir) = probe_db();
    db.writer_hooks().set_commits_fail(true);
    db.writer_hooks().hold_next_batch_until(2);
    let first = db.writer.hand_over(|conn| insert(conn, 1));
    let second = db.writer.hand_over(|conn| insert(conn, 2));
    for answer in [first, second] {
        let error = answer.blocking_recv().expect("an answer").unwrap_err();
        assert!(
            matches!(db_error(&error), DbError::NotCommitted(_)),
            "{error:?}"
        );
    }
    assert_eq!(stored(&db), Vec::<i64>::new(), "nothing stored");
    assert_eq!(db.stats.writer_batch_size.count(), 0, "no commit");

    db.writer_hooks().set_commits_fail(false);
    let after = db.writer.hand_over(|conn| insert(conn, 3));
    after.blocking_recv().expect("an answer").expect("stored");
    assert_eq!(stored(&db), [3], "the writer goes on");
}

#[test]
fn transactions_nested_in_an_action_are_savepoints_inside_its_own() {
    let (db, _dir) = probe_db();
    let action = db.writer.hand_over(|conn| -> anyhow::Result<()> {
        conn.transaction(|conn| insert(conn, 1))?;
        let inner = conn.transaction(|conn| -> anyhow::Result<()> {
            insert(conn, 2)?;
            anyhow::bail!("the inner part is refused")
        });
        assert!(inner.is_err());
        Ok(())
    });
    action.blocking_recv().expect("an answer").expect("stored");
    assert_eq!(stored(&db), [1]);
}

#[test]
fn a_blocking_caller_gets_the_connection_while_a_batch_is_held() {
    let (db, _dir) = probe_db();
    db.writer_hooks().hold_next_batch_until(2);
    let first = db.writer.hand_over(|conn| insert(conn, 1));
    {
        let mut conn = db.writer_blocking().expect("not kept by the held writer");
        conn.immediate_transaction(|conn| insert(conn, 9))
            .expect("a write of its own");
    }
    let second = db.writer.hand_over(|conn| insert(conn, 2));
    first.blocking_recv().expect("an answer").expect("stored");
    second.blocking_recv().expect("an answer").expect("stored");
    assert_eq!(stored(&db), [1, 2, 9]);
}

#[test]
fn clones_share_the_writer_and_the_last_one_dropped_closes_the_file() {
    let (db, dir) = probe_db();
    let clone = db.clone();
    drop(db);
    let answer = clone.writer.hand_over(|conn| insert(conn, 1));
    answer.blocking_recv().expect("an answer").expect("stored");
    drop(clone);
    // Leaving WAL needs every other connection to the file closed.
    let path = dir.path().join("probe.sqlite3");
    let mut alone =
        SqliteConnection::establish(path.to_str().expect("a UTF-8 path")).expect("the file opens");
    alone
        .batch_execute("PRAGMA journal_mode = DELETE")
        .expect("no connection of the dropped database is left");
}
