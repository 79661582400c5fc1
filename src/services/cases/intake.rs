//! Intake: an agent's case is decided by the procedure and written, with its
//! log, save task, billing item and Slack heads-up, in one transaction.

use diesel::prelude::*;

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::billing_items::NewBillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::{CaseRow, CaseRows, LogEntry, NewCaseRow};
use crate::db::models::leave_reasons::ReasonRow;
use crate::db::models::outbox::enqueue_heads_up;
use crate::db::models::reference::{LevelRow, ServerRow};
use crate::db::models::save_tasks::{NewSaveTaskRow, SaveTaskRow};
use crate::db::models::service_levels;
use crate::db::models::staff::StaffRow;
use crate::db::models::submissions;
use crate::domain::case_log::{self, LogLine};
use crate::domain::{
    AccountId, BillingItemId, CancellationRoute, CaseId, CustomerName, Deadlines, DueTrack,
    EventKind, LevelId, Money, ReasonId, RefundAmount, RequestKind, ReviewState, Role, SaveTaskId,
    ServerId, StaffId,
};
use crate::notify::slack::heads_up_text;
use crate::procedure::{
    CaseFacts, Decision, LevelFacts, Policy, RefundFacts, RepFacts, Replies, SaveTaskAssignee,
    ServerFacts, decide,
};
use crate::services::{Actor, FieldErrors, ServiceError, policies, replies};
use crate::state::AppState;

use super::waiting_list::{self, WaitingPage};

/// A new case as the agent typed it, already parsed.
#[derive(Debug, Clone)]
pub struct CaseSubmission {
    pub customer_name: CustomerName,
    pub account_id: AccountId,
    pub support_ticket: Option<String>,
    pub level_id: LevelId,
    pub server_id: ServerId,
    pub ar_balance: Money,
    pub original_rep: RepChoice,
    pub request: RequestKind,
    /// SPEC §8: required with a cancellation, not stored for a refund alone.
    pub reason: Option<ReasonId>,
    pub refund: Option<RefundRequest>,
    pub notes: Option<String>,
    pub submit_anyway: bool,
    /// The form's one-time token: a second post of the same form finds its case.
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepChoice {
    Unknown,
    Staff(StaffId),
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub amount: RefundAmount,
    /// R3: why the customer is entitled to the refund.
    pub reason: String,
}

/// What the new-case form offers to choose from.
pub struct IntakeChoices {
    /// Active levels by rank, with their route.
    pub levels: Vec<(LevelId, String, CancellationRoute)>,
    pub servers: Vec<(ServerId, String)>,
    /// Every sales rep, departed ones too (marked on the form).
    pub reps: Vec<(StaffId, String, bool)>,
    /// Active reasons for leaving, in their order.
    pub reasons: Vec<(ReasonId, String)>,
}

/// What the new-case form shows besides what was typed.
pub struct IntakePage {
    pub choices: IntakeChoices,
    /// The head of the agent's waiting list (SPEC §2.3), longest waiting first.
    pub waiting: WaitingPage,
}

/// The form's choices and the agent's waiting list, in one read.
pub async fn intake_page(app: &AppState, actor: Actor) -> Result<IntakePage, ServiceError> {
    actor.require(Role::Agent)?;
    app.db
        .read(move |conn| {
            Ok::<_, ServiceError>(IntakePage {
                choices: choices_in(conn)?,
                waiting: waiting_list::page_in(conn, actor, None, waiting_list::ON_THE_FORM)?,
            })
        })
        .await
}

fn choices_in(conn: &mut SqliteConnection) -> QueryResult<IntakeChoices> {
    Ok(IntakeChoices {
        levels: LevelRow::active_by_rank(conn)?
            .into_iter()
            .map(|l| (l.id, l.name, l.route))
            .collect(),
        servers: ServerRow::active_by_name(conn)?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect(),
        reps: StaffRow::by_role(conn, Role::SalesRep)?
            .into_iter()
            .map(|r| (r.id, r.full_name, r.departed_at.is_some()))
            .collect(),
        reasons: ReasonRow::active_by_position(conn)?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect(),
    })
}

/// What became of a submission that was not refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
    Created(CaseId),
    /// The same form was posted before (double click, browser retry).
    AlreadyCreated(CaseId),
    /// Nothing was written: the account has an open case, and the agent
    /// must tick "Submit anyway" to add another.
    OpenCaseOnAccount(CaseId),
}

