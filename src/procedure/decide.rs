//! The decision table of SPEC §2.1 and §2.2.

use crate::domain::{CancellationRoute, CancellationStatus, RefundStatus, Step};

use super::replies::{Letterhead, Replies, Writer};
use super::{
    Action, CancellationDecision, CaseFacts, Decision, Policy, RefundDecision, RefundFacts,
    SaveTaskAssignee,
};

/// Runs the procedure for a case: the cancellation part (C2, C2A, C3) when
/// the request includes a cancellation, then the refund part (R2–R6) when
/// it includes a refund. Both limits are inclusive on the small path:
/// exactly the limit is "$1000 or less". The replies are written in the
/// words of `replies` (SPEC §12).
pub fn decide(facts: &CaseFacts, policy: &Policy, replies: &Replies) -> Decision {
    let writer = Writer::new(replies, facts);
    let head = writer.letterhead();
    let words = Words {
        writer: &writer,
        head: &head,
    };
    let mut actions = Vec::new();
    let cancellation = facts
        .request
        .includes_cancellation()
        .then(|| decide_cancellation(facts, policy, words, &mut actions));
    let refund = facts
        .refund
        .as_ref()
        .filter(|_| facts.request.includes_refund())
        .map(|refund| decide_refund(refund, policy, words, &mut actions));
    let letterhead = (cancellation.is_some() || refund.is_some()).then_some(head);
    Decision {
        actions,
        cancellation,
        refund,
        letterhead,
    }
}

/// The replies version's words for this case: a track's letter is the
/// greeting, its body and the sign-off.
#[derive(Clone, Copy)]
struct Words<'a> {
    writer: &'a Writer<'a>,
    head: &'a Letterhead,
}

impl Words<'_> {
    fn letter(&self, body: &str) -> String {
        self.head.letter(&[body])
    }
}

/// SOP steps 1–3 of the cancellation part.
fn decide_cancellation(
    facts: &CaseFacts,
    policy: &Policy,
    words: Words<'_>,
    actions: &mut Vec<Action>,
) -> CancellationDecision {
    let level = facts.level.name.trim();
    match facts.level.route {
        // C2: Essentials replies with the exit survey.
        CancellationRoute::Essentials => {
            push(
                actions,
                Step::C2,
                format!("{level} (Essentials route): {}", c2_instruction(facts)),
            );
            exit_survey(words)
        }
        // C2A: check the A/R first; "less than $1000" follows step 2.
        CancellationRoute::CheckAr if facts.ar_balance <= policy.ar_limit => {
            push(
                actions,
                Step::C2A,
                format!(
                    "A/R {} is within the {} limit: reply as for Essentials (C2).",
                    facts.ar_balance, policy.ar_limit
                ),
            );
            push(actions, Step::C2, capitalise(&c2_instruction(facts)));
            exit_survey(words)
        }
        // C2A: "more than $1000": a task to call and try to save the customer.
        CancellationRoute::CheckAr => {
            let (assignee, caller) = save_caller(facts);
            push(
                actions,
                Step::C2A,
                format!(
                    "A/R {} is over the {} limit: {caller} calls to save the customer.",
                    facts.ar_balance, policy.ar_limit
                ),
            );
            save_task(words, assignee)
        }
        // C3: Professional 2A, SMB and higher always get a save call.
        CancellationRoute::SalesCall => {
            let (assignee, caller) = save_caller(facts);
            push(
                actions,
                Step::C3,
                format!("{level} (sales-call route): {caller} calls to save the customer."),
            );
            save_task(words, assignee)
        }
    }
}

fn c2_instruction(facts: &CaseFacts) -> String {
    format!(
        "reply sympathetically, leave the door open and include the exit survey for server {}.",
        facts.server.name.trim()
    )
}

fn exit_survey(words: Words<'_>) -> CancellationDecision {
    CancellationDecision {
        status: CancellationStatus::ReplyToSend,
        save_task: None,
        reply: words.letter(&words.writer.exit_survey()),
    }
}

fn save_task(words: Words<'_>, assignee: SaveTaskAssignee) -> CancellationDecision {
    CancellationDecision {
        status: CancellationStatus::AwaitingSaveCall,
        save_task: Some(assignee),
        reply: words.letter(&words.writer.save_call()),
    }
}

/// "The original sales person … If the original sales person is no longer
/// with the company assign the task to Spencer." An unknown rep also goes to
/// the retention owner.
fn save_caller(facts: &CaseFacts) -> (SaveTaskAssignee, String) {
    let owner = facts.retention_owner_name.trim();
    match &facts.original_rep {
        Some(rep) if rep.active => (SaveTaskAssignee::OriginalRep, rep.name.trim().to_owned()),
        Some(rep) => (
            SaveTaskAssignee::RetentionOwner,
            format!("{} has left the company, so {owner}", rep.name.trim()),
        ),
        None => (
            SaveTaskAssignee::RetentionOwner,
            format!("no original sales rep is recorded, so {owner}"),
        ),
    }
}

/// SOP steps 1–6 of the refund part. The refund amount, not the A/R,
/// decides the path (SPEC §2.2).
fn decide_refund(
    refund: &RefundFacts,
    policy: &Policy,
    words: Words<'_>,
    actions: &mut Vec<Action>,
) -> RefundDecision {
    let amount = refund.amount;
    let limit = policy.refund_review_limit;
    let needs_review = amount.money() > limit;
    let reply = if needs_review {
        // R5, R6: over the limit, billing reviews it.
        push(
            actions,
            Step::R5,
            format!(
                "Refund {amount} is over the {limit} review limit: reply that the request is \
                 being reviewed."
            ),
        );
        push(
            actions,
            Step::R6,
            "Assign to Billing, Billing in progress, marked Needs review, with the reason as \
             detailed notes, and send billing a Slack heads-up."
                .to_owned(),
        );
        words.letter(&words.writer.review(amount))
    } else {
        // R2, R3, R4: "$1000 or less", billing issues it.
        push(
            actions,
            Step::R2,
            format!(
                "Refund {amount} is within the {limit} review limit: note the amount in the \
                 purple box."
            ),
        );
        push(
            actions,
            Step::R3,
            "Record why the customer is entitled to the refund as the case's first comment."
                .to_owned(),
        );
        push(
            actions,
            Step::R4,
            format!(
                "Reply that a credit in the amount of {amount} will be processed, then assign \
                 to Billing, Billing in progress; billing issues the refund."
            ),
        );
        words.letter(&words.writer.credit(amount))
    };
    RefundDecision {
        status: RefundStatus::BillingInProgress,
        needs_review,
        reply,
        first_comment: format!(
            "Why the customer is entitled to the refund: {}",
            refund.reason.trim()
        ),
    }
}

fn push(actions: &mut Vec<Action>, step: Step, reason: String) {
    actions.push(Action { step, reason });
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
