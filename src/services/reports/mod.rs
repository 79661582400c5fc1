//! The retention reports (SPEC §9): save calls, cancellations and refunds
//! of the cases submitted between two dates, grouped one way; and a sales
//! rep's own save rate on `/tasks`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use diesel::SqliteConnection;
use rust_decimal::Decimal;

use crate::db::views::reports::{
    self as rows, CancellationReportRow, RefundReportRow, SaveTaskReportRow,
};
use crate::domain::reports::{
    CancellationFact, CancellationRow, GroupBy, KEPT_WINDOW, LaterCase, RefundEnd, RefundFact,
    RefundRow, Reports, SaveCallFact, SaveCallRow, Table, TableBuilder, TaskEnd, kept_30_days,
    on_time, save_rate,
};
use crate::domain::{
    BillingStatus, LevelId, OfferMade, ReasonId, ReviewState, Role, SaveOutcome, StaffId,
};
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
///
/// Each table is read and added up on its own reader connection, all three
/// at once: the all-time report over a million cases is CPU-bound in
/// SQLite, so it takes the slowest table's time instead of the sum.
pub async fn reports(
    app: &AppState,
    actor: Actor,
    filter: ReportFilter,
) -> Result<Reports, ServiceError> {
    if !READERS.contains(&actor.role) {
        return Err(ServiceError::Forbidden);
    }
    let now = app.clock.unix();
    let zone = app.settings.timezone;
    let span = range(&filter, zone);
    let by = filter.group_by;
    let months = Arc::new(Months::between(filter.from, filter.to, zone));
    let (for_saves, for_cancellations) = (Arc::clone(&months), Arc::clone(&months));
    let (save_calls, cancellations, refunds) = tokio::try_join!(
        app.db.read(move |conn| {
            rows::with_file_mapped(conn, |conn| {
                save_calls_table(conn, span, Labels::new(by, &for_saves), now)
            })
        }),
        app.db.read(move |conn| {
            rows::with_file_mapped(conn, |conn| {
                cancellations_table(conn, span, Labels::new(by, &for_cancellations))
            })
        }),
        app.db.read(move |conn| {
            rows::with_file_mapped(conn, |conn| {
                refunds_table(conn, span, Labels::new(by.for_refunds(), &months))
            })
        }),
    )?;
    Ok(Reports {
        save_calls,
        cancellations,
        refunds,
    })
}

fn save_calls_table(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    labels: Labels<'_>,
    now: i64,
) -> Result<Table<SaveCallRow>, ServiceError> {
    let names = rows::names(conn)?;
    let mut after_save: HashMap<_, Vec<LaterCase>> = HashMap::new();
    for case in rows::cases_after_saves(conn, span, KEPT_WINDOW)? {
        after_save.entry(case.task_id).or_default().push(LaterCase {
            submitted_at: case.created_at,
            cancellation: case.cancellation_status,
        });
    }
    let mut table = TableBuilder::new(labels.by);
    rows::save_tasks(conn, span, |t| {
        let group = labels.of(
            &names,
            GroupKeys {
                submitted_at: t.case_created_at,
                rep: Some(t.rep_id),
                level: t.level_id,
                reason: t.reason_id,
                offer: t.offer,
            },
        );
        let later = after_save.get(&t.task_id).map_or(&[][..], Vec::as_slice);
        table.add(group, &save_fact(&t, later, now));
    })?;
    Ok(table.finish())
}

fn cancellations_table(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    labels: Labels<'_>,
) -> Result<Table<CancellationRow>, ServiceError> {
    let names = rows::names(conn)?;
    let mut table = TableBuilder::new(labels.by);
    rows::cancellations(conn, span, |c| {
        let group = labels.of(
            &names,
            GroupKeys {
                submitted_at: c.case_created_at,
                rep: c.original_rep_id,
                level: c.level_id,
                reason: c.reason_id,
                offer: c.offer,
            },
        );
        table.add(group, &cancellation_fact(&c));
    })?;
    Ok(table.finish())
}

fn refunds_table(
    conn: &mut SqliteConnection,
    span: (i64, i64),
    labels: Labels<'_>,
) -> Result<Table<RefundRow>, ServiceError> {
    let names = rows::names(conn)?;
    let mut table = TableBuilder::new(labels.by);
    rows::refunds(conn, span, |r| {
        let group = labels.of(
            &names,
            GroupKeys {
                submitted_at: r.case_created_at,
                rep: r.original_rep_id,
                level: r.level_id,
                reason: None,
                offer: None,
            },
        );
        table.add(group, &refund_fact(&r));
    })?;
    Ok(table.finish())
}

