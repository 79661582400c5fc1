//! The health check's query.

use diesel::prelude::*;

pub fn ping(conn: &mut SqliteConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(drop)
}
