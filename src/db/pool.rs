//! Connection pools of the database file, and the wait for a connection.

use std::time::Instant;

use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use prometheus_client::metrics::histogram::Histogram;

use crate::db::error::DbError;

pub type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;
pub type Conn = PooledConnection<ConnectionManager<SqliteConnection>>;

/// Takes a connection from `pool`, recording how long that took.
pub fn timed_get(pool: &SqlitePool, waits: &Histogram) -> Result<Conn, DbError> {
    let started = Instant::now();
    let conn = pool.get();
    waits.observe(started.elapsed().as_secs_f64());
    Ok(conn?)
}
