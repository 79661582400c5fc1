//! The retention reports (SPEC §9): save calls, cancellations and refunds
//! of the cases submitted between two dates, grouped one way; and a sales
//! rep's own save rate on `/tasks`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::db::views::reports::{
    self as rows, CancellationReportRow, RefundReportRow, SaveTaskReportRow,
};
use crate::domain::reports::{
    CancellationFact, GroupBy, Groups, KEPT_WINDOW, LaterCase, RefundEnd, RefundFact, Reports,
    SaveCallFact, TaskEnd, kept_30_days, on_time, save_rate,
};
use crate::domain::{BillingStatus, OfferMade, ReviewState, Role, SaveOutcome};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

/// Who sees `/reports`.
pub const READERS: [Role; 3] = [Role::RetentionOwner, Role::Billing, Role::Admin];

/// "From", "To" (inclusive, in `RD_TIMEZONE`) and "Group by", parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: GroupBy,
}

/// The default period: the last 90 days, today included.
pub fn default_period(app: &AppState) -> (NaiveDate, NaiveDate) {
    let today = today(app.clock.unix(), app.settings.timezone);
    (today - chrono::Days::new(89), today)
}

fn today(now: i64, zone: Tz) -> NaiveDate {
    chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
        .date_naive()
}

/// The first second of `day` in `zone` (the earlier one when ambiguous,
/// the first valid one after a gap).
fn start_of(day: NaiveDate, zone: Tz) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..4)
        .find_map(|h| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc().timestamp(), |t| t.timestamp())
}

/// `[first second of From, first second of the day after To)`.
fn range(filter: &ReportFilter, zone: Tz) -> (i64, i64) {
    let after_to = filter.to.succ_opt().unwrap_or(filter.to);
    (start_of(filter.from, zone), start_of(after_to, zone))
}

/// The three tables for the filter.
pub async fn reports(
    app: &AppState,
    actor: Actor,
    filter: ReportFilter,
) -> Result<Reports, ServiceError> {
    if !READERS.contains(&actor.role) {
        return Err(ServiceError::Forbidden);
    }
    let zone = app.settings.timezone;
    let now = app.clock.unix();
    let span = range(&filter, zone);
    let (tasks, later, cancellations, refunds) = app
        .db
        .read(move |conn| {
            Ok::<_, ServiceError>((
                rows::save_tasks(conn, span)?,
                rows::cases_after_saves(conn, span, KEPT_WINDOW)?,
                rows::cancellations(conn, span)?,
                rows::refunds(conn, span)?,
            ))
        })
        .await?;
    let mut after_save: HashMap<_, Vec<LaterCase>> = HashMap::new();
    for case in later {
        after_save.entry(case.task_id).or_default().push(LaterCase {
            submitted_at: case.created_at,
            cancellation: case.cancellation_status,
        });
    }
    let saves: Vec<SaveCallFact> = tasks
        .into_iter()
        .map(|t| {
            let later = after_save.remove(&t.task_id).unwrap_or_default();
            save_fact(t, &later, month_in(filter.group_by, zone), now)
        })
        .collect();
    let cancellations: Vec<CancellationFact> = cancellations
        .into_iter()
        .map(|c| cancellation_fact(c, month_in(filter.group_by, zone)))
        .collect();
    let refunds: Vec<RefundFact> = refunds
        .into_iter()
        .map(|r| refund_fact(r, month_in(filter.group_by.for_refunds(), zone)))
        .collect();
    Ok(Reports::build(
        filter.group_by,
        &saves,
        &cancellations,
        &refunds,
    ))
}

/// A case's month (`2026-11`), only when the table is grouped by month
/// (the time-zone conversion is the costliest part of a fact).
#[derive(Clone, Copy)]
struct MonthOf(Option<Tz>);

fn month_in(by: GroupBy, zone: Tz) -> MonthOf {
    MonthOf((by == GroupBy::Month).then_some(zone))
}

impl MonthOf {
    fn of(self, at: i64) -> String {
        self.0.map_or_else(String::new, |zone| {
            let day = today(at, zone);
            format!("{:04}-{:02}", day.year(), day.month())
        })
    }
}

const NOT_RECORDED: &str = "Not recorded";
const UNKNOWN_REP: &str = "Unknown";

fn offer_label(offer: Option<OfferMade>) -> String {
    offer.unwrap_or(OfferMade::NoOffer).label().to_owned()
}