/// "Submit case": the procedure decides, and the case is written with its
/// log, save task, billing item and Slack heads-up as one action.
pub async fn submit_case(
    app: &AppState,
    actor: Actor,
    submission: CaseSubmission,
) -> Result<Submitted, ServiceError> {
    actor.require(Role::Agent)?;
    let now = app.clock.unix();
    let slack = SlackConfig {
        configured: app.settings.slack_webhook_url.is_some(),
        mention: app.settings.slack_billing_mention.clone(),
        public_url: app.settings.public_url.clone(),
        timezone: app.settings.timezone,
    };
    let outcome = app
        .db
        .write(move |conn| submit_in(conn, actor.id, &submission, &slack, now))
        .await?;
    if let Submitted::Created(id) = outcome {
        tracing::info!(case_id = %id, agent_id = %actor.id, "case submitted");
        // After the commit: the worker must not look before the row is there.
        app.outbox.wake();
    }
    Ok(outcome)
}

/// What the R6 heads-up needs from the settings.
pub struct SlackConfig {
    pub configured: bool,
    pub mention: Option<String>,
    pub public_url: String,
    /// `RD_TIMEZONE`, which service levels count working hours in.
    pub timezone: chrono_tz::Tz,
}

fn submit_in(
    conn: &mut SqliteConnection,
    agent_id: StaffId,
    s: &CaseSubmission,
    slack: &SlackConfig,
    now: i64,
) -> Result<Submitted, ServiceError> {
    // A one-time form token leads only its own agent back to the case it
    // created (a double click, a browser retry).
    match submissions::case_for_token(conn, &s.token)? {
        Some((case_id, by)) if by == agent_id => return Ok(Submitted::AlreadyCreated(case_id)),
        Some(_) => {
            return Err(ServiceError::refused(
                "This form was already used. Open a new case form and submit it again.",
            ));
        }
        None => {}
    }

    let mut errors = FieldErrors::default();
    let level = LevelRow::find_active(conn, s.level_id)?;
    if level.is_none() {
        errors.add("level_id", "Choose a customer level from the list");
    }
    let server = ServerRow::find_active(conn, s.server_id)?;
    if server.is_none() {
        errors.add("server_id", "Choose a hosting server from the list");
    }
    let rep = match s.original_rep {
        RepChoice::Unknown => None,
        RepChoice::Staff(id) => match StaffRow::find(conn, id).optional()? {
            Some(rep) if rep.role == Role::SalesRep => Some(rep),
            _ => {
                errors.add(
                    "original_rep",
                    "Choose a sales rep from the list, or Unknown",
                );
                None
            }
        },
    };
    if s.request.includes_cancellation()
        && let Some(reason) = s.reason
        && ReasonRow::find_active(conn, reason)?.is_none()
    {
        errors.add("reason_id", "Choose a reason for leaving from the list");
    }
    let (Some(level), Some(server), true) = (level, server, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };

    if !s.submit_anyway
        && let Some(open_case) = CaseRow::open_for_account(conn, s.account_id.as_str())?
    {
        return Ok(Submitted::OpenCaseOnAccount(open_case));
    }

    let policy = policies::current(conn)?;
    let replies = replies::current(conn)?;
    let owner = StaffRow::fallback_owner(conn)?;
    let agent = StaffRow::find(conn, agent_id)?;
    let people = People {
        agent: agent_id,
        agent_name: &agent.full_name,
        rep: rep.as_ref(),
        retention_owner: owner.as_ref(),
    };
    // SPEC §11: due times from the service levels in force now.
    let deadlines = service_levels::current(conn, slack.timezone)?
        .deadlines(now)
        .map_err(anyhow::Error::from)?;
    let (inserted, decision) = decide_and_write(
        conn,
        s,
        (&level, &server),
        people,
        (&policy, &deadlines),
        &replies,
        now,
    )?;
    if let (Some(refund), Some(request)) = (&decision.refund, &s.refund)
        && refund.needs_review
    {
        // R6: the heads-up commits or rolls back with the case.
        let text = heads_up_text(
            inserted.case_id,
            s.customer_name.as_str(),
            &request.amount.money(),
            slack.mention.as_deref(),
            &slack.public_url,
        );
        enqueue_heads_up(conn, inserted.case_id, &text, slack.configured, now)?;
    }
    submissions::record_token(conn, &s.token, inserted.case_id, now)?;
    Ok(Submitted::Created(inserted.case_id))
}

/// Who a new case involves: the agent who submits it, the original sales
/// rep if one was chosen, and the retention owner who receives fallbacks.
#[derive(Clone, Copy)]
pub struct People<'a> {
    pub agent: StaffId,
    /// The agent's name, for the replies' `{agent_name}`.
    pub agent_name: &'a str,
    pub rep: Option<&'a StaffRow>,
    pub retention_owner: Option<&'a StaffRow>,
}

