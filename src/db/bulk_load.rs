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
use rusqlite::{Connection, Statement};

use crate::db::models::billing_items::NewBillingItemRow;
use crate::db::models::cases::{CaseRows, NewCaseRow};
use crate::db::models::save_tasks::NewSaveTaskRow;
use crate::db::models::service_levels::{alarms_of, skipped_if_due};
use crate::domain::{CaseId, DueTrack, EventKind, StaffId};

/// Rows per multi-row INSERT.
const ROWS_PER_INSERT: usize = 256;

/// One case of a load, under the id it is written with, its rows as they
/// end up (the demo data writes old cases already moved on).
pub struct LoadedCase {
    pub id: CaseId,
    pub rows: CaseRows,
}

/// A row the loader writes: its table, its columns, and how it binds
/// their values.
trait LoadRow {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    /// Binds the row's values, in the order of `COLUMNS`, from parameter
    /// `first` on.
    fn bind(&self, statement: &mut Statement<'_>, first: usize) -> rusqlite::Result<()>;
}

/// Implements [`LoadRow`] from one list of `column: value` (each value an
/// expression of the row, bound through `db::sql_values`' `ToSql`).
macro_rules! load_row {
    ($row_type:ty, $table:literal, |$row:ident| { $($column:ident: $value:expr),+ $(,)? }) => {
        impl LoadRow for $row_type {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($column)),+];

            fn bind(&self, statement: &mut Statement<'_>, first: usize) -> rusqlite::Result<()> {
                let $row = self;
                let mut parameter = first;
                $(
                    statement.raw_bind_parameter(parameter, &$value)?;
                    parameter += 1;
                )+
                let _ = parameter;
                Ok(())
            }
        }
    };
}

struct CaseWithId {
    id: CaseId,
    row: NewCaseRow,
}

load_row!(CaseWithId, "cases", |c| {
    id: c.id,
    customer_name: c.row.customer_name,
    account_id: c.row.account_id,
    support_ticket: c.row.support_ticket,
    request: c.row.request,
    level_id: c.row.level_id,
    server_id: c.row.server_id,
    ar_balance_cents: c.row.ar_balance,
    refund_amount_cents: c.row.refund_amount,
    refund_reason: c.row.refund_reason,
    notes: c.row.notes,
    original_rep_id: c.row.original_rep_id,
    submitted_by: c.row.submitted_by,
    policy_version: c.row.policy_version,
    facts_snapshot: c.row.facts_snapshot,
    decision: c.row.decision,
    cancellation_status: c.row.cancellation_status,
    refund_status: c.row.refund_status,
    is_open: c.row.is_open,
    created_at: c.row.created_at,
    updated_at: c.row.updated_at,
    leave_reason_id: c.row.leave_reason_id,
    decided_route: c.row.decided_route,
});

struct EventOfCase {
    case_id: CaseId,
    at: i64,
    actor_id: Option<StaffId>,
    kind: EventKind,
    body: String,
}

load_row!(EventOfCase, "case_events", |e| {
    case_id: e.case_id,
    at: e.at,
    actor_id: e.actor_id,
    kind: e.kind,
    body: e.body,
});

struct TaskOfCase {
    case_id: CaseId,
    row: NewSaveTaskRow,
}

load_row!(TaskOfCase, "save_tasks", |t| {
    case_id: t.case_id,
    assignee_id: t.row.assignee_id,
    fell_back: t.row.fell_back,
    is_open: t.row.is_open,
    outcome: t.row.outcome,
    offer: t.row.offer,
    attempts: t.row.attempts,
    created_at: t.row.created_at,
    closed_at: t.row.closed_at,
    closed_by: t.row.closed_by,
    due_at: t.row.due_at,
});

struct ItemOfCase {
    case_id: CaseId,
    row: NewBillingItemRow,
}

load_row!(ItemOfCase, "billing_items", |i| {
    case_id: i.case_id,
    amount_cents: i.row.amount,
    review: i.row.review,
    status: i.row.status,
    payment_reference: i.row.payment_reference,
    review_notes: i.row.review_notes,
    reviewed_by: i.row.reviewed_by,
    reviewed_at: i.row.reviewed_at,
    issued_by: i.row.issued_by,
    issued_at: i.row.issued_at,
    denial_seen_at: i.row.denial_seen_at,
    created_at: i.row.created_at,
    due_at: i.row.due_at,
});

struct AlarmOfCase {
    case_id: CaseId,
    track: &'static str,
    kind: &'static str,
    due_at: i64,
    fire_at: i64,
    done_at: Option<i64>,
    outcome: Option<&'static str>,
}

load_row!(AlarmOfCase, "service_level_alarms", |a| {
    case_id: a.case_id,
    track: a.track,
    kind: a.kind,
    due_at: a.due_at,
    fire_at: a.fire_at,
    done_at: a.done_at,
    outcome: a.outcome,
});

