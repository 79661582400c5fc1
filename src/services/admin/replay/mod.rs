//! "Try a draft" (SPEC §10): every case submitted in a period is decided
//! again by the procedure from its stored facts snapshot, under today's
//! policy and routes and under a draft, and the differences shown before
//! the draft is saved. The preview writes nothing; "Save this policy"
//! saves exactly the previewed values as one action.
//!
//! The cases are read in keyset batches, each its own short read, and one
//! replay runs at a time per app (`AppState::replays`).

pub mod command;
pub mod tally;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::db::Db;
use crate::db::models::admin_audit;
use crate::db::models::reference::{LevelRow, PolicyRow};
use crate::db::models::staff::StaffRow;
use crate::db::views::replay_cases::{ReplayCaseRow, ReplayCursor};
use crate::domain::{CancellationRoute, LevelId, Money, Role};
use crate::procedure::Policy;
use crate::services::{Actor, FieldErrors, ServiceError, policies};
use crate::state::{AppState, OneAtATime};

use self::tally::{ReplaySummary, Rules, StaffName, Tally};

/// Cases per read: small enough that a read is short, large enough that
/// the hops to the blocking pool do not matter.
const BATCH: i64 = 2_000;

/// How long a preview waits for another one to finish before it is told
/// to try again.
const WAIT_FOR_ANOTHER_REPLAY: Duration = Duration::from_secs(10);

/// A draft as the admin typed it, parsed. `None` keeps today's value; a
/// level not named keeps today's route.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub ar_limit: Option<Money>,
    pub refund_review_limit: Option<Money>,
    pub routes: Vec<(LevelId, CancellationRoute)>,
}

/// The days whose cases are replayed, inclusive, in `RD_TIMEZONE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The last 90 days, today included.
    pub fn last_90_days(now: i64, zone: Tz) -> Period {
        let today = zone
            .timestamp_opt(now, 0)
            .single()
            .map_or_else(|| chrono::Utc::now().date_naive(), |t| t.date_naive());
        Period {
            from: today.checked_sub_days(Days::new(89)).unwrap_or(today),
            to: today,
        }
    }

    /// `[start of from, start of the day after to)` in unix seconds.
    pub fn range(self, zone: Tz) -> (i64, i64) {
        let start = |day: NaiveDate| {
            let midnight = day.and_time(chrono::NaiveTime::MIN);
            zone.from_local_datetime(&midnight)
                .earliest()
                // A day that starts in a DST gap starts an hour later.
                .or_else(|| {
                    zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                        .earliest()
                })
                .map_or(i64::MIN, |t| t.timestamp())
        };
        let after_to = self.to.checked_add_days(Days::new(1));
        (start(self.from), after_to.map_or(i64::MAX, start))
    }
}

/// A level that the draft form offers, with its route today and under the
/// draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLevel {
    pub id: LevelId,
    pub name: String,
    pub today: CancellationRoute,
    pub draft: CancellationRoute,
}

/// The draft with every value filled in: what was previewed, and what
/// "Save this policy" saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDraft {
    pub ar_limit: Money,
    pub refund_review_limit: Money,
    /// Every level in use, by rank.
    pub levels: Vec<DraftLevel>,
}

impl ResolvedDraft {
    /// Levels whose route the draft changes.
    pub fn changed_levels(&self) -> impl Iterator<Item = &DraftLevel> {
        self.levels.iter().filter(|l| l.today != l.draft)
    }
}

/// The preview page's content.
#[derive(Debug, Clone)]
pub struct Preview {
    pub today: Policy,
    /// What "today" was for this preview (policy version and every level's
    /// route): "Save this policy" is refused once it no longer holds.
    pub basis: String,
    pub draft: ResolvedDraft,
    pub period: Period,
    pub summary: ReplaySummary,
}