/// The facts as the procedure reads them, snapshotted on the case.
fn facts_of(
    s: &CaseSubmission,
    level: &LevelRow,
    server: &ServerRow,
    people: People<'_>,
) -> CaseFacts {
    CaseFacts {
        customer_name: s.customer_name.clone(),
        request: s.request,
        level: LevelFacts {
            name: level.name.clone(),
            route: level.route,
        },
        server: ServerFacts {
            name: server.name.clone(),
            exit_survey_url: server.exit_survey_url.clone(),
        },
        ar_balance: s.ar_balance,
        refund: s.refund.as_ref().map(|r| RefundFacts {
            amount: r.amount,
            reason: r.reason.clone(),
        }),
        original_rep: people.rep.map(|r| RepFacts {
            name: r.full_name.clone(),
            active: r.departed_at.is_none(),
        }),
        retention_owner_name: people
            .retention_owner
            .map_or_else(|| "the retention owner".to_owned(), |o| o.full_name.clone()),
        account_id: s.account_id.as_str().to_owned(),
        agent_name: people.agent_name.to_owned(),
    }
}

/// The procedure decides the case (its replies in the words of `replies`),
/// and it is written with its log, save task and billing item, their due
/// times and service-level alarms (not the Slack heads-up: intake adds
/// that). Runs inside the caller's action. `deadlines` are the due times
/// of work created `now` (SPEC §11).
pub fn decide_and_write(
    conn: &mut SqliteConnection,
    s: &CaseSubmission,
    (level, server): (&LevelRow, &ServerRow),
    people: People<'_>,
    (policy, deadlines): (&Policy, &Deadlines),
    replies: &Replies,
    now: i64,
) -> Result<(InsertedCase, Decision), ServiceError> {
    let (rows, decision) = decide_case(
        s,
        (level, server),
        people,
        (policy, deadlines),
        replies,
        now,
    )?;
    Ok((write_case_rows(conn, &rows)?, decision))
}

/// What the procedure decides for a submission, and the rows the case is
/// written as, before anything is written. Intake writes them at once
/// ([`decide_and_write`]); the demo data builds them the same way, moves
/// old cases on and writes many at a time.
pub fn decide_case(
    s: &CaseSubmission,
    (level, server): (&LevelRow, &ServerRow),
    people: People<'_>,
    (policy, deadlines): (&Policy, &Deadlines),
    replies: &Replies,
    now: i64,
) -> Result<(CaseRows, Decision), ServiceError> {
    let facts = facts_of(s, level, server, people);
    let decision = decide(&facts, policy, replies);
    let assignee = match decision.cancellation.as_ref().and_then(|c| c.save_task) {
        None => None,
        Some(SaveTaskAssignee::OriginalRep) => people.rep.map(|r| (r, false)),
        Some(SaveTaskAssignee::RetentionOwner) => Some((
            people.retention_owner.ok_or_else(|| {
                ServiceError::field(
                    "original_rep",
                    "No retention owner receives save tasks yet: ask an admin to choose one",
                )
            })?,
            true,
        )),
    };
    let case = DecidedCase {
        submission: s,
        agent_id: people.agent,
        level_id: level.id,
        server_id: server.id,
        original_rep_id: people.rep.map(|r| r.id),
        facts: &facts,
        decision: &decision,
        policy,
        save_task_assignee: assignee,
        deadlines,
        now,
    };
    let rows = case_rows(&case)?;
    Ok((rows, decision))
}

/// A case the procedure has decided, with everything its rows need.
struct DecidedCase<'a> {
    submission: &'a CaseSubmission,
    agent_id: StaffId,
    level_id: LevelId,
    server_id: ServerId,
    original_rep_id: Option<StaffId>,
    facts: &'a CaseFacts,
    decision: &'a Decision,
    policy: &'a Policy,
    /// Who takes the save task, and whether they took it because the rep
    /// had left or was unknown.
    save_task_assignee: Option<(&'a StaffRow, bool)>,
    deadlines: &'a Deadlines,
    now: i64,
}

/// The rows a decided case was written as.
#[derive(Debug, Clone, Copy)]
pub struct InsertedCase {
    pub case_id: CaseId,
    pub save_task_id: Option<SaveTaskId>,
    pub billing_item_id: Option<BillingItemId>,
}

