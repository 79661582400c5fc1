//! Everything the case page shows, read in one go.

use diesel::prelude::*;

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::leave_reasons::ReasonRow;
use crate::db::models::outbox::delivery_for_case;
use crate::db::models::replies::NotSavedReplyRow;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::db::views::waiting_list::mark_denial_seen;
use crate::domain::{
    BillingItemId, BillingStatus, CancellationStatus, CaseId, CaseState, Money, OfferMade,
    RefundStatus, RequestKind, ReviewState, Role, SaveOutcome, SaveTaskId, StaffId, Tracks,
};
use crate::procedure::{CaseFacts, Decision, Policy, not_saved_reply};
use crate::services::{Actor, ServiceError, policies, replies};
use crate::state::AppState;

pub use crate::db::models::case_events::CaseEventRow as CaseLogLine;
pub use crate::db::models::outbox::{DeliveryState, SlackDelivery};

pub struct CaseView {
    pub id: CaseId,
    pub account_id: String,
    pub support_ticket: Option<String>,
    pub request: RequestKind,
    /// The facts as they were when the case was decided.
    pub facts: CaseFacts,
    pub decision: Decision,
    pub policy: Policy,
    pub cancellation_status: Option<CancellationStatus>,
    pub refund_status: Option<RefundStatus>,
    pub state: CaseState,
    pub notes: Option<String>,
    pub submitted_by: String,
    pub submitted_by_id: StaffId,
    pub created_at: i64,
    /// SPEC §8: "Not recorded" for a cancellation from before reasons were asked.
    pub leave_reason: Option<String>,
    pub save_task: Option<SaveTaskView>,
    pub billing: Option<BillingView>,
    /// The newest [`LOG_PAGE`] entries of the log (or those before the
    /// page asked for), oldest first.
    pub events: Vec<CaseLogLine>,
    /// Where the older entries start, when there are more.
    pub older_events: Option<i32>,
    /// The R6 Slack heads-up, for refunds over the review limit.
    pub slack: Option<SlackDelivery>,
    /// The C2 reply written when the save call ended "Not saved", and the
    /// replies version it was written with.
    pub not_saved_reply: Option<(String, i64)>,
}

pub struct SaveTaskView {
    pub id: SaveTaskId,
    pub assignee_id: StaffId,
    pub assignee: String,
    pub fell_back: bool,
    pub is_open: bool,
    pub outcome: Option<SaveOutcome>,
    pub offer: Option<OfferMade>,
    pub attempts: i32,
    /// SPEC §11; None for tasks from before service levels.
    pub due_at: Option<i64>,
}

impl SaveTaskView {
    /// The due time while the task is open.
    pub fn open_due_at(&self) -> Option<i64> {
        self.due_at.filter(|_| self.is_open)
    }
}

impl SaveTaskView {
    /// "Offer made" as recorded with the outcome; none recorded is "No offer".
    pub fn offer_label(&self) -> &'static str {
        self.offer.unwrap_or(OfferMade::NoOffer).label()
    }
}

pub struct BillingView {
    pub id: BillingItemId,
    pub amount: Money,
    pub review: ReviewState,
    pub status: BillingStatus,
    pub payment_reference: Option<String>,
    pub review_notes: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub issued_by: Option<String>,
    pub issued_at: Option<i64>,
    /// SPEC §11; None for items from before service levels.
    pub due_at: Option<i64>,
}

impl BillingView {
    pub fn is_in_progress(&self) -> bool {
        self.status == BillingStatus::InProgress
    }

    /// Billing has not acted yet: the agent may still withdraw.
    pub fn untouched(&self) -> bool {
        self.is_in_progress() && self.review != ReviewState::Approved
    }

    /// The due time while billing still has to act.
    pub fn open_due_at(&self) -> Option<i64> {
        self.due_at.filter(|_| self.is_in_progress())
    }
}

impl CaseView {
    /// The message the agent sends now. After a save call ends "Not saved"
    /// it is the C2 reply with the exit survey, as written then; otherwise
    /// the words the case was decided with.
    pub fn reply_to_send(&self) -> String {
        match &self.not_saved_reply {
            Some((reply, _)) => reply.clone(),
            None => self.decision.reply_to_send(),
        }
    }

    /// The exit-survey link, only when the reply shown sends it (C2, or
    /// after "Not saved"): never where a save call comes first.
    pub fn exit_survey_link(&self) -> Option<&str> {
        (self.not_saved_reply.is_some() || self.decision.sends_exit_survey())
            .then(|| self.facts.server.exit_survey_url.trim())
    }

    /// The replies version of the reply shown.
    pub fn replies_version(&self) -> i64 {
        match &self.not_saved_reply {
            Some((_, version)) => *version,
            None => self.decision.replies_version(),
        }
    }

    pub fn can_mark_reply_sent(&self) -> bool {
        self.cancellation_status == Some(CancellationStatus::ReplyToSend)
    }

    pub fn tracks(&self) -> Tracks {
        Tracks {
            cancellation: self.cancellation_status,
            refund: self.refund_status,
        }
    }

    /// The refund was denied and the submitting agent has not seen it yet.
    pub fn denial_unseen_by(&self, actor: Actor) -> bool {
        self.submitted_by_id == actor.id
            && self
                .billing
                .as_ref()
                .is_some_and(|b| b.status == BillingStatus::Denied)
    }

