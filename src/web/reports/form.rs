//! The filters of `/reports` as typed: "From", "To", "Group by".

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::reports::GroupBy;
use crate::services::FieldErrors;
use crate::services::reports::ReportFilter;

/// Every filter as a string: missing is empty (the default), an unknown
/// parameter refuses the request (400).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportForm {
    pub from: String,
    pub to: String,
    pub group: String,
}

const DATE_FORMAT: &str = "%Y-%m-%d";

fn date(
    errors: &mut FieldErrors,
    field: &'static str,
    typed: &str,
    default: NaiveDate,
) -> Option<NaiveDate> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(default);
    }
    match NaiveDate::parse_from_str(typed, DATE_FORMAT) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "Enter a date as YYYY-MM-DD, like 2026-11-25");
            None
        }
    }
}

impl ReportForm {
    /// The filter, with the default period for an empty date.
    pub fn parse(&self, (from, to): (NaiveDate, NaiveDate)) -> Result<ReportFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let from = date(&mut errors, "from", &self.from, from);
        let to = date(&mut errors, "to", &self.to, to);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.add("to", "“To” must be on or after “From”");
        }
        let group = match self.group.trim() {
            "" => Some(GroupBy::Month),
            typed => errors.check("group", GroupBy::parse(typed)),
        };
        match (from, to, group) {
            (Some(from), Some(to), Some(group_by)) if errors.is_empty() => {
                Ok(ReportFilter { from, to, group_by })
            }
            _ => Err(errors),
        }
    }

    /// The form as it will show: what was typed, or the filter's values.
    pub fn shown(filter: &ReportFilter) -> ReportForm {
        ReportForm {
            from: filter.from.format(DATE_FORMAT).to_string(),
            to: filter.to.format(DATE_FORMAT).to_string(),
            group: filter.group_by.as_str().to_owned(),
        }
    }

    /// The query string that gives the same report (for the CSV links).
    pub fn query(&self) -> String {
        let encode = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "from={}&to={}&group={}",
            encode(&self.from),
            encode(&self.to),
            encode(&self.group)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn form(from: &str, to: &str, group: &str) -> ReportForm {
        ReportForm {
            from: from.into(),
            to: to.into(),
            group: group.into(),
        }
    }

    #[test]
    fn empty_filters_take_the_defaults() {
        let filter = ReportForm::default().parse((day(1), day(30))).unwrap();
        assert_eq!((filter.from, filter.to), (day(1), day(30)));
        assert_eq!(filter.group_by, GroupBy::Month);
    }

    #[test]
    fn bad_filters_are_refused_beside_their_field() {
        let defaults = (day(1), day(30));
        let errors = form("2026-11-20", "2026-11-10", "")
            .parse(defaults)
            .unwrap_err();
        assert!(errors.get("to").is_some());
        let errors = form("yesterday", "", "").parse(defaults).unwrap_err();
        assert!(errors.get("from").is_some());
        let errors = form("2026-02-30", "", "").parse(defaults).unwrap_err();
        assert!(errors.get("from").is_some());
        let errors = form("", "", "colour").parse(defaults).unwrap_err();
        assert!(errors.get("group").is_some());
        let same_day = form("2026-11-10", "2026-11-10", "offer").parse(defaults);
        assert_eq!(same_day.unwrap().group_by, GroupBy::Offer);
    }
}
