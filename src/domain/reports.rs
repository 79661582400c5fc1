//! The retention reports' definitions (SPEC §9): save rate, "Kept 30
//! days", medians and how durations read, and the three tables built from
//! one fact per save task, cancellation and refund. Pure: the rows come
//! from the database, the figures are computed here from them (never from
//! stored running totals), so every cell is a plain count over the cases.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::code_enum::code_enum;
use super::money::Money;
use super::route::CancellationRoute;
use super::status::CancellationStatus;

/// "Kept 30 days" looks 30 × 24 h past the save.
pub const KEPT_WINDOW: i64 = 30 * 86_400;

/// A sum of amounts, which may pass the $10,000,000.00 a single amount
/// is held to: integer cents, shown as money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum {
    cents: i128,
}

impl Sum {
    pub fn add(&mut self, amount: Money) {
        self.cents += i128::from(amount.to_cents());
    }

    pub fn cents(self) -> i128 {
        self.cents
    }

    fn parts(self) -> (&'static str, String, i128) {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        (sign, grouped, abs % 100)
    }

    /// `1250.00` (for CSV).
    pub fn plain(self) -> String {
        let (sign, dollars, cents) = self.parts();
        format!("{sign}{}.{cents:02}", dollars.replace(',', ""))
    }
}

/// `$1,250.00`, as `Money` reads.
impl std::fmt::Display for Sum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (sign, dollars, cents) = self.parts();
        write!(f, "{sign}${dollars}.{cents:02}")
    }
}

code_enum! {
    /// "Group by" on `/reports`.
    pub enum GroupBy {
        Month => "month", "Month";
        SalesRep => "sales_rep", "Sales rep";
        CustomerLevel => "level", "Customer level";
        Reason => "reason", "Reason for leaving";
        Offer => "offer", "Offer made";
    }
    refused(_) -> GroupByError { GroupByError }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose how to group: Month, Sales rep, Customer level, Reason for leaving or Offer made")]
pub struct GroupByError;

impl GroupBy {
    /// Refunds have no reason for leaving or offer: they group by month then.
    pub fn for_refunds(self) -> GroupBy {
        match self {
            GroupBy::Reason | GroupBy::Offer => GroupBy::Month,
            other => other,
        }
    }
}

/// Saved ÷ (Saved + Not saved); `None` when nothing is decided.
pub fn save_rate(saved: u64, not_saved: u64) -> Option<Decimal> {
    let decided = saved + not_saved;
    (decided > 0).then(|| Decimal::from(saved) / Decimal::from(decided))
}

/// A rate as shown: `62.5 %` (one decimal at most), `—` for none.
pub fn percent(rate: Option<Decimal>) -> String {
    match rate {
        Some(rate) => format!("{} %", (rate * Decimal::from(100)).round_dp(1).normalize()),
        None => "—".to_owned(),
    }
}

/// A rate in the CSV: a plain number, `0.625` (four decimals at most).
pub fn plain_rate(rate: Option<Decimal>) -> String {
    rate.map(|r| r.round_dp(4).normalize().to_string())
        .unwrap_or_default()
}

/// `part ÷ whole`, or `None` when there is nothing to divide.
fn share(part: u64, whole: u64) -> Option<Decimal> {
    (whole > 0).then(|| Decimal::from(part) / Decimal::from(whole))
}

/// SPEC §11: a save task is on time when its outcome (Saved / Not saved)
/// is recorded by its due time; a billing item when it is issued or denied
/// by its due time. Work without a due time (from before service levels),
/// or not yet done, is neither.
pub fn on_time(done_at: Option<i64>, due_at: Option<i64>) -> Option<bool> {
    Some(done_at? <= due_at?)
}

/// The lower middle of the values (for an even count), `None` for none.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// A duration as shown: `45 min` under an hour, `7 h` under 48 hours,
/// else `3 d` (whole units, rounded down).
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    if seconds < 3_600 {
        format!("{} min", seconds / 60)
    } else if seconds < 48 * 3_600 {
        format!("{} h", seconds / 3_600)
    } else {
        format!("{} d", seconds / 86_400)
    }
}

