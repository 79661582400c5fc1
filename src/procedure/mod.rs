//! The "Account Cancellation and Refunds" SOP as a pure function.
//!
//! [`decide`] takes the facts of a case and the policy in force and returns
//! the actions to take, each citing its step (C2, C2A, C3 for cancellation;
//! R2 to R6 for refunds), the starting status of each track, who gets the
//! save task, and the reply the agent sends in the words of the replies
//! version given. No I/O: the services store the decision (with its words
//! and replies version), the facts snapshot and the policy version.

mod decide;
mod decision;
mod facts;
mod replies;
mod template;

#[cfg(test)]
mod replies_tests;
#[cfg(test)]
pub(crate) mod strategies;
#[cfg(test)]
mod tests;

pub use decide::decide;
pub use decision::{Action, CancellationDecision, Decision, RefundDecision, SaveTaskAssignee};
pub use facts::{CaseFacts, LevelFacts, Policy, RefundFacts, RepFacts, ServerFacts};
pub use replies::{
    Letterhead, MAX_CHARS as REPLY_MAX_CHARS, Replies, ReplyField, ReplyTemplates, not_saved_reply,
};
pub use template::Placeholder;
