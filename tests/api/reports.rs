//! `/reports` (SPEC §9): a small history built through the real forms with
//! the clock moving days between steps, and every cell of every table, for
//! each "Group by", checked against figures this test computes from its own
//! record of what it did. The CSVs carry the same numbers.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use scraper::{Html, Selector};

use retention_desk::clock::Clock;

use crate::helpers::*;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// From 2026-11-01 to 2027-01-31: every case of the history below.
const PERIOD: &str = "from=2026-11-01&to=2027-01-31";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    C2,
    C2aUnder,
    C2aCall,
    C3,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Open,
    Saved,
    NotSaved,
    Withdrawn,
}

/// A save task as the test recorded it.
#[derive(Clone, Debug)]
struct Task {
    /// Who recorded the outcome, or the assignee while there is none.
    rep: &'static str,
    end: End,
    offer: &'static str,
    created: i64,
    decided: Option<i64>,
    /// As the app set it (SPEC §11), read back after the history is built.
    due: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RefundEnd {
    InProgress,
    Issued,
    Denied,
    Withdrawn,
}

#[derive(Clone, Debug)]
struct Refund {
    review: bool,
    end: RefundEnd,
    cents: i64,
    created: i64,
    issued: Option<i64>,
    denied: Option<i64>,
    /// As the app set it (SPEC §11), read back after the history is built.
    due: Option<i64>,
}

/// One case as the test recorded it.
#[derive(Clone, Debug)]
struct Case {
    id: i32,
    account: String,
    submitted: i64,
    level: &'static str,
    original_rep: &'static str,
    /// `None` for a refund-only case.
    cancellation: Option<(Route, &'static str, &'static str)>,
    ar_cents: i64,
    task: Option<Task>,
    refund: Option<Refund>,
}

impl Case {
    fn month(&self) -> String {
        // The history runs in UTC, so the month is the date's first 7 characters.
        let days = self.submitted.div_euclid(DAY);
        let date = chrono_like_date(days);
        date[..7].to_owned()
    }

    fn status(&self) -> &'static str {
        self.cancellation.map_or("", |c| c.1)
    }

    fn reason(&self) -> &'static str {
        self.cancellation.map_or("", |c| c.2)
    }

    fn offer(&self) -> &'static str {
        self.task.as_ref().map_or("No offer", |t| t.offer)
    }

    fn group(&self, by: &str, for_task: bool) -> String {
        match by {
            "month" => self.month(),
            "sales_rep" if for_task => self.task.as_ref().unwrap().rep.to_owned(),
            "sales_rep" => self.original_rep.to_owned(),
            "level" => self.level.to_owned(),
            "reason" => self.reason().to_owned(),
            "offer" => self.offer().to_owned(),
            other => panic!("{other}"),
        }
    }
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (civil-from-days).
fn chrono_like_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------
// The figures, computed here from the record, formatted as SPEC §9 says.

