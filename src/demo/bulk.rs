//! `retention-desk demo-data --cases N`: a realistic case log at scale, for
//! benchmarks and demos.
//!
//! Every case goes through the same domain code as intake: its facts are
//! built as `CaseFacts`, the procedure decides, and [`insert_decided_case`]
//! writes the case, its log, save task and billing item exactly as
//! `submit_case` does. Older cases are then moved on the way people would
//! have moved them (reply sent, save call made, refund issued or denied,
//! case withdrawn), with their log lines, through the same model functions
//! the services use. Slack heads-ups of historical cases are not written to
//! the outbox: they were sent long ago, and the worker must not send them.
//!
//! The cases are made on one thread and written on another, a batch per
//! transaction (see [`fill`] for the loading connection's settings): old
//! cases are written as they end up, so each row is written once.

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::Db;
use crate::db::bulk_load::{BulkLoad, LoadBatch, LoadedCase};
use crate::db::models::cases::{CaseRows, LogEntry};
use crate::db::models::leave_reasons::ReasonRow;
use crate::db::models::reference::{LevelRow, ServerRow};
use crate::db::models::service_levels;
use crate::db::models::staff::StaffRow;
use crate::domain::case_log::{self, LogLine};
use crate::domain::{
    AccountId, CancellationStatus, CaseId, CustomerName, Money, OfferMade, RefundAmount,
    RefundStatus, RequestKind, SaveOutcome, ServiceLevels, StaffId, Tracks,
};
use crate::procedure::{Decision, Policy, Replies, SaveTaskAssignee};
use crate::services::cases::intake::{
    CaseSubmission, People, RefundRequest, RepChoice, decide_case,
};
use crate::services::{policies, replies};

use super::seed::seed_if_empty;

/// Cases per transaction (fewer for a small load, so that progress moves
/// in steps of 1 %).
const BATCH: u64 = 10_000;
/// Batches made ahead of the one being written.
const BATCHES_AHEAD: usize = 2;

/// Cases are spread over this many days before now, oldest first.
const HISTORY_DAYS: i64 = 3 * 365;
/// Cases younger than this may still be open; older ones are nearly all settled.
const SETTLING_DAYS: f64 = 14.0;
/// Share of old cases left open (forgotten replies, unanswered save calls).
const STALE_SHARE: f64 = 0.005;
const DAY: i64 = 86_400;

pub struct DemoDataReport {
    pub cases: u64,
    /// Writing the cases (and, per case, the search index when so chosen).
    pub loaded: Duration,
    /// Rebuilding the indexes and the search index at the end, when so chosen.
    pub search_rebuild: Option<Duration>,
    pub elapsed: Duration,
}

/// How far a load has come, as [`fill`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many cases are written (and committed).
    Written(u64),
    /// Every case is written; the indexes set aside are being rebuilt.
    Indexing,
}

/// The people and reference data a case refers to.
struct Cast {
    agent: StaffRow,
    billing: StaffRow,
    retention_owner: StaffRow,
    reps: Vec<StaffRow>,
    levels: Vec<LevelRow>,
    servers: Vec<ServerRow>,
    /// Active reasons for leaving, in their order (the seeded ones first).
    reasons: Vec<ReasonRow>,
    policy: Policy,
    replies: Replies,
    service_levels: ServiceLevels,
}

impl Cast {
    fn load(conn: &mut SqliteConnection, zone: chrono_tz::Tz) -> anyhow::Result<Cast> {
        let by_username = |conn: &mut SqliteConnection, username: &str| {
            StaffRow::find_by_username(conn, username)?
                .with_context(|| format!("the demo account {username} is missing"))
        };
        let levels = LevelRow::active_by_rank(conn)?;
        anyhow::ensure!(!levels.is_empty(), "there are no customer levels");
        let servers = ServerRow::active_by_name(conn)?;
        anyhow::ensure!(!servers.is_empty(), "there are no servers");
        anyhow::ensure!(
            !ReasonRow::active_by_position(conn)?.is_empty(),
            "there are no reasons for leaving"
        );
        Ok(Cast {
            agent: by_username(conn, "alex")?,
            billing: by_username(conn, "heather")?,
            retention_owner: StaffRow::fallback_owner(conn)?
                .context("no retention owner receives save tasks")?,
            reps: vec![by_username(conn, "riley")?, by_username(conn, "morgan")?],
            levels,
            servers,
            reasons: ReasonRow::active_by_position(conn)?,
            policy: policies::current(conn)?,
            replies: replies::current(conn)?,
            service_levels: service_levels::current(conn, zone)?,
        })
    }
}

