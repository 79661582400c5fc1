//! Working time: the clock that service levels run on (SPEC §11).
//!
//! A save call is due "8 working hours" after the task is created, so a task
//! created on Friday afternoon is not overdue on Saturday and nobody is
//! warned at midnight. Everything here is arithmetic on UTC instants through
//! the calendar of `RD_TIMEZONE`: no clock reads and no I/O, so the
//! scheduler, the queues and the tests get the same answer for the same
//! inputs, and `now` is always an argument.
//!
//! Instants are `DateTime<Utc>` and durations `TimeDelta`, so an instant and
//! a length of working time cannot be mixed up the way two `i64`s can (the
//! database's unix seconds convert with `DateTime::from_timestamp` and
//! `timestamp()`).
//!
//! The walk goes one local day at a time, never minute by minute: each
//! day's working interval is turned into two UTC instants through the zone,
//! which is the one place daylight saving is handled (a 00:00–24:00 day
//! then holds 23 or 25 real hours), and the rest is subtraction of
//! instants. Every walk stops after [`HORIZON_DAYS`] days, so settings that
//! aged badly or an absurd duration give an error, never a hang.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// How many local days any one walk may cover before it gives up: about ten
/// years. Saved settings hold working time within 366 days and due windows
/// are under 1,000 working hours, so only settings whose holidays later
/// filled a whole year, or durations far beyond any service level, reach
/// it.
pub const HORIZON_DAYS: u32 = 3660;

/// SPEC §11: settings are refused when they leave no working time in this
/// many days from the moment they are saved.
const REQUIRED_WITHIN_DAYS: i64 = 366;

const MINUTES_PER_DAY: u16 = 24 * 60;

/// User input is echoed back in error messages; a pasted essay is cut
/// short so the message stays a message.
const MAX_ECHOED_CHARS: usize = 32;

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The days of the week ticked as working days. May be empty: it is the
/// form's raw checkboxes; [`WorkingHours`] is what refuses an empty set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WorkingDays(u8);

impl WorkingDays {
    /// The SPEC §11 default.
    pub const MONDAY_TO_FRIDAY: WorkingDays = WorkingDays(0b001_1111);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & Self::bit(day) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Monday first, as the form lists them.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        WEEK.into_iter().filter(move |day| self.contains(*day))
    }

    /// Monday = 1, Tuesday = 2, … Sunday = 64: how the settings are stored.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The inverse of [`bits`](Self::bits); bits above Sunday are dropped.
    pub fn from_bits(bits: u8) -> WorkingDays {
        WorkingDays(bits & 0b111_1111)
    }

    fn bit(day: Weekday) -> u8 {
        1 << day.num_days_from_monday()
    }
}

impl FromIterator<Weekday> for WorkingDays {
    fn from_iter<I: IntoIterator<Item = Weekday>>(days: I) -> Self {
        WorkingDays(days.into_iter().fold(0, |bits, day| bits | Self::bit(day)))
    }
}

/// What the admin typed on `/admin/sla`, before parsing. The zone is not
/// here: it comes from `RD_TIMEZONE`, not from the form.
#[derive(Debug, Clone, Copy)]
pub struct WorkingHoursForm<'a> {
    pub working_days: WorkingDays,
    /// `HH:MM`.
    pub day_starts: &'a str,
    /// `HH:MM`; `24:00`, or `00:00`, is midnight at the end of the day.
    pub day_ends: &'a str,
    /// One `YYYY-MM-DD` a line; blank lines are ignored.
    pub holidays: &'a str,
}

/// Which form field an error belongs beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkingHoursField {
    WorkingDays,
    DayStarts,
    DayEnds,
    Holidays,
}

/// Why a field of the working-hours settings was refused; the Display is
/// the message shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkingHoursError {
    #[error("Choose at least one working day")]
    NoWorkingDay,
    #[error("Enter when the day starts, like 09:00")]
    DayStartsMissing,
    #[error("Day starts: '{0}' is not a time (use HH:MM, like 09:00)")]
    DayStartsNotATime(String),
    #[error("Enter when the day ends, like 17:00")]
    DayEndsMissing,
    #[error("Day ends: '{0}' is not a time (use HH:MM, like 17:00)")]
    DayEndsNotATime(String),
    #[error("Day ends must be after Day starts")]
    EndNotAfterStart,
    #[error("'{0}' is not a date (use YYYY-MM-DD)")]
    HolidayNotADate(String),
    #[error("With these working days and holidays there is no working time in the next 366 days")]
    NoWorkingTimeWithinAYear,
}

impl WorkingHoursError {
    pub fn field(&self) -> WorkingHoursField {
        use WorkingHoursError::*;
        match self {
            NoWorkingDay => WorkingHoursField::WorkingDays,
            DayStartsMissing | DayStartsNotATime(_) => WorkingHoursField::DayStarts,
            DayEndsMissing | DayEndsNotATime(_) | EndNotAfterStart => WorkingHoursField::DayEnds,
            // Working days and hours that each parse always hold working
            // time every week, so only the holidays can have emptied a year.
            HolidayNotADate(_) | NoWorkingTimeWithinAYear => WorkingHoursField::Holidays,
        }
    }
}

/// Every refusal of one submitted form, at most one per field, so the page
/// can show them all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHoursErrors(Vec<WorkingHoursError>);

impl WorkingHoursErrors {
    pub fn get(&self, field: WorkingHoursField) -> Option<&WorkingHoursError> {
        self.0.iter().find(|error| error.field() == field)
    }

    pub fn iter(&self) -> impl Iterator<Item = &WorkingHoursError> {
        self.0.iter()
    }
}

impl fmt::Display for WorkingHoursErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WorkingHoursErrors {}

/// A walk reached [`HORIZON_DAYS`] (or the end of the calendar) without an
/// answer. For the log, not for a support admin: saved settings make it
/// unreachable for any real service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no answer within {days} days of working time", days = HORIZON_DAYS)]
pub struct BeyondHorizon;

