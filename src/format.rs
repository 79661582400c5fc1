//! How times and ages read on screen: in `RD_TIMEZONE` with the zone shown,
//! ages as "5 min", "3 h", "2 d".

use chrono::DateTime;
use chrono_tz::Tz;

#[derive(Clone, Copy)]
pub struct Formatter {
    pub timezone: Tz,
    pub now: i64,
}

impl Formatter {
    /// Now, in the app's time zone.
    pub fn for_state(state: &crate::state::AppState) -> Formatter {
        Formatter {
            timezone: state.settings.timezone,
            now: state.clock.unix(),
        }
    }

    pub fn time(&self, unix: &i64) -> String {
        DateTime::from_timestamp(*unix, 0)
            .map(|t| {
                t.with_timezone(&self.timezone)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .unwrap_or_default()
    }

    pub fn clock_time(&self, unix: &i64) -> String {
        DateTime::from_timestamp(*unix, 0)
            .map(|t| {
                t.with_timezone(&self.timezone)
                    .format("%H:%M %Z")
                    .to_string()
            })
            .unwrap_or_default()
    }

    pub fn age(&self, unix: &i64) -> String {
        age(self.now - *unix)
    }

    /// SPEC §11: a due time is overdue from the moment it is reached.
    pub fn is_overdue(&self, due: &i64) -> bool {
        self.now >= *due
    }

    /// A due time in clock time: "in 3 h", or "2 h late".
    pub fn due(&self, due: &i64) -> String {
        if self.is_overdue(due) {
            format!("{} late", span(self.now - *due))
        } else {
            format!("in {}", span(*due - self.now))
        }
    }
}

/// A length of clock time in its largest whole unit, at least a minute.
fn span(seconds: i64) -> String {
    age(seconds.max(60))
}

pub fn age(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        s if s < 60 => "just now".to_owned(),
        s if s < 3_600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3_600),
        s => format!("{} d", s / 86_400),
    }
}

/// A CSV text cell a spreadsheet would read as a formula (`=`, `+`, `-`,
/// `@`, tab or carriage return first) gets a leading `'`, so it stays text
/// (SPEC §7). Amounts are written apart and stay numbers.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_is_kept() {
        for formula in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_safe("Acme Inc."), "Acme Inc.");
        assert_eq!(spreadsheet_safe("ACC-1=2"), "ACC-1=2");
    }

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age(5), "just now");
        assert_eq!(age(5 * 60), "5 min");
        assert_eq!(age(3 * 3_600 + 59), "3 h");
        assert_eq!(age(2 * 86_400 + 5), "2 d");
    }

    #[test]
    fn due_times_read_in_clock_time() {
        let fmt = Formatter {
            timezone: Tz::UTC,
            now: 10_000,
        };
        assert_eq!(fmt.due(&(10_000 + 3 * 3_600 + 5)), "in 3 h");
        assert_eq!(fmt.due(&(10_000 + 10)), "in 1 min");
        assert!(!fmt.is_overdue(&10_001));
        assert!(fmt.is_overdue(&10_000));
        assert_eq!(fmt.due(&10_000), "1 min late");
        assert_eq!(fmt.due(&(10_000 - 2 * 3_600)), "2 h late");
    }

    #[test]
    fn times_show_their_zone() {
        let utc = Formatter {
            timezone: Tz::UTC,
            now: 0,
        };
        assert_eq!(utc.time(&1_795_597_200), "2026-11-25 09:00 UTC");
        let berlin = Formatter {
            timezone: chrono_tz::Europe::Berlin,
            now: 0,
        };
        assert_eq!(berlin.clock_time(&1_795_597_200), "10:00 CET");
    }
}