    pub fn can_withdraw(&self) -> bool {
        self.state == CaseState::Open && self.billing.as_ref().is_none_or(BillingView::untouched)
    }
}

/// The case page, read in one trip to the database. Opening it counts as
/// looking: a denied refund leaves the submitting agent's waiting list.
pub async fn open_case(
    app: &AppState,
    actor: Actor,
    case_id: CaseId,
    log_before: Option<i32>,
) -> Result<CaseView, ServiceError> {
    let case = app
        .db
        .read(move |conn| {
            let mut case = load_case_in(conn, case_id)?;
            (case.events, case.older_events) = log_page(conn, case_id, log_before)?;
            Ok::<_, ServiceError>(case)
        })
        .await?;
    if actor.role == Role::Agent && case.denial_unseen_by(actor) {
        let now = app.clock.unix();
        app.db
            .write(move |conn| {
                mark_denial_seen(conn, case_id, actor.id, now)?;
                Ok::<_, ServiceError>(())
            })
            .await?;
    }
    Ok(case)
}

/// How many log entries the case page shows at a time (SPEC §7).
pub const LOG_PAGE: usize = 50;

fn log_page(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    before: Option<i32>,
) -> Result<(Vec<CaseLogLine>, Option<i32>), ServiceError> {
    let mut events = case_events::newest_for_case(conn, case_id, before, LOG_PAGE + 1)?;
    let more = events.len() > LOG_PAGE;
    events.truncate(LOG_PAGE);
    events.reverse();
    let older = more.then(|| events.first().map(|e| e.id)).flatten();
    Ok((events, older))
}

/// The case with its tracks, task, billing item and Slack state; the log
/// is left for the page to read a page of (`open_case`).
pub fn load_case_in(
    conn: &mut SqliteConnection,
    case_id: CaseId,
) -> Result<CaseView, ServiceError> {
    let row = CaseRow::find(conn, case_id)?;
    let facts = replies::snapshot_of(conn, &row)?;
    let decision: Decision = serde_json::from_str(&row.decision)
        .map_err(|e| anyhow::anyhow!("case {case_id} has an unreadable decision: {e}"))?;
    let policy = policies::version(conn, row.policy_version)?;
    let name_of = |conn: &mut SqliteConnection, id: StaffId| -> QueryResult<String> {
        StaffRow::find(conn, id).map(|s| s.full_name)
    };
    let submitted_by = name_of(conn, row.submitted_by)?;
    let save_task = match SaveTaskRow::for_case(conn, case_id)? {
        Some(task) => Some(SaveTaskView {
            id: task.id,
            assignee_id: task.assignee_id,
            assignee: name_of(conn, task.assignee_id)?,
            fell_back: task.fell_back,
            is_open: task.is_open,
            outcome: task.outcome,
            offer: task.offer,
            attempts: task.attempts,
            due_at: task.due_at,
        }),
        None => None,
    };
    let billing = match BillingItemRow::for_case(conn, case_id)? {
        Some(item) => Some(billing_view(conn, item)?),
        None => None,
    };
    let not_saved = save_task
        .as_ref()
        .is_some_and(|t| t.outcome == Some(SaveOutcome::NotSaved));
    let not_saved_reply = if not_saved {
        Some(not_saved_reply_of(conn, case_id, &facts, &decision)?)
    } else {
        None
    };
    Ok(CaseView {
        id: row.id,
        state: row.tracks().state(),
        cancellation_status: row.cancellation_status,
        refund_status: row.refund_status,
        account_id: row.account_id,
        support_ticket: row.support_ticket,
        request: row.request,
        facts,
        decision,
        policy,
        notes: row.notes,
        submitted_by,
        submitted_by_id: row.submitted_by,
        created_at: row.created_at,
        leave_reason: match row.leave_reason_id {
            Some(id) => Some(ReasonRow::find(conn, id)?.name),
            None => None,
        },
        save_task,
        billing,
        events: Vec::new(),
        older_events: None,
        slack: delivery_for_case(conn, case_id)?,
        not_saved_reply,
    })
}

/// The reply stored when the save call ended "Not saved"; for a call
/// recorded before replies were stored (or a demo case), the C2 reply in
/// the words the case was decided with.
fn not_saved_reply_of(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    facts: &CaseFacts,
    decision: &Decision,
) -> Result<(String, i64), ServiceError> {
    if let Some(stored) = NotSavedReplyRow::for_case(conn, case_id)? {
        return Ok((stored.reply, i64::from(stored.replies_version)));
    }
    let words = replies::version(conn, decision.replies_version())?;
    Ok((not_saved_reply(facts, &words), words.version))
}

fn billing_view(
    conn: &mut SqliteConnection,
    item: BillingItemRow,
) -> Result<BillingView, ServiceError> {
    let mut name = |id: Option<StaffId>| -> QueryResult<Option<String>> {
        id.map(|id| StaffRow::find(conn, id).map(|s| s.full_name))
            .transpose()
    };
    Ok(BillingView {
        id: item.id,
        amount: item.amount,
        review: item.review,
        reviewed_by: name(item.reviewed_by)?,
        issued_by: name(item.issued_by)?,
        status: item.status,
        payment_reference: item.payment_reference,
        review_notes: item.review_notes,
        reviewed_at: item.reviewed_at,
        issued_at: item.issued_at,
        due_at: item.due_at,
    })
}
