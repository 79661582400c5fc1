//! Call-to-save tasks (SOP C2A, C3).

use diesel::prelude::*;

use crate::domain::{CaseId, OfferMade, SaveOutcome, SaveTaskId, StaffId};

use crate::db::schema::save_tasks;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = save_tasks)]
pub struct SaveTaskRow {
    pub id: SaveTaskId,
    pub case_id: CaseId,
    pub assignee_id: StaffId,
    pub fell_back: bool,
    pub is_open: bool,
    pub outcome: Option<SaveOutcome>,
    pub attempts: i32,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<StaffId>,
    /// SPEC §11; None for tasks created before service levels.
    pub due_at: Option<i64>,
    /// What was offered on the call that closed the task (None: no offer).
    pub offer: Option<OfferMade>,
}

impl SaveTaskRow {
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: CaseId,
        assignee_id: StaffId,
        fell_back: bool,
        due_at: Option<i64>,
        now: i64,
    ) -> QueryResult<SaveTaskId> {
        diesel::insert_into(save_tasks::table)
            .values((
                save_tasks::case_id.eq(case_id),
                save_tasks::assignee_id.eq(assignee_id),
                save_tasks::fell_back.eq(fell_back),
                save_tasks::is_open.eq(true),
                save_tasks::attempts.eq(0),
                save_tasks::created_at.eq(now),
                save_tasks::due_at.eq(due_at),
            ))
            .returning(save_tasks::id)
            .get_result(conn)
    }

    pub fn for_case(
        conn: &mut SqliteConnection,
        case_id: CaseId,
    ) -> QueryResult<Option<SaveTaskRow>> {
        save_tasks::table
            .filter(save_tasks::case_id.eq(case_id))
            .select(SaveTaskRow::as_select())
            .get_result(conn)
            .optional()
    }

    /// Closes the case's task if it is still open (withdrawal).
    pub fn close_for_case(
        conn: &mut SqliteConnection,
        case_id: CaseId,
        by: StaffId,
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
    pub fn find(conn: &mut SqliteConnection, id: SaveTaskId) -> QueryResult<SaveTaskRow> {
        save_tasks::table
            .find(id)
            .select(SaveTaskRow::as_select())
            .get_result(conn)
    }

    /// Closes the task with an outcome if it is still open; false if someone
    /// closed it first.
    pub fn close_if_open(
        conn: &mut SqliteConnection,
        id: SaveTaskId,
        (outcome, offer): (SaveOutcome, OfferMade),
        by: StaffId,
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
            save_tasks::offer.eq(offer),
            save_tasks::attempts.eq(save_tasks::attempts + 1),
            save_tasks::closed_at.eq(now),
            save_tasks::closed_by.eq(by),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Counts an unanswered call on an open task; the new attempt count, or
    /// None if the task was closed meanwhile.
    pub fn count_attempt_if_open(
        conn: &mut SqliteConnection,
        id: SaveTaskId,
    ) -> QueryResult<Option<i32>> {
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

impl SaveTaskRow {
    /// The open tasks of one person, oldest first: (task, case).
    pub fn open_of(
        conn: &mut SqliteConnection,
        assignee: StaffId,
    ) -> QueryResult<Vec<(SaveTaskId, CaseId)>> {
        save_tasks::table
            .filter(save_tasks::assignee_id.eq(assignee))
            .filter(save_tasks::is_open.eq(true))
            .order(save_tasks::id)
            .select((save_tasks::id, save_tasks::case_id))
            .load(conn)
    }

    /// The conditional update: only an open task still assigned to `from`.
    /// `fell_back` marks a task that went to the fallback owner because its
    /// rep left, as intake marks one whose rep had already left.
    pub fn move_if_open(
        conn: &mut SqliteConnection,
        id: SaveTaskId,
        from: StaffId,
        to: StaffId,
        fell_back: bool,
    ) -> QueryResult<bool> {
        let target = save_tasks::table
            .filter(save_tasks::id.eq(id))
            .filter(save_tasks::is_open.eq(true))
            .filter(save_tasks::assignee_id.eq(from));
        let changed = if fell_back {
            diesel::update(target)
                .set((
                    save_tasks::assignee_id.eq(to),
                    save_tasks::fell_back.eq(true),
                ))
                .execute(conn)?
        } else {
            diesel::update(target)
                .set(save_tasks::assignee_id.eq(to))
                .execute(conn)?
        };
        Ok(changed == 1)
    }

    /// How many open save tasks each person holds.
    pub fn open_counts(
        conn: &mut SqliteConnection,
    ) -> QueryResult<std::collections::HashMap<StaffId, i64>> {
        use diesel::dsl::count_star;
        let rows: Vec<(StaffId, i64)> = save_tasks::table
            .filter(save_tasks::is_open.eq(true))
            .group_by(save_tasks::assignee_id)
            .select((save_tasks::assignee_id, count_star()))
            .load(conn)?;
        Ok(rows.into_iter().collect())
    }

    /// How many save tasks are open, whoever holds them (`/metrics`).
    pub fn open_total(conn: &mut SqliteConnection) -> QueryResult<i64> {
        save_tasks::table
            .filter(save_tasks::is_open.eq(true))
            .count()
            .get_result(conn)
    }

    /// How many open save tasks one person holds.
    pub fn open_count(conn: &mut SqliteConnection, assignee: StaffId) -> QueryResult<i64> {
        save_tasks::table
            .filter(save_tasks::is_open.eq(true))
            .filter(save_tasks::assignee_id.eq(assignee))
            .count()
            .get_result(conn)
    }
}
