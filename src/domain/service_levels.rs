//! Service levels (SPEC §11): how many working hours a save call and a
//! refund may take, when to warn, and the working hours they count in.
//! Pure: the settings parse here with an error per form field, and a due
//! time is arithmetic on the working-time calendar.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::working_time::{
    BeyondHorizon, WorkingDays, WorkingHours, WorkingHoursField, WorkingHoursForm,
};

/// Due windows are whole working hours below this (SPEC §11 refuses 1,000).
pub const MAX_WINDOW_HOURS: u32 = 999;

/// The settings in force: due windows, the warning and the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLevels {
    pub save_call_hours: u32,
    pub refund_hours: u32,
    pub review_refund_hours: u32,
    /// 0: no warning.
    pub warn_hours: u32,
    pub hours: WorkingHours,
}

/// What `/admin/sla` posts, before parsing.
#[derive(Debug, Clone, Copy)]
pub struct ServiceLevelsForm<'a> {
    pub save_call_hours: &'a str,
    pub refund_hours: &'a str,
    pub review_refund_hours: &'a str,
    pub warn_hours: &'a str,
    pub hours: WorkingHoursForm<'a>,
}

/// The form field names an error belongs beside.
pub mod fields {
    pub const SAVE_CALL_HOURS: &str = "save_call_hours";
    pub const REFUND_HOURS: &str = "refund_hours";
    pub const REVIEW_REFUND_HOURS: &str = "review_refund_hours";
    pub const WARN_HOURS: &str = "warn_hours";
    pub const WORKING_DAYS: &str = "working_days";
    pub const DAY_STARTS: &str = "day_starts";
    pub const DAY_ENDS: &str = "day_ends";
    pub const HOLIDAYS: &str = "holidays";
}

/// When a track is due and when to warn about it, as unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due_at: i64,
    /// None when "Warn before due" is 0.
    pub warn_at: Option<i64>,
}

/// The deadlines a case created at one instant would get, for each kind of
/// work: computed once at intake, then picked by what the procedure decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub save_call: Deadline,
    pub refund: Deadline,
    pub review_refund: Deadline,
}

impl Deadlines {
    pub fn for_refund(&self, needs_review: bool) -> Deadline {
        if needs_review {
            self.review_refund
        } else {
            self.refund
        }
    }
}

/// Which of a case's tracks an alarm is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueTrack {
    SaveCall,
    Refund,
}

impl DueTrack {
    pub fn as_str(self) -> &'static str {
        match self {
            DueTrack::SaveCall => "save_call",
            DueTrack::Refund => "refund",
        }
    }

    pub fn parse(text: &str) -> Option<DueTrack> {
        [DueTrack::SaveCall, DueTrack::Refund]
            .into_iter()
            .find(|t| t.as_str() == text)
    }

    /// "Save call", "Refund": how messages and the case log name it.
    pub fn label(self) -> &'static str {
        match self {
            DueTrack::SaveCall => "Save call",
            DueTrack::Refund => "Refund",
        }
    }
}

/// Before the due time, or at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmKind {
    Warning,
    Overdue,
}

impl AlarmKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmKind::Warning => "warning",
            AlarmKind::Overdue => "overdue",
        }
    }

    pub fn parse(text: &str) -> Option<AlarmKind> {
        [AlarmKind::Warning, AlarmKind::Overdue]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

impl ServiceLevels {
    /// SPEC §11's defaults: 8, 16 and 24 working hours, warn 1 hour
    /// before, Monday to Friday 09:00–17:00.
    pub fn defaults(zone: Tz) -> ServiceLevels {
        ServiceLevels {
            save_call_hours: 8,
            refund_hours: 16,
            review_refund_hours: 24,
            warn_hours: 1,
            hours: WorkingHours::office_hours(zone),
        }
    }

    /// Parses the form; every refusal comes back with the field it belongs
    /// beside. `now` is for the check that the calendar holds working time
    /// in the next 366 days.
    pub fn parse(
        form: &ServiceLevelsForm<'_>,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<ServiceLevels, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut window = |field: &'static str, text: &str| match parse_hours(text, 1) {
            Ok(hours) => Some(hours),
            Err(message) => {
                errors.push((field, message));
                None
            }
        };
        let save_call = window(fields::SAVE_CALL_HOURS, form.save_call_hours);
        let refund = window(fields::REFUND_HOURS, form.refund_hours);
        let review = window(fields::REVIEW_REFUND_HOURS, form.review_refund_hours);
        let warn = match parse_hours(form.warn_hours, 0) {
            Ok(warn) => {
                let shortest = [save_call, refund, review].into_iter().flatten().min();
                match shortest {
                    Some(shortest) if warn >= shortest => {
                        errors.push((
                            fields::WARN_HOURS,
                            format!(
                                "Warn before due must be less than the shortest due window ({shortest} working hours)"
                            ),
                        ));
                        None
                    }
                    _ => Some(warn),
                }
            }
            Err(message) => {
                errors.push((fields::WARN_HOURS, message));
                None
            }
        };
        let hours = WorkingHours::parse(&form.hours, zone, now).map_err(|refused| {
            for error in refused.iter() {
                errors.push((field_name(error.field()), error.to_string()));
            }
        });
        match (save_call, refund, review, warn, hours) {
            (
                Some(save_call_hours),
                Some(refund_hours),
                Some(review_refund_hours),
                Some(warn_hours),
                Ok(hours),
            ) if errors.is_empty() => Ok(ServiceLevels {
                save_call_hours,
                refund_hours,
                review_refund_hours,
                warn_hours,
                hours,
            }),
            _ => Err(errors),
        }
    }

    /// The deadline of work `window` working hours long, created at `created_at`.
    pub fn deadline(&self, window: u32, created_at: i64) -> Result<Deadline, BeyondHorizon> {
        let created = DateTime::from_timestamp(created_at, 0).ok_or(BeyondHorizon)?;
        let due = self.hours.add_working_hours(created, window)?;
        let warn_at = if self.warn_hours == 0 {
            None
        } else {
            Some(
                self.hours
                    .subtract_working_hours(due, self.warn_hours)?
                    .timestamp(),
            )
        };
        Ok(Deadline {
            due_at: due.timestamp(),
            warn_at,
        })
    }

    /// Every kind of work's deadline for a case created at `created_at`.
    pub fn deadlines(&self, created_at: i64) -> Result<Deadlines, BeyondHorizon> {
        Ok(Deadlines {
            save_call: self.deadline(self.save_call_hours, created_at)?,
            refund: self.deadline(self.refund_hours, created_at)?,
            review_refund: self.deadline(self.review_refund_hours, created_at)?,
        })
    }

    /// `t` when it is within working hours, else the next working-hours
    /// start: when a message found due at `t` goes out.
    pub fn send_time(&self, t: i64) -> Result<i64, BeyondHorizon> {
        let at = DateTime::from_timestamp(t, 0).ok_or(BeyondHorizon)?;
        Ok(self.hours.next_working_start(at)?.timestamp())
    }
}

/// The working days as stored (see [`WorkingDays::bits`]).
pub fn working_days_from_bits(bits: i32) -> WorkingDays {
    WorkingDays::from_bits(u8::try_from(bits & 0x7f).unwrap_or(0))
}

fn field_name(field: WorkingHoursField) -> &'static str {
    match field {
        WorkingHoursField::WorkingDays => fields::WORKING_DAYS,
        WorkingHoursField::DayStarts => fields::DAY_STARTS,
        WorkingHoursField::DayEnds => fields::DAY_ENDS,
        WorkingHoursField::Holidays => fields::HOLIDAYS,
    }
}

