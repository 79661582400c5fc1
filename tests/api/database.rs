//! What SQLite itself reports about the app's connections.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct Text1 {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct Synchronous {
    #[diesel(sql_type = BigInt)]
    synchronous: i64,
}

#[derive(QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = BigInt)]
    foreign_keys: i64,
}

fn assert_durable(conn: &mut SqliteConnection) {
    let mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result::<Text1>(conn)
        .unwrap();
    assert_eq!(mode.journal_mode, "wal");
    let sync = diesel::sql_query("PRAGMA synchronous")
        .get_result::<Synchronous>(conn)
        .unwrap();
    assert_eq!(sync.synchronous, 2, "synchronous=FULL");
    let fk = diesel::sql_query("PRAGMA foreign_keys")
        .get_result::<ForeignKeys>(conn)
        .unwrap();
    assert_eq!(fk.foreign_keys, 1);
}

#[tokio::test]
async fn every_pooled_connection_is_wal_full_sync_with_foreign_keys() {
    let app = crate::helpers::spawn_app().await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        // Hold every reader at once so each pooled connection is asked.
        let mut readers: Vec<_> = (0..4).map(|_| db.reader_blocking().unwrap()).collect();
        for conn in &mut readers {
            assert_durable(conn);
        }
        assert_durable(&mut db.writer_blocking().unwrap());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn health_says_ok_when_the_database_answers() {
    let app = crate::helpers::spawn_app().await;
    let response = app.browser().get("/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}
