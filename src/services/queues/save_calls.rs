//! Recording how a call to save the customer went (SOP C2A, C3; SPEC §2.3),
//! and the retention owner's "Reassign".

use diesel::SqliteConnection;

use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::domain::case_log;
use crate::domain::{
    CancellationStatus, OfferMade, OfferMadeError, Role, SaveOutcome, SaveTaskId, StaffId,
    has_control_characters,
};
use crate::format::Formatter;
use crate::services::{Actor, FieldErrors, ServiceError, replies};
use crate::state::AppState;

use super::reassign::reassign_task;

pub const NOTES_MAX_CHARS: usize = 5_000;

/// What the rep recorded, as typed: the outcome is checked only after the
/// person's access to the task, so nobody learns about others' tasks from
/// the form's errors.
pub struct CallReport {
    pub outcome: Option<SaveOutcome>,
    /// "Offer made" (SPEC §8); `Err` for a value not in the list.
    pub offer: Result<OfferMade, OfferMadeError>,
    pub notes: String,
}

impl CallReport {
    fn parse(self) -> Result<(SaveOutcome, OfferMade, Option<String>), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.outcome.is_none() {
            errors.add(
                "outcome",
                "Choose how the call went: Saved, Not saved or No answer",
            );
        }
        if let Err(e) = self.offer {
            errors.add("offer", e.to_string());
        }
        let notes = self.notes.trim();
        if notes.chars().count() > NOTES_MAX_CHARS {
            errors.add(
                "notes",
                format!("Keep the call notes under {NOTES_MAX_CHARS} characters"),
            );
        } else if has_control_characters(notes) {
            errors.add("notes", "Remove the control characters from the notes");
        }
        match (self.outcome, self.offer) {
            (Some(outcome), Ok(offer)) if errors.is_empty() => Ok((
                outcome,
                offer,
                Some(notes.to_owned()).filter(|n| !n.is_empty()),
            )),
            _ => Err(errors),
        }
    }
}

/// A sales rep works only their own tasks; the retention owner works all.
pub fn may_work(actor: Actor, task: &SaveTaskRow) -> bool {
    match actor.role {
        Role::RetentionOwner => true,
        Role::SalesRep => task.assignee_id == actor.id,
        _ => false,
    }
}

/// "Record outcome": Saved or Not saved closes the task and moves the
/// cancellation (Retained, or the C2 reply to send, written and stored now);
/// No answer counts an attempt and keeps the task open.
pub async fn record_outcome(
    app: &AppState,
    actor: Actor,
    task_id: SaveTaskId,
    report: CallReport,
) -> Result<(), ServiceError> {
    let fmt = Formatter::for_state(app);
    let now = fmt.now;
    app.db
        .write(move |conn| {
            let task = SaveTaskRow::find(conn, task_id)?;
            if !may_work(actor, &task) {
                return Err(ServiceError::Forbidden);
            }
            let (outcome, offer, notes) = report.parse()?;
            if !task.is_open {
                return Err(ServiceError::Conflict(already_closed(conn, &task, &fmt)?));
            }
            let closed_elsewhere =
                || ServiceError::Conflict("Someone closed this task just now.".into());
            let attempts = match outcome.cancellation_after() {
                None => SaveTaskRow::count_attempt_if_open(conn, task.id)?
                    .ok_or_else(closed_elsewhere)?,
                Some(next) => {
                    if !SaveTaskRow::close_if_open(conn, task.id, (outcome, offer), actor.id, now)?
                    {
                        return Err(closed_elsewhere());
                    }
                    move_cancellation(conn, &task, next, now)?;
                    task.attempts + 1
                }
            };
            let line = case_log::save_outcome(outcome, offer, attempts, notes.as_deref());
            case_events::append_line(conn, task.case_id, Some(actor.id), &line, now)?;
            Ok(())
        })
        .await
}

fn move_cancellation(
    conn: &mut SqliteConnection,
    task: &SaveTaskRow,
    next: CancellationStatus,
    now: i64,
) -> Result<(), ServiceError> {
    let case = CaseRow::find(conn, task.case_id)?;
    let from = case
        .tracks()
        .with_cancellation(CancellationStatus::AwaitingSaveCall);
    if !CaseRow::move_tracks(conn, task.case_id, from, from.with_cancellation(next), now)? {
        return Err(ServiceError::Conflict(
            "The case is no longer awaiting a save call (it was withdrawn or changed).".into(),
        ));
    }
    if next == CancellationStatus::ReplyToSend {
        // "Not saved": the C2 reply, with the exit survey, in today's words.
        replies::write_not_saved_reply(conn, &case, now)?;
    }
    Ok(())
}

fn already_closed(
    conn: &mut SqliteConnection,
    task: &SaveTaskRow,
    fmt: &Formatter,
) -> Result<String, ServiceError> {
    let by = match task.closed_by {
        Some(id) => StaffRow::find(conn, id)?.full_name,
        None => "someone".to_owned(),
    };
    let outcome = task.outcome.map_or("closed", SaveOutcome::label);
    let at = task
        .closed_at
        .map(|t| fmt.clock_time(&t))
        .unwrap_or_default();
    Ok(format!(
        "This save task was already recorded as {outcome} by {by} at {at}."
    ))
}

/// The retention owner's "Reassign": moves one open task to another active
/// sales rep (or retention owner), logged on the case.
pub async fn reassign(
    app: &AppState,
    actor: Actor,
    task_id: SaveTaskId,
    to: Option<StaffId>,
) -> Result<(), ServiceError> {
    actor.require(Role::RetentionOwner)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            SaveTaskRow::find(conn, task_id)?;
            let to =
                to.ok_or_else(|| ServiceError::field("assignee_id", "Choose who takes the task"))?;
            reassign_task(conn, task_id, to, actor.id, now)
        })
        .await
}