/// A whole number of working hours from `min` to [`MAX_WINDOW_HOURS`].
fn parse_hours(text: &str, min: u32) -> Result<u32, String> {
    let text = text.trim();
    let range = format!("Enter a whole number of working hours from {min} to {MAX_WINDOW_HOURS}");
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) || text.len() > 6 {
        return Err(range);
    }
    match text.parse::<u32>() {
        Ok(hours) if (min..=MAX_WINDOW_HOURS).contains(&hours) => Ok(hours),
        _ => Err(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(windows: [&'a str; 4], days: WorkingDays, ends: &'a str) -> ServiceLevelsForm<'a> {
        ServiceLevelsForm {
            save_call_hours: windows[0],
            refund_hours: windows[1],
            review_refund_hours: windows[2],
            warn_hours: windows[3],
            hours: WorkingHoursForm {
                working_days: days,
                day_starts: "09:00",
                day_ends: ends,
                holidays: "",
            },
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_597_200, 0).unwrap()
    }

    fn fields_refused(f: ServiceLevelsForm<'_>) -> Vec<&'static str> {
        ServiceLevels::parse(&f, Tz::UTC, now())
            .unwrap_err()
            .into_iter()
            .map(|(field, _)| field)
            .collect()
    }

    #[test]
    fn the_defaults_parse() {
        let parsed = ServiceLevels::parse(
            &form(
                ["8", "16", "24", "1"],
                WorkingDays::MONDAY_TO_FRIDAY,
                "17:00",
            ),
            Tz::UTC,
            now(),
        )
        .unwrap();
        assert_eq!(parsed, ServiceLevels::defaults(Tz::UTC));
    }

    #[test]
    fn windows_of_0_or_1000_hours_and_a_long_warning_are_refused_beside_their_field() {
        let days = WorkingDays::MONDAY_TO_FRIDAY;
        assert_eq!(
            fields_refused(form(["0", "1000", "x", "1"], days, "17:00")),
            vec![
                fields::SAVE_CALL_HOURS,
                fields::REFUND_HOURS,
                fields::REVIEW_REFUND_HOURS
            ]
        );
        assert_eq!(
            fields_refused(form(["8", "16", "24", "8"], days, "17:00")),
            vec![fields::WARN_HOURS]
        );
        assert_eq!(
            fields_refused(form(["8", "16", "24", "-1"], days, "17:00")),
            vec![fields::WARN_HOURS]
        );
        assert!(
            ServiceLevels::parse(&form(["8", "16", "24", "0"], days, "17:00"), Tz::UTC, now())
                .is_ok()
        );
    }

    #[test]
    fn calendar_errors_name_their_field() {
        assert_eq!(
            fields_refused(form(
                ["8", "16", "24", "1"],
                WorkingDays::default(),
                "08:00"
            )),
            vec![fields::WORKING_DAYS, fields::DAY_ENDS]
        );
    }

    #[test]
    fn a_deadline_and_its_warning() {
        let levels = ServiceLevels::defaults(Tz::UTC);
        // Wednesday 2026-11-25 10:00 UTC + 8 working hours: Thursday 10:00,
        // warned at Thursday 09:00.
        let created = 1_795_597_200 + 3_600;
        let deadline = levels.deadline(8, created).unwrap();
        assert_eq!(deadline.due_at, created + 24 * 3_600);
        assert_eq!(deadline.warn_at, Some(created + 23 * 3_600));
        let quiet = ServiceLevels {
            warn_hours: 0,
            ..levels
        };
        assert_eq!(quiet.deadline(8, created).unwrap().warn_at, None);
    }
}
