//! The replay itself (SPEC §10): each case's stored facts decided by the
//! procedure twice, under today's rules and under the draft, and what
//! differs counted. No I/O: the service hands it the cases a batch at a
//! time, and it keeps only counts and the first changed cases, so its
//! memory does not grow with the number of cases.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::db::views::replay_cases::ReplayCaseRow;
use crate::domain::{
    CancellationRoute, CancellationStatus, CaseId, LevelId, RefundStatus, StaffId, Step,
};
use crate::procedure::Replies;
use crate::procedure::{CaseFacts, Decision, Policy, SaveTaskAssignee, decide};

/// How many changed cases the preview lists.
pub const FIRST_CHANGED: usize = 100;

/// What a replay decides with: the limits, and every level's route by id
/// (retired levels too: they keep today's route under a draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub policy: Policy,
    pub routes: HashMap<LevelId, CancellationRoute>,
}

/// The procedure as the replay calls it, and the only place it does: the
/// case's facts as its snapshot recorded them (rep, server, amounts), with
/// the route its level has under `rules`.
pub fn decide_under(
    facts: &mut CaseFacts,
    level: LevelId,
    snapshot_route: CancellationRoute,
    rules: &Rules,
) -> Decision {
    facts.level.route = rules.routes.get(&level).copied().unwrap_or(snapshot_route);
    // The replies' words do not change what is compared, so the seeded
    // ones serve for every case.
    decide(facts, &rules.policy, &Replies::seeded())
}

/// What two decisions are compared on: the steps, each track's starting
/// status, who gets the save task and whether billing reviews the refund.
/// Not the reply text (its wording is not a change of policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub steps: Vec<Step>,
    pub cancellation: Option<CancellationStatus>,
    pub save_task: Option<SaveTaskAssignee>,
    pub refund: Option<RefundStatus>,
    pub needs_review: bool,
}

impl Outcome {
    pub fn of(decision: &Decision) -> Outcome {
        Outcome {
            steps: decision.actions.iter().map(|a| a.step).collect(),
            cancellation: decision.cancellation.as_ref().map(|c| c.status),
            save_task: decision.cancellation.as_ref().and_then(|c| c.save_task),
            refund: decision.refund.as_ref().map(|r| r.status),
            needs_review: decision.needs_billing_heads_up(),
        }
    }

    fn cancellation_steps(&self) -> Vec<Step> {
        self.steps
            .iter()
            .copied()
            .filter(|s| s.is_cancellation())
            .collect()
    }

    fn refund_steps(&self) -> Vec<Step> {
        self.steps
            .iter()
            .copied()
            .filter(|s| s.is_refund())
            .collect()
    }

    /// "C2 reply", "C2A save call", "C3 save call" (the C2A check under the
    /// limit ends in the C2 reply too).
    fn cancellation_path(&self) -> &'static str {
        match (self.save_task, self.steps.contains(&Step::C3)) {
            (None, _) => "C2 reply",
            (Some(_), true) => "C3 save call",
            (Some(_), false) => "C2A save call",
        }
    }

    fn refund_path(&self) -> &'static str {
        if self.needs_review { "R6 review" } else { "R4" }
    }
}

/// `C2A, C2, R2, R3, R4`.
pub fn steps_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sum of refunds, in cents: it can pass the $10,000,000.00 that one
/// amount may be, so it is not a `Money`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dollars(pub i64);

impl fmt::Display for Dollars {
    /// `$1,250.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let cents = self.0.unsigned_abs();
        let digits = (cents / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() * 4 / 3 + 1);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{:02}", cents % 100)
    }
}

/// One row of the table of changes: "C2 reply → C2A save call", how many
/// cases, and the refund dollars that move into or out of review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    pub change: String,
    pub cases: u64,
    pub into_review: Dollars,
    pub out_of_review: Dollars,
}

/// Save tasks one person would get, under today's rules and the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeLine {
    pub name: String,
    pub departed: bool,
    pub today: u64,
    pub draft: u64,
}

/// A case whose decision changes: old steps → new steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedCase {
    pub id: CaseId,
    pub customer: String,
    pub level: String,
    pub before: String,
    pub after: String,
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplaySummary {
    /// Cases decided under both (not counting the unreadable ones).
    pub replayed: u64,
    pub changed: u64,
    pub not_replayable: u64,
    /// Most cases first.
    pub changes: Vec<ChangeLine>,
    /// By name.
    pub save_tasks: Vec<AssigneeLine>,
    /// The first `FIRST_CHANGED` changed cases, in submission order.
    pub first_changed: Vec<ChangedCase>,
}

/// A staff member as the save-task table names them.
#[derive(Debug, Clone)]
pub struct StaffName {
    pub name: String,
    pub departed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Assignee {
    /// The original rep, by id (the case row's).
    Rep(StaffId),
    /// The retention owner (or a rep the case row does not name), by the
    /// name the snapshot recorded.
    Named(String),
}

#[derive(Debug, Default, Clone, Copy)]
struct ChangeCount {
    cases: u64,
    into_review: i64,
    out_of_review: i64,
}

/// The running counts of one replay.
pub struct Tally {
    today: Rules,
    draft: Rules,
    staff: HashMap<StaffId, StaffName>,
    replayed: u64,
    changed: u64,
    not_replayable: u64,
    changes: HashMap<String, ChangeCount>,
    save_tasks: HashMap<Assignee, [u64; 2]>,
    first_changed: Vec<ChangedCase>,
}

impl Tally {
    pub fn new(today: Rules, draft: Rules, staff: HashMap<StaffId, StaffName>) -> Tally {
        Tally {
            today,
            draft,
            staff,
            replayed: 0,
            changed: 0,
            not_replayable: 0,
            changes: HashMap::new(),
            save_tasks: HashMap::new(),
            first_changed: Vec::new(),
        }
    }