/// The local months a report covers, by their first second, so labelling
/// a case by month is a binary search instead of a time-zone conversion
/// per row.
struct Months(Vec<(i64, String)>);

impl Months {
    fn between(from: NaiveDate, to: NaiveDate, zone: Tz) -> Months {
        let mut months = Vec::new();
        let mut first = from.with_day(1).unwrap_or(from);
        while first <= to {
            let label = format!("{:04}-{:02}", first.year(), first.month());
            months.push((start_of(first, zone), label));
            match first.checked_add_months(chrono::Months::new(1)) {
                Some(next) => first = next,
                None => break,
            }
        }
        Months(months)
    }

    fn of(&self, at: i64) -> &str {
        let after = self.0.partition_point(|(start, _)| *start <= at);
        self.0
            .get(after.saturating_sub(1))
            .map_or("", |(_, label)| label.as_str())
    }
}

/// What a case can be grouped by, as ids.
struct GroupKeys {
    submitted_at: i64,
    rep: Option<StaffId>,
    level: LevelId,
    reason: Option<ReasonId>,
    offer: Option<OfferMade>,
}

/// Turns a case's group keys into its label for one "Group by".
#[derive(Clone, Copy)]
struct Labels<'a> {
    by: GroupBy,
    months: &'a Months,
}

impl<'a> Labels<'a> {
    fn new(by: GroupBy, months: &'a Months) -> Self {
        Labels { by, months }
    }

    fn of<'n>(&self, names: &'n rows::Names, keys: GroupKeys) -> &'n str
    where
        'a: 'n,
    {
        let named =
            |name: Option<&'n String>, missing: &'static str| name.map_or(missing, String::as_str);
        match self.by {
            GroupBy::Month => self.months.of(keys.submitted_at),
            GroupBy::SalesRep => named(keys.rep.and_then(|id| names.staff.get(&id)), UNKNOWN_REP),
            GroupBy::CustomerLevel => named(names.levels.get(&keys.level), UNKNOWN_LEVEL),
            GroupBy::Reason => named(
                keys.reason.and_then(|id| names.reasons.get(&id)),
                NOT_RECORDED,
            ),
            GroupBy::Offer => keys.offer.unwrap_or(OfferMade::NoOffer).label(),
        }
    }
}

const NOT_RECORDED: &str = "Not recorded";
const UNKNOWN_REP: &str = "Unknown";
/// A level is never deleted, only retired; this is for a broken reference.
const UNKNOWN_LEVEL: &str = "Unknown";

fn save_fact(t: &SaveTaskReportRow, later: &[LaterCase], now: i64) -> SaveCallFact {
    let end = match (t.is_open, t.outcome) {
        (true, _) => TaskEnd::Open,
        (false, Some(SaveOutcome::Saved)) => TaskEnd::Saved,
        (false, Some(SaveOutcome::NotSaved)) => TaskEnd::NotSaved,
        (false, _) => TaskEnd::Withdrawn,
    };
    let decided = matches!(end, TaskEnd::Saved | TaskEnd::NotSaved);
    let closed_at = t.closed_at.filter(|_| decided);
    SaveCallFact {
        end,
        ar_balance: t.ar_balance,
        time_to_outcome: closed_at.map(|at| at - t.task_created_at),
        on_time: on_time(closed_at, t.due_at),
        kept: closed_at
            .filter(|_| end == TaskEnd::Saved)
            .and_then(|saved_at| kept_30_days(saved_at, now, later)),
    }
}

fn cancellation_fact(c: &CancellationReportRow) -> CancellationFact {
    CancellationFact {
        route: c.route,
        had_save_task: c.had_save_task,
        status: c.cancellation_status,
    }
}

fn refund_fact(r: &RefundReportRow) -> RefundFact {
    let end = match r.status {
        BillingStatus::InProgress => RefundEnd::InProgress,
        BillingStatus::Issued => RefundEnd::Issued,
        BillingStatus::Denied => RefundEnd::Denied,
        BillingStatus::Withdrawn => RefundEnd::Withdrawn,
    };
    RefundFact {
        needs_review: r.review != ReviewState::NotNeeded,
        end,
        amount: r.amount,
        time_to_issue: r
            .issued_at
            .filter(|_| end == RefundEnd::Issued)
            .map(|at| at - r.item_created_at),
        on_time: on_time(refund_done_at(r, end), r.due_at),
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