/// How the trigram search index (`cases_search`) is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIndexing {
    /// By the `cases_search_insert` trigger, case by case, as intake does.
    PerCase,
    /// The trigger is set aside during the load and the index rebuilt once
    /// at the end (`INSERT INTO cases_search(cases_search) VALUES('rebuild')`).
    RebuildAtEnd,
}

/// Seeds the demo staff (on an empty database) and adds `cases` cases,
/// on a connection set up for a bulk load (see `db::bulk_load`). Open
/// tasks get due times in working hours of `zone` (`RD_TIMEZONE`), the old
/// ones overdue; alarms whose time has already come are skipped, so the
/// load leaves no message to send. The cases are made on a thread of
/// their own while this one writes the batch before.
pub fn fill(
    path: &Path,
    cases: u64,
    (now, zone): (i64, chrono_tz::Tz),
    indexing: SearchIndexing,
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<DemoDataReport> {
    let started = Instant::now();
    let cast = {
        // Migrations, the demo staff and who is who, through the app's own
        // pool (closed before the load: it leaves WAL mode).
        let db = Db::open(path)?;
        let mut conn = db.writer_blocking()?;
        seed_if_empty(&mut conn, now)?;
        Cast::load(&mut conn, zone)?
    };
    let mut load = BulkLoad::open(path)?;
    let first_number = load.case_count()?;
    let mut history = History {
        cast: &cast,
        rng: StdRng::seed_from_u64(8 + first_number as u64),
        saved: SavedAccounts::default(),
        first_number,
        first_id: load.next_case_id()?,
        cases,
        now,
    };
    if indexing == SearchIndexing::RebuildAtEnd {
        load.set_indexes_aside()?;
    }
    let batch = BATCH.min(cases.div_ceil(100)).max(1);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (batches, made) = sync_channel(BATCHES_AHEAD);
        let maker = scope.spawn(move || -> anyhow::Result<()> {
            let mut done = 0;
            while done < cases {
                let next = (done..(done + batch).min(cases))
                    .map(|i| history.case(i))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                done += next.len() as u64;
                if batches.send(LoadBatch::new(next, now)).is_err() {
                    break; // The writer stopped on an error of its own.
                }
            }
            Ok(())
        });
        let mut written = 0;
        for next in made {
            written += next.cases() as u64;
            load.write(&next)?;
            progress(Progress::Written(written));
        }
        maker
            .join()
            .map_err(|_| anyhow::anyhow!("the thread making demo cases panicked"))?
    })?;
    let loaded = started.elapsed();
    let rebuilds = load.has_indexes_aside();
    if rebuilds {
        progress(Progress::Indexing);
    }
    load.finish()?;
    Ok(DemoDataReport {
        cases,
        loaded,
        search_rebuild: rebuilds.then(|| started.elapsed() - loaded),
        elapsed: started.elapsed(),
    })
}

/// The cases of one load, made one after the other, oldest first.
struct History<'a> {
    cast: &'a Cast,
    rng: StdRng,
    saved: SavedAccounts,
    /// Cases already in the database (the account numbers go on from there).
    first_number: i64,
    first_id: CaseId,
    cases: u64,
    now: i64,
}