/// A case on the same Account ID submitted after a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaterCase {
    pub submitted_at: i64,
    /// `None` for a refund-only case.
    pub cancellation: Option<CancellationStatus>,
}

/// Whether a save counts for "Kept 30 days", and if so whether it kept:
/// `None` while the save is under 30 days old; `Some(false)` when a case on
/// the account submitted within 30 × 24 h after it ended "Cancelled"
/// (a withdrawn case, or one without a cancellation, does not count).
pub fn kept_30_days(saved_at: i64, now: i64, later: &[LaterCase]) -> Option<bool> {
    if now - saved_at < KEPT_WINDOW {
        return None;
    }
    let left = later.iter().any(|case| {
        case.submitted_at >= saved_at
            && case.submitted_at - saved_at <= KEPT_WINDOW
            && case.cancellation == Some(CancellationStatus::Cancelled)
    });
    Some(!left)
}

/// How a save task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEnd {
    Open,
    Saved,
    NotSaved,
    /// The case was withdrawn while the task was open.
    Withdrawn,
}

/// One save task, as the report reads it.
#[derive(Debug, Clone)]
pub struct SaveCallFact {
    pub end: TaskEnd,
    pub ar_balance: Money,
    /// Creation to Saved / Not saved, in seconds.
    pub time_to_outcome: Option<i64>,
    /// See [`kept_30_days`]; `None` for anything but a save 30 days old.
    pub kept: Option<bool>,
    /// See [`on_time`]; `None` unless decided and given a due time.
    pub on_time: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveCallRow {
    pub group: String,
    pub tasks: u64,
    pub saved: u64,
    pub not_saved: u64,
    pub withdrawn: u64,
    pub open: u64,
    pub ar_retained: Sum,
    /// Saves 30 days old that kept, and how many saves are 30 days old.
    pub kept: u64,
    pub kept_of: u64,
    /// Tasks decided by their due time, of those decided that had one.
    pub on_time: u64,
    pub on_time_of: u64,
    pub median_time_to_outcome: Option<i64>,
}

impl SaveCallRow {
    pub fn save_rate(&self) -> Option<Decimal> {
        save_rate(self.saved, self.not_saved)
    }

    pub fn kept_rate(&self) -> Option<Decimal> {
        share(self.kept, self.kept_of)
    }

    pub fn on_time_rate(&self) -> Option<Decimal> {
        share(self.on_time, self.on_time_of)
    }

    fn add(&mut self, fact: &SaveCallFact, times: &mut Vec<i64>) {
        self.tasks += 1;
        match fact.end {
            TaskEnd::Open => self.open += 1,
            TaskEnd::Saved => {
                self.saved += 1;
                self.ar_retained.add(fact.ar_balance);
            }
            TaskEnd::NotSaved => self.not_saved += 1,
            TaskEnd::Withdrawn => self.withdrawn += 1,
        }
        if let Some(kept) = fact.kept {
            self.kept_of += 1;
            self.kept += u64::from(kept);
        }
        if let Some(on_time) = fact.on_time {
            self.on_time_of += 1;
            self.on_time += u64::from(on_time);
        }
        times.extend(fact.time_to_outcome);
    }
}

/// One case with a cancellation track.
#[derive(Debug, Clone)]
pub struct CancellationFact {
    /// The route the case was decided by (from its facts snapshot).
    pub route: CancellationRoute,
    pub had_save_task: bool,
    pub status: CancellationStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CancellationRow {
    pub group: String,
    pub cases: u64,
    pub c2_reply: u64,
    pub c2a_under_limit: u64,
    pub c2a_save_call: u64,
    pub c3_save_call: u64,
    pub cancelled: u64,
    pub retained: u64,
    pub withdrawn: u64,
}

impl CancellationRow {
    fn add(&mut self, fact: &CancellationFact) {
        self.cases += 1;
        match (fact.route, fact.had_save_task) {
            (CancellationRoute::Essentials, _) => self.c2_reply += 1,
            (CancellationRoute::CheckAr, false) => self.c2a_under_limit += 1,
            (CancellationRoute::CheckAr, true) => self.c2a_save_call += 1,
            (CancellationRoute::SalesCall, _) => self.c3_save_call += 1,
        }
        match fact.status {
            CancellationStatus::Cancelled => self.cancelled += 1,
            CancellationStatus::Retained => self.retained += 1,
            CancellationStatus::Withdrawn => self.withdrawn += 1,
            CancellationStatus::AwaitingSaveCall | CancellationStatus::ReplyToSend => {}
        }
    }
}

/// How a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundEnd {
    InProgress,
    Issued,
    Denied,
    Withdrawn,
}

/// One refund (billing item).
#[derive(Debug, Clone)]
pub struct RefundFact {
    /// Decided R6 (over the review limit).
    pub needs_review: bool,
    pub end: RefundEnd,
    pub amount: Money,
    /// Billing item's creation to "Mark refund issued", in seconds.
    pub time_to_issue: Option<i64>,
    /// See [`on_time`]; `None` unless issued or denied and given a due time.
    pub on_time: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundRow {
    pub group: String,
    pub refunds: u64,
    pub needs_review: u64,
    pub issued: u64,
    pub denied: u64,
    pub withdrawn: u64,
    pub in_progress: u64,
    pub amount_issued: Sum,
    /// Refunds issued or denied by their due time, of those that had one.
    pub on_time: u64,
    pub on_time_of: u64,
    pub median_time_to_issue: Option<i64>,
}

impl RefundRow {
    pub fn on_time_rate(&self) -> Option<Decimal> {
        share(self.on_time, self.on_time_of)
    }