    /// Replays one case; an unreadable snapshot is counted, never an error.
    pub fn add(&mut self, row: &ReplayCaseRow) {
        let Ok(mut facts) = serde_json::from_str::<CaseFacts>(&row.facts_snapshot) else {
            self.not_replayable += 1;
            return;
        };
        self.replayed += 1;
        let snapshot_route = facts.level.route;
        let before = Outcome::of(&decide_under(
            &mut facts,
            row.level_id,
            snapshot_route,
            &self.today,
        ));
        let after = Outcome::of(&decide_under(
            &mut facts,
            row.level_id,
            snapshot_route,
            &self.draft,
        ));
        self.count_save_task(row, &facts, before.save_task, 0);
        self.count_save_task(row, &facts, after.save_task, 1);
        if before == after {
            return;
        }
        self.changed += 1;
        self.count_changes(&facts, &before, &after);
        if self.first_changed.len() < FIRST_CHANGED {
            self.first_changed.push(ChangedCase {
                id: row.id,
                customer: facts.customer_name.as_str().to_owned(),
                level: facts.level.name.clone(),
                before: steps_text(&before.steps),
                after: steps_text(&after.steps),
            });
        }
    }

    fn count_save_task(
        &mut self,
        row: &ReplayCaseRow,
        facts: &CaseFacts,
        task: Option<SaveTaskAssignee>,
        column: usize,
    ) {
        let who = match (task, row.original_rep_id, &facts.original_rep) {
            (None, _, _) => return,
            (Some(SaveTaskAssignee::OriginalRep), Some(id), _) => Assignee::Rep(id),
            (Some(SaveTaskAssignee::OriginalRep), None, Some(rep)) => {
                Assignee::Named(rep.name.clone())
            }
            _ => Assignee::Named(facts.retention_owner_name.clone()),
        };
        self.save_tasks.entry(who).or_default()[column] += 1;
    }

    fn count_changes(&mut self, facts: &CaseFacts, before: &Outcome, after: &Outcome) {
        let cancellation_moved = before.cancellation_steps() != after.cancellation_steps()
            || before.cancellation != after.cancellation
            || before.save_task != after.save_task;
        if cancellation_moved {
            let (old, new) = (before.cancellation_path(), after.cancellation_path());
            let change = if old != new {
                format!("{old} → {new}")
            } else {
                format!(
                    "{} → {}",
                    steps_text(&before.cancellation_steps()),
                    steps_text(&after.cancellation_steps())
                )
            };
            self.changes.entry(change).or_default().cases += 1;
        }
        let refund_moved = before.refund_steps() != after.refund_steps()
            || before.refund != after.refund
            || before.needs_review != after.needs_review;
        if refund_moved {
            let change = format!("{} → {}", before.refund_path(), after.refund_path());
            let count = self.changes.entry(change).or_default();
            count.cases += 1;
            let cents = facts.refund.as_ref().map_or(0, |r| r.amount.to_cents());
            match (before.needs_review, after.needs_review) {
                (false, true) => count.into_review += cents,
                (true, false) => count.out_of_review += cents,
                _ => {}
            }
        }
    }

    /// The summary, once every batch has been added.
    pub fn finish(self) -> ReplaySummary {
        let mut changes: Vec<ChangeLine> = self
            .changes
            .into_iter()
            .map(|(change, count)| ChangeLine {
                change,
                cases: count.cases,
                into_review: Dollars(count.into_review),
                out_of_review: Dollars(count.out_of_review),
            })
            .collect();
        changes.sort_by(|a, b| b.cases.cmp(&a.cases).then_with(|| a.change.cmp(&b.change)));
        let staff = self.staff;
        let departed_by_name: BTreeMap<&str, bool> = {
            let mut names = BTreeMap::new();
            for member in staff.values() {
                let departed = names.entry(member.name.as_str()).or_insert(true);
                *departed &= member.departed;
            }
            names
        };
        let mut save_tasks: Vec<AssigneeLine> = self
            .save_tasks
            .into_iter()
            .map(|(who, [today, draft])| {
                let (name, departed) = match &who {
                    Assignee::Rep(id) => staff.get(id).map_or_else(
                        || (format!("Staff member {id}"), false),
                        |member| (member.name.clone(), member.departed),
                    ),
                    Assignee::Named(name) => (
                        name.clone(),
                        departed_by_name
                            .get(name.as_str())
                            .copied()
                            .unwrap_or(false),
                    ),
                };
                AssigneeLine {
                    name,
                    departed,
                    today,
                    draft,
                }
            })
            .collect();
        save_tasks.sort_by(|a, b| a.name.cmp(&b.name).then(a.departed.cmp(&b.departed)));
        ReplaySummary {
            replayed: self.replayed,
            changed: self.changed,
            not_replayable: self.not_replayable,
            changes,
            save_tasks,
            first_changed: self.first_changed,
        }
    }
}
