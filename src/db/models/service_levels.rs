//! Service levels (SPEC §11): the saved settings (a row per "Save service
//! levels", the newest in force) and the alarms that warn before a due time
//! and escalate at it.

use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::schema::{service_level_alarms as alarms, service_level_settings as settings};
use crate::domain::service_levels::working_days_from_bits;
use crate::domain::{
    AlarmKind, CaseId, Deadline, DueTrack, ServiceLevels, StaffId, WorkingHours, WorkingHoursForm,
};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = settings, check_for_backend(diesel::sqlite::Sqlite))]
struct SettingsRow {
    save_call_hours: i32,
    refund_hours: i32,
    review_refund_hours: i32,
    warn_hours: i32,
    working_days: i32,
    day_starts: String,
    day_ends: String,
    holidays: String,
}

impl SettingsRow {
    fn into_levels(self, zone: Tz) -> Option<ServiceLevels> {
        let form = WorkingHoursForm {
            working_days: working_days_from_bits(self.working_days),
            day_starts: &self.day_starts,
            day_ends: &self.day_ends,
            holidays: &self.holidays,
        };
        let hours = WorkingHours::parse_saved(&form, zone).ok()?;
        Some(ServiceLevels {
            save_call_hours: u32::try_from(self.save_call_hours).ok()?,
            refund_hours: u32::try_from(self.refund_hours).ok()?,
            review_refund_hours: u32::try_from(self.review_refund_hours).ok()?,
            warn_hours: u32::try_from(self.warn_hours).ok()?,
            hours,
        })
    }
}

/// The settings in force, in `zone` (`RD_TIMEZONE`): the newest saved, or
/// the SPEC defaults when none was saved (or, which the form prevents, the
/// newest no longer parses).
pub fn current(conn: &mut SqliteConnection, zone: Tz) -> QueryResult<ServiceLevels> {
    let row = settings::table
        .order(settings::id.desc())
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row
        .and_then(|row| row.into_levels(zone))
        .unwrap_or_else(|| ServiceLevels::defaults(zone)))
}

/// "Save service levels": the new settings in force.
pub fn save(
    conn: &mut SqliteConnection,
    levels: &ServiceLevels,
    by: StaffId,
    now: i64,
) -> QueryResult<()> {
    let hours = &levels.hours;
    let whole = |h: u32| i32::try_from(h).unwrap_or(i32::MAX);
    diesel::insert_into(settings::table)
        .values((
            settings::save_call_hours.eq(whole(levels.save_call_hours)),
            settings::refund_hours.eq(whole(levels.refund_hours)),
            settings::review_refund_hours.eq(whole(levels.review_refund_hours)),
            settings::warn_hours.eq(whole(levels.warn_hours)),
            settings::working_days.eq(i32::from(hours.working_days().bits())),
            settings::day_starts.eq(hours.day_starts_text()),
            settings::day_ends.eq(hours.day_ends_text()),
            settings::holidays.eq(hours.holidays_text()),
            settings::created_by.eq(by),
            settings::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

const SENT: &str = "sent";
const SKIPPED: &str = "skipped";

/// An alarm waiting to fire.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = alarms, check_for_backend(diesel::sqlite::Sqlite))]
struct AlarmColumns {
    id: i32,
    case_id: CaseId,
    track: String,
    kind: String,
    due_at: i64,
    fire_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alarm {
    pub id: i32,
    pub case_id: CaseId,
    pub track: DueTrack,
    pub kind: AlarmKind,
    pub due_at: i64,
    pub fire_at: i64,
}

/// Sets the alarms of a track's deadline: a warning (when the settings
/// warn) and the overdue alarm. Run it in the transaction that creates the
/// track.
pub fn set_alarms(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    track: DueTrack,
    deadline: Deadline,
) -> QueryResult<()> {
    for (kind, fire_at) in alarms_of(deadline) {
        diesel::insert_into(alarms::table)
            .values((
                alarms::case_id.eq(case_id),
                alarms::track.eq(track.as_str()),
                alarms::kind.eq(kind.as_str()),
                alarms::due_at.eq(deadline.due_at),
                alarms::fire_at.eq(fire_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The alarms a deadline sets, with when each fires: a warning (when the
/// settings warn) and the overdue alarm.
pub fn alarms_of(deadline: Deadline) -> impl Iterator<Item = (AlarmKind, i64)> {
    let warning = deadline.warn_at.map(|at| (AlarmKind::Warning, at));
    let overdue = Some((AlarmKind::Overdue, deadline.due_at));
    [warning, overdue].into_iter().flatten()
}

/// The earliest waiting alarm whose time has come, from the
/// `service_level_alarms_waiting` index (`done_at IS NULL` is written as a
/// literal, so the partial index applies).
pub fn next_due(conn: &mut SqliteConnection, now: i64) -> QueryResult<Option<Alarm>> {
    let row = alarms::table
        .filter(alarms::done_at.is_null())
        .filter(alarms::fire_at.le(now))
        .order((alarms::fire_at.asc(), alarms::id.asc()))
        .select(AlarmColumns::as_select())
        .first(conn)
        .optional()?;
    Ok(row.and_then(|row| {
        Some(Alarm {
            id: row.id,
            case_id: row.case_id,
            track: DueTrack::parse(&row.track)?,
            kind: AlarmKind::parse(&row.kind)?,
            due_at: row.due_at,
            fire_at: row.fire_at,
        })
    }))
}

/// When the next waiting alarm fires, so the worker can sleep until then.
pub fn next_fire_at(conn: &mut SqliteConnection) -> QueryResult<Option<i64>> {
    alarms::table
        .filter(alarms::done_at.is_null())
        .select(diesel::dsl::min(alarms::fire_at))
        .first(conn)
}

/// Puts a waiting alarm off until `until` (the next working-hours start).
pub fn hold(conn: &mut SqliteConnection, id: i32, until: i64) -> QueryResult<bool> {
    diesel::update(alarms::table.find(id).filter(alarms::done_at.is_null()))
        .set(alarms::fire_at.eq(until))
        .execute(conn)
        .map(|n| n == 1)
}

/// Marks a waiting alarm done: `sent` when its message was queued, else
/// skipped. False when it was already done (another pass took it).
pub fn finish(conn: &mut SqliteConnection, id: i32, sent: bool, now: i64) -> QueryResult<bool> {
    diesel::update(alarms::table.find(id).filter(alarms::done_at.is_null()))
        .set((
            alarms::done_at.eq(now),
            alarms::outcome.eq(if sent { SENT } else { SKIPPED }),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// How a load that skips the alarms whose time has already come writes
/// one (demo data: its history is not news to anyone): when it was done
/// and how, as [`finish`] marks an alarm that was not sent.
pub fn skipped_if_due(fire_at: i64, now: i64) -> (Option<i64>, Option<&'static str>) {
    if fire_at <= now {
        (Some(now), Some(SKIPPED))
    } else {
        (None, None)
    }
}