/// When the team works: which days, from when to when in local time, which
/// dates are off, and in which zone. At least one working day, a day that
/// ends after it starts, and, when parsed, working time within 366 days of
/// being saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    days: WorkingDays,
    /// Minutes after local midnight, `0..1440`.
    starts: u16,
    /// Minutes after local midnight, `starts + 1..=1440`.
    ends: u16,
    holidays: BTreeSet<NaiveDate>,
    zone: Tz,
}

impl WorkingHours {
    /// SPEC §11's defaults: Monday to Friday, 09:00 to 17:00, no holidays.
    pub fn office_hours(zone: Tz) -> WorkingHours {
        WorkingHours {
            days: WorkingDays::MONDAY_TO_FRIDAY,
            starts: 9 * 60,
            ends: 17 * 60,
            holidays: BTreeSet::new(),
            zone,
        }
    }

    /// Parses the form, refusing settings that leave no working time in the
    /// 366 days from `now` (SPEC §11). The year is only checked once every
    /// field parses, since it needs all of them.
    pub fn parse(
        form: &WorkingHoursForm<'_>,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<WorkingHours, WorkingHoursErrors> {
        let parsed = Self::parse_saved(form, zone)?;
        let year_ahead = now
            .checked_add_signed(TimeDelta::days(REQUIRED_WITHIN_DAYS))
            .ok_or(BeyondHorizon)
            .and_then(|year_ahead| parsed.working_between(now, year_ahead));
        match year_ahead {
            Ok(time) if time > TimeDelta::zero() => Ok(parsed),
            _ => Err(WorkingHoursErrors(vec![
                WorkingHoursError::NoWorkingTimeWithinAYear,
            ])),
        }
    }

    /// Parses settings that were saved earlier, field by field, without
    /// the year check: settings whose holidays have since filled a year
    /// still load (every walk stops at [`HORIZON_DAYS`]).
    pub fn parse_saved(
        form: &WorkingHoursForm<'_>,
        zone: Tz,
    ) -> Result<WorkingHours, WorkingHoursErrors> {
        let mut errors = Vec::new();
        if form.working_days.is_empty() {
            errors.push(WorkingHoursError::NoWorkingDay);
        }
        let starts = parse_clock_time(form.day_starts).map_err(|bad| match bad {
            None => WorkingHoursError::DayStartsMissing,
            Some(text) => WorkingHoursError::DayStartsNotATime(text),
        });
        // A day cannot end at its own beginning, so 00:00 can only mean the
        // midnight that ends it; browsers' time inputs cannot type 24:00.
        let ends = parse_clock_time(form.day_ends)
            .map(|minutes| {
                if minutes == 0 {
                    MINUTES_PER_DAY
                } else {
                    minutes
                }
            })
            .map_err(|bad| match bad {
                None => WorkingHoursError::DayEndsMissing,
                Some(text) => WorkingHoursError::DayEndsNotATime(text),
            });
        let hours = match (starts, ends) {
            (Ok(starts), Ok(ends)) if ends <= starts => {
                errors.push(WorkingHoursError::EndNotAfterStart);
                None
            }
            (Ok(starts), Ok(ends)) => Some((starts, ends)),
            (starts, ends) => {
                errors.extend(starts.err());
                errors.extend(ends.err());
                None
            }
        };
        let holidays = parse_holidays(form.holidays)
            .map_err(|error| errors.push(error))
            .ok();
        let (Some((starts, ends)), Some(holidays), true) = (hours, holidays, errors.is_empty())
        else {
            return Err(WorkingHoursErrors(errors));
        };
        Ok(WorkingHours {
            days: form.working_days,
            starts,
            ends,
            holidays,
            zone,
        })
    }

    pub fn working_days(&self) -> WorkingDays {
        self.days
    }

    /// `HH:MM`, as the form shows it and as it parses back.
    pub fn day_starts_text(&self) -> String {
        clock_text(self.starts)
    }

