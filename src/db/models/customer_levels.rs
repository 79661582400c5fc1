//! Customer levels and the cancellation route each carries (SPEC §2.1).

use diesel::prelude::*;

use crate::db::schema::customer_levels;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = customer_levels)]
pub struct LevelRow {
    pub id: i32,
    pub name: String,
    pub rank: i32,
    pub route: String,
    pub retired_at: Option<i64>,
}

impl LevelRow {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<LevelRow> {
        customer_levels::table
            .find(id)
            .select(LevelRow::as_select())
            .first(conn)
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

    /// The levels the intake form offers: not retired, by rank.
    pub fn in_use(conn: &mut SqliteConnection) -> QueryResult<Vec<LevelRow>> {
        customer_levels::table
            .filter(customer_levels::retired_at.is_null())
            .order((customer_levels::rank, customer_levels::name))
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
        route: &str,
    ) -> QueryResult<i32> {
        diesel::insert_into(customer_levels::table)
            .values((
                customer_levels::name.eq(name),
                customer_levels::rank.eq(rank),
                customer_levels::route.eq(route),
            ))
            .returning(customer_levels::id)
            .get_result(conn)
    }

    pub fn set_route(conn: &mut SqliteConnection, id: i32, route: &str) -> QueryResult<usize> {
        diesel::update(customer_levels::table.find(id))
            .set(customer_levels::route.eq(route))
            .execute(conn)
    }

    /// Retires a level in use; 0 when it was already retired.
    pub fn retire(conn: &mut SqliteConnection, id: i32, at: i64) -> QueryResult<usize> {
        diesel::update(
            customer_levels::table
                .find(id)
                .filter(customer_levels::retired_at.is_null()),
        )
        .set(customer_levels::retired_at.eq(at))
        .execute(conn)
    }
}
