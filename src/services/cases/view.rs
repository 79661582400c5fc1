//! Everything the case page shows, read in one go.

use diesel::prelude::*;

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::leave_reasons::ReasonRow;
use crate::db::models::outbox::delivery_for_case;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::staff::StaffRow;
use crate::db::views::waiting_list::mark_denial_seen;
use crate::domain::{
    BillingItemId, BillingStatus, CancellationStatus, CaseId, CaseState, Money, OfferMade,
    RefundStatus, RequestKind, ReviewState, Role, SaveOutcome, SaveTaskId, StaffId, Tracks,
};
use crate::procedure::{CaseFacts, Decision, Policy, exit_survey_reply};
use crate::services::{Actor, ServiceError, policies};
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
    pub events: Vec<CaseLogLine>,
    /// The R6 Slack heads-up, for refunds over the review limit.
    pub slack: Option<SlackDelivery>,
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
}

impl BillingView {
    pub fn is_in_progress(&self) -> bool {
        self.status == BillingStatus::InProgress
    }

    /// Billing has not acted yet: the agent may still withdraw.
    pub fn untouched(&self) -> bool {
        self.is_in_progress() && self.review != ReviewState::Approved
    }
}

impl CaseView {
    /// The message the agent sends now. After a save call ends "Not saved"
    /// it is the C2 reply with the exit survey; otherwise the decision's reply.
    pub fn reply_to_send(&self) -> String {
        let save_call_failed = self
            .save_task
            .as_ref()
            .is_some_and(|t| t.outcome == Some(SaveOutcome::NotSaved));
        if save_call_failed {
            exit_survey_reply(&self.facts.customer_name, &self.facts.server)
        } else {
            self.decision.reply_to_send()
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

/// The case page. Opening it counts as looking: a denied refund leaves the
/// submitting agent's waiting list.
pub async fn open_case(
    app: &AppState,
    actor: Actor,
    case_id: CaseId,
) -> Result<CaseView, ServiceError> {
    let case = app.db.read(move |conn| load_case_in(conn, case_id)).await?;
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

pub fn load_case_in(
    conn: &mut SqliteConnection,
    case_id: CaseId,
) -> Result<CaseView, ServiceError> {
    let row = CaseRow::find(conn, case_id)?;
    let facts: CaseFacts = serde_json::from_str(&row.facts_snapshot)
        .map_err(|e| anyhow::anyhow!("case {case_id} has an unreadable facts snapshot: {e}"))?;
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
        }),
        None => None,
    };
    let billing = match BillingItemRow::for_case(conn, case_id)? {
        Some(item) => Some(billing_view(conn, item)?),
        None => None,
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
        events: case_events::for_case(conn, case_id)?,
        slack: delivery_for_case(conn, case_id)?,
    })
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
    })
}
