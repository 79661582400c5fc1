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

/// A save task as it is written: open, as intake creates it, or already
/// closed by the demo data. `None` is written as NULL.
#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = save_tasks, treat_none_as_default_value = false)]
pub struct NewSaveTaskRow {
    pub assignee_id: StaffId,
    pub fell_back: bool,
    pub is_open: bool,
    pub outcome: Option<SaveOutcome>,
    pub offer: Option<OfferMade>,
    pub attempts: i32,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<StaffId>,
    pub due_at: Option<i64>,
}

impl NewSaveTaskRow {
    /// A new open task: no call made yet.
    pub fn open(assignee_id: StaffId, fell_back: bool, due_at: Option<i64>, now: i64) -> Self {
        NewSaveTaskRow {
            assignee_id,
            fell_back,
            is_open: true,
            outcome: None,
            offer: None,
            attempts: 0,
            created_at: now,
            closed_at: None,
            closed_by: None,
            due_at,
        }
    }

    /// Closed with the call's outcome, as [`SaveTaskRow::close_if_open`]
    /// closes it, or without one (withdrawal) as
    /// [`SaveTaskRow::close_for_case`] does, for a row not written yet.
    pub fn close(&mut self, call: Option<(SaveOutcome, OfferMade)>, by: StaffId, now: i64) {
        if !self.is_open {
            return;
        }
        if let Some((outcome, offer)) = call {
            self.outcome = Some(outcome);
            self.offer = Some(offer);
            self.attempts += 1;
        }
        self.is_open = false;
        self.closed_at = Some(now);
        self.closed_by = Some(by);
    }
}

impl SaveTaskRow {
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: CaseId,
        row: &NewSaveTaskRow,
    ) -> QueryResult<SaveTaskId> {
        diesel::insert_into(save_tasks::table)
            .values((save_tasks::case_id.eq(case_id), row))
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
