//! Hosting servers and their exit-survey links (SOP C2).

use diesel::prelude::*;

use crate::db::schema::servers;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = servers)]
pub struct ServerRow {
    pub id: i32,
    pub name: String,
    pub exit_survey_url: String,
    pub retired_at: Option<i64>,
}

impl ServerRow {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<ServerRow> {
        servers::table
            .find(id)
            .select(ServerRow::as_select())
            .first(conn)
    }

    /// Every server, in service first, then by name.
    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<ServerRow>> {
        servers::table
            .order((servers::retired_at.is_not_null(), servers::name))
            .select(ServerRow::as_select())
            .load(conn)
    }

    /// The servers the intake form offers: those not retired, by name.
    pub fn in_service(conn: &mut SqliteConnection) -> QueryResult<Vec<ServerRow>> {
        servers::table
            .filter(servers::retired_at.is_null())
            .order(servers::name)
            .select(ServerRow::as_select())
            .load(conn)
    }

    /// Another server (not `except`) already called `name`, ignoring case.
    pub fn name_taken(
        conn: &mut SqliteConnection,
        name: &str,
        except: Option<i32>,
    ) -> QueryResult<bool> {
        let id: Option<i32> = servers::table
            .filter(servers::name.eq(name))
            .select(servers::id)
            .first(conn)
            .optional()?;
        Ok(id.is_some_and(|id| Some(id) != except))
    }

    pub fn insert(conn: &mut SqliteConnection, name: &str, url: &str) -> QueryResult<i32> {
        diesel::insert_into(servers::table)
            .values((servers::name.eq(name), servers::exit_survey_url.eq(url)))
            .returning(servers::id)
            .get_result(conn)
    }

    pub fn update(
        conn: &mut SqliteConnection,
        id: i32,
        name: &str,
        url: &str,
    ) -> QueryResult<usize> {
        diesel::update(servers::table.find(id))
            .set((servers::name.eq(name), servers::exit_survey_url.eq(url)))
            .execute(conn)
    }

    /// Retires a server still in service; 0 when it was already retired.
    pub fn retire(conn: &mut SqliteConnection, id: i32, at: i64) -> QueryResult<usize> {
        diesel::update(
            servers::table
                .find(id)
                .filter(servers::retired_at.is_null()),
        )
        .set(servers::retired_at.eq(at))
        .execute(conn)
    }
}