    fn add(&mut self, fact: &RefundFact, times: &mut Vec<i64>) {
        self.refunds += 1;
        self.needs_review += u64::from(fact.needs_review);
        match fact.end {
            RefundEnd::InProgress => self.in_progress += 1,
            RefundEnd::Issued => {
                self.issued += 1;
                self.amount_issued.add(fact.amount);
            }
            RefundEnd::Denied => self.denied += 1,
            RefundEnd::Withdrawn => self.withdrawn += 1,
        }
        if let Some(on_time) = fact.on_time {
            self.on_time_of += 1;
            self.on_time += u64::from(on_time);
        }
        times.extend(fact.time_to_issue);
    }
}

/// One table: a row per group (by label), and the total over every fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<R> {
    pub group_by: GroupBy,
    pub rows: Vec<R>,
    pub total: R,
}

/// A fact, and the table row its facts add up to.
pub trait Fact {
    type Row: Default;
    /// Adds the fact to its row; durations for the row's median go in `times`.
    fn add_to(&self, row: &mut Self::Row, times: &mut Vec<i64>);
    /// Names the row and sets its median from the durations collected.
    fn finish(row: &mut Self::Row, group: String, times: Vec<i64>);
}

impl Fact for SaveCallFact {
    type Row = SaveCallRow;
    fn add_to(&self, row: &mut SaveCallRow, times: &mut Vec<i64>) {
        row.add(self, times);
    }
    fn finish(row: &mut SaveCallRow, group: String, times: Vec<i64>) {
        row.group = group;
        row.median_time_to_outcome = median(times);
    }
}

impl Fact for CancellationFact {
    type Row = CancellationRow;
    fn add_to(&self, row: &mut CancellationRow, _: &mut Vec<i64>) {
        row.add(self);
    }
    fn finish(row: &mut CancellationRow, group: String, _: Vec<i64>) {
        row.group = group;
    }
}

impl Fact for RefundFact {
    type Row = RefundRow;
    fn add_to(&self, row: &mut RefundRow, times: &mut Vec<i64>) {
        row.add(self, times);
    }
    fn finish(row: &mut RefundRow, group: String, times: Vec<i64>) {
        row.group = group;
        row.median_time_to_issue = median(times);
    }
}

/// A row being added up, with the durations its median is taken from.
struct Tally<R> {
    row: R,
    times: Vec<i64>,
}

impl<R: Default> Default for Tally<R> {
    fn default() -> Self {
        Tally {
            row: R::default(),
            times: Vec::new(),
        }
    }
}

impl<R> Tally<R> {
    fn finish<F: Fact<Row = R>>(mut self, group: String) -> R {
        F::finish(&mut self.row, group, self.times);
        self.row
    }
}

/// Adds facts up one at a time into a table (a row per group label, and
/// the total), so a report over a million cases never holds its facts.
pub struct TableBuilder<F: Fact> {
    group_by: GroupBy,
    groups: HashMap<String, Tally<F::Row>>,
    total: Tally<F::Row>,
}

impl<F: Fact> TableBuilder<F> {
    pub fn new(group_by: GroupBy) -> Self {
        TableBuilder {
            group_by,
            groups: HashMap::new(),
            total: Tally::default(),
        }
    }