impl History<'_> {
    /// The `i`th case of the load, as it ends up.
    fn case(&mut self, i: u64) -> anyhow::Result<LoadedCase> {
        let number = self.first_number + i as i64;
        let id = CaseId::new(self.first_id.get() + i as i32);
        // Oldest first, so ids grow with time as they do in use.
        let age = (self.cases - 1 - i) as i64 * HISTORY_DAYS * DAY / self.cases.max(1) as i64;
        let at = (self.now - age, self.now);
        make_case(self.cast, &mut self.rng, &mut self.saved, (number, id), at)
    }
}

const FIRST_NAMES: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Mia", "James",
    "Harper", "Lucas", "Evelyn", "Mateo", "Aria", "Ethan", "Chloe", "Hiro", "Priya", "Tomasz",
    "Ngozi", "Sofía", "Lars", "Aisha", "Kenji", "Fatima", "Dmitri", "Ingrid", "Rafael", "Mei",
];
const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Nakamura",
    "Okafor",
    "Kowalski",
    "Lindqvist",
    "Haddad",
    "Novak",
    "Rossi",
    "Dubois",
    "Schmidt",
    "Tanaka",
];
const COMPANY_WORDS: &[&str] = &[
    "Bakery",
    "Dental",
    "Logistics",
    "Studio",
    "Consulting",
    "Plumbing",
    "Florist",
    "Legal",
    "Fitness",
    "Imports",
    "Roofing",
    "Books",
    "Analytics",
    "Garage",
    "Catering",
    "Design",
];
const REFUND_REASONS: &[&str] = &[
    "Charged twice for the same month; the second charge is a duplicate.",
    "Cancelled within the 30-day money-back period.",
    "Annual plan billed after the cancellation request was received.",
    "Service outage longer than the SLA allows for the billing period.",
    "Downgraded mid-cycle; the difference is owed as a credit.",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Cents in `low..high` dollars, with round amounts as common as in real life.
fn dollars(rng: &mut StdRng, low: i64, high: i64) -> i64 {
    let dollars = rng.gen_range(low..high);
    if rng.gen_bool(0.5) {
        dollars * 100
    } else {
        dollars * 100 + rng.gen_range(0..100)
    }
}

/// Accounts saved on a call, some of which come back later and cancel
/// after all (so "Kept 30 days" in the reports is not always 100 %).
#[derive(Default)]
struct SavedAccounts(Vec<(String, i64)>);

impl SavedAccounts {
    const KEEP: usize = 500;

    fn remember(&mut self, account: &AccountId, saved_at: i64) {
        if self.0.len() >= Self::KEEP {
            self.0.remove(0);
        }
        self.0.push((account.as_str().to_owned(), saved_at));
    }

    /// About one case in 25 is a saved account coming back (after its save).
    fn coming_back(&mut self, rng: &mut StdRng, now: i64) -> Option<String> {
        if self.0.is_empty() || !rng.gen_bool(0.04) {
            return None;
        }
        let index = rng.gen_range(0..self.0.len());
        (self.0[index].1 < now).then(|| self.0.swap_remove(index).0)
    }
}

/// Reasons for leaving in the proportions a real team sees: price first,
/// then missing features and competitors; the rest less often.
fn pick_reason<'a>(rng: &mut StdRng, reasons: &'a [ReasonRow]) -> &'a ReasonRow {
    const WEIGHTS: [u32; 7] = [30, 20, 15, 12, 10, 8, 5];
    let total: u32 = WEIGHTS.iter().take(reasons.len()).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (reason, weight) in reasons.iter().zip(WEIGHTS) {
        if roll < weight {
            return reason;
        }
        roll -= weight;
    }
    &reasons[reasons.len() - 1]
}

/// What a rep offers on a save call: most offer something.
fn pick_offer(rng: &mut StdRng) -> OfferMade {
    match rng.gen_range(0..100) {
        0..25 => OfferMade::NoOffer,
        25..60 => OfferMade::Discount,
        60..75 => OfferMade::Pause,
        75..92 => OfferMade::Downgrade,
        _ => OfferMade::Other,
    }
}

