//! What the procedure decided.

use serde::{Deserialize, Serialize};

use crate::domain::{CancellationStatus, RefundStatus, Step};

use super::replies::{Letterhead, join_untemplated};

/// The whole decision for a case: the actions in the order the SOP runs
/// them (cancellation steps first, then refund steps) and one decision per
/// track the case has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub actions: Vec<Action>,
    pub cancellation: Option<CancellationDecision>,
    pub refund: Option<RefundDecision>,
    /// The replies version the words were written with, and its greeting
    /// and sign-off for this customer. `None` on cases decided before
    /// replies were templates (their words are the seeded ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letterhead: Option<Letterhead>,
}

/// One step of the procedure and why it applies, in words that name the
/// figure and the limit. Shown as "{step} — {reason}".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub step: Step,
    pub reason: String,
}

/// The cancellation track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationDecision {
    /// Reply to send after C2; Awaiting save call when there is a save task
    /// (C2A over the limit, C3).
    pub status: CancellationStatus,
    pub save_task: Option<SaveTaskAssignee>,
    /// C2: the exit-survey reply. Save task: an acknowledgement that their
    /// account manager will be in touch, without the survey. The whole
    /// letter, as if this were the case's only track.
    pub reply: String,
}

/// Who calls to save the customer (C2A, C3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveTaskAssignee {
    /// The original sales rep, who is still with the company.
    OriginalRep,
    /// The retention owner (Spencer): the rep has left, or none is recorded.
    RetentionOwner,
}

/// The refund track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundDecision {
    /// Always Billing in progress (R4, R6).
    pub status: RefundStatus,
    /// R6: over the review limit; billing reviews it and gets a Slack
    /// heads-up.
    pub needs_review: bool,
    /// R4: a credit of $X will be processed; R5: the request is being
    /// reviewed. The whole letter, as if this were the case's only track.
    pub reply: String,
    /// R3: the case's first comment, why the customer is entitled to the
    /// refund (also the detailed notes of R6).
    pub first_comment: String,
}

impl Decision {
    /// The one message the agent sends now. With both tracks it is one
    /// greeting, the cancellation body, the refund body and one sign-off.
    pub fn reply_to_send(&self) -> String {
        match (&self.cancellation, &self.refund) {
            (Some(cancellation), Some(refund)) => {
                let bodies = self.letterhead.as_ref().and_then(|head| {
                    let first = head.body_of(&cancellation.reply)?;
                    let second = head.body_of(&refund.reply)?;
                    Some(head.letter(&[first, second]))
                });
                bodies.unwrap_or_else(|| join_untemplated(&cancellation.reply, &refund.reply))
            }
            (Some(cancellation), None) => cancellation.reply.clone(),
            (None, Some(refund)) => refund.reply.clone(),
            (None, None) => String::new(),
        }
    }

    /// Whether the reply decided sends the exit survey: the C2 reply, not
    /// a save call's acknowledgement (C2A over the limit, C3) nor a
    /// refund-only reply.
    pub fn sends_exit_survey(&self) -> bool {
        self.cancellation
            .as_ref()
            .is_some_and(|c| c.save_task.is_none())
    }

    /// The replies version the words came from (1, the seeded wording, for
    /// cases decided before replies were templates).
    pub fn replies_version(&self) -> i64 {
        self.letterhead.as_ref().map_or(1, |h| h.replies_version)
    }

    /// Whether billing should get a Slack heads-up (R6).
    pub fn needs_billing_heads_up(&self) -> bool {
        self.refund
            .as_ref()
            .is_some_and(|refund| refund.needs_review)
    }
}