    /// `HH:MM`; midnight at the end of the day is `24:00`.
    pub fn day_ends_text(&self) -> String {
        clock_text(self.ends)
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// One `YYYY-MM-DD` a line, oldest first, as the form shows them and as
    /// they parse back.
    pub fn holidays_text(&self) -> String {
        self.holidays
            .iter()
            .map(|day| day.format("%Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The instant `duration` of working time after `start`. Counting
    /// begins at [`next_working_start`](Self::next_working_start), so a
    /// start outside working hours counts from the next start, and a
    /// duration of zero gives that start too (it is the limit of ever
    /// shorter durations, and "due now" at 03:00 would put a task overdue
    /// before anyone could see it). A result exactly at a day's end stays
    /// there rather than rolling to the next morning. A negative duration
    /// counts backwards, as [`subtract_working`](Self::subtract_working).
    pub fn add_working(
        &self,
        start: DateTime<Utc>,
        duration: TimeDelta,
    ) -> Result<DateTime<Utc>, BeyondHorizon> {
        if duration < TimeDelta::zero() {
            return self.subtract_working(start, -duration);
        }
        let mut remaining = duration;
        let mut cursor = start;
        for day in self.days_from(start).take(HORIZON_DAYS as usize) {
            let Some((day_start, day_end)) = self.interval(day) else {
                continue;
            };
            if day_end <= cursor {
                continue;
            }
            let from = day_start.max(cursor);
            let available = day_end - from;
            if remaining <= available {
                return from.checked_add_signed(remaining).ok_or(BeyondHorizon);
            }
            remaining -= available;
            cursor = day_end;
        }
        Err(BeyondHorizon)
    }

    /// Whole working hours after `start`, as the service-level settings
    /// are given.
    pub fn add_working_hours(
        &self,
        start: DateTime<Utc>,
        hours: u32,
    ) -> Result<DateTime<Utc>, BeyondHorizon> {
        self.add_working(start, TimeDelta::hours(hours.into()))
    }

    /// The instant `duration` of working time before `due`: when to warn.
    /// The mirror of [`add_working`](Self::add_working): a result exactly at
    /// a day's start stays there rather than rolling back to the evening
    /// before, so a positive duration always lands inside working hours. A
    /// duration of zero gives `due` itself when it is in working hours or
    /// at a day's end, else the end of the last working day before it. A
    /// negative duration counts forwards.
    pub fn subtract_working(
        &self,
        due: DateTime<Utc>,
        duration: TimeDelta,
    ) -> Result<DateTime<Utc>, BeyondHorizon> {
        if duration < TimeDelta::zero() {
            return self.add_working(due, -duration);
        }
        let mut remaining = duration;
        let mut cursor = due;
        for day in self.days_back_from(due).take(HORIZON_DAYS as usize) {
            let Some((day_start, day_end)) = self.interval(day) else {
                continue;
            };
            if day_start >= cursor {
                continue;
            }
            let to = day_end.min(cursor);
            let available = to - day_start;
            if remaining <= available {
                return to.checked_sub_signed(remaining).ok_or(BeyondHorizon);
            }
            remaining -= available;
            cursor = day_start;
        }
        Err(BeyondHorizon)
    }

    /// Whole working hours before `due`, as "Warn before due" is given.
    pub fn subtract_working_hours(
        &self,
        due: DateTime<Utc>,
        hours: u32,
    ) -> Result<DateTime<Utc>, BeyondHorizon> {
        self.subtract_working(due, TimeDelta::hours(hours.into()))
    }

    /// The working time from `from` to `to`; negative when `to` is earlier,
    /// so that `working_between(t, add_working(t, d)) == d` holds for a
    /// negative `d` as well, and "how late" reads off the sign.
    pub fn working_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TimeDelta, BeyondHorizon> {
        if to < from {
            return self.working_between(to, from).map(|time| -time);
        }
        if to - from > TimeDelta::days(HORIZON_DAYS.into()) {
            return Err(BeyondHorizon);
        }
        // The span check above bounds this walk.
        let last_day = self.local_date(to).ok_or(BeyondHorizon)?;
        let mut total = TimeDelta::zero();
        for day in self.days_from(from).take_while(|day| *day <= last_day) {
            if let Some((day_start, day_end)) = self.interval(day) {
                let overlap = day_end.min(to) - day_start.max(from);
                total += overlap.max(TimeDelta::zero());
            }
        }
        Ok(total)
    }

    /// `t` itself when it is in working hours, else the next day's start:
    /// when a message found outside working hours goes out. A day's end is
    /// outside (the day is over), unless the next working day begins at
    /// that same instant.
    pub fn next_working_start(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>, BeyondHorizon> {
        self.add_working(t, TimeDelta::zero())
    }

    /// Local days from the one before `t`'s (whose interval can reach into
    /// `t`'s date when a fall-back repeats the hour before midnight), up to
    /// the end of the calendar; each caller bounds its own walk.
    fn days_from(&self, t: DateTime<Utc>) -> impl Iterator<Item = NaiveDate> {
        let first = self.local_date(t).and_then(|day| day.pred_opt());
        std::iter::successors(first, |day| day.succ_opt())
    }

    /// Local days backwards from the one after `t`'s, for the same reason.
    fn days_back_from(&self, t: DateTime<Utc>) -> impl Iterator<Item = NaiveDate> {
        let first = self.local_date(t).and_then(|day| day.succ_opt());
        std::iter::successors(first, |day| day.pred_opt())
    }

    /// `None` only at the ends of the calendar, where chrono's own
    /// conversion would panic.
    fn local_date(&self, t: DateTime<Utc>) -> Option<NaiveDate> {
        let offset = self.zone.offset_from_utc_datetime(&t.naive_utc()).fix();
        Some(t.naive_utc().checked_add_offset(offset)?.date())
    }

    /// The day's working hours as UTC instants, `None` when there are none
    /// (not a working day, a holiday, or swallowed by a spring-forward gap).
    fn interval(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.days.contains(day.weekday()) || self.holidays.contains(&day) {
            return None;
        }
        let at = |minutes: u16| {
            day.and_hms_opt(0, 0, 0)?
                .checked_add_signed(TimeDelta::minutes(minutes.into()))
        };
        let start = self.resolve(at(self.starts)?)?;
        let end = self.resolve(at(self.ends)?)?;
        (start < end).then_some((start, end))
    }

    /// SPEC §11: a local time that does not exist moves to the next valid
    /// time, an ambiguous one takes the earlier. Both rules keep later local
    /// times at later (or equal) instants, so a day's end never comes
    /// before its start and days never overlap.
    fn resolve(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
            LocalResult::None => self.end_of_gap(local),
        }
    }

    /// The first instant whose local time is at or after `local`, which a
    /// spring-forward skipped: the transition itself. chrono-tz does not
    /// expose its transitions, so this brackets the gap with valid local
    /// times on either side and bisects the seconds between them. Rare (a
    /// day boundary inside a gap), so clarity beats speed here.
    fn end_of_gap(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        // Gaps are 30 minutes to a day long (Samoa skipped 2011-12-30).
        let step = TimeDelta::minutes(30);
        let valid_at = |k: i32| {
            let shifted = local.checked_add_signed(step * k)?;
            self.zone.from_local_datetime(&shifted).earliest()
        };
        let before = (1..=100).find_map(|k| valid_at(-k))?;
        let after = (1..=100).find_map(valid_at)?;
        let (mut lo, mut hi) = (before.timestamp(), after.timestamp());
        // Invariant: the local time at `lo` is before `local`, at `hi` not.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let mid_local = DateTime::from_timestamp(mid, 0)?
                .with_timezone(&self.zone)
                .naive_local();
            if mid_local >= local {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        DateTime::from_timestamp(hi, 0)
    }
}

/// Minutes after midnight from `H:MM` or `HH:MM`, `00:00` to `24:00`.
/// `Err(None)` when blank, `Err(Some(echo))` when not a time.
fn parse_clock_time(input: &str) -> Result<u16, Option<String>> {
    let text = input.trim();
    if text.is_empty() {
        return Err(None);
    }
    let digits = |s: &str| -> Option<u16> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let minutes = text
        .split_once(':')
        .filter(|(_, minutes)| minutes.len() == 2)
        .and_then(|(hours, minutes)| Some((digits(hours)?, digits(minutes)?)))
        .filter(|&(hours, minutes)| minutes < 60 && (hours < 24 || (hours, minutes) == (24, 0)))
        .map(|(hours, minutes)| hours * 60 + minutes);
    minutes.ok_or_else(|| Some(echo(text)))
}

/// Strictly `YYYY-MM-DD`: chrono's `%Y-%m-%d` would also take `2026-1-5`
/// and `+2026-01-05`, which a support admin did not mean to type.
fn parse_holidays(input: &str) -> Result<BTreeSet<NaiveDate>, WorkingHoursError> {
    input
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| parse_date(line).ok_or_else(|| WorkingHoursError::HolidayNotADate(echo(line))))
        .collect()
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    )
}

fn echo(text: &str) -> String {
    if text.chars().count() <= MAX_ECHOED_CHARS {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(MAX_ECHOED_CHARS).collect();
        cut.push('…');
        cut
    }
}

fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;
    use proptest::prelude::*;

    const ALL_WEEK: &[Weekday] = &WEEK;

    /// A wall-clock time in `zone`, which must exist and be unambiguous.
    fn at(zone: Tz, local: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
        zone.from_local_datetime(&naive)
            .single()
            .unwrap_or_else(|| panic!("{local} is not a single time in {zone}"))
            .with_timezone(&Utc)
    }

    /// How a result reads on the wall, with the zone's abbreviation so a
    /// wrong offset shows.
    fn wall(zone: Tz, t: DateTime<Utc>) -> String {
        t.with_timezone(&zone)
            .format("%a %Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// A `now` for parsing, before every date the tests use.
    fn now() -> DateTime<Utc> {
        at(Tz::UTC, "2026-01-01 00:00")
    }

    fn settings(
        zone: Tz,
        days: &[Weekday],
        starts: &str,
        ends: &str,
        holidays: &str,
    ) -> WorkingHours {
        let form = WorkingHoursForm {
            working_days: days.iter().copied().collect(),
            day_starts: starts,
            day_ends: ends,
            holidays,
        };
        WorkingHours::parse(&form, zone, now()).unwrap()
    }

    fn parse_errors(form: WorkingHoursForm<'_>) -> Vec<WorkingHoursError> {
        WorkingHours::parse(&form, London, now())
            .unwrap_err()
            .iter()
            .cloned()
            .collect()
    }

    fn office() -> WorkingHours {
        WorkingHours::office_hours(London)
    }

    fn hours(n: i64) -> TimeDelta {
        TimeDelta::hours(n)
    }

    // 2026-01-13 is a Tuesday; London is on GMT then.

    #[test]
    fn spec_examples() {
        let h = office();
        let cases = [
            ("2026-01-13 08:00", "Tue 2026-01-13 11:00 GMT"),
            ("2026-01-13 18:00", "Wed 2026-01-14 11:00 GMT"),
            ("2026-01-16 16:30", "Mon 2026-01-19 10:30 GMT"),
        ];
        for (start, due) in cases {
            let got = h.add_working_hours(at(London, start), 2).unwrap();
            assert_eq!(wall(London, got), due, "{start} + 2 h");
        }
    }

    #[test]
    fn spec_examples_hold_in_another_zone() {
        let h = WorkingHours::office_hours(New_York);
        let due = h
            .add_working_hours(at(New_York, "2026-01-16 16:30"), 2)
            .unwrap();
        assert_eq!(wall(New_York, due), "Mon 2026-01-19 10:30 EST");
    }

    #[test]
    fn inside_working_hours_counts_from_the_start() {
        let h = office();
        let due = h
            .add_working(at(London, "2026-01-13 10:15"), TimeDelta::minutes(90))
            .unwrap();
        assert_eq!(wall(London, due), "Tue 2026-01-13 11:45 GMT");
        let due = h
            .add_working_hours(at(London, "2026-01-13 10:00"), 16)
            .unwrap();
        assert_eq!(wall(London, due), "Thu 2026-01-15 10:00 GMT");
    }

    #[test]
    fn a_holiday_is_skipped() {
        let h = settings(
            London,
            &WorkingDays::MONDAY_TO_FRIDAY.iter().collect::<Vec<_>>(),
            "09:00",
            "17:00",
            "2026-01-19\n",
        );
        let due = h
            .add_working_hours(at(London, "2026-01-16 16:30"), 2)
            .unwrap();
        assert_eq!(wall(London, due), "Tue 2026-01-20 10:30 GMT");
        let start = h
            .next_working_start(at(London, "2026-01-19 12:00"))
            .unwrap();
        assert_eq!(wall(London, start), "Tue 2026-01-20 09:00 GMT");
        let between = h
            .working_between(
                at(London, "2026-01-16 16:00"),
                at(London, "2026-01-20 10:00"),
            )
            .unwrap();
        assert_eq!(between, hours(2));
    }

    #[test]
    fn a_due_time_exactly_at_the_days_end_stays_there() {
        let h = office();
        let due = h
            .add_working_hours(at(London, "2026-01-13 15:00"), 2)
            .unwrap();
        assert_eq!(wall(London, due), "Tue 2026-01-13 17:00 GMT");
        let due = h
            .add_working_hours(at(London, "2026-01-13 07:00"), 8)
            .unwrap();
        assert_eq!(wall(London, due), "Tue 2026-01-13 17:00 GMT");
        let due = h
            .add_working_hours(at(London, "2026-01-16 09:00"), 8)
            .unwrap();
        assert_eq!(wall(London, due), "Fri 2026-01-16 17:00 GMT");
        // One second more does roll over.
        let due = h
            .add_working(
                at(London, "2026-01-13 15:00"),
                hours(2) + TimeDelta::seconds(1),
            )
            .unwrap();
        assert_eq!(
            due,
            at(London, "2026-01-14 09:00") + TimeDelta::seconds(1),
            "{}",
            wall(London, due)
        );
    }

    #[test]
    fn zero_hours_is_the_next_working_start() {
        let h = office();
        let cases = [
            ("2026-01-13 08:00", "Tue 2026-01-13 09:00 GMT"),
            ("2026-01-13 10:00", "Tue 2026-01-13 10:00 GMT"),
            ("2026-01-13 09:00", "Tue 2026-01-13 09:00 GMT"),
            ("2026-01-13 17:00", "Wed 2026-01-14 09:00 GMT"),
            ("2026-01-17 12:00", "Mon 2026-01-19 09:00 GMT"),
        ];
        for (start, expected) in cases {
            let t = at(London, start);
            assert_eq!(wall(London, h.add_working(t, hours(0)).unwrap()), expected);
            assert_eq!(wall(London, h.next_working_start(t).unwrap()), expected);
        }
    }

    #[test]
    fn subtracting_zero_hours_stays_or_goes_back_to_a_days_end() {
        let h = office();
        let cases = [
            ("2026-01-13 10:00", "Tue 2026-01-13 10:00 GMT"),
            ("2026-01-13 17:00", "Tue 2026-01-13 17:00 GMT"),
            ("2026-01-13 20:00", "Tue 2026-01-13 17:00 GMT"),
            ("2026-01-19 08:00", "Fri 2026-01-16 17:00 GMT"),
        ];
        for (due, expected) in cases {
            let got = h.subtract_working_hours(at(London, due), 0).unwrap();
            assert_eq!(wall(London, got), expected, "{due} - 0 h");
        }
    }

    #[test]
    fn the_warning_time_before_a_due_time() {
        let h = office();
        let cases = [
            // Same day.
            ("2026-01-13 15:00", 1, "Tue 2026-01-13 14:00 GMT"),
            ("2026-01-13 17:00", 1, "Tue 2026-01-13 16:00 GMT"),
            // Landing exactly on the day's start stays there.
            ("2026-01-13 10:00", 1, "Tue 2026-01-13 09:00 GMT"),
            ("2026-01-13 17:00", 8, "Tue 2026-01-13 09:00 GMT"),
            // Across a night.
            ("2026-01-14 10:00", 2, "Tue 2026-01-13 16:00 GMT"),
            ("2026-01-14 09:30", 1, "Tue 2026-01-13 16:30 GMT"),
            // Across a weekend.
            ("2026-01-19 09:30", 1, "Fri 2026-01-16 16:30 GMT"),
            ("2026-01-19 10:30", 2, "Fri 2026-01-16 16:30 GMT"),
            // A due time outside working hours counts from the day's end.
            ("2026-01-17 12:00", 1, "Fri 2026-01-16 16:00 GMT"),
        ];
        for (due, warn, expected) in cases {
            let got = h.subtract_working_hours(at(London, due), warn).unwrap();
            assert_eq!(wall(London, got), expected, "{due} - {warn} h");
        }
    }

    #[test]
    fn negative_durations_count_the_other_way() {
        let h = office();
        let t = at(London, "2026-01-14 10:00");
        assert_eq!(
            h.add_working(t, hours(-2)).unwrap(),
            h.subtract_working(t, hours(2)).unwrap()
        );
        assert_eq!(
            h.subtract_working(t, hours(-2)).unwrap(),
            h.add_working(t, hours(2)).unwrap()
        );
    }

    #[test]
    fn working_between_both_ways() {
        let h = office();
        let cases = [
            (
                "2026-01-13 10:00",
                "2026-01-13 12:30",
                TimeDelta::minutes(150),
            ),
            ("2026-01-13 16:00", "2026-01-14 10:00", hours(2)),
            ("2026-01-16 16:30", "2026-01-19 10:30", hours(2)),
            ("2026-01-13 18:00", "2026-01-14 08:00", hours(0)),
            ("2026-01-17 00:00", "2026-01-19 00:00", hours(0)),
            ("2026-01-12 00:00", "2026-01-19 00:00", hours(40)),
            ("2026-01-13 12:00", "2026-01-13 12:00", hours(0)),
        ];
        for (from, to, expected) in cases {
            let (from, to) = (at(London, from), at(London, to));
            assert_eq!(h.working_between(from, to).unwrap(), expected);
            assert_eq!(h.working_between(to, from).unwrap(), -expected);
        }
    }

    // A 00:00–24:00 day across each daylight-saving night. 2026 changes:
    // London 03-29 (01:00 GMT → 02:00 BST) and 10-25 (02:00 BST → 01:00
    // GMT); New York 03-08 (02:00 EST → 03:00 EDT) and 11-01 (02:00 EDT →
    // 01:00 EST).

    #[test]
    fn a_whole_day_holds_23_or_25_hours_across_daylight_saving() {
        let cases = [
            (London, "2026-03-29", 23),
            (London, "2026-10-25", 25),
            (New_York, "2026-03-08", 23),
            (New_York, "2026-11-01", 25),
        ];
        for (zone, day, real_hours) in cases {
            let h = settings(zone, ALL_WEEK, "00:00", "24:00", "");
            let midnight = at(zone, &format!("{day} 00:00"));
            let next = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .unwrap()
                .succ_opt()
                .unwrap();
            let next_midnight = at(zone, &format!("{next} 00:00"));
            assert_eq!(next_midnight - midnight, hours(real_hours), "{zone} {day}");
            assert_eq!(
                h.working_between(midnight, next_midnight).unwrap(),
                hours(real_hours),
                "{zone} {day}"
            );
            assert_eq!(
                h.add_working_hours(midnight, real_hours as u32).unwrap(),
                next_midnight,
                "{zone} {day}"
            );
            // Working time is real time in a day without gaps: 6 working
            // hours after 00:00 is 6 real hours later, whatever the wall
            // clock says.
            assert_eq!(
                h.add_working_hours(midnight, 6).unwrap(),
                midnight + hours(6)
            );
            assert_eq!(
                h.subtract_working_hours(next_midnight, 6).unwrap(),
                next_midnight - hours(6)
            );
        }
    }

    #[test]
    fn wall_clock_results_across_the_daylight_saving_nights() {
        let h = settings(London, ALL_WEEK, "00:00", "24:00", "");
        let due = h
            .add_working_hours(at(London, "2026-03-29 00:30"), 2)
            .unwrap();
        assert_eq!(wall(London, due), "Sun 2026-03-29 03:30 BST");
        let due = h
            .add_working_hours(at(London, "2026-10-25 00:30"), 2)
            .unwrap();
        assert_eq!(wall(London, due), "Sun 2026-10-25 01:30 GMT");

        let h = settings(New_York, ALL_WEEK, "00:00", "00:00", "");
        let due = h
            .add_working_hours(at(New_York, "2026-03-08 01:30"), 1)
            .unwrap();
        assert_eq!(wall(New_York, due), "Sun 2026-03-08 03:30 EDT");
        let due = h
            .add_working_hours(at(New_York, "2026-11-01 00:30"), 2)
            .unwrap();
        assert_eq!(wall(New_York, due), "Sun 2026-11-01 01:30 EST");
    }

    #[test]
    fn friday_to_monday_across_a_daylight_saving_weekend() {
        let weekdays: Vec<Weekday> = WorkingDays::MONDAY_TO_FRIDAY.iter().collect();
        let cases = [
            (London, "2026-03-27 16:30", "Mon 2026-03-30 10:30 BST"),
            (London, "2026-10-23 16:30", "Mon 2026-10-26 10:30 GMT"),
            (New_York, "2026-03-06 16:30", "Mon 2026-03-09 10:30 EDT"),
            (New_York, "2026-10-30 16:30", "Mon 2026-11-02 10:30 EST"),
        ];
        for (zone, start, due) in cases {
            let h = settings(zone, &weekdays, "09:00", "17:00", "");
            let start = at(zone, start);
            let got = h.add_working_hours(start, 2).unwrap();
            assert_eq!(wall(zone, got), due);
            assert_eq!(h.working_between(start, got).unwrap(), hours(2));
            assert_eq!(
                wall(zone, h.subtract_working_hours(got, 2).unwrap()),
                wall(zone, start)
            );
        }
        // And a whole-week day across the same weekend.
        let h = settings(London, ALL_WEEK, "00:00", "24:00", "");
        let friday = at(London, "2026-03-27 12:00");
        let monday = at(London, "2026-03-30 12:00");
        assert_eq!(h.working_between(friday, monday).unwrap(), hours(71));
        assert_eq!(h.add_working_hours(friday, 71).unwrap(), monday);
    }

    #[test]
    fn a_day_boundary_that_does_not_exist_moves_to_the_next_valid_time() {
        // London skips 01:00–02:00 on 2026-03-29: a day starting at 01:30
        // starts at 02:00 BST (01:00 UTC).
        let h = settings(London, ALL_WEEK, "01:30", "05:00", "");
        let start = h
            .next_working_start(at(London, "2026-03-29 00:00"))
            .unwrap();
        assert_eq!(wall(London, start), "Sun 2026-03-29 02:00 BST");
        assert_eq!(start, at(Tz::UTC, "2026-03-29 01:00"));
        let day = h
            .working_between(
                at(London, "2026-03-29 00:00"),
                at(London, "2026-03-29 12:00"),
            )
            .unwrap();
        assert_eq!(day, hours(3));

        // New York skips 02:00–03:00 on 2026-03-08: a day ending at 02:30
        // ends at 03:00 EDT, one real hour after 01:00 EST.
        let h = settings(New_York, ALL_WEEK, "01:00", "02:30", "");
        let due = h
            .add_working(at(New_York, "2026-03-08 01:00"), TimeDelta::minutes(60))
            .unwrap();
        assert_eq!(wall(New_York, due), "Sun 2026-03-08 03:00 EDT");
        let next = h
            .add_working(at(New_York, "2026-03-08 01:00"), TimeDelta::minutes(61))
            .unwrap();
        assert_eq!(wall(New_York, next), "Mon 2026-03-09 01:01 EDT");

        // A whole working day inside the gap has no working time at all.
        let h = settings(London, ALL_WEEK, "01:10", "01:50", "");
        let start = h
            .next_working_start(at(London, "2026-03-29 00:00"))
            .unwrap();
        assert_eq!(wall(London, start), "Mon 2026-03-30 01:10 BST");
    }

    #[test]
    fn an_ambiguous_day_boundary_takes_the_earlier_time() {
        // London repeats 01:00–02:00 on 2026-10-25: a day starting at 01:30
        // starts at 01:30 BST (00:30 UTC), and runs 4.5 real hours to 05:00.
        let h = settings(London, ALL_WEEK, "01:30", "05:00", "");
        let start = h
            .next_working_start(at(London, "2026-10-25 00:00"))
            .unwrap();
        assert_eq!(wall(London, start), "Sun 2026-10-25 01:30 BST");
        assert_eq!(
            h.working_between(
                at(London, "2026-10-25 00:00"),
                at(London, "2026-10-25 12:00")
            )
            .unwrap(),
            TimeDelta::minutes(270)
        );
        // A day ending at 01:30 ends at the first 01:30.
        let h = settings(New_York, ALL_WEEK, "00:00", "01:30", "");
        let due = h
            .add_working(at(New_York, "2026-11-01 00:00"), TimeDelta::minutes(90))
            .unwrap();
        assert_eq!(wall(New_York, due), "Sun 2026-11-01 01:30 EDT");
    }

    #[test]
    fn parses_the_form() {
        let form = WorkingHoursForm {
            working_days: [Weekday::Sat, Weekday::Mon].into_iter().collect(),
            day_starts: " 8:30 ",
            day_ends: "24:00",
            holidays: "\r\n2026-12-25\r\n  2026-01-01 \n\n2026-12-25\n",
        };
        let h = WorkingHours::parse(&form, New_York, now()).unwrap();
        assert_eq!(
            h.working_days().iter().collect::<Vec<_>>(),
            [Weekday::Mon, Weekday::Sat]
        );
        assert_eq!(h.day_starts_text(), "08:30");
        assert_eq!(h.day_ends_text(), "24:00");
        assert_eq!(h.holidays_text(), "2026-01-01\n2026-12-25");
        assert_eq!(h.holidays().count(), 2);
        assert_eq!(h.zone(), New_York);

        // What it shows parses back to the same settings.
        let starts = h.day_starts_text();
        let ends = h.day_ends_text();
        let holidays = h.holidays_text();
        let again = WorkingHoursForm {
            working_days: h.working_days(),
            day_starts: &starts,
            day_ends: &ends,
            holidays: &holidays,
        };
        assert_eq!(WorkingHours::parse(&again, New_York, now()).unwrap(), h);

        // 00:00 as the end is the midnight that ends the day.
        let whole = WorkingHoursForm {
            day_starts: "00:00",
            day_ends: "00:00",
            ..form
        };
        let h = WorkingHours::parse(&whole, New_York, now()).unwrap();
        assert_eq!(h.day_ends_text(), "24:00");
    }

    #[test]
    fn refuses_bad_fields_beside_each_field() {
        use WorkingHoursError::*;
        let good = WorkingHoursForm {
            working_days: WorkingDays::MONDAY_TO_FRIDAY,
            day_starts: "09:00",
            day_ends: "17:00",
            holidays: "",
        };
        let cases: [(WorkingHoursForm<'_>, Vec<WorkingHoursError>); 12] = [
            (
                WorkingHoursForm {
                    working_days: WorkingDays::default(),
                    ..good
                },
                vec![NoWorkingDay],
            ),
            (
                WorkingHoursForm {
                    day_ends: "08:00",
                    ..good
                },
                vec![EndNotAfterStart],
            ),
            (
                WorkingHoursForm {
                    day_ends: "09:00",
                    ..good
                },
                vec![EndNotAfterStart],
            ),
            (
                WorkingHoursForm {
                    day_starts: "24:00",
                    day_ends: "24:00",
                    ..good
                },
                vec![EndNotAfterStart],
            ),
            (
                WorkingHoursForm {
                    day_starts: " ",
                    ..good
                },
                vec![DayStartsMissing],
            ),
            (
                WorkingHoursForm {
                    day_starts: "9am",
                    ..good
                },
                vec![DayStartsNotATime("9am".into())],
            ),
            (
                WorkingHoursForm {
                    day_ends: "17:60",
                    ..good
                },
                vec![DayEndsNotATime("17:60".into())],
            ),
            (
                WorkingHoursForm {
                    day_ends: "24:30",
                    ..good
                },
                vec![DayEndsNotATime("24:30".into())],
            ),
            (
                WorkingHoursForm {
                    day_ends: "",
                    ..good
                },
                vec![DayEndsMissing],
            ),
            (
                WorkingHoursForm {
                    holidays: "2026-12-25\n2026-13-01\nnot a date",
                    ..good
                },
                vec![HolidayNotADate("2026-13-01".into())],
            ),
            (
                WorkingHoursForm {
                    holidays: "2026-2-29",
                    ..good
                },
                vec![HolidayNotADate("2026-2-29".into())],
            ),
            (
                WorkingHoursForm {
                    working_days: WorkingDays::default(),
                    day_starts: "noon",
                    day_ends: "1700",
                    holidays: "+2026-01-05",
                },
                vec![
                    NoWorkingDay,
                    DayStartsNotATime("noon".into()),
                    DayEndsNotATime("1700".into()),
                    HolidayNotADate("+2026-01-05".into()),
                ],
            ),
        ];
        for (form, expected) in cases {
            assert_eq!(parse_errors(form), expected, "{form:?}");
        }
        for bad in [
            "2026-02-29",
            "2026-00-10",
            "2026-01-32",
            "20260105",
            "26-01-05",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        for bad in [
            "0900",
            "9",
            "09:0",
            "09:000",
            "-1:00",
            "09:00:00",
            "٠٩:٠٠",
            ":30",
        ] {
            assert!(parse_clock_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn error_messages_name_the_field_in_plain_words() {
        use WorkingHoursError::*;
        let messages = [
            (NoWorkingDay, "Choose at least one working day"),
            (EndNotAfterStart, "Day ends must be after Day starts"),
            (
                HolidayNotADate("2026-13-01".into()),
                "'2026-13-01' is not a date (use YYYY-MM-DD)",
            ),
            (
                DayStartsNotATime("9am".into()),
                "Day starts: '9am' is not a time (use HH:MM, like 09:00)",
            ),
            (
                NoWorkingTimeWithinAYear,
                "With these working days and holidays there is no working time in the next 366 days",
            ),
        ];
        for (error, message) in messages {
            assert_eq!(error.to_string(), message);
        }
        let errors = parse_errors(WorkingHoursForm {
            working_days: WorkingDays::default(),
            day_starts: "09:00",
            day_ends: "08:00",
            holidays: &format!("{}\n", "x".repeat(100)),
        });
        let errors = WorkingHoursErrors(errors);
        assert_eq!(
            errors.get(WorkingHoursField::WorkingDays),
            Some(&NoWorkingDay)
        );
        assert_eq!(
            errors.get(WorkingHoursField::DayEnds),
            Some(&EndNotAfterStart)
        );
        assert_eq!(errors.get(WorkingHoursField::DayStarts), None);
        let long = errors.get(WorkingHoursField::Holidays).unwrap().to_string();
        assert_eq!(
            long,
            format!("'{}…' is not a date (use YYYY-MM-DD)", "x".repeat(32))
        );
    }

    /// Every Monday from `first` for `count` weeks, one a line.
    fn mondays(first: &str, count: u64) -> String {
        let first = NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap();
        (0..count)
            .map(|week| (first + chrono::Days::new(7 * week)).to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn refuses_settings_with_no_working_time_in_a_year() {
        // Mondays only, and every Monday a holiday from 2026-01-05 to
        // 2026-12-28: the 366 days from 2026-01-01 hold no working time.
        let holidays = mondays("2026-01-05", 52);
        let form = WorkingHoursForm {
            working_days: [Weekday::Mon].into_iter().collect(),
            day_starts: "09:00",
            day_ends: "17:00",
            holidays: &holidays,
        };
        assert_eq!(
            parse_errors(form),
            [WorkingHoursError::NoWorkingTimeWithinAYear]
        );
        assert_eq!(
            WorkingHoursError::NoWorkingTimeWithinAYear.field(),
            WorkingHoursField::Holidays
        );
        // One Monday fewer is accepted: 2026-12-28 works.
        let holidays = mondays("2026-01-05", 51);
        let h = WorkingHours::parse(
            &WorkingHoursForm {
                holidays: &holidays,
                ..form
            },
            London,
            now(),
        )
        .unwrap();
        let start = h.next_working_start(now()).unwrap();
        assert_eq!(wall(London, start), "Mon 2026-12-28 09:00 GMT");
    }

    #[test]
    fn stops_at_the_horizon_instead_of_looping() {
        // Accepted in 2026, but by 2030 the holidays cover every Monday for
        // longer than the horizon.
        let holidays = mondays("2030-01-07", 540);
        let h = settings(London, &[Weekday::Mon], "09:00", "17:00", &holidays);
        let in_2030 = at(London, "2030-01-01 00:00");
        assert_eq!(h.next_working_start(in_2030), Err(BeyondHorizon));
        assert_eq!(h.add_working_hours(in_2030, 1), Err(BeyondHorizon));
        // The day after the last of those holidays, walking back.
        let after = at(London, "2040-05-08 00:00");
        assert_eq!(h.subtract_working_hours(after, 1), Err(BeyondHorizon));
        // A duration beyond any service level.
        let office = office();
        assert_eq!(
            office.add_working(in_2030, TimeDelta::days(10_000)),
            Err(BeyondHorizon)
        );
        assert_eq!(
            office.working_between(in_2030, in_2030 + TimeDelta::days(4000)),
            Err(BeyondHorizon)
        );
        // Up to the horizon, every day counts, the last ones too: 522 weeks
        // of 40 hours (2030-01-07 is a Monday).
        let monday = at(London, "2030-01-07 00:00");
        let weeks_later = monday + TimeDelta::weeks(522);
        assert_eq!(
            office.working_between(monday, weeks_later),
            Ok(hours(522 * 40))
        );
        assert_eq!(
            office.add_working_hours(monday, 522 * 40),
            Ok(weeks_later - TimeDelta::days(2) - hours(7))
        );
        // The ends of the calendar give an error, not a panic.
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let _ = office.add_working_hours(t, 8);
            let _ = office.subtract_working_hours(t, 8);
            let _ = office.next_working_start(t);
            let _ = office.working_between(t, t);
        }
        assert_eq!(
            office.next_working_start(DateTime::<Utc>::MAX_UTC),
            Err(BeyondHorizon)
        );
    }

    #[test]
    fn ten_thousand_due_times_walk_days_not_minutes() {
        // Not a benchmark (about 30 ms in a debug build), but a walk minute
        // by minute would make this test take minutes.
        let h = office();
        let mut t = at(London, "2026-01-01 00:00");
        for _ in 0..10_000 {
            let due = h.add_working_hours(t, 24).unwrap();
            let warn = h.subtract_working_hours(due, 1).unwrap();
            assert!(due > t && warn < due);
            t += TimeDelta::minutes(53);
        }
    }

    fn zones() -> impl Strategy<Value = Tz> {
        prop::sample::select(vec![
            London,
            New_York,
            Tz::UTC,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Pacific::Apia,
            chrono_tz::America::Sao_Paulo,
        ])
    }

    prop_compose! {
        fn any_settings()(
            zone in zones(),
            days in 1u8..128,
            starts in 0u16..1440,
            length in 1u16..=1440,
            holiday_offsets in prop::collection::vec(0u64..2000, 0..20),
        ) -> WorkingHours {
            let ends = (starts + length).min(MINUTES_PER_DAY).max(starts + 1);
            let first = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap();
            let holidays = holiday_offsets
                .iter()
                .map(|d| (first + chrono::Days::new(*d)).to_string())
                .collect::<Vec<_>>()
                .join("\n");
            let form = WorkingHoursForm {
                working_days: WorkingDays(days),
                day_starts: &clock_text(starts),
                day_ends: &clock_text(ends),
                holidays: &holidays,
            };
            WorkingHours::parse(&form, zone, at(Tz::UTC, "2010-01-01 00:00")).unwrap()
        }
    }

    /// Giving up is only honest when the days the walk may cover hold
    /// less working time than asked for (one minute a week holds ten
    /// years' worth of 523 minutes).
    fn horizon_holds_less_than(h: &WorkingHours, t: DateTime<Utc>, d: TimeDelta) -> bool {
        let walked = t + TimeDelta::days(i64::from(HORIZON_DAYS) - 3);
        h.working_between(t, walked).unwrap() < d
    }

    proptest! {
        #[test]
        fn adding_then_subtracting_comes_back(
            h in any_settings(),
            // 2010 to 2016: daylight-saving rules changed in some zones.
            unix in 1_262_304_000i64..1_470_000_000,
            seconds in 0i64..200 * 3600,
        ) {
            let t = h.next_working_start(DateTime::from_timestamp(unix, 0).unwrap()).unwrap();
            let d = TimeDelta::seconds(seconds);
            let Ok(due) = h.add_working(t, d) else {
                prop_assert!(horizon_holds_less_than(&h, t, d));
                return Ok(());
            };
            prop_assert!(due >= t);
            prop_assert_eq!(h.working_between(t, due).unwrap(), d);
            prop_assert_eq!(h.working_between(due, t).unwrap(), -d);
            let back = h.subtract_working(due, d).unwrap();
            prop_assert!(back <= t, "{} - {} = {} after {}", due, d, back, t);
            if seconds > 0 {
                // A positive duration lands inside working hours either way.
                prop_assert_eq!(back, t);
                prop_assert_eq!(h.working_between(due - TimeDelta::seconds(1), due).unwrap(),
                    TimeDelta::seconds(1));
            }
        }

        #[test]
        fn a_start_outside_hours_counts_from_the_next_start(
            h in any_settings(),
            unix in 1_262_304_000i64..1_470_000_000,
            seconds in 0i64..50 * 3600,
        ) {
            let t = DateTime::from_timestamp(unix, 0).unwrap();
            let d = TimeDelta::seconds(seconds);
            let start = h.next_working_start(t).unwrap();
            prop_assert!(start >= t);
            prop_assert_eq!(h.working_between(t, start).unwrap(), TimeDelta::zero());
            match h.add_working(t, d) {
                Ok(due) => prop_assert_eq!(Ok(due), h.add_working(start, d)),
                Err(BeyondHorizon) => prop_assert!(horizon_holds_less_than(&h, t, d)),
            }
        }
    }
}
