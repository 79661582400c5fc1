//! Reference data the procedure depends on: customer levels, servers, policy versions.

use diesel::prelude::*;

use crate::db::schema::{customer_levels, policy_versions, servers};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = customer_levels)]
pub struct LevelRow {
    pub id: i32,
    pub name: String,
    pub rank: i32,
    pub route: String,
    pub retired_at: Option<i64>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = servers)]
pub struct ServerRow {
    pub id: i32,
    pub name: String,
    pub exit_survey_url: String,
    pub retired_at: Option<i64>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = policy_versions)]
pub struct PolicyRow {
    pub version: i32,
    pub ar_limit_cents: i64,
    pub refund_review_limit_cents: i64,
    pub created_by: Option<i32>,
    pub created_at: i64,
}

impl LevelRow {
    /// Levels offered on the intake form, lowest rank first.
    pub fn active_by_rank(conn: &mut SqliteConnection) -> QueryResult<Vec<LevelRow>> {
        customer_levels::table
            .filter(customer_levels::retired_at.is_null())
            .order((customer_levels::rank.asc(), customer_levels::name.asc()))
            .select(LevelRow::as_select())
            .load(conn)
    }

    pub fn find_active(conn: &mut SqliteConnection, id: i32) -> QueryResult<Option<LevelRow>> {
        customer_levels::table
            .find(id)
            .filter(customer_levels::retired_at.is_null())
            .select(LevelRow::as_select())
            .first(conn)
            .optional()
    }
}

impl ServerRow {
    pub fn active_by_name(conn: &mut SqliteConnection) -> QueryResult<Vec<ServerRow>> {
        servers::table
            .filter(servers::retired_at.is_null())
            .order(servers::name.asc())
            .select(ServerRow::as_select())
            .load(conn)
    }

    pub fn find_active(conn: &mut SqliteConnection, id: i32) -> QueryResult<Option<ServerRow>> {
        servers::table
            .find(id)
            .filter(servers::retired_at.is_null())
            .select(ServerRow::as_select())
            .first(conn)
            .optional()
    }
}

impl PolicyRow {
    /// The policy in force: the newest version.
    pub fn current(conn: &mut SqliteConnection) -> QueryResult<PolicyRow> {
        policy_versions::table
            .order(policy_versions::version.desc())
            .select(PolicyRow::as_select())
            .first(conn)
    }

    pub fn find(conn: &mut SqliteConnection, version: i32) -> QueryResult<PolicyRow> {
        policy_versions::table
            .find(version)
            .select(PolicyRow::as_select())
            .first(conn)
    }
}
