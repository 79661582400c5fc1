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
//! Cases are written in batches of [`BATCH`], one transaction each (see
//! [`fill`] for the loading connection's settings).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::Db;
use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events::{self, EventKind};
use crate::db::models::cases::CaseRow;
use crate::db::models::reference::{LevelRow, PolicyRow, ServerRow};
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::db::schema::billing_items;
use crate::domain::{
    AccountId, CancellationRoute, CancellationStatus, CaseState, CustomerName, Money, RefundAmount,
    RefundStatus, RequestKind,
};
use crate::procedure::{
    CaseFacts, Decision, LevelFacts, Policy, RefundFacts, RepFacts, SaveTaskAssignee, ServerFacts,
    decide,
};

use super::demo::seed_if_empty;
use super::submit_case::{
    CaseSubmission, DecidedCase, HeadsUp, InsertedCase, RefundRequest, RepChoice,
    SaveTaskAssignment, insert_decided_case, policy_from_row,
};

/// Cases per transaction.
pub const BATCH: u64 = 10_000;

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
    /// Rebuilding the search index at the end, when so chosen.
    pub search_rebuild: Option<Duration>,
    pub elapsed: Duration,
}

/// The people and reference data a case refers to.
struct Cast {
    agent: StaffRow,
    billing: StaffRow,
    retention_owner: StaffRow,
    reps: Vec<StaffRow>,
    levels: Vec<(LevelRow, CancellationRoute)>,
    servers: Vec<ServerRow>,
    policy: Policy,
}

