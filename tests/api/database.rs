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

/// What one connection saw: every statement run, and every statement
/// prepared into its cache (each SQL text once, the first time).
#[derive(Default)]
struct Statements {
    run: Vec<String>,
    cached: std::collections::HashSet<String>,
}

#[tokio::test]
async fn the_hot_reads_are_prepared_once_and_then_reused() {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;
    use retention_desk::db::models::case_events::newest_for_case;
    use retention_desk::db::models::sessions;
    use retention_desk::db::models::staff::StaffRow;
    use retention_desk::db::views::case_list::{CaseListQuery, page};
    use retention_desk::db::views::queues::{QueueFilter, billing_queue, open_tasks};
    use retention_desk::domain::{CaseId, CaseState, Role, StaffId};
    use retention_desk::services::Actor;
    use retention_desk::services::cases::view::load_case_in;
    use retention_desk::services::cases::waiting_list::page_in;

    let app = crate::helpers::spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = crate::helpers::NewCase::new()
        .level(crate::helpers::Level::Smb)
        .refund("2500", "Charged twice")
        .submit_for_id(&alex)
        .await;
    let agent = Actor {
        id: StaffId::new(app.staff_id("alex")),
        role: Role::Agent,
    };
    let seen = Arc::new(Mutex::new(Statements::default()));
    let record = seen.clone();
    // A connection of its own, so its statement cache starts empty.
    let mut conn = SqliteConnection::establish(app.settings.database.to_str().unwrap()).unwrap();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        let mut seen = record.lock().unwrap();
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                let text = query.to_string();
                let sql = text.split(" -- binds: ").next().unwrap_or_default();
                seen.run.push(sql.to_owned());
            }
            InstrumentationEvent::CacheQuery { sql, .. } => {
                seen.cached.insert(sql.to_owned());
            }
            _ => {}
        }
    });
    let open = CaseListQuery {
        state: Some(CaseState::Open),
        ..CaseListQuery::default()
    };
    for _ in 0..2 {
        let case = CaseId::new(case);
        load_case_in(&mut conn, case).unwrap();
        newest_for_case(&mut conn, case, None, 51).unwrap();
        newest_for_case(&mut conn, case, Some(1_000), 51).unwrap();
        page(&mut conn, &CaseListQuery::default(), 50).unwrap();
        page(&mut conn, &open, 50).unwrap();
        open_tasks(&mut conn, None, QueueFilter::default()).unwrap();
        billing_queue(&mut conn, QueueFilter::default()).unwrap();
        sessions::find(&mut conn, "no such session").unwrap();
        StaffRow::find_optional(&mut conn, agent.id).unwrap();
        page_in(&mut conn, agent, None, 20).unwrap();
    }
    let seen = seen.lock().unwrap();
    let prepared_each_time: std::collections::BTreeSet<&String> = seen
        .run
        .iter()
        .filter(|sql| !seen.cached.contains(*sql))
        .collect();
    assert!(
        prepared_each_time.is_empty(),
        "prepared again on every call: {prepared_each_time:#?}"
    );
    assert!(seen.run.len() > 20, "the reads ran: {}", seen.run.len());
}

#[tokio::test]
async fn the_case_page_and_the_signed_in_lookups_bind_no_limit() {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;
    use retention_desk::db::models::case_events::newest_for_case;
    use retention_desk::db::models::sessions;
    use retention_desk::db::models::staff::StaffRow;
    use retention_desk::domain::{CaseId, StaffId};
    use retention_desk::services::cases::view::load_case_in;

    use crate::helpers::{Level, NewCase, Rep};

    let app = crate::helpers::spawn_app().await;
    let alex = app.signed_in("alex").await;
    // A save call, a refund under review and its Slack heads-up: every
    // lookup of the case page has a row to find.
    let case = NewCase::new()
        .level(Level::Professional)
        .ar("1500")
        .rep(Rep::Riley)
        .cancel_and_refund("2500", "Charged twice")
        .submit_for_id(&alex)
        .await;
    let run = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = run.clone();
    let mut conn = SqliteConnection::establish(app.settings.database.to_str().unwrap()).unwrap();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            record.lock().unwrap().push(query.to_string());
        }
    });
    let view = load_case_in(&mut conn, CaseId::new(case)).unwrap();
    assert!(view.save_task.is_some() && view.billing.is_some() && view.slack.is_some());
    let log = newest_for_case(&mut conn, CaseId::new(case), None, 51).unwrap();
    assert!(!log.is_empty());
    sessions::find(&mut conn, "no such session").unwrap();
    StaffRow::find_optional(&mut conn, StaffId::new(app.staff_id("alex"))).unwrap();
    let run = run.lock().unwrap();
    let limited: Vec<&String> = run.iter().filter(|sql| sql.contains("LIMIT")).collect();
    assert!(
        limited.is_empty(),
        "SQLite prepares a statement with a bound LIMIT again on every run: {limited:#?}"
    );
    assert!(run.len() >= 8, "the lookups ran: {run:#?}");
}