/// What the "Try a draft" form starts from: today's routes of the levels in
/// use and the last 90 days.
pub fn draft_start(levels: &[LevelRow], now: i64, zone: Tz) -> (Vec<DraftLevel>, Period) {
    (levels_in_use(levels), Period::last_90_days(now, zone))
}

/// Each level not retired, its draft route starting at today's.
fn levels_in_use(levels: &[LevelRow]) -> Vec<DraftLevel> {
    levels
        .iter()
        .filter(|l| l.retired_at.is_none())
        .map(|l| DraftLevel {
            id: l.id,
            name: l.name.clone(),
            today: l.route,
            draft: l.route,
        })
        .collect()
}

/// "Preview changes": the replay of the period's cases under today's rules
/// and the draft. Reads only.
pub async fn preview_draft(
    app: &AppState,
    actor: Actor,
    draft: Draft,
    period: Option<Period>,
) -> Result<Preview, ServiceError> {
    actor.require(Role::Admin)?;
    let zone = app.settings.timezone;
    let period = period.unwrap_or_else(|| Period::last_90_days(app.clock.unix(), zone));
    check(&draft, Some(period))?;
    run(&app.db, &app.replays, &draft, period, zone).await
}

/// Replays `period` under today's rules and `draft`: the one replay behind
/// the preview page and `retention-desk replay`.
pub async fn run(
    db: &Db,
    gate: &OneAtATime,
    draft: &Draft,
    period: Period,
    zone: Tz,
) -> Result<Preview, ServiceError> {
    let _one_at_a_time = gate.enter(WAIT_FOR_ANOTHER_REPLAY).await.ok_or_else(|| {
        ServiceError::Conflict(
            "Another policy preview is running. Try again in a minute.".to_owned(),
        )
    })?;
    let setup = db.read(load_setup).await?;
    let resolved = resolve(draft, &setup)?;
    let today = Rules {
        policy: setup.policy.clone(),
        routes: setup.levels.iter().map(|l| (l.id, l.route)).collect(),
    };
    let mut draft_rules = Rules {
        policy: Policy {
            version: setup.policy.version + 1,
            ar_limit: resolved.ar_limit,
            refund_review_limit: resolved.refund_review_limit,
        },
        routes: today.routes.clone(),
    };
    for level in &resolved.levels {
        draft_rules.routes.insert(level.id, level.draft);
    }
    let basis = setup.basis();
    let mut tally = Tally::new(today, draft_rules, setup.staff);
    let range = period.range(zone);
    let mut after: Option<ReplayCursor> = None;
    loop {
        let (back, last, full) = db
            .read(move |conn| -> Result<_, ServiceError> {
                let rows = ReplayCaseRow::batch(conn, range, after, BATCH)?;
                for row in &rows {
                    tally.add(row);
                }
                let last = rows.last().map(|r| (r.created_at, r.id));
                Ok((tally, last, rows.len() as i64 == BATCH))
            })
            .await?;
        tally = back;
        match last {
            Some(cursor) if full => after = Some(cursor),
            _ => break,
        }
    }
    Ok(Preview {
        basis,
        today: setup.policy,
        draft: resolved,
        period,
        summary: tally.finish(),
    })
}