fn make_case(
    cast: &Cast,
    rng: &mut StdRng,
    saved: &mut SavedAccounts,
    (number, id): (i64, CaseId),
    (created_at, now): (i64, i64),
) -> anyhow::Result<LoadedCase> {
    let returning = saved.coming_back(rng, created_at);
    // What the agent typed.
    let name = if rng.gen_bool(0.4) {
        format!(
            "{} {} {}",
            pick(rng, LAST_NAMES),
            pick(rng, COMPANY_WORDS),
            if rng.gen_bool(0.5) { "LLC" } else { "Inc." }
        )
    } else {
        format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))
    };
    let request = match rng.gen_range(0..100) {
        _ if returning.is_some() => RequestKind::Cancel,
        0..50 => RequestKind::Cancel,
        50..80 => RequestKind::Refund,
        _ => RequestKind::CancelAndRefund,
    };
    // Lower levels are the bulk of the customers.
    let level_index = match rng.gen_range(0..100) {
        0..45 => 0,
        45..75 => 1,
        75..90 => 2,
        _ => 3,
    }
    .min(cast.levels.len() - 1);
    let level = &cast.levels[level_index];
    let server = pick(rng, &cast.servers);
    let ar_cents = match rng.gen_range(0..100) {
        0..10 => -dollars(rng, 1, 200),
        10..25 => 0,
        25..65 => dollars(rng, 1, 1_000),
        _ => dollars(rng, 1_000, 5_000),
    };
    let rep = match rng.gen_range(0..100) {
        0..65 => Some(&cast.reps[0]),
        65..85 => Some(&cast.reps[1]),
        _ => None,
    };
    let refund = request.includes_refund().then(|| {
        let cents = if rng.gen_bool(0.85) {
            dollars(rng, 5, 1_000)
        } else {
            dollars(rng, 1_001, 4_000)
        };
        RefundRequest {
            amount: RefundAmount::from_cents(cents.max(1)).expect("a positive demo amount"),
            reason: (*pick(rng, REFUND_REASONS)).to_owned(),
        }
    });
    let submission = CaseSubmission {
        customer_name: CustomerName::parse(&name).context("demo customer name")?,
        account_id: AccountId::parse(
            &returning.unwrap_or_else(|| format!("ACC-{:07}", 1_000_000 + number)),
        )
        .context("demo account id")?,
        support_ticket: rng
            .gen_bool(0.7)
            .then(|| format!("T-{}", 200_000 + number * 3)),
        level_id: level.id,
        server_id: server.id,
        ar_balance: Money::from_cents(ar_cents).context("demo A/R")?,
        original_rep: rep.map_or(RepChoice::Unknown, |r| RepChoice::Staff(r.id)),
        request,
        reason: Some(pick_reason(rng, &cast.reasons).id),
        refund,
        notes: rng
            .gen_bool(0.2)
            .then(|| "Customer called in; details confirmed on the phone.".to_owned()),
        submit_anyway: false,
        token: String::new(),
    };

    // What the procedure decides, written as intake writes it.
    let people = People {
        agent: cast.agent.id,
        agent_name: &cast.agent.full_name,
        rep,
        retention_owner: Some(&cast.retention_owner),
    };
    let deadlines = cast
        .service_levels
        .deadlines(created_at)
        .context("demo due times")?;
    let (rows, decision) = decide_case(
        &submission,
        (level, server),
        people,
        (&cast.policy, &deadlines),
        &cast.replies,
        created_at,
    )?;

    // What people did with it since.
    let mut case = LoadedCase { id, rows };
    let age_days = (now - created_at) as f64 / DAY as f64;
    let settled = if age_days > SETTLING_DAYS {
        !rng.gen_bool(STALE_SHARE)
    } else {
        rng.gen_bool(age_days / SETTLING_DAYS * 0.8)
    };
    if settled {
        let caller = match decision.cancellation.as_ref().and_then(|c| c.save_task) {
            Some(SaveTaskAssignee::OriginalRep) => rep.map_or(cast.retention_owner.id, |r| r.id),
            _ => cast.retention_owner.id,
        };
        let outcome = settle(
            cast,
            rng,
            (&decision, &submission),
            (&mut case, caller),
            (created_at, now),
        );
        if let Some((SaveOutcome::Saved, saved_at)) = outcome {
            saved.remember(&submission.account_id, saved_at);
        }
    }
    Ok(case)
}