impl Cast {
    fn load(conn: &mut SqliteConnection) -> anyhow::Result<Cast> {
        let by_username = |conn: &mut SqliteConnection, username: &str| {
            StaffRow::find_by_username(conn, username)?
                .with_context(|| format!("the demo account {username} is missing"))
        };
        let levels = LevelRow::active_by_rank(conn)?
            .into_iter()
            .map(|level| {
                let route = CancellationRoute::parse(&level.route)
                    .map_err(|e| anyhow::anyhow!("level {}: {e}", level.id))?;
                Ok((level, route))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(!levels.is_empty(), "there are no customer levels");
        let servers = ServerRow::active_by_name(conn)?;
        anyhow::ensure!(!servers.is_empty(), "there are no servers");
        Ok(Cast {
            agent: by_username(conn, "alex")?,
            billing: by_username(conn, "heather")?,
            retention_owner: StaffRow::fallback_owner(conn)?
                .context("no retention owner receives save tasks")?,
            reps: vec![by_username(conn, "riley")?, by_username(conn, "morgan")?],
            levels,
            servers,
            policy: policy_from_row(&PolicyRow::current(conn)?)?,
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

/// Seeds the demo staff (on an empty database) and adds `cases` cases.
///
/// The load runs on its own connection with the rollback journal in memory
/// and `synchronous = OFF` (WAL mode is set back at the end): every page is
/// written once instead of to the WAL and again at the checkpoint. A crash
/// while loading leaves a demo database to throw away, nothing else.
pub fn fill(
    path: &Path,
    cases: u64,
    now: i64,
    indexing: SearchIndexing,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<DemoDataReport> {
    let started = Instant::now();
    {
        // Migrations and the demo staff, through the app's own pool.
        let db = Db::open(path)?;
        let mut conn = db.writer_blocking()?;
        seed_if_empty(&mut conn, now)?;
    }
    let url = path
        .to_str()
        .context("the database path is not valid UTF-8")?;
    let mut conn =
        SqliteConnection::establish(url).with_context(|| format!("opening {}", path.display()))?;
    conn.batch_execute(
        "PRAGMA busy_timeout = 10000;
         PRAGMA foreign_keys = ON;
         PRAGMA journal_mode = MEMORY;
         PRAGMA synchronous = OFF;
         PRAGMA cache_size = -262144;",
    )
    .context("preparing the loading connection")?;
    let cast = Cast::load(&mut conn)?;
    let first_number: i64 = crate::db::schema::cases::table
        .count()
        .get_result(&mut conn)?;
    let trigger: Option<String> = match indexing {
        SearchIndexing::PerCase => None,
        SearchIndexing::RebuildAtEnd => {
            let sql = search_trigger_sql(&mut conn)?;
            conn.batch_execute("DROP TRIGGER cases_search_insert;")?;
            Some(sql)
        }
    };
    // Building an index once from sorted rows is far cheaper than keeping it
    // up to date row by row; the unique indexes stay, since the load relies on them.
    let set_aside = match indexing {
        SearchIndexing::PerCase => Vec::new(),
        SearchIndexing::RebuildAtEnd => secondary_indexes(&mut conn)?,
    };
    for index in &set_aside {
        conn.batch_execute(&format!("DROP INDEX \"{}\";", index.name))?;
    }
    let mut rng = StdRng::seed_from_u64(8 + first_number as u64);
    let mut done = 0;
    while done < cases {
        let batch = BATCH.min(cases - done);
        conn.immediate_transaction(|conn| -> anyhow::Result<()> {
            for i in done..done + batch {
                let number = first_number + i as i64;
                // Oldest first, so ids grow with time as they do in use.
                let age = (cases - 1 - i) as i64 * HISTORY_DAYS * DAY / cases.max(1) as i64;
                write_case(conn, &cast, &mut rng, number, now - age, now)?;
            }
            Ok(())
        })?;
        done += batch;
        progress(done);
    }
    let loaded = started.elapsed();
    if let Some(sql) = trigger {
        conn.immediate_transaction(|conn| -> anyhow::Result<()> {
            for index in &set_aside {
                conn.batch_execute(&format!("{};", index.sql))?;
            }
            conn.batch_execute(&sql)?;
            conn.batch_execute("INSERT INTO cases_search(cases_search) VALUES('rebuild');")?;
            Ok(())
        })?;
    }
    let indexed = started.elapsed();
    conn.batch_execute(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA optimize;",
    )?;
    Ok(DemoDataReport {
        cases,
        loaded,
        search_rebuild: (indexing == SearchIndexing::RebuildAtEnd).then(|| indexed - loaded),
        elapsed: started.elapsed(),
    })
}

#[derive(QueryableByName)]
struct IndexSql {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql: String,
}

/// The non-unique indexes of the tables the load fills, as the migrations
/// created them (SQLite's own unique indexes have no SQL and are kept).
fn secondary_indexes(conn: &mut SqliteConnection) -> anyhow::Result<Vec<IndexSql>> {
    Ok(diesel::sql_query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND sql NOT LIKE 'CREATE UNIQUE%' \
         AND tbl_name IN ('cases', 'case_events', 'save_tasks', 'billing_items')",
    )
    .load(conn)?)
}

/// The search index's insert trigger as the migration created it.
fn search_trigger_sql(conn: &mut SqliteConnection) -> anyhow::Result<String> {
    #[derive(QueryableByName)]
    struct Sql {
        #[diesel(sql_type = diesel::sql_types::Text)]
        sql: String,
    }
    let row: Sql = diesel::sql_query(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_search_insert'",
    )
    .get_result(conn)
    .optional()?
    .context("the cases_search_insert trigger is missing")?;
    Ok(format!("{};", row.sql))
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

fn write_case(
    conn: &mut SqliteConnection,
    cast: &Cast,
    rng: &mut StdRng,
    number: i64,
    created_at: i64,
    now: i64,
) -> anyhow::Result<()> {
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
    let (level, route) = &cast.levels[level_index];
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
        account_id: AccountId::parse(&format!("ACC-{:07}", 1_000_000 + number))
            .context("demo account id")?,
        support_ticket: rng
            .gen_bool(0.7)
            .then(|| format!("T-{}", 200_000 + number * 3)),
        level_id: level.id,
        server_id: server.id,
        ar_balance: Money::from_cents(ar_cents).context("demo A/R")?,
        original_rep: rep.map_or(RepChoice::Unknown, |r| RepChoice::Staff(r.id)),
        request,
        refund,
        notes: rng
            .gen_bool(0.2)
            .then(|| "Customer called in; details confirmed on the phone.".to_owned()),
        submit_anyway: false,
        token: String::new(),
    };

    // What the procedure decides, as intake builds it.
    let facts = CaseFacts {
        customer_name: submission.customer_name.clone(),
        request,
        level: LevelFacts {
            name: level.name.clone(),
            route: *route,
        },
        server: ServerFacts {
            name: server.name.clone(),
            exit_survey_url: server.exit_survey_url.clone(),
        },
        ar_balance: submission.ar_balance,
        refund: submission.refund.as_ref().map(|r| RefundFacts {
            amount: r.amount,
            reason: r.reason.clone(),
        }),
        original_rep: rep.map(|r| RepFacts {
            name: r.full_name.clone(),
            active: r.departed_at.is_none(),
        }),
        retention_owner_name: cast.retention_owner.full_name.clone(),
    };
    let decision = decide(&facts, &cast.policy);
    let save_task_assignee = match decision.cancellation.as_ref().and_then(|c| c.save_task) {
        None => None,
        Some(SaveTaskAssignee::OriginalRep) => rep.map(|r| (r, false)),
        Some(SaveTaskAssignee::RetentionOwner) => Some((&cast.retention_owner, true)),
    };
    let inserted = insert_decided_case(
        conn,
        &DecidedCase {
            submission: &submission,
            agent_id: cast.agent.id,
            level_id: level.id,
            server_id: server.id,
            original_rep_id: rep.map(|r| r.id),
            facts: &facts,
            decision: &decision,
            policy: &cast.policy,
            save_task_assignee: save_task_assignee.map(|(assignee, fell_back)| {
                SaveTaskAssignment {
                    staff_id: assignee.id,
                    name: &assignee.full_name,
                    fell_back,
                }
            }),
            now: created_at,
        },
        HeadsUp::Skip,
    )?;

    // What people did with it since.
    let age_days = (now - created_at) as f64 / DAY as f64;
    let settled = if age_days > SETTLING_DAYS {
        !rng.gen_bool(STALE_SHARE)
    } else {
        rng.gen_bool(age_days / SETTLING_DAYS * 0.8)
    };
    if settled {
        let caller = save_task_assignee.map_or(cast.retention_owner.id, |(a, _)| a.id);
        settle(
            conn,
            cast,
            rng,
            (&decision, &submission),
            (inserted, caller),
            (created_at, now),
        )?;
    }
    Ok(())
}

/// Moves a case to where its tracks end, logging each step as the services do.
fn settle(
    conn: &mut SqliteConnection,
    cast: &Cast,
    rng: &mut StdRng,
    (decision, submission): (&Decision, &CaseSubmission),
    (inserted, caller): (InsertedCase, i32),
    (created_at, now): (i64, i64),
) -> anyhow::Result<()> {
    let case_id = inserted.case_id;
    let agent = cast.agent.id;
    let mut at = created_at;
    let mut later = |rng: &mut StdRng| {
        at += rng.gen_range(600..3 * DAY);
        at
    };
    let initial_cancellation = decision.cancellation.as_ref().map(|c| c.status);
    let initial_refund = decision.refund.as_ref().map(|r| r.status);

    if rng.gen_bool(0.02) {
        // The customer changed their mind before billing acted.
        let when = later(rng);
        let cancellation = initial_cancellation.map(|_| CancellationStatus::Withdrawn);
        let refund = initial_refund.map(|_| RefundStatus::Withdrawn);
        CaseRow::move_tracks(
            conn,
            case_id,
            (
                initial_cancellation.map(|s| s.as_str()),
                initial_refund.map(|s| s.as_str()),
            ),
            (cancellation.map(|s| s.as_str()), refund.map(|s| s.as_str())),
            false,
            when,
        )?;
        if inserted.billing_item_id.is_some() {
            BillingItemRow::withdraw_untouched(conn, case_id)?;
        }
        SaveTaskRow::close_for_case(conn, case_id, agent, when)?;
        case_events::append(
            conn,
            case_id,
            Some(agent),
            EventKind::Withdrawn,
            "Withdrawn: the customer decided to stay after all.",
            when,
        )?;
        return Ok(());
    }

    let mut cancellation = initial_cancellation;
    if let Some(task_id) = inserted.save_task_id {
        let when = later(rng);
        let saved = rng.gen_bool(0.35);
        let (outcome, next, body) = if saved {
            (
                "saved",
                CancellationStatus::Retained,
                "Saved: the customer stays.",
            )
        } else {
            (
                "not_saved",
                CancellationStatus::ReplyToSend,
                "Not saved: the agent sends the C2 reply with the exit survey.",
            )
        };
        SaveTaskRow::close_if_open(conn, task_id, outcome, caller, when)?;
        case_events::append(
            conn,
            case_id,
            Some(caller),
            EventKind::SaveOutcome,
            body,
            when,
        )?;
        cancellation = Some(next);
    }
    if cancellation == Some(CancellationStatus::ReplyToSend) {
        let when = later(rng);
        case_events::append(
            conn,
            case_id,
            Some(agent),
            EventKind::ReplySent,
            "Reply sent to the customer; the account is cancelled.",
            when,
        )?;
        cancellation = Some(CancellationStatus::Cancelled);
    }

    let mut refund = initial_refund;
    if let (Some(item_id), Some(request)) = (inserted.billing_item_id, &submission.refund) {
        let needs_review = decision.refund.as_ref().is_some_and(|r| r.needs_review);
        let amount = request.amount.money();
        let billing = cast.billing.id;
        let mut approved = !needs_review;
        if needs_review {
            let when = later(rng);
            approved = rng.gen_bool(0.7);
            let notes = if approved {
                None
            } else {
                Some("Usage continued after the period the refund is asked for.")
            };
            BillingItemRow::review_if_pending(conn, item_id, approved, notes, billing, when)?;
            let (kind, body) = if approved {
                (
                    EventKind::RefundApproved,
                    format!("Refund of {amount} approved; billing will issue it."),
                )
            } else {
                refund = Some(RefundStatus::RefundDenied);
                (
                    EventKind::RefundDenied,
                    format!("Refund of {amount} denied: {}", notes.unwrap_or_default()),
                )
            };
            case_events::append(conn, case_id, Some(billing), kind, &body, when)?;
            if !approved && created_at < now - SETTLING_DAYS as i64 * DAY {
                // The agent saw the denial long ago: it left their waiting list.
                diesel::update(billing_items::table.find(item_id))
                    .set(billing_items::denial_seen_at.eq(later(rng)))
                    .execute(conn)?;
            }
        }
        if approved {
            let when = later(rng);
            let reference = format!("PAY-{:08}", case_id);
            BillingItemRow::issue_if_ready(conn, item_id, Some(&reference), billing, when)?;
            case_events::append(
                conn,
                case_id,
                Some(billing),
                EventKind::RefundIssued,
                &format!("Refund of {amount} issued (payment reference {reference})."),
                when,
            )?;
            refund = Some(RefundStatus::RefundIssued);
        }
    }

    CaseRow::move_tracks(
        conn,
        case_id,
        (
            initial_cancellation.map(|s| s.as_str()),
            initial_refund.map(|s| s.as_str()),
        ),
        (cancellation.map(|s| s.as_str()), refund.map(|s| s.as_str())),
        CaseState::of(cancellation, refund) == CaseState::Open,
        at,
    )?;
    Ok(())
}