/// "Save this policy": a new policy version with the previewed limits and
/// the previewed routes, with their audit lines, as one action. Refused
/// when the policy or a level's route changed since the preview
/// (`based_on`, the preview's `basis`): the preview would no longer say
/// what the save changes.
pub async fn save_draft(
    app: &AppState,
    actor: Actor,
    draft: Draft,
    based_on: String,
) -> Result<Policy, ServiceError> {
    actor.require(Role::Admin)?;
    check(&draft, None)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let setup = load_setup(conn)?;
            if setup.basis() != based_on {
                return Err(ServiceError::Conflict(format!(
                    "The policy or a level's route changed since this preview (the policy is now version {}). Preview the draft again before saving it.",
                    setup.policy.version
                )));
            }
            let resolved = resolve(&draft, &setup)?;
            let (ar, review) = (resolved.ar_limit, resolved.refund_review_limit);
            let version = PolicyRow::insert_next(conn, ar, review, actor.id, now)?;
            let mut detail = format!(
                "Policy version {version} saved from a preview: A/R limit {ar} (was {}), refund review limit {review} (was {})",
                setup.policy.ar_limit, setup.policy.refund_review_limit
            );
            for level in resolved.changed_levels() {
                LevelRow::set_route(conn, level.id, level.draft)?;
                let line = format!(
                    "Level {}: route changed from {} to {}",
                    level.name,
                    level.today.label(),
                    level.draft.label()
                );
                admin_audit::record(conn, Some(actor.id), "level.route_changed", &line, now)?;
                detail.push_str(&format!("; {line}"));
            }
            admin_audit::record(conn, Some(actor.id), "policy.saved", &detail, now)?;
            Ok(Policy {
                version: i64::from(version),
                ar_limit: ar,
                refund_review_limit: review,
            })
        })
        .await
}

/// Limits cannot be negative; the period cannot end before it starts.
fn check(draft: &Draft, period: Option<Period>) -> Result<(), ServiceError> {
    let mut errors = FieldErrors::default();
    if draft.ar_limit.is_some_and(|m| m.to_cents() < 0) {
        errors.add("draft_ar_limit", "The A/R limit cannot be negative");
    }
    if draft.refund_review_limit.is_some_and(|m| m.to_cents() < 0) {
        errors.add(
            "draft_refund_review_limit",
            "The refund review limit cannot be negative",
        );
    }
    if period.is_some_and(|p| p.to < p.from) {
        errors.add("to", "“Cases to” cannot be before “Cases from”");
    }
    errors.into_result(|| ())
}

/// Today's policy, every level (retired ones too) and every staff member.
struct Setup {
    policy: Policy,
    levels: Vec<LevelRow>,
    staff: HashMap<crate::domain::StaffId, StaffName>,
}

impl Setup {
    /// `1;1=essentials;2=check_ar;…`: the policy version and every level's route.
    fn basis(&self) -> String {
        let mut basis = self.policy.version.to_string();
        let mut levels: Vec<&LevelRow> = self.levels.iter().collect();
        levels.sort_by_key(|l| l.id);
        for level in levels {
            basis.push_str(&format!(";{}={}", level.id, level.route.as_str()));
        }
        basis
    }
}

fn load_setup(conn: &mut diesel::SqliteConnection) -> Result<Setup, ServiceError> {
    Ok(Setup {
        policy: policies::current(conn)?,
        levels: LevelRow::all(conn)?,
        staff: StaffRow::all(conn)?
            .into_iter()
            .map(|s| {
                let name = StaffName {
                    name: s.full_name,
                    departed: s.departed_at.is_some(),
                };
                (s.id, name)
            })
            .collect(),
    })
}

/// The draft with today's values where it names none; a route for a level
/// that is not in use is refused.
fn resolve(draft: &Draft, setup: &Setup) -> Result<ResolvedDraft, ServiceError> {
    let mut levels = levels_in_use(&setup.levels);
    levels.sort_by_key(|l| {
        let row = setup.levels.iter().find(|r| r.id == l.id);
        (row.map(|r| r.rank), l.name.clone())
    });
    for (id, route) in &draft.routes {
        let Some(level) = levels.iter_mut().find(|l| l.id == *id) else {
            return Err(ServiceError::field(
                "routes",
                format!("Level {id} is not a level in use: reload the page and try again"),
            ));
        };
        level.draft = *route;
    }
    Ok(ResolvedDraft {
        ar_limit: draft.ar_limit.unwrap_or(setup.policy.ar_limit),
        refund_review_limit: draft
            .refund_review_limit
            .unwrap_or(setup.policy.refund_review_limit),
        levels,
    })
}
