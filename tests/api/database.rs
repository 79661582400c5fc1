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

/// The tables, indexes, triggers and views a schema listing names, leaving
/// out Diesel's own bookkeeping of which migrations ran.
fn objects(schema: &[(String, String, Option<String>)]) -> Vec<&(String, String, Option<String>)> {
    schema
        .iter()
        .filter(|(_, name, _)| !name.contains("__diesel_schema_migrations"))
        .collect()
}

#[tokio::test]
async fn every_migration_reverts_and_applies_again() {
    use diesel::migration::MigrationSource;
    use diesel_migrations::MigrationHarness;
    use retention_desk::db::MIGRATIONS;

    // A fresh database file, migrated and demo-seeded by the app at start,
    // so the down migrations also run over tables that hold rows.
    let app = crate::helpers::spawn_app().await;
    app.stop().await;
    let migrated = app.schema();
    let tables = |schema: &[(String, String, Option<String>)]| -> Vec<String> {
        objects(schema)
            .into_iter()
            .filter(|(kind, ..)| kind == "table")
            .map(|(_, name, _)| name.clone())
            .collect()
    };
    for table in [
        "staff",
        "sessions",
        "cases",
        "case_events",
        "outbox_messages",
    ] {
        assert!(
            tables(&migrated).iter().any(|t| t == table),
            "{table} in {:?}",
            tables(&migrated)
        );
    }
    let all = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)
        .expect("the embedded migrations")
        .len();

    let reverted = app
        .db(|conn| {
            conn.revert_all_migrations(MIGRATIONS)
                .map(|done| done.len())
        })
        .expect("every down.sql runs");
    assert_eq!(reverted, all, "every migration was reverted");
    let left = app.schema();
    assert!(
        objects(&left).is_empty(),
        "the down migrations leave nothing behind: {:?}",
        objects(&left)
    );

    // Up one at a time, then down one at a time: each down.sql leaves the
    // schema as it was before its up.sql.
    let mut before_each = Vec::new();
    for _ in 0..all {
        before_each.push(app.schema());
        app.db(|conn| conn.run_next_migration(MIGRATIONS).map(|_| ()))
            .expect("the next up.sql runs");
    }
    assert_eq!(
        app.schema(),
        migrated,
        "applied one by one, the same schema"
    );
    while let Some(expected) = before_each.pop() {
        let version = app
            .db(|conn| {
                conn.revert_last_migration(MIGRATIONS)
                    .map(|version| version.to_string())
            })
            .expect("the last down.sql runs");
        assert_eq!(
            objects(&app.schema()),
            objects(&expected),
            "reverting {version} leaves the schema as it was before it"
        );
    }

    let applied = app
        .db(|conn| {
            conn.run_pending_migrations(MIGRATIONS)
                .map(|done| done.len())
        })
        .expect("every up.sql runs again");
    assert_eq!(applied, all, "every migration was applied again");
    let again = app.schema();
    assert_eq!(tables(&again), tables(&migrated), "every table is back");
    assert_eq!(
        objects(&again),
        objects(&migrated),
        "with the same definition, and every index and trigger"
    );
}

#[tokio::test]
async fn the_seeded_ids_the_tests_name_are_the_seeded_rows() {
    use crate::helpers::{Level, Rep, Server};
    let app = crate::helpers::spawn_app().await;
    for (level, name) in Level::SEEDED {
        assert_eq!(app.level_id(name), level.id(), "{name}");
    }
    for (server, name) in Server::SEEDED {
        assert_eq!(app.server_id(name), server.id(), "{name}");
    }
    for (rep, username) in Rep::SEEDED {
        assert_eq!(
            app.staff_id(username).to_string(),
            rep.value(),
            "{username}"
        );
    }
}