    /// Adds `fact` to the row of `group` (its label for `group_by`).
    pub fn add(&mut self, group: &str, fact: &F) {
        // A lookup by `&str` first: a new label is rare, an allocation per fact is not.
        if !self.groups.contains_key(group) {
            self.groups.insert(group.to_owned(), Tally::default());
        }
        if let Some(tally) = self.groups.get_mut(group) {
            fact.add_to(&mut tally.row, &mut tally.times);
        }
        fact.add_to(&mut self.total.row, &mut self.total.times);
    }

    /// The rows in label order, and "Total".
    pub fn finish(self) -> Table<F::Row> {
        let mut groups: Vec<_> = self.groups.into_iter().collect();
        groups.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        Table {
            group_by: self.group_by,
            rows: groups
                .into_iter()
                .map(|(group, tally)| tally.finish::<F>(group))
                .collect(),
            total: self.total.finish::<F>("Total".to_owned()),
        }
    }
}

/// The three tables of `/reports`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reports {
    pub save_calls: Table<SaveCallRow>,
    pub cancellations: Table<CancellationRow>,
    /// Grouped by month when the others are by reason or offer.
    pub refunds: Table<RefundRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn save_rate_with_nothing_decided_is_a_dash() {
        assert_eq!(save_rate(0, 0), None);
        assert_eq!(percent(save_rate(0, 0)), "—");
        assert_eq!(plain_rate(save_rate(0, 0)), "");
        assert_eq!(percent(save_rate(5, 3)), "62.5 %");
        assert_eq!(plain_rate(save_rate(5, 3)), "0.625");
        assert_eq!(percent(save_rate(1, 2)), "33.3 %");
        assert_eq!(percent(save_rate(2, 0)), "100 %");
        assert_eq!(percent(save_rate(0, 4)), "0 %");
    }

    #[test]
    fn a_save_exactly_30_days_old_counts_and_one_a_second_younger_does_not() {
        let saved_at = 1_000 * DAY;
        assert_eq!(kept_30_days(saved_at, saved_at + 30 * DAY, &[]), Some(true));
        assert_eq!(kept_30_days(saved_at, saved_at + 30 * DAY - 1, &[]), None);
    }

    #[test]
    fn only_a_later_case_that_ended_cancelled_within_30_days_breaks_a_save() {
        let saved_at = 1_000 * DAY;
        let now = saved_at + 60 * DAY;
        let case = |after: i64, cancellation| LaterCase {
            submitted_at: saved_at + after,
            cancellation,
        };
        let cancelled = Some(CancellationStatus::Cancelled);
        assert_eq!(
            kept_30_days(saved_at, now, &[case(DAY, cancelled)]),
            Some(false)
        );
        // Exactly 30 × 24 h after the save is still within.
        assert_eq!(
            kept_30_days(saved_at, now, &[case(30 * DAY, cancelled)]),
            Some(false)
        );
        assert_eq!(
            kept_30_days(saved_at, now, &[case(30 * DAY + 1, cancelled)]),
            Some(true)
        );
        // A later case that is withdrawn, or refund-only, is not leaving.
        let withdrawn = Some(CancellationStatus::Withdrawn);
        assert_eq!(
            kept_30_days(saved_at, now, &[case(DAY, withdrawn)]),
            Some(true)
        );
        assert_eq!(kept_30_days(saved_at, now, &[case(DAY, None)]), Some(true));
        // Still open (reply not sent yet) is not "Cancelled" either.
        let pending = Some(CancellationStatus::ReplyToSend);
        assert_eq!(
            kept_30_days(saved_at, now, &[case(DAY, pending)]),
            Some(true)
        );
    }

