//! Call-to-save tasks (SOP C2A, C3).

use diesel::prelude::*;

use crate::db::schema::save_tasks;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = save_tasks)]
pub struct SaveTaskRow {
    pub id: i32,
    pub case_id: i32,
    pub assignee_id: i32,
    pub fell_back: bool,
    pub is_open: bool,
    pub outcome: Option<String>,
    pub attempts: i32,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i32>,
}

impl SaveTaskRow {
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: i32,
        assignee_id: i32,
        fell_back: bool,
        now: i64,
    ) -> QueryResult<i32> {
        diesel::insert_into(save_tasks::table)
            .values((
                save_tasks::case_id.eq(case_id),
                save_tasks::assignee_id.eq(assignee_id),
                save_tasks::fell_back.eq(fell_back),
                save_tasks::is_open.eq(true),
                save_tasks::attempts.eq(0),
                save_tasks::created_at.eq(now),
            ))
            .returning(save_tasks::id)
            .get_result(conn)
    }

    pub fn for_case(conn: &mut SqliteConnection, case_id: i32) -> QueryResult<Option<SaveTaskRow>> {
        save_tasks::table
            .filter(save_tasks::case_id.eq(case_id))
            .select(SaveTaskRow::as_select())
            .first(conn)
            .optional()
    }

    /// Closes the case's task if it is still open (withdrawal).
    pub fn close_for_case(
        conn: &mut SqliteConnection,
        case_id: i32,
        by: i32,
        now: i64,
    ) -> QueryResult<usize> {
        diesel::update(
            save_tasks::table
                .filter(save_tasks::case_id.eq(case_id))
                .filter(save_tasks::is_open.eq(true)),
        )
        .set((
            save_tasks::is_open.eq(false),
            save_tasks::closed_at.eq(now),
            save_tasks::closed_by.eq(by),
        ))
        .execute(conn)
    }
}

impl SaveTaskRow {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<SaveTaskRow> {
        save_tasks::table
            .find(id)
            .select(SaveTaskRow::as_select())
            .first(conn)
    }

    /// Closes the task with an outcome if it is still open; false if someone
    /// closed it first.
    pub fn close_if_open(
        conn: &mut SqliteConnection,
        id: i32,
        outcome: &str,
        by: i32,
        now: i64,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            save_tasks::table
                .find(id)
                .filter(save_tasks::is_open.eq(true)),
        )
        .set((
            save_tasks::is_open.eq(false),
            save_tasks::outcome.eq(outcome),
            save_tasks::attempts.eq(save_tasks::attempts + 1),
            save_tasks::closed_at.eq(now),
            save_tasks::closed_by.eq(by),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Counts an unanswered call on an open task; the new attempt count, or
    /// None if the task was closed meanwhile.
    pub fn count_attempt_if_open(conn: &mut SqliteConnection, id: i32) -> QueryResult<Option<i32>> {
        diesel::update(
            save_tasks::table
                .find(id)
                .filter(save_tasks::is_open.eq(true)),
        )
        .set(save_tasks::attempts.eq(save_tasks::attempts + 1))
        .returning(save_tasks::attempts)
        .get_result(conn)
        .optional()
    }
}
