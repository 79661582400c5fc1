//! What the procedure decides from: the case's facts and the policy.

use serde::{Deserialize, Serialize};

use crate::domain::{CancellationRoute, CustomerName, Money, RefundAmount, RequestKind};

/// The limits in force, versioned: every case stores the version it was
/// decided under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub version: i64,
    /// C2A: an A/R balance over this gets a save task; at or under it, the
    /// C2 reply.
    pub ar_limit: Money,
    /// R1/R5: a refund over this is reviewed by billing; at or under it,
    /// billing issues it (R2–R4).
    pub refund_review_limit: Money,
}

/// The facts of a case as they were when it was submitted (the snapshot the
/// case stores, so an old decision can be explained later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub customer_name: CustomerName,
    pub request: RequestKind,
    pub level: LevelFacts,
    pub server: ServerFacts,
    pub ar_balance: Money,
    /// Present iff `request` includes a refund. [`decide`](super::decide)
    /// ignores it for a cancellation-only request, and decides no refund
    /// track when a refund is requested without it.
    pub refund: Option<RefundFacts>,
    /// The customer's original sales rep; `None` when unknown.
    pub original_rep: Option<RepFacts>,
    /// Who takes save tasks whose rep has left or is unknown ("Spencer").
    pub retention_owner_name: String,
    /// For the replies' `{account_id}` (empty in snapshots taken before
    /// replies were templates).
    #[serde(default)]
    pub account_id: String,
    /// The agent who submitted the case, for the replies' `{agent_name}`
    /// (empty in snapshots taken before replies were templates).
    #[serde(default)]
    pub agent_name: String,
}

/// The customer's level. Only its route decides anything; the name is for
/// the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelFacts {
    pub name: String,
    pub route: CancellationRoute,
}

/// The server the account is hosted on, and its exit-survey link (C2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerFacts {
    pub name: String,
    pub exit_survey_url: String,
}

/// The refund the agent determined is due (R2) and why (R3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundFacts {
    pub amount: RefundAmount,
    /// "Why the customer is entitled to the refund".
    pub reason: String,
}

/// The original sales rep; `active` is false once they have left the
/// company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepFacts {
    pub name: String,
    pub active: bool,
}
