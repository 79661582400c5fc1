//! A connection for loading many rows at once (`retention-desk demo-data`).
//!
//! The load runs with the rollback journal in memory and `synchronous =
//! OFF` (WAL mode is set back at the end): every page is written once
//! instead of to the WAL and again at the checkpoint. A crash while loading
//! leaves a database to throw away, nothing else. Building an index once
//! from sorted rows is far cheaper than keeping it up to date row by row,
//! so the loader can set the bulk tables' secondary indexes and the search
//! trigger aside and rebuild them at the end.

use std::path::Path;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::schema::cases;

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
             PRAGMA foreign_keys = ON;
             PRAGMA journal_mode = MEMORY;
             PRAGMA synchronous = OFF;
             PRAGMA cache_size = -262144;",
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
                    conn.batch_execute(
                        "INSERT INTO cases_search(cases_search) VALUES('rebuild');",
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
