//! The SQLite database: a pool of readers, one writer, pragmas and migrations.
//!
//! SQLite has a single writer, so writes go through a pool of exactly one
//! connection, driven by one writer thread that commits the user actions
//! waiting for it together (group commit, see [`writer`]): they queue
//! there instead of spinning on the busy handler.

pub mod backup;
pub mod bulk_load;
mod error;
pub mod models;
mod pool;
pub mod schema;
mod sql_values;
pub mod stats;
pub mod views;
mod writer;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use error::DbError;
pub use pool::{Conn, SqlitePool};
pub use stats::DbStats;
#[cfg(any(test, feature = "test-hooks"))]
pub use writer::WriterHooks;

use pool::timed_get;
use writer::{Writer, WriterConnection};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// `cache_size = -8192`: 8 MiB of page cache per connection (SQLite's
/// default is 2 MiB), so a search's trigram doclists at a million cases stay
/// in memory between requests instead of being read again each time.
/// The file is mapped only while a report reads it
/// (`views::reports::with_file_mapped`), never for every page: mapped pages
/// count in the server's RSS for as long as a connection keeps them.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -8192;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Creates the data folder (and any missing parents) readable by the
/// app's user only; a folder that already exists is left as it is.
fn create_private_folder(folder: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .with_context(|| format!("creating the data folder {}", folder.display()))
}

/// The database and its WAL files hold customer data: readable and
/// writable by the app's user only (0600).
fn keep_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = Path::new(&file);
        if file.exists() {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("making {} private", file.display()))?;
        }
    }
    Ok(())
}

/// Every clone shares the pools and the one writer thread.
#[derive(Clone)]
pub struct Db {
    readers: SqlitePool,
    writer_connection: WriterConnection,
    writer: Writer,
    stats: DbStats,
}

impl Db {
    /// Opens (creating if needed) the database file and runs pending migrations.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_folder(parent)?;
        }
        let url = path
            .to_str()
            .context("the database path is not valid UTF-8")?;
        let build = |size: u32| {
            Pool::builder()
                .max_size(size)
                .connection_timeout(Duration::from_secs(30))
                .connection_customizer(Box::new(Pragmas))
                .build(ConnectionManager::<SqliteConnection>::new(url))
                .with_context(|| format!("opening the database {}", path.display()))
        };
        let writer = build(1)?;
        {
            let mut conn = writer.get().context("connecting to the database")?;
            conn.run_pending_migrations(MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
        }
        let readers = build(4)?;
        keep_private(path)?;
        let stats = DbStats::default();
        let writer_connection = WriterConnection::new(writer);
        let writer = Writer::start(writer_connection.clone(), stats.clone())
            .context("starting the database writer thread")?;
        Ok(Db {
            readers,
            writer_connection,
            writer,
            stats,
        })
    }

    /// Runs read-only work on a reader connection, off the async workers.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut SqliteConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.readers.clone();
        let waits = self.stats.reader_pool_wait_seconds.clone();
        actix_web::web::block(move || {
            let mut conn = timed_get(&pool, &waits)?;
            work(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Blocking))?
    }

    /// Runs one user action's writes atomically: in its own savepoint of
    /// the writer's next batch, answered only once that batch has committed
    /// (durably). An `Err` from `work`, or a panic, rolls back this action
    /// alone; if the batch cannot commit, the answer is an error and
    /// nothing of the action was stored.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut SqliteConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.writer.run(work).await
    }

    /// The tests' control of the writer thread (holding a batch, failing
    /// commits).
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn writer_hooks(&self) -> &WriterHooks {
        self.writer.hooks()
    }

    /// The figures this database reports to `/metrics`.
    pub fn stats(&self) -> &DbStats {
        &self.stats
    }

    /// The writer connection for synchronous callers (CLI commands,
    /// seeding), taken ahead of the writer thread's next batch. Writes on it
    /// are not grouped: the caller opens its own transaction.
    pub fn writer_blocking(&self) -> Result<Conn, DbError> {
        self.writer_connection.for_blocking_caller()
    }

    /// A reader connection for synchronous callers.
    pub fn reader_blocking(&self) -> Result<Conn, DbError> {
        Ok(self.readers.get()?)
    }
}