/// Inserts `rows`, [`ROWS_PER_INSERT`] per statement (the statement of
/// that size is prepared once per table and reused).
fn insert_all<R: LoadRow>(conn: &Connection, rows: &[R]) -> rusqlite::Result<()> {
    let placeholders = format!("({})", vec!["?"; R::COLUMNS.len()].join(", "));
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            R::TABLE,
            R::COLUMNS.join(", "),
            vec![placeholders.as_str(); chunk.len()].join(", ")
        );
        let mut statement = conn.prepare_cached(&sql)?;
        for (i, row) in chunk.iter().enumerate() {
            row.bind(&mut statement, 1 + i * R::COLUMNS.len())?;
        }
        statement.raw_execute()?;
    }
    Ok(())
}

/// Cases split into the rows of each table, ready to be written (made on
/// the thread that makes the cases, so that the writing thread only
/// writes).
pub struct LoadBatch {
    cases: Vec<CaseWithId>,
    events: Vec<EventOfCase>,
    tasks: Vec<TaskOfCase>,
    items: Vec<ItemOfCase>,
    alarms: Vec<AlarmOfCase>,
}

impl LoadBatch {
    /// The rows of `loaded`: the cases, their log lines in order, save
    /// tasks, billing items and the alarms each deadline sets
    /// (`service_levels::alarms_of`), those whose time came by `now`
    /// already skipped.
    pub fn new(loaded: Vec<LoadedCase>, now: i64) -> LoadBatch {
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
        LoadBatch {
            cases,
            events,
            tasks,
            items,
            alarms,
        }
    }

    /// How many cases the batch holds.
    pub fn cases(&self) -> usize {
        self.cases.len()
    }
}

pub struct BulkLoad {
    conn: Connection,
    /// The indexes set aside: (name, SQL).
    set_aside: Vec<(String, String)>,
    search_trigger: Option<String>,
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
    /// Opens `path` (already migrated, and not open elsewhere: it leaves
    /// WAL mode while loading) for a bulk load.
    pub fn open(path: &Path) -> anyhow::Result<BulkLoad> {
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA busy_timeout = 10000;
             PRAGMA foreign_keys = OFF;
             PRAGMA ignore_check_constraints = ON;
             PRAGMA journal_mode = MEMORY;
             PRAGMA synchronous = OFF;
             PRAGMA cache_size = -262144;
             PRAGMA mmap_size = 17179869184;",
        )
        .context("preparing the loading connection")?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(BulkLoad {
            conn,
            set_aside: Vec::new(),
            search_trigger: None,
        })
    }

    pub fn case_count(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM cases", [], |row| row.get(0))
    }

    /// The id the next case is written with.
    pub fn next_case_id(&self) -> rusqlite::Result<CaseId> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) + 1 FROM cases", [], |row| {
                row.get(0).map(CaseId::new)
            })
    }

    /// Writes a batch in one transaction, table by table.
    pub fn write(&mut self, batch: &LoadBatch) -> rusqlite::Result<()> {
        let LoadBatch {
            cases,
            events,
            tasks,
            items,
            alarms,
        } = batch;
        let transaction = self.conn.transaction()?;
        insert_all(&transaction, cases)?;
        insert_all(&transaction, events)?;
        insert_all(&transaction, tasks)?;
        insert_all(&transaction, items)?;
        insert_all(&transaction, alarms)?;
        transaction.commit()
    }

    /// Drops the search trigger and the non-unique indexes of the tables the
    /// load fills (SQLite's own unique indexes have no SQL and are kept: the
    /// load relies on them), remembering their SQL for [`BulkLoad::finish`].
    pub fn set_indexes_aside(&mut self) -> anyhow::Result<()> {
        let trigger: String = self
            .conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_search_insert'",
                [],
                |row| row.get(0),
            )
            .context("the cases_search_insert trigger is missing")?;
        self.conn
            .execute_batch("DROP TRIGGER cases_search_insert;")?;
        self.search_trigger = Some(format!("{trigger};"));
        self.set_aside = self
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND sql NOT LIKE 'CREATE UNIQUE%' \
                 AND tbl_name IN ('cases', 'case_events', 'save_tasks', 'billing_items')",
            )?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &self.set_aside {
            self.conn
                .execute_batch(&format!("DROP INDEX \"{name}\";"))?;
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
            let transaction = self.conn.transaction()?;
            for (_, sql) in &self.set_aside {
                transaction.execute_batch(&format!("{sql};"))?;
            }
            transaction.execute_batch(&trigger)?;
            // FTS5 writes its in-memory index out each time it holds
            // `hashsize` bytes (1 MiB unless set): with room for the whole
            // rebuild, it writes far fewer segments to merge (5.3 s → 2.0 s
            // at a million cases).
            transaction.execute_batch(
                "INSERT INTO cases_search(cases_search, rank) VALUES('hashsize', 268435456);
                 INSERT INTO cases_search(cases_search) VALUES('rebuild');
                 INSERT INTO cases_search(cases_search, rank) VALUES('hashsize', 1048576);",
            )?;
            transaction.commit()?;
        }
        self.conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA optimize;",
        )?;
        Ok(())
    }
}
