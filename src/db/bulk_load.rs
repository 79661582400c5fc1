//! A connection for loading many rows at once (`retention-desk demo-data`).
//!
//! The load runs with the rollback journal in memory and `synchronous =
//! OFF` (WAL mode is set back at the end): every page is written once
//! instead of to the WAL and again at the checkpoint. A crash while loading
//! leaves a database to throw away, nothing else. Building an index once
//! from sorted rows is far cheaper than keeping it up to date row by row,
//! so the loader can set the bulk tables' secondary indexes and the search
//! trigger aside and rebuild them at the end.
//!
//! The loader writes typed rows only, so it does not check each one
//! against the schema as it goes: no foreign-key lookups (a B-tree seek
//! per reference) and no `CHECK` constraints (SQLite builds a lookup
//! table for each `CHECK (… IN (…))` of each row). The demo-data test runs
//! `PRAGMA integrity_check` and `PRAGMA foreign_key_check` on a load.

use std::path::Path;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::models::billing_items::NewBillingItemRow;
use crate::db::models::cases::{CaseRows, NewCaseRow};
use crate::db::models::save_tasks::NewSaveTaskRow;
use crate::db::models::service_levels::{alarms_of, skipped_if_due};
use crate::db::schema::{billing_items, case_events, cases, save_tasks, service_level_alarms};
use crate::domain::{CaseId, DueTrack, EventKind, StaffId};

/// Rows per multi-row INSERT.
const ROWS_PER_INSERT: usize = 256;

/// One case of a load, under the id it is written with, its rows as they
/// end up (the demo data writes old cases already moved on).
pub struct LoadedCase {
    pub id: CaseId,
    pub rows: CaseRows,
}

#[derive(Insertable)]
#[diesel(table_name = cases)]
struct CaseWithId {
    id: CaseId,
    #[diesel(embed)]
    row: NewCaseRow,
}

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventOfCase {
    case_id: CaseId,
    at: i64,
    actor_id: Option<StaffId>,
    kind: EventKind,
    body: String,
}

#[derive(Insertable)]
#[diesel(table_name = save_tasks)]
struct TaskOfCase {
    case_id: CaseId,
    #[diesel(embed)]
    row: NewSaveTaskRow,
}

#[derive(Insertable)]
#[diesel(table_name = billing_items)]
struct ItemOfCase {
    case_id: CaseId,
    #[diesel(embed)]
    row: NewBillingItemRow,
}

#[derive(Insertable)]
#[diesel(table_name = service_level_alarms, treat_none_as_default_value = false)]
struct AlarmOfCase {
    case_id: CaseId,
    track: &'static str,
    kind: &'static str,
    due_at: i64,
    fire_at: i64,
    done_at: Option<i64>,
    outcome: Option<&'static str>,
}

/// Inserts `rows` into `table`: [`ROWS_PER_INSERT`] rows per statement,
/// then what is left 16 and 1 at a time (each size of statement is
/// prepared once).
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut chunks = $rows.chunks_exact(ROWS_PER_INSERT);
        for chunk in &mut chunks {
            let chunk: &[_; ROWS_PER_INSERT] = chunk.try_into().expect("a whole chunk");
            diesel::insert_into($table).values(chunk).execute($conn)?;
        }
        let mut sixteens = chunks.remainder().chunks_exact(16);
        for chunk in &mut sixteens {
            let chunk: &[_; 16] = chunk.try_into().expect("a whole chunk");
            diesel::insert_into($table).values(chunk).execute($conn)?;
        }
        for row in sixteens.remainder() {
            diesel::insert_into($table).values(row).execute($conn)?;
        }
    }};
}

pub struct BulkLoad {
    pub conn: SqliteConnection,
    set_aside: Vec<IndexSql>,
    search_trigger: Option<String>,
}

#[derive(QueryableByName)]
struct IndexSql {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql: String,
}

