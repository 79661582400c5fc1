//! Reference data the procedure depends on: customer levels, servers, policy versions.

use diesel::prelude::*;

use crate::domain::{CancellationRoute, LevelId, Money, ServerId, StaffId};

use crate::db::schema::{customer_levels, policy_versions, servers, staff};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = customer_levels)]
pub struct LevelRow {
    pub id: LevelId,
    pub name: String,
    pub rank: i32,
    pub route: CancellationRoute,
    pub retired_at: Option<i64>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = servers)]
pub struct ServerRow {
    pub id: ServerId,
    pub name: String,
    pub exit_survey_url: String,
    pub retired_at: Option<i64>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = policy_versions)]
pub struct PolicyRow {
    pub version: i32,
    #[diesel(column_name = ar_limit_cents)]
    pub ar_limit: Money,
    #[diesel(column_name = refund_review_limit_cents)]
    pub refund_review_limit: Money,
    pub created_by: Option<StaffId>,
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

    pub fn find_active(conn: &mut SqliteConnection, id: LevelId) -> QueryResult<Option<LevelRow>> {
        customer_levels::table
            .find(id)
            .filter(customer_levels::retired_at.is_null())
            .select(LevelRow::as_select())
            .get_result(conn)
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

    pub fn find_active(
        conn: &mut SqliteConnection,
        id: ServerId,
    ) -> QueryResult<Option<ServerRow>> {
        servers::table
            .find(id)
            .filter(servers::retired_at.is_null())
            .select(ServerRow::as_select())
            .get_result(conn)
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
            .get_result(conn)
    }
}

// What the admin screens need (SPEC §4 /admin/levels, /admin/servers, /admin/policy).

impl LevelRow {
    pub fn find(conn: &mut SqliteConnection, id: LevelId) -> QueryResult<LevelRow> {
        customer_levels::table
            .find(id)
            .select(LevelRow::as_select())
            .get_result(conn)
    }

    /// Every level, in use first, each group by rank.
    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<LevelRow>> {
        customer_levels::table
            .order((
                customer_levels::retired_at.is_not_null(),
                customer_levels::rank,
                customer_levels::name,
            ))
            .select(LevelRow::as_select())
            .load(conn)
    }

    pub fn name_taken(conn: &mut SqliteConnection, name: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            customer_levels::table.filter(customer_levels::name.eq(name)),
        ))
        .get_result(conn)
    }

    pub fn insert(
        conn: &mut SqliteConnection,
        name: &str,
        rank: i32,
        route: CancellationRoute,
    ) -> QueryResult<LevelId> {
        diesel::insert_into(customer_levels::table)
            .values((
                customer_levels::name.eq(name),
                customer_levels::rank.eq(rank),
                customer_levels::route.eq(route),
            ))
            .returning(customer_levels::id)
            .get_result(conn)
    }

    pub fn set_route(
        conn: &mut SqliteConnection,
        id: LevelId,
        route: CancellationRoute,
    ) -> QueryResult<usize> {
        diesel::update(customer_levels::table.find(id))
            .set(customer_levels::route.eq(route))
            .execute(conn)
    }

    /// Retires a level in use; 0 when it was already retired.
    pub fn retire(conn: &mut SqliteConnection, id: LevelId, at: i64) -> QueryResult<usize> {
        diesel::update(
            customer_levels::table
                .find(id)
                .filter(customer_levels::retired_at.is_null()),
        )
        .set(customer_levels::retired_at.eq(at))
        .execute(conn)
    }
}

impl ServerRow {
    pub fn find(conn: &mut SqliteConnection, id: ServerId) -> QueryResult<ServerRow> {
        servers::table
            .find(id)
            .select(ServerRow::as_select())
            .get_result(conn)
    }

    /// Every server, in service first, then by name.
    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<ServerRow>> {
        servers::table
            .order((servers::retired_at.is_not_null(), servers::name))
            .select(ServerRow::as_select())
            .load(conn)
    }

    /// Another server (not `except`) already called `name`, ignoring case.
    pub fn name_taken(
        conn: &mut SqliteConnection,
        name: &str,
        except: Option<ServerId>,
    ) -> QueryResult<bool> {
        let id: Option<ServerId> = servers::table
            .filter(servers::name.eq(name))
            .select(servers::id)
            .first(conn)
            .optional()?;
        Ok(id.is_some_and(|id| Some(id) != except))
    }

    pub fn insert(conn: &mut SqliteConnection, name: &str, url: &str) -> QueryResult<ServerId> {
        diesel::insert_into(servers::table)
            .values((servers::name.eq(name), servers::exit_survey_url.eq(url)))
            .returning(servers::id)
            .get_result(conn)
    }

    pub fn update(
        conn: &mut SqliteConnection,
        id: ServerId,
        name: &str,
        url: &str,
    ) -> QueryResult<usize> {
        diesel::update(servers::table.find(id))
            .set((servers::name.eq(name), servers::exit_survey_url.eq(url)))
            .execute(conn)
    }

    /// Retires a server still in service; 0 when it was already retired.
    pub fn retire(conn: &mut SqliteConnection, id: ServerId, at: i64) -> QueryResult<usize> {
        diesel::update(
            servers::table
                .find(id)
                .filter(servers::retired_at.is_null()),
        )
        .set(servers::retired_at.eq(at))
        .execute(conn)
    }
}

/// A version with the name of who saved it, for the history table.
#[derive(Queryable, Debug, Clone)]
pub struct PolicyHistoryRow {
    pub version: i32,
    pub ar_limit: Money,
    pub refund_review_limit: Money,
    pub created_at: i64,
    pub created_by_name: Option<String>,
}

impl PolicyRow {
    /// Adds the next version after the latest one; returns its number.
    pub fn insert_next(
        conn: &mut SqliteConnection,
        ar_limit: Money,
        refund_review_limit: Money,
        created_by: StaffId,
        at: i64,
    ) -> QueryResult<i32> {
        let next = PolicyRow::current(conn)?.version + 1;
        diesel::insert_into(policy_versions::table)
            .values((
                policy_versions::version.eq(next),
                policy_versions::ar_limit_cents.eq(ar_limit),
                policy_versions::refund_review_limit_cents.eq(refund_review_limit),
                policy_versions::created_by.eq(created_by),
                policy_versions::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(next)
    }

    /// Every version, newest first.
    pub fn history(conn: &mut SqliteConnection) -> QueryResult<Vec<PolicyHistoryRow>> {
        policy_versions::table
            .left_join(staff::table)
            .order(policy_versions::version.desc())
            .select((
                policy_versions::version,
                policy_versions::ar_limit_cents,
                policy_versions::refund_review_limit_cents,
                policy_versions::created_at,
                staff::full_name.nullable(),
            ))
            .load(conn)
    }
}
