//! Recording how a call to save the customer went (SOP C2A, C3; SPEC §2.3).

use diesel::prelude::*;

use crate::db::models::case_events::{self, EventKind};
use crate::db::models::cases::CaseRow;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::domain::{CancellationStatus, CaseState, RefundStatus, Role, SaveOutcome};
use crate::format::Formatter;
use crate::state::AppState;

use super::ServiceError;
use super::case_actions::{ActionOutcome, Actor};

pub const NOTES_MAX_CHARS: usize = 5_000;

/// A sales rep works only their own tasks; the retention owner works all.
pub fn may_work(actor: Actor, task: &SaveTaskRow) -> bool {
    match actor.role {
        Role::RetentionOwner => true,
        Role::SalesRep => task.assignee_id == actor.id,
        _ => false,
    }
}

pub async fn record_outcome(
    state: &AppState,
    actor: Actor,
    task_id: i32,
    outcome: Option<SaveOutcome>,
    notes: &str,
) -> Result<ActionOutcome, ServiceError> {
    let notes = notes.trim().to_owned();
    let mut errors = super::FieldErrors::default();
    if outcome.is_none() {
        errors.add(
            "outcome",
            "Choose how the call went: Saved, Not saved or No answer",
        );
    }
    if notes.chars().count() > NOTES_MAX_CHARS {
        errors.add(
            "notes",
            format!("Keep the call notes under {NOTES_MAX_CHARS} characters"),
        );
    } else if crate::domain::has_control_characters(&notes) {
        errors.add("notes", "Remove the control characters from the notes");
    }
    let fmt = Formatter::for_state(state);
    let now = fmt.now;
    state
        .db
        .write(move |conn| {
            let task = SaveTaskRow::find(conn, task_id)?;
            if !may_work(actor, &task) {
                return Err(ServiceError::Forbidden);
            }
            // Checked after access, so nobody learns about others' tasks from errors.
            let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
                return Ok(ActionOutcome::Invalid(errors));
            };
            if !task.is_open {
                return Ok(ActionOutcome::AlreadyChanged(already_closed(
                    conn, &task, &fmt,
                )?));
            }
            let with_notes = |what: String| {
                if notes.is_empty() {
                    what
                } else {
                    format!("{what} Notes: {notes}")
                }
            };
            let body = match outcome {
                SaveOutcome::NoAnswer => {
                    let Some(attempts) = SaveTaskRow::count_attempt_if_open(conn, task.id)? else {
                        return Ok(ActionOutcome::AlreadyChanged(
                            "Someone closed this task just now.".into(),
                        ));
                    };
                    with_notes(format!(
                        "No answer (attempt {attempts}); the task stays open."
                    ))
                }
                SaveOutcome::Saved | SaveOutcome::NotSaved => {
                    if !SaveTaskRow::close_if_open(conn, task.id, outcome.as_str(), actor.id, now)?
                    {
                        return Err(ServiceError::Conflict(
                            "Someone closed this task just now.".into(),
                        ));
                    }
                    let (next, what) = if outcome == SaveOutcome::Saved {
                        (
                            CancellationStatus::Retained,
                            "Saved: the customer stays.".to_owned(),
                        )
                    } else {
                        (
                            CancellationStatus::ReplyToSend,
                            "Not saved: the agent sends the C2 reply with the exit survey."
                                .to_owned(),
                        )
                    };
                    move_cancellation(conn, task.case_id, next, now)?;
                    with_notes(what)
                }
            };
            case_events::append(
                conn,
                task.case_id,
                Some(actor.id),
                EventKind::SaveOutcome,
                &body,
                now,
            )?;
            Ok(ActionOutcome::Done)
        })
        .await
}

fn move_cancellation(
    conn: &mut SqliteConnection,
    case_id: i32,
    next: CancellationStatus,
    now: i64,
) -> Result<(), ServiceError> {
    let case = CaseRow::find(conn, case_id)?;
    let refund = case
        .refund_status
        .as_deref()
        .map(RefundStatus::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("case {case_id}: {e}"))?;
    let moved = CaseRow::move_tracks(
        conn,
        case_id,
        (
            Some(CancellationStatus::AwaitingSaveCall.as_str()),
            case.refund_status.as_deref(),
        ),
        (Some(next.as_str()), case.refund_status.as_deref()),
        CaseState::of(Some(next), refund) == CaseState::Open,
        now,
    )?;
    if !moved {
        return Err(ServiceError::Conflict(
            "The case is no longer awaiting a save call (it was withdrawn or changed).".into(),
        ));
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
    let outcome = task
        .outcome
        .as_deref()
        .and_then(|o| SaveOutcome::parse(o).ok())
        .map_or("closed", SaveOutcome::label);
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
    state: &AppState,
    actor: Actor,
    task_id: i32,
    to: Option<i32>,
) -> Result<ActionOutcome, ServiceError> {
    use super::reassign::{ReassignError, reassign_task};
    if actor.role != Role::RetentionOwner {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            SaveTaskRow::find(conn, task_id)?;
            let invalid = |message: String| {
                let mut errors = super::FieldErrors::default();
                errors.add("assignee_id", message);
                Ok(ActionOutcome::Invalid(errors))
            };
            let Some(to) = to else {
                return invalid("Choose who takes the task".to_owned());
            };
            match reassign_task(conn, task_id, to, actor.id, now) {
                Ok(()) => Ok(ActionOutcome::Done),
                Err(ReassignError::TaskClosed) => Ok(ActionOutcome::AlreadyChanged(
                    ReassignError::TaskClosed.to_string(),
                )),
                Err(ReassignError::NotFound) => {
                    invalid("Choose a sales rep from the list".to_owned())
                }
                Err(ReassignError::Query(error)) => Err(error.into()),
                Err(other) => invalid(other.to_string()),
            }
        })
        .await
}