fn dollars(cents: i64) -> String {
    let whole = (cents.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", cents.abs() % 100)
}

fn plain_dollars(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// (page, CSV) of a share; `—` and empty when there is nothing to share.
fn share(part: usize, of: usize) -> (String, String) {
    if of == 0 {
        return ("—".into(), String::new());
    }
    let shown = format!("{:.1}", 100.0 * part as f64 / of as f64);
    let shown = shown.strip_suffix(".0").unwrap_or(&shown).to_owned();
    let plain = format!("{:.4}", part as f64 / of as f64);
    let plain = plain.trim_end_matches('0').trim_end_matches('.').to_owned();
    (format!("{shown} %"), plain)
}

fn median(mut values: Vec<i64>) -> (String, String) {
    values.sort();
    let Some(&m) = values.get(values.len().saturating_sub(1) / 2) else {
        return ("—".into(), String::new());
    };
    let shown = if m < HOUR {
        format!("{} min", m / 60)
    } else if m < 48 * HOUR {
        format!("{} h", m / HOUR)
    } else {
        format!("{} d", m / DAY)
    };
    (shown, m.to_string())
}

/// The "On time" cell from whether each piece of work done with a due
/// time was done by it.
fn on_time_cell(timed: &[bool]) -> (String, String) {
    if timed.is_empty() {
        return ("— (nothing done had a due time)".to_owned(), String::new());
    }
    share(timed.iter().filter(|t| **t).count(), timed.len())
}

type Rows = Vec<(Vec<String>, Vec<String>)>;

/// Every group's row then "Total", as (page cells, CSV cells).
fn grouped<T>(items: &[T], group: impl Fn(&T) -> String, row: impl Fn(&[&T]) -> Rows) -> Rows {
    let mut groups: BTreeMap<String, Vec<&T>> = BTreeMap::new();
    for item in items {
        groups.entry(group(item)).or_default().push(item);
    }
    let mut rows = Vec::new();
    for (name, members) in groups
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain([("Total".to_owned(), items.iter().collect::<Vec<_>>())])
    {
        for (mut shown, mut csv) in row(&members) {
            shown.insert(0, name.clone());
            csv.insert(0, name.clone());
            rows.push((shown, csv));
        }
    }
    rows
}

fn counts(values: &[usize]) -> Vec<String> {
    values.iter().map(usize::to_string).collect()
}

fn save_call_rows(cases: &[Case], by: &str, now: i64) -> Rows {
    let tasks: Vec<&Case> = cases.iter().filter(|c| c.task.is_some()).collect();
    grouped(
        &tasks,
        |c| c.group(by, true),
        |members| {
            let task = |c: &&&Case| c.task.clone().unwrap();
            let n = |end: End| members.iter().filter(|c| task(c).end == end).count();
            let (saved, not_saved) = (n(End::Saved), n(End::NotSaved));
            let retained: i64 = members
                .iter()
                .filter(|c| task(c).end == End::Saved)
                .map(|c| c.ar_cents)
                .sum();
            // Kept 30 days: saves at least 30 days old, not followed within 30
            // days by a case on the account that ended Cancelled.
            let old_saves: Vec<(&Case, i64)> = members
                .iter()
                .filter_map(|c| {
                    let t = task(c);
                    (t.end == End::Saved).then(|| (**c, t.decided.unwrap()))
                })
                .filter(|(_, at)| now - at >= 30 * DAY)
                .collect();
            let kept = old_saves
                .iter()
                .filter(|(c, at)| {
                    !cases.iter().any(|later| {
                        later.id != c.id
                            && later.account == c.account
                            && later.submitted >= *at
                            && later.submitted - at <= 30 * DAY
                            && later.status() == "Cancelled"
                    })
                })
                .count();
            let times: Vec<i64> = members
                .iter()
                .filter_map(|c| {
                    let t = task(c);
                    t.decided.map(|d| d - t.created)
                })
                .collect();
            let rate = share(saved, saved + not_saved);
            let kept = share(kept, old_saves.len());
            // On time (SPEC §11): decided by the due time, of those decided
            // with one.
            let timed: Vec<bool> = members
                .iter()
                .filter_map(|c| {
                    let t = task(c);
                    Some(t.decided? <= t.due?)
                })
                .collect();
            let on_time = on_time_cell(&timed);
            let median = median(times);
            let numbers = counts(&[
                members.len(),
                saved,
                not_saved,
                n(End::Withdrawn),
                n(End::Open),
            ]);
            let kept_shown = if old_saves.is_empty() {
                "— (no save is 30 days old yet)".to_owned()
            } else {
                kept.0.clone()
            };
            let mut shown = numbers.clone();
            shown.extend([rate.0, dollars(retained), kept_shown, on_time.0, median.0]);
            let mut csv = numbers;
            csv.extend([rate.1, plain_dollars(retained), kept.1, on_time.1, median.1]);
            vec![(shown, csv)]
        },
    )
}

fn cancellation_rows(cases: &[Case], by: &str) -> Rows {
    let cancellations: Vec<&Case> = cases.iter().filter(|c| c.cancellation.is_some()).collect();
    grouped(
        &cancellations,
        |c| c.group(by, false),
        |members| {
            let route = |r: Route| {
                members
                    .iter()
                    .filter(|c| c.cancellation.unwrap().0 == r)
                    .count()
            };
            let status = |s: &str| members.iter().filter(|c| c.status() == s).count();
            let cells = counts(&[
                members.len(),
                route(Route::C2),
                route(Route::C2aUnder),
                route(Route::C2aCall),
                route(Route::C3),
                status("Cancelled"),
                status("Retained"),
                status("Withdrawn"),
            ]);
            vec![(cells.clone(), cells)]
        },
    )
}

fn refund_rows(cases: &[Case], by: &str) -> Rows {
    let by = if by == "reason" || by == "offer" {
        "month"
    } else {
        by
    };
    let refunds: Vec<&Case> = cases.iter().filter(|c| c.refund.is_some()).collect();
    grouped(
        &refunds,
        |c| c.group(by, false),
        |members| {
            let refund = |c: &&&Case| c.refund.clone().unwrap();
            let n = |end: RefundEnd| members.iter().filter(|c| refund(c).end == end).count();
            let issued: i64 = members
                .iter()
                .filter(|c| refund(c).end == RefundEnd::Issued)
                .map(|c| refund(c).cents)
                .sum();
            let times = members
                .iter()
                .filter_map(|c| {
                    let r = refund(c);
                    r.issued.map(|at| at - r.created)
                })
                .collect();
            let median = median(times);
            let timed: Vec<bool> = members
                .iter()
                .filter_map(|c| {
                    let r = refund(c);
                    Some(r.issued.or(r.denied)? <= r.due?)
                })
                .collect();
            let on_time = on_time_cell(&timed);
            let numbers = counts(&[
                members.len(),
                members.iter().filter(|c| refund(c).review).count(),
                n(RefundEnd::Issued),
                n(RefundEnd::Denied),
                n(RefundEnd::Withdrawn),
                n(RefundEnd::InProgress),
            ]);
            let mut shown = numbers.clone();
            shown.extend([dollars(issued), on_time.0, median.0]);
            let mut csv = numbers;
            csv.extend([plain_dollars(issued), on_time.1, median.1]);
            vec![(shown, csv)]
        },
    )
}

// ---------------------------------------------------------------------------
// Reading the page and the CSV.

/// The cells of every body and total row of the table in section `id`.
fn table_cells(html: &str, id: &str) -> Vec<Vec<String>> {
    let document = Html::parse_document(html);
    let rows = Selector::parse(&format!("#{id} table tbody tr, #{id} table tfoot tr")).unwrap();
    let cells = Selector::parse("th, td").unwrap();
    document
        .select(&rows)
        .map(|row| {
            row.select(&cells)
                .map(|cell| {
                    cell.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect()
}

/// The CSV's lines after the header, split on commas (no cell here has one).
fn csv_cells(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = body
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
    let header = lines.next().expect("a header line");
    (header, lines.collect())
}

// ---------------------------------------------------------------------------
// The history.

/// Everyone who acts in the history, signed in.
struct People {
    alex: Browser,
    riley: Browser,
    spencer: Browser,
    heather: Browser,
    casey: Browser,
}

impl People {
    async fn sign_in(app: &TestApp) -> People {
        let people = People {
            alex: app.signed_in("alex").await,
            riley: app.signed_in("riley").await,
            spencer: app.signed_in("spencer").await,
            heather: app.signed_in("heather").await,
            casey: signed_in_with(app, "casey", PASSWORD_FOR_CASEY).await,
        };
        // A page each, for their CSRF tokens.
        people.alex.page("/cases/new").await;
        for rep in [&people.riley, &people.spencer, &people.casey] {
            rep.page("/tasks").await;
        }
        people.heather.page("/billing").await;
        people
    }
}

struct History<'a> {
    app: &'a TestApp,
    people: People,
    cases: Vec<Case>,
}

impl History<'_> {
    /// Moves the clock; everyone signs in again (sessions expire when idle).
    async fn advance(&mut self, seconds: i64) {
        self.app.clock.advance(seconds);
        self.people = People::sign_in(self.app).await;
    }

    fn now(&self) -> i64 {
        self.app.clock.unix()
    }

    fn case(&mut self, id: i32) -> &mut Case {
        self.cases.iter_mut().find(|c| c.id == id).unwrap()
    }

    async fn submit(&mut self, form: NewCase, mut record: Case) -> i32 {
        let account = record.account.clone();
        let id = form
            .account(&account)
            .submit_for_id(&self.people.alex)
            .await;
        record.id = id;
        record.submitted = self.now();
        if let Some(task) = &mut record.task {
            task.created = self.now();
        }
        if let Some(refund) = &mut record.refund {
            refund.created = self.now();
        }
        self.cases.push(record);
        id
    }

    async fn reply_sent(&mut self, id: i32) {
        let response = self
            .people
            .alex
            .post(&format!("/cases/{id}/reply-sent"), &[])
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "reply sent on {id}"
        );
        let case = self.case(id);
        let (route, _, reason) = case.cancellation.unwrap();
        case.cancellation = Some((route, "Cancelled", reason));
    }

    async fn withdraw(&mut self, id: i32) {
        let response = self
            .people
            .alex
            .post(
                &format!("/cases/{id}/withdraw"),
                &[("withdraw_reason", "Changed their mind")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "withdrawn {id}");
        let case = self.case(id);
        if let Some((route, _, reason)) = case.cancellation {
            case.cancellation = Some((route, "Withdrawn", reason));
        }
        if let Some(task) = &mut case.task
            && task.end == End::Open
        {
            task.end = End::Withdrawn;
        }
        if let Some(refund) = &mut case.refund {
            refund.end = RefundEnd::Withdrawn;
        }
    }

    async fn outcome(&mut self, name: &'static str, id: i32, outcome: &str, offer: &'static str) {
        let (task, ..) = self.app.task_for(id);
        let value = match offer {
            "No offer" => "no_offer",
            "Discount" => "discount",
            "Pause" => "pause",
            "Downgrade" => "downgrade",
            _ => "other",
        };
        let who = match name {
            "Riley" => &self.people.riley,
            "Spencer" => &self.people.spencer,
            _ => &self.people.casey,
        };
        let response = who
            .post(
                &format!("/tasks/{task}/outcome"),
                &[("outcome", outcome), ("offer", value), ("call_notes", "")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{outcome} on {id}"
        );
        let now = self.now();
        let case = self.case(id);
        let t = case.task.as_mut().unwrap();
        let (route, _, reason) = case.cancellation.unwrap();
        match outcome {
            "saved" => {
                (t.end, t.rep, t.offer, t.decided) = (End::Saved, name, offer, Some(now));
                case.cancellation = Some((route, "Retained", reason));
            }
            "not_saved" => {
                (t.end, t.rep, t.offer, t.decided) = (End::NotSaved, name, offer, Some(now));
                case.cancellation = Some((route, "Reply to send", reason));
            }
            _ => {}
        }
    }

    async fn billing(&mut self, id: i32, action: &str) {
        let (path, fields): (String, Vec<(&str, &str)>) = match action {
            "issue" => (
                format!("/cases/{id}/refund/issue"),
                vec![("payment_reference", "PAY-1")],
            ),
            "approve" => (
                format!("/cases/{id}/refund/review"),
                vec![("review_notes", "Fine"), ("decision", "approve")],
            ),
            _ => (
                format!("/cases/{id}/refund/review"),
                vec![("review_notes", "Used it all month"), ("decision", "deny")],
            ),
        };
        let response = self.people.heather.post(&path, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action} on {id}");
        let now = self.now();
        let refund = self.case(id).refund.as_mut().unwrap();
        match action {
            "issue" => (refund.end, refund.issued) = (RefundEnd::Issued, Some(now)),
            "deny" => (refund.end, refund.denied) = (RefundEnd::Denied, Some(now)),
            _ => {}
        }
    }
}

fn cancel(
    id_account: &str,
    level: &'static str,
    rep: &'static str,
    route: Route,
    status: &'static str,
    reason: &'static str,
    ar_cents: i64,
) -> Case {
    Case {
        id: 0,
        account: id_account.to_owned(),
        submitted: 0,
        level,
        original_rep: rep,
        cancellation: Some((route, status, reason)),
        ar_cents,
        task: None,
        refund: None,
    }
}

fn task_for(rep: &'static str) -> Option<Task> {
    Some(Task {
        rep,
        end: End::Open,
        offer: "No offer",
        created: 0,
        decided: None,
        due: None,
    })
}

fn refund(cents: i64, review: bool) -> Option<Refund> {
    Some(Refund {
        review,
        end: RefundEnd::InProgress,
        cents,
        created: 0,
        issued: None,
        denied: None,
        due: None,
    })
}

/// The form value of a seeded reason (their ids follow the seeding order).
fn reason_id(reason: &str) -> String {
    let seeded = [
        "Too expensive",
        "Missing features",
        "Switching to a competitor",
        "Not using it enough",
        "Technical problems",
        "Business closed",
        "Other",
    ];
    (seeded.iter().position(|r| *r == reason).unwrap() + 1).to_string()
}

fn form(case: &Case, level: Level, rep: Rep, ar: &str) -> NewCase {
    let form = NewCase::new().level(level).rep(rep).ar(ar);
    match (&case.cancellation, &case.refund) {
        (Some(c), Some(r)) => form
            .cancel_and_refund(&plain_dollars(r.cents), "Charged twice")
            .raw("reason_id", &reason_id(c.2)),
        (Some(c), None) => form.raw("reason_id", &reason_id(c.2)),
        (None, Some(r)) => form.refund(&plain_dollars(r.cents), "Charged twice"),
        (None, None) => unreachable!(),
    }
}

async fn add_sales_rep(app: &TestApp) -> i32 {
    let admin = app.signed_in("admin").await;
    admin.page("/admin/staff").await;
    let response = admin
        .post(
            "/admin/staff",
            &[
                ("full_name", "Casey Jones"),
                ("username", "casey"),
                ("role", "sales-rep"),
                ("password", PASSWORD_FOR_CASEY),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "Casey is added");
    app.staff_id("casey")
}

const PASSWORD_FOR_CASEY: &str = "Tangerine-Orbit-4471";

async fn signed_in_with(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = app.browser();
    let response = browser.sign_in(username, password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
}

/// Builds the history; returns it with the app's clock at day 40.
async fn build_history(app: &TestApp) -> Vec<Case> {
    let casey_id = add_sales_rep(app).await;
    let mut h = History {
        app,
        people: People::sign_in(app).await,
        cases: Vec::new(),
    };

    // Day 0, 09:00 (2026-11-25).
    let c1 = cancel(
        "R-1",
        "Essentials",
        "Riley",
        Route::C2,
        "Reply to send",
        "Too expensive",
        0,
    );
    let c1 = h
        .submit(form(&c1, Level::Essentials, Rep::Riley, "0"), c1)
        .await;
    let mut c2 = cancel(
        "R-2",
        "SMB",
        "Riley",
        Route::C3,
        "Awaiting save call",
        "Missing features",
        200_000,
    );
    c2.task = task_for("Riley");
    let c2 = h
        .submit(form(&c2, Level::Smb, Rep::Riley, "2,000.00"), c2)
        .await;
    let c3 = cancel(
        "R-3",
        "Professional",
        "Unknown",
        Route::C2aUnder,
        "Reply to send",
        "Other",
        50_000,
    );
    let c3 = h
        .submit(form(&c3, Level::Professional, Rep::Unknown, "500"), c3)
        .await;
    let mut c4 = cancel(
        "R-4",
        "Professional",
        "Morgan",
        Route::C2aCall,
        "Awaiting save call",
        "Switching to a competitor",
        150_000,
    );
    c4.task = task_for("Spencer");
    let c4 = h
        .submit(form(&c4, Level::Professional, Rep::Morgan, "1,500"), c4)
        .await;
    let mut c5 = cancel("R-5", "Essentials", "Riley", Route::C2, "", "", 0);
    (c5.cancellation, c5.refund) = (None, refund(25_000, false));
    let c5 = h
        .submit(form(&c5, Level::Essentials, Rep::Riley, "0"), c5)
        .await;
    let mut c6 = cancel(
        "R-6",
        "Professional 2A",
        "Casey Jones",
        Route::C3,
        "Awaiting save call",
        "Too expensive",
        300_000,
    );
    (c6.task, c6.refund) = (task_for("Casey Jones"), refund(150_000, true));
    let c6 = h
        .submit(
            form(&c6, Level::Professional2A, Rep::Staff(casey_id), "3,000"),
            c6,
        )
        .await;
    let mut c7 = cancel("R-7", "Essentials", "Unknown", Route::C2, "", "", 0);
    (c7.cancellation, c7.refund) = (None, refund(30_000, false));
    let c7 = h
        .submit(form(&c7, Level::Essentials, Rep::Unknown, "0"), c7)
        .await;
    h.advance(2 * HOUR).await;
    h.reply_sent(c1).await;

    // Day 1.
    h.advance(DAY - 2 * HOUR).await;
    h.outcome("Spencer", c2, "saved", "Discount").await;
    h.advance(30 * 60).await;
    h.outcome("Spencer", c4, "not_saved", "Pause").await;
    h.reply_sent(c4).await;
    h.reply_sent(c3).await;
    h.billing(c6, "deny").await;
    h.withdraw(c7).await;

    // Day 2.
    h.advance(DAY).await;
    h.billing(c5, "issue").await;
    h.outcome("Casey Jones", c6, "no_answer", "No offer").await;
    h.advance(2 * HOUR).await;
    h.outcome("Casey Jones", c6, "saved", "Downgrade").await;
    let mut c8 = cancel(
        "R-8",
        "SMB",
        "Riley",
        Route::C3,
        "Awaiting save call",
        "Technical problems",
        80_000,
    );
    c8.task = task_for("Riley");
    let c8 = h.submit(form(&c8, Level::Smb, Rep::Riley, "800"), c8).await;

    // Day 3: a saved account comes back and cancels; another comes back and withdraws.
    h.advance(DAY).await;
    h.withdraw(c8).await;
    let c9 = cancel(
        "R-2",
        "Essentials",
        "Riley",
        Route::C2,
        "Reply to send",
        "Too expensive",
        0,
    );
    let c9 = h
        .submit(form(&c9, Level::Essentials, Rep::Riley, "0"), c9)
        .await;
    h.reply_sent(c9).await;
    let c10 = cancel(
        "R-6",
        "Essentials",
        "Unknown",
        Route::C2,
        "Reply to send",
        "Other",
        0,
    );
    let c10 = h
        .submit(form(&c10, Level::Essentials, Rep::Unknown, "0"), c10)
        .await;
    h.withdraw(c10).await;
    let mut c11 = cancel(
        "R-11",
        "SMB",
        "Riley",
        Route::C3,
        "Awaiting save call",
        "Not using it enough",
        120_000,
    );
    c11.task = task_for("Riley");
    h.submit(form(&c11, Level::Smb, Rep::Riley, "1,200"), c11)
        .await;
    let mut c12 = cancel("R-12", "SMB", "Riley", Route::C2, "", "", 0);
    (c12.cancellation, c12.refund) = (None, refund(200_000, true));
    let c12 = h.submit(form(&c12, Level::Smb, Rep::Riley, "0"), c12).await;

    // Day 4: the review refund is approved, then issued.
    h.advance(DAY).await;
    h.billing(c12, "approve").await;
    h.advance(5 * HOUR).await;
    h.billing(c12, "issue").await;

    // Day 6 (2026-12-01): a case in the next month.
    h.advance(2 * DAY).await;
    let c13 = cancel(
        "R-13",
        "Essentials",
        "Casey Jones",
        Route::C2,
        "Reply to send",
        "Business closed",
        0,
    );
    h.submit(
        form(&c13, Level::Essentials, Rep::Staff(casey_id), "0"),
        c13,
    )
    .await;

    // Day 40: both saves are more than 30 days old.
    h.advance(34 * DAY).await;
    h.cases
}

fn check_rows(html: &str, csv: &str, table: &str, by: &str, expected: &Rows) {
    let page = table_cells(html, table);
    let shown: Vec<Vec<String>> = expected.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(page, shown, "{table} grouped by {by}: the page");
    let (_, lines) = csv_cells(csv);
    let plain: Vec<Vec<String>> = expected.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(lines, plain, "{table} grouped by {by}: the CSV");
}

#[tokio::test]
async fn every_cell_of_every_table_matches_a_recount_for_each_group_by() {
    let app = spawn_app().await;
    let mut cases = build_history(&app).await;
    for case in &mut cases {
        if let Some(task) = case.task.as_mut() {
            task.due = app.due_at("save_tasks", case.id);
        }
        if let Some(refund) = case.refund.as_mut() {
            refund.due = app.due_at("billing_items", case.id);
        }
    }
    let timed = |c: &Case| c.task.as_ref().is_some_and(|t| t.due.is_some());
    assert!(
        cases.iter().any(timed),
        "the history has due times to count"
    );
    let now = app.clock.unix();
    let spencer = app.signed_in("spencer").await;
    for by in ["month", "sales_rep", "level", "reason", "offer"] {
        let query = format!("{PERIOD}&group={by}");
        let (status, html) = spencer.page(&format!("/reports?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{by}");
        let mut csvs = Vec::new();
        for table in ["save-calls", "cancellations", "refunds"] {
            let href = format!("/reports/{table}.csv?{query}");
            assert!(
                attrs(&html, &format!("#{table} a"), "href").contains(&href),
                "{table} links its CSV with the same filters"
            );
            let response = spencer.get(&href).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            csvs.push(response.text().await.unwrap());
        }
        check_rows(
            &html,
            &csvs[0],
            "save-calls",
            by,
            &save_call_rows(&cases, by, now),
        );
        check_rows(
            &html,
            &csvs[1],
            "cancellations",
            by,
            &cancellation_rows(&cases, by),
        );
        check_rows(&html, &csvs[2], "refunds", by, &refund_rows(&cases, by));
        let notes = texts(&html, "#refunds .report-note");
        assert_eq!(
            notes.len(),
            usize::from(by == "reason" || by == "offer"),
            "the refunds table says when it is grouped by month instead: {notes:?}"
        );
    }
    // The figures this test expects are not empty ones.
    let totals = save_call_rows(&cases, "month", now);
    let total = &totals.last().unwrap().0;
    assert_eq!(total[..6], ["Total", "5", "2", "1", "1", "1"]);
    assert_eq!(total[6], "66.7 %", "2 saved of 3 decided");
    assert_eq!(
        total[8], "50 %",
        "one save kept, the other account cancelled within 30 days"
    );
}

#[tokio::test]
async fn only_the_retention_owner_billing_and_admins_see_reports() {
    let app = spawn_app().await;
    for (username, allowed) in [
        ("alex", false),
        ("riley", false),
        ("spencer", true),
        ("heather", true),
        ("admin", true),
    ] {
        let browser = app.signed_in(username).await;
        let (status, home) = browser.page("/reports").await;
        let csv = browser.get("/reports/save-calls.csv").await.status();
        if allowed {
            assert_eq!(status, StatusCode::OK, "{username}");
            assert_eq!(csv, StatusCode::OK, "{username}");
            assert!(
                attrs(&home, "nav a", "href").contains(&"/reports".to_owned()),
                "{username}'s header links Reports"
            );
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{username}");
            assert_eq!(csv, StatusCode::FORBIDDEN, "{username}");
        }
    }
}

#[tokio::test]
async fn bad_filters_get_a_422_with_the_message_beside_the_field() {
    let app = spawn_app().await;
    let spencer = app.signed_in("spencer").await;
    for (query, field) in [
        ("from=2026-11-20&to=2026-11-10", "to"),
        ("from=not-a-date", "from"),
        ("to=2026-13-01", "to"),
        ("group=colour", "group"),
    ] {
        let (status, html) = spencer.page(&format!("/reports?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(
            texts(&html, &format!("#{field}-error")).len(),
            1,
            "{query}: {field}"
        );
        let csv = spencer.get(&format!("/reports/refunds.csv?{query}")).await;
        assert_eq!(
            csv.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query} (CSV)"
        );
    }
    let (_, html) = spencer.page("/reports?from=not-a-date").await;
    assert_eq!(
        attrs(&html, "#from", "value"),
        ["not-a-date"],
        "the form as typed"
    );
    let unknown = spencer.get("/reports/everything.csv").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn csv_text_cells_that_look_like_formulas_are_neutralised() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    admin.page("/admin/levels").await;
    let response = admin
        .post(
            "/admin/levels",
            &[
                ("name", "=HYPERLINK(\"x\")"),
                ("rank", "50"),
                ("route", "essentials"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let alex = app.signed_in("alex").await;
    let level = Level::Id(app.level_id("=HYPERLINK(\"x\")"));
    NewCase::new().level(level).submit_for_id(&alex).await;
    let csv = admin
        .get("/reports/cancellations.csv?group=level")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\",1,1,"), "{csv}");
}