fn save_fact(t: SaveTaskReportRow, later: &[LaterCase], month: MonthOf, now: i64) -> SaveCallFact {
    let end = match (t.is_open, t.outcome) {
        (true, _) => TaskEnd::Open,
        (false, Some(SaveOutcome::Saved)) => TaskEnd::Saved,
        (false, Some(SaveOutcome::NotSaved)) => TaskEnd::NotSaved,
        (false, _) => TaskEnd::Withdrawn,
    };
    let decided = matches!(end, TaskEnd::Saved | TaskEnd::NotSaved);
    let closed_at = t.closed_at.filter(|_| decided);
    SaveCallFact {
        groups: Groups {
            month: month.of(t.case_created_at),
            sales_rep: t.rep_name,
            level: t.level_name,
            reason: t.reason_name.unwrap_or_else(|| NOT_RECORDED.to_owned()),
            offer: offer_label(t.offer),
        },
        end,
        ar_balance: t.ar_balance,
        time_to_outcome: closed_at.map(|at| at - t.task_created_at),
        on_time: on_time(closed_at, t.due_at),
        kept: closed_at
            .filter(|_| end == TaskEnd::Saved)
            .and_then(|saved_at| kept_30_days(saved_at, now, later)),
    }
}

fn cancellation_fact(c: CancellationReportRow, month: MonthOf) -> CancellationFact {
    CancellationFact {
        groups: Groups {
            month: month.of(c.case_created_at),
            sales_rep: c
                .original_rep_name
                .unwrap_or_else(|| UNKNOWN_REP.to_owned()),
            level: c.level_name,
            reason: c.reason_name.unwrap_or_else(|| NOT_RECORDED.to_owned()),
            offer: offer_label(c.offer),
        },
        route: c.route,
        had_save_task: c.had_save_task,
        status: c.cancellation_status,
    }
}

fn refund_fact(r: RefundReportRow, month: MonthOf) -> RefundFact {
    let end = match r.status {
        BillingStatus::InProgress => RefundEnd::InProgress,
        BillingStatus::Issued => RefundEnd::Issued,
        BillingStatus::Denied => RefundEnd::Denied,
        BillingStatus::Withdrawn => RefundEnd::Withdrawn,
    };
    let on_time = on_time(refund_done_at(&r, end), r.due_at);
    RefundFact {
        groups: Groups {
            month: month.of(r.case_created_at),
            sales_rep: r
                .original_rep_name
                .unwrap_or_else(|| UNKNOWN_REP.to_owned()),
            level: r.level_name,
            reason: String::new(),
            offer: String::new(),
        },
        needs_review: r.review != ReviewState::NotNeeded,
        end,
        amount: r.amount,
        time_to_issue: r
            .issued_at
            .filter(|_| end == RefundEnd::Issued)
            .map(|at| at - r.item_created_at),
        on_time,
    }
}

/// When billing finished with the refund: issued, or denied.
fn refund_done_at(r: &RefundReportRow, end: RefundEnd) -> Option<i64> {
    match end {
        RefundEnd::Issued => r.issued_at,
        RefundEnd::Denied => r.reviewed_at,
        RefundEnd::InProgress | RefundEnd::Withdrawn => None,
    }
}

/// "My save calls": a sales rep's own save rate over the last 90 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MySaveCalls {
    pub saved: u64,
    pub not_saved: u64,
}

impl MySaveCalls {
    pub fn rate(&self) -> Option<Decimal> {
        save_rate(self.saved, self.not_saved)
    }
}

pub async fn my_save_calls(app: &AppState, actor: Actor) -> Result<MySaveCalls, ServiceError> {
    actor.require(Role::SalesRep)?;
    let (from, to) = default_period(app);
    let filter = ReportFilter {
        from,
        to,
        group_by: GroupBy::Month,
    };
    let span = range(&filter, app.settings.timezone);
    let (saved, not_saved) = app
        .db
        .read(move |conn| Ok::<_, ServiceError>(rows::decided_by(conn, actor.id, span)?))
        .await?;
    Ok(MySaveCalls { saved, not_saved })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_runs_from_its_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let filter = ReportFilter {
            from: day,
            to: day,
            group_by: GroupBy::Month,
        };
        assert_eq!(range(&filter, Tz::UTC), (1_795_564_800, 1_795_651_200));
        let berlin = range(&filter, chrono_tz::Europe::Berlin);
        assert_eq!(berlin, (1_795_564_800 - 3_600, 1_795_651_200 - 3_600));
    }
}