/// Moves a case to where its tracks end, with the log lines and changes
/// the services write (`domain::case_log`, `Tracks`, and each row's
/// in-memory counterpart of the update the services run), at the times
/// people would have acted. Returns how its save call ended and when, if
/// it had one.
fn settle(
    cast: &Cast,
    rng: &mut StdRng,
    (decision, submission): (&Decision, &CaseSubmission),
    (case, caller): (&mut LoadedCase, StaffId),
    (created_at, now): (i64, i64),
) -> Option<(SaveOutcome, i64)> {
    let CaseRows {
        case: row,
        log,
        save_task,
        billing_item,
    } = &mut case.rows;
    let agent = cast.agent.id;
    let mut at = created_at;
    let mut later = |rng: &mut StdRng| {
        at += rng.gen_range(600..3 * DAY);
        at
    };
    let initial = Tracks {
        cancellation: decision.cancellation.as_ref().map(|c| c.status),
        refund: decision.refund.as_ref().map(|r| r.status),
    };
    let mut write = |by: StaffId, line: LogLine, when: i64| {
        log.push(LogEntry {
            actor_id: Some(by),
            line,
            at: when,
        });
    };

    if rng.gen_bool(0.02) {
        // The customer changed their mind before billing acted.
        let when = later(rng);
        write(
            agent,
            case_log::withdrawn("the customer decided to stay after all."),
            when,
        );
        row.move_tracks(initial.withdrawn(), when);
        if let Some((item, _)) = billing_item {
            item.withdraw_untouched();
        }
        if let Some((task, _)) = save_task {
            task.close(None, agent, when);
        }
        return None;
    }

    let mut tracks = initial;
    let mut call = None;
    if let Some((task, _)) = save_task {
        let when = later(rng);
        let outcome = if rng.gen_bool(0.35) {
            SaveOutcome::Saved
        } else {
            SaveOutcome::NotSaved
        };
        let offer = pick_offer(rng);
        write(
            caller,
            case_log::save_outcome(outcome, offer, 1, None),
            when,
        );
        task.close(Some((outcome, offer)), caller, when);
        call = Some((outcome, when));
        if let Some(next) = outcome.cancellation_after() {
            tracks = tracks.with_cancellation(next);
        }
    }
    if tracks.cancellation == Some(CancellationStatus::ReplyToSend) {
        write(agent, case_log::reply_sent(), later(rng));
        tracks = tracks.with_cancellation(CancellationStatus::Cancelled);
    }

    if let (Some((item, _)), Some(request)) = (billing_item, &submission.refund) {
        let needs_review = decision.refund.as_ref().is_some_and(|r| r.needs_review);
        let amount = request.amount.money();
        let billing = cast.billing.id;
        let mut approved = !needs_review;
        if needs_review {
            let when = later(rng);
            approved = rng.gen_bool(0.7);
            let notes = "Usage continued after the period the refund is asked for.";
            let line = if approved {
                case_log::refund_approved(amount, None)
            } else {
                tracks = tracks.with_refund(RefundStatus::RefundDenied);
                case_log::refund_denied(amount, notes)
            };
            write(billing, line, when);
            item.review_if_pending(approved, (!approved).then_some(notes), billing, when);
            // When the agent saw a denial (old cases only: it left their list),
            // as `BillingItemRow::mark_denial_seen` records it.
            if !approved && created_at < now - SETTLING_DAYS as i64 * DAY {
                item.denial_seen_at = Some(later(rng));
            }
        }
        if approved {
            let when = later(rng);
            let reference = format!("PAY-{:08}", case.id);
            write(
                billing,
                case_log::refund_issued(amount, Some(&reference)),
                when,
            );
            item.issue_if_ready(Some(&reference), billing, when);
            tracks = tracks.with_refund(RefundStatus::RefundIssued);
        }
    }
    row.move_tracks(tracks, at);
    call
}