/// The rows of a decided case: the case row with its facts snapshot and
/// decision, the "created" event, the R3 first comment, and the save task
/// and the billing item with their log lines and deadlines.
fn case_rows(case: &DecidedCase<'_>) -> Result<CaseRows, ServiceError> {
    let DecidedCase {
        submission: s,
        agent_id,
        decision,
        policy,
        deadlines,
        now,
        ..
    } = *case;
    let cancellation_status = decision.cancellation.as_ref().map(|c| c.status);
    let refund_status = decision.refund.as_ref().map(|r| r.status);
    let facts_json = serde_json::to_string(case.facts).map_err(anyhow::Error::from)?;
    let decision_json = serde_json::to_string(decision).map_err(anyhow::Error::from)?;
    let row = NewCaseRow {
        customer_name: s.customer_name.as_str().to_owned(),
        account_id: s.account_id.as_str().to_owned(),
        support_ticket: s.support_ticket.clone(),
        request: s.request,
        level_id: case.level_id,
        server_id: case.server_id,
        ar_balance: s.ar_balance,
        refund_amount: s.refund.as_ref().map(|r| r.amount.money()),
        refund_reason: s.refund.as_ref().map(|r| r.reason.clone()),
        notes: s.notes.clone(),
        original_rep_id: case.original_rep_id,
        submitted_by: agent_id,
        policy_version: policy.version as i32,
        facts_snapshot: facts_json,
        decision: decision_json,
        cancellation_status,
        refund_status,
        is_open: crate::domain::CaseState::of(cancellation_status, refund_status)
            == crate::domain::CaseState::Open,
        created_at: now,
        updated_at: now,
        leave_reason_id: s.reason.filter(|_| s.request.includes_cancellation()),
        decided_route: cancellation_status.map(|_| case.facts.level.route),
    };
    let by_agent = |line: LogLine| LogEntry {
        actor_id: Some(agent_id),
        line,
        at: now,
    };
    let mut log = vec![by_agent(LogLine {
        kind: EventKind::Created,
        body: created_event_body(decision, policy),
    })];
    if let Some(refund) = &decision.refund {
        // R3: the reason the customer is entitled to the refund is the first comment.
        log.push(by_agent(case_log::comment(&refund.first_comment)));
    }
    let save_task = case.save_task_assignee.map(|(assignee, fell_back)| {
        log.push(by_agent(case_log::save_task_assigned(
            &assignee.full_name,
            fell_back,
        )));
        let due = deadlines.save_call;
        let task = NewSaveTaskRow::open(assignee.id, fell_back, Some(due.due_at), now);
        (task, due)
    });
    let billing_item = match (&decision.refund, &s.refund) {
        (Some(refund), Some(request)) => {
            let amount = request.amount.money();
            log.push(by_agent(case_log::refund_assigned(
                amount,
                refund.needs_review,
            )));
            let due = deadlines.for_refund(refund.needs_review);
            let review = ReviewState::initial(refund.needs_review);
            let item = NewBillingItemRow::in_progress(amount, review, Some(due.due_at), now);
            Some((item, due))
        }
        _ => None,
    };
    Ok(CaseRows {
        case: row,
        log,
        save_task,
        billing_item,
    })
}

/// Writes one case's rows, its alarms set from each deadline.
fn write_case_rows(
    conn: &mut SqliteConnection,
    rows: &CaseRows,
) -> Result<InsertedCase, ServiceError> {
    let case_id = CaseRow::insert(conn, &rows.case)?;
    for entry in &rows.log {
        case_events::append_line(conn, case_id, entry.actor_id, &entry.line, entry.at)?;
    }
    let mut inserted = InsertedCase {
        case_id,
        save_task_id: None,
        billing_item_id: None,
    };
    if let Some((task, due)) = &rows.save_task {
        inserted.save_task_id = Some(SaveTaskRow::insert(conn, case_id, task)?);
        service_levels::set_alarms(conn, case_id, DueTrack::SaveCall, *due)?;
    }
    if let Some((item, due)) = &rows.billing_item {
        inserted.billing_item_id = Some(BillingItemRow::insert(conn, case_id, item)?);
        service_levels::set_alarms(conn, case_id, DueTrack::Refund, *due)?;
    }
    Ok(inserted)
}

fn created_event_body(decision: &Decision, policy: &Policy) -> String {
    let steps: Vec<String> = decision
        .actions
        .iter()
        .map(|a| format!("{} — {}", a.step.code(), a.reason))
        .collect();
    format!(
        "Decided under policy version {}. {}",
        policy.version,
        steps.join(" ")
    )
}