/// Makes SQLite skip the bookkeeping a process that only loads does not
/// need: no memory statistics (a global lock around every allocation) and
/// no lock around each call on a connection (diesel never shares one
/// between threads). Only for a process of its own (`retention-desk
/// demo-data`): it must run before the first connection is opened, and
/// does nothing after (SQLite refuses then, which changes nothing but the
/// speed).
pub fn tune_process_for_loading() {
    // SAFETY: sqlite3_config with these options takes plain integers and,
    // before SQLite is initialised, only sets global options; after, it
    // returns SQLITE_MISUSE and changes nothing.
    unsafe {
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD);
        libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

impl BulkLoad {
    /// Opens `path` (already migrated) for a bulk load.
    pub fn open(path: &Path) -> anyhow::Result<BulkLoad> {
        let url = path
            .to_str()
            .context("the database path is not valid UTF-8")?;
        let mut conn = SqliteConnection::establish(url)
            .with_context(|| format!("opening {}", path.display()))?;
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000;
             PRAGMA foreign_keys = OFF;
             PRAGMA ignore_check_constraints = ON;
             PRAGMA journal_mode = MEMORY;
             PRAGMA synchronous = OFF;
             PRAGMA cache_size = -262144;
             PRAGMA mmap_size = 17179869184;",
        )
        .context("preparing the loading connection")?;
        Ok(BulkLoad {
            conn,
            set_aside: Vec::new(),
            search_trigger: None,
        })
    }

    pub fn case_count(&mut self) -> QueryResult<i64> {
        cases::table.count().get_result(&mut self.conn)
    }

    /// The id the next case is written with.
    pub fn next_case_id(&mut self) -> QueryResult<CaseId> {
        let last: Option<CaseId> = cases::table
            .select(diesel::dsl::max(cases::id))
            .get_result(&mut self.conn)?;
        Ok(CaseId::new(last.map_or(1, |id| id.get() + 1)))
    }

    /// Writes `loaded` in one transaction, table by table: the cases, their
    /// log lines in order, save tasks, billing items and the alarms each
    /// deadline sets (`service_levels::alarms_of`), those whose time came
    /// by `now` already skipped.
    pub fn write(&mut self, loaded: Vec<LoadedCase>, now: i64) -> QueryResult<()> {
        let mut cases = Vec::with_capacity(loaded.len());
        let mut events = Vec::with_capacity(loaded.len() * 4);
        let (mut tasks, mut items, mut alarms) = (Vec::new(), Vec::new(), Vec::new());
        for LoadedCase { id, rows } in loaded {
            cases.push(CaseWithId { id, row: rows.case });
            events.extend(rows.log.into_iter().map(|entry| EventOfCase {
                case_id: id,
                at: entry.at,
                actor_id: entry.actor_id,
                kind: entry.line.kind,
                body: entry.line.body,
            }));
            let tracks = [
                rows.save_task.map(|(row, due)| {
                    tasks.push(TaskOfCase { case_id: id, row });
                    (DueTrack::SaveCall, due)
                }),
                rows.billing_item.map(|(row, due)| {
                    items.push(ItemOfCase { case_id: id, row });
                    (DueTrack::Refund, due)
                }),
            ];
            for (track, due) in tracks.into_iter().flatten() {
                alarms.extend(alarms_of(due).map(|(kind, fire_at)| {
                    let (done_at, outcome) = skipped_if_due(fire_at, now);
                    AlarmOfCase {
                        case_id: id,
                        track: track.as_str(),
                        kind: kind.as_str(),
                        due_at: due.due_at,
                        fire_at,
                        done_at,
                        outcome,
                    }
                }));
            }
        }
        self.conn.immediate_transaction(|conn| {
            insert_all!(conn, cases::table, cases);
            insert_all!(conn, case_events::table, events);
            insert_all!(conn, save_tasks::table, tasks);
            insert_all!(conn, billing_items::table, items);
            insert_all!(conn, service_level_alarms::table, alarms);
            Ok(())
        })
    }

    /// Drops the search trigger and the non-unique indexes of the tables the
    /// load fills (SQLite's own unique indexes have no SQL and are kept: the
    /// load relies on them), remembering their SQL for [`BulkLoad::finish`].
    pub fn set_indexes_aside(&mut self) -> anyhow::Result<()> {
        #[derive(QueryableByName)]
        struct Sql {
            #[diesel(sql_type = diesel::sql_types::Text)]
            sql: String,
        }
        let trigger: Sql = diesel::sql_query(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_search_insert'",
        )
        .get_result(&mut self.conn)
        .optional()?
        .context("the cases_search_insert trigger is missing")?;
        self.conn
            .batch_execute("DROP TRIGGER cases_search_insert;")?;
        self.search_trigger = Some(format!("{};", trigger.sql));
        self.set_aside = diesel::sql_query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND sql NOT LIKE 'CREATE UNIQUE%' \
             AND tbl_name IN ('cases', 'case_events', 'save_tasks', 'billing_items')",
        )
        .load(&mut self.conn)?;

        for index in &self.set_aside {
            self.conn
                .batch_execute(&format!("DROP INDEX \"{}\";", index.name))?;
        }
        Ok(())
    }

    /// Whether [`BulkLoad::finish`] has indexes to rebuild.
    pub fn has_indexes_aside(&self) -> bool {
        self.search_trigger.is_some()
    }

    /// Rebuilds what was set aside (indexes, the search trigger and the
    /// search index), then puts the database back in WAL mode with full
    /// durability.
    pub fn finish(mut self) -> anyhow::Result<()> {
        if let Some(trigger) = self.search_trigger.take() {
            let set_aside = std::mem::take(&mut self.set_aside);
            self.conn
                .immediate_transaction(|conn| -> anyhow::Result<()> {
                    for index in &set_aside {
                        conn.batch_execute(&format!("{};", index.sql))?;
                    }
                    conn.batch_execute(&trigger)?;
                    // FTS5 writes its in-memory index out each time it
                    // holds `hashsize` bytes (1 MiB unless set): with room
                    // for the whole rebuild, it writes far fewer segments
                    // to merge (5.3 s → 2.0 s at a million cases).
                    conn.batch_execute(
                        "INSERT INTO cases_search(cases_search, rank) VALUES('hashsize', 268435456);
                         INSERT INTO cases_search(cases_search) VALUES('rebuild');
                         INSERT INTO cases_search(cases_search, rank) VALUES('hashsize', 1048576);",
                    )?;
                    Ok(())
                })?;
        }
        self.conn.batch_execute(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA optimize;",
        )?;
        Ok(())
    }
}