    #[test]
    fn medians_of_an_even_count_take_the_lower_middle() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![40, 10, 30, 20]), Some(20));
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![7]), Some(7));
    }

    #[test]
    fn sums_pass_the_limit_of_one_amount() {
        let mut sum = Sum::default();
        for _ in 0..3 {
            sum.add(Money::from_cents(1_000_000_000).unwrap());
        }
        assert_eq!(sum.to_string(), "$30,000,000.00");
        assert_eq!(sum.plain(), "30000000.00");
        sum.add(Money::from_cents(-3_000_000_005).unwrap_or(Money::ZERO));
        let mut neg = Sum::default();
        neg.add(Money::from_cents(-123_456).unwrap());
        assert_eq!(neg.to_string(), "-$1,234.56");
    }

    #[test]
    fn durations_read_in_minutes_hours_or_days() {
        assert_eq!(duration(45 * 60 + 59), "45 min");
        assert_eq!(duration(3_599), "59 min");
        assert_eq!(duration(3_600), "1 h");
        assert_eq!(duration(48 * 3_600 - 1), "47 h");
        assert_eq!(duration(48 * 3_600), "2 d");
        assert_eq!(duration(3 * DAY + 5), "3 d");
    }

    #[test]
    fn on_time_means_done_by_the_due_time_and_nothing_without_one() {
        assert_eq!(
            on_time(Some(100), Some(100)),
            Some(true),
            "exactly at the due time"
        );
        assert_eq!(on_time(Some(101), Some(100)), Some(false));
        assert_eq!(on_time(None, Some(100)), None, "not done yet");
        assert_eq!(on_time(Some(100), None), None, "from before service levels");
    }

    #[test]
    fn tables_group_rows_and_keep_a_total_over_every_fact() {
        let fact = |end, ar: i64, took: Option<i64>, kept| SaveCallFact {
            end,
            ar_balance: Money::from_cents(ar).unwrap(),
            time_to_outcome: took,
            kept,
            on_time: took.map(|seconds| seconds <= 3_600),
        };
        let saves = [
            (
                "Riley",
                fact(TaskEnd::Saved, 150_000, Some(600), Some(true)),
            ),
            ("Riley", fact(TaskEnd::NotSaved, 10_000, Some(7_200), None)),
            ("Spencer", fact(TaskEnd::Saved, 200_000, Some(60), None)),
            ("Spencer", fact(TaskEnd::Open, 5_000, None, None)),
            ("Spencer", fact(TaskEnd::Withdrawn, 5_000, None, None)),
        ];
        let mut by_rep = TableBuilder::new(GroupBy::SalesRep);
        for (rep, fact) in &saves {
            by_rep.add(rep, fact);
        }
        let t = &by_rep.finish();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].group, "Riley");
        assert_eq!((t.rows[0].saved, t.rows[0].not_saved), (1, 1));
        assert_eq!(t.rows[0].median_time_to_outcome, Some(600));
        assert_eq!(
            (t.rows[1].tasks, t.rows[1].open, t.rows[1].withdrawn),
            (3, 1, 1)
        );
        assert_eq!(t.total.group, "Total");
        assert_eq!(t.total.tasks, 5);
        assert_eq!(t.total.ar_retained.to_string(), "$3,500.00");
        assert_eq!(t.total.ar_retained.plain(), "3500.00");
        assert_eq!((t.total.kept, t.total.kept_of), (1, 1));
        assert_eq!(t.total.median_time_to_outcome, Some(600));
        assert_eq!(percent(t.total.save_rate()), "66.7 %");
        // Refunds have no reason: grouped by month instead.
        assert_eq!(GroupBy::Reason.for_refunds(), GroupBy::Month);
        let mut by_reason = TableBuilder::new(GroupBy::Reason);
        for (_, fact) in &saves {
            by_reason.add("Too expensive", fact);
        }
        let t = by_reason.finish();
        assert_eq!(
            (t.rows.len(), t.rows[0].group.as_str()),
            (1, "Too expensive")
        );
        assert_eq!(t.rows[0].tasks, 5);
    }
}
