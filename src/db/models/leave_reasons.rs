//! Reasons for leaving (SPEC §8): offered on the intake form in their
//! order, retired but never renamed.

use diesel::prelude::*;

use crate::domain::ReasonId;

use crate::db::schema::leave_reasons;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = leave_reasons)]
pub struct ReasonRow {
    pub id: ReasonId,
    pub name: String,
    pub position: i32,
    pub retired_at: Option<i64>,
}

impl ReasonRow {
    /// The reasons offered on the intake form, in their order.
    pub fn active_by_position(conn: &mut SqliteConnection) -> QueryResult<Vec<ReasonRow>> {
        leave_reasons::table
            .filter(leave_reasons::retired_at.is_null())
            .order((leave_reasons::position.asc(), leave_reasons::id.asc()))
            .select(ReasonRow::as_select())
            .load(conn)
    }

    pub fn find_active(
        conn: &mut SqliteConnection,
        id: ReasonId,
    ) -> QueryResult<Option<ReasonRow>> {
        leave_reasons::table
            .find(id)
            .filter(leave_reasons::retired_at.is_null())
            .select(ReasonRow::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn find(conn: &mut SqliteConnection, id: ReasonId) -> QueryResult<ReasonRow> {
        leave_reasons::table
            .find(id)
            .select(ReasonRow::as_select())
            .get_result(conn)
    }

    /// Every reason, in use first, each group in its order.
    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<ReasonRow>> {
        leave_reasons::table
            .order((
                leave_reasons::retired_at.is_not_null(),
                leave_reasons::position,
                leave_reasons::id,
            ))
            .select(ReasonRow::as_select())
            .load(conn)
    }

    pub fn name_taken(conn: &mut SqliteConnection, name: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            leave_reasons::table.filter(leave_reasons::name.eq(name)),
        ))
        .get_result(conn)
    }

    pub fn insert(conn: &mut SqliteConnection, name: &str, position: i32) -> QueryResult<ReasonId> {
        diesel::insert_into(leave_reasons::table)
            .values((
                leave_reasons::name.eq(name),
                leave_reasons::position.eq(position),
            ))
            .returning(leave_reasons::id)
            .get_result(conn)
    }

    pub fn set_position(
        conn: &mut SqliteConnection,
        id: ReasonId,
        position: i32,
    ) -> QueryResult<usize> {
        diesel::update(leave_reasons::table.find(id))
            .set(leave_reasons::position.eq(position))
            .execute(conn)
    }

    /// Retires a reason in use; 0 when it was already retired.
    pub fn retire(conn: &mut SqliteConnection, id: ReasonId, at: i64) -> QueryResult<usize> {
        diesel::update(
            leave_reasons::table
                .find(id)
                .filter(leave_reasons::retired_at.is_null()),
        )
        .set(leave_reasons::retired_at.eq(at))
        .execute(conn)
    }
}
