//! The decision table, row by row (SPEC §2.1, §2.2), and its properties.

use proptest::prelude::*;

use super::strategies::{any_limit, any_request_route_and_amounts};
use super::*;
use crate::domain::{
    CancellationRoute, CancellationStatus, CustomerName, Money, RefundAmount, RefundStatus,
    RequestKind, Step,
};

const SURVEY: &str = "https://survey.example.com/exit?server=app-01";

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn seeded_policy() -> Policy {
    Policy {
        version: 1,
        ar_limit: money("1,000.00"),
        refund_review_limit: money("1,000.00"),
    }
}

fn level(name: &str, route: CancellationRoute) -> LevelFacts {
    LevelFacts {
        name: name.to_owned(),
        route,
    }
}

fn essentials() -> LevelFacts {
    level("Essentials", CancellationRoute::Essentials)
}
fn professional() -> LevelFacts {
    level("Professional", CancellationRoute::CheckAr)
}
fn professional_2a() -> LevelFacts {
    level("Professional 2A", CancellationRoute::SalesCall)
}
fn smb() -> LevelFacts {
    level("SMB", CancellationRoute::SalesCall)
}

fn riley() -> Option<RepFacts> {
    Some(RepFacts {
        name: "Riley".to_owned(),
        active: true,
    })
}

fn morgan_departed() -> Option<RepFacts> {
    Some(RepFacts {
        name: "Morgan".to_owned(),
        active: false,
    })
}

/// A cancellation for Jane Doe at the given level, A/R $0.00, rep Riley.
fn cancel(level: LevelFacts) -> CaseFacts {
    CaseFacts {
        customer_name: CustomerName::parse("Jane Doe").unwrap(),
        request: RequestKind::Cancel,
        level,
        server: ServerFacts {
            name: "app-01".to_owned(),
            exit_survey_url: SURVEY.to_owned(),
        },
        ar_balance: Money::ZERO,
        refund: None,
        original_rep: riley(),
        retention_owner_name: "Spencer".to_owned(),
        account_id: "ACC-1001".to_owned(),
        agent_name: "Alex".to_owned(),
    }
}

fn seeded_replies() -> Replies {
    Replies::seeded()
}

fn with_ar(mut facts: CaseFacts, ar: &str) -> CaseFacts {
    facts.ar_balance = money(ar);
    facts
}

fn with_rep(mut facts: CaseFacts, rep: Option<RepFacts>) -> CaseFacts {
    facts.original_rep = rep;
    facts
}

fn refund_facts(amount: &str) -> RefundFacts {
    RefundFacts {
        amount: RefundAmount::parse(amount).unwrap(),
        reason: "  Charged twice for March.  ".to_owned(),
    }
}

/// A refund-only request for Jane Doe on an Essentials account.
fn refund(amount: &str) -> CaseFacts {
    CaseFacts {
        request: RequestKind::Refund,
        refund: Some(refund_facts(amount)),
        ..cancel(essentials())
    }
}

fn cancel_and_refund(level: LevelFacts, amount: &str) -> CaseFacts {
    CaseFacts {
        request: RequestKind::CancelAndRefund,
        refund: Some(refund_facts(amount)),
        ..cancel(level)
    }
}

fn steps(decision: &Decision) -> Vec<Step> {
    decision.actions.iter().map(|action| action.step).collect()
}

fn reason(decision: &Decision, step: Step) -> &str {
    &decision
        .actions
        .iter()
        .find(|action| action.step == step)
        .unwrap_or_else(|| panic!("no {step} in {decision:?}"))
        .reason
}

fn cancellation(decision: &Decision) -> &CancellationDecision {
    decision
        .cancellation
        .as_ref()
        .expect("a cancellation decision")
}

fn refund_decision(decision: &Decision) -> &RefundDecision {
    decision.refund.as_ref().expect("a refund decision")
}

fn assert_exit_survey(decision: &Decision) {
    let c = cancellation(decision);
    assert_eq!(c.status, CancellationStatus::ReplyToSend);
    assert_eq!(c.save_task, None);
    assert!(c.reply.starts_with("Hi Jane Doe,"), "{}", c.reply);
    assert!(c.reply.contains(SURVEY), "{}", c.reply);
    assert!(c.reply.contains("sorry"), "{}", c.reply);
}

fn assert_save_task(decision: &Decision, assignee: SaveTaskAssignee) {
    let c = cancellation(decision);
    assert_eq!(c.status, CancellationStatus::AwaitingSaveCall);
    assert_eq!(c.save_task, Some(assignee));
    assert!(c.reply.starts_with("Hi Jane Doe,"), "{}", c.reply);
    assert!(
        c.reply.contains("account manager will be in touch"),
        "{}",
        c.reply
    );
    assert!(!c.reply.contains(SURVEY), "{}", c.reply);
    assert!(!c.reply.contains("survey"), "{}", c.reply);
}

// ---- SPEC §2.1: cancellation -------------------------------------------

#[test]
fn essentials_replies_with_the_exit_survey_whatever_the_ar() {
    for ar in ["0", "-50", "999.99", "1,000.00", "1,000.01", "9,999,999.99"] {
        let decision = decide(
            &with_ar(cancel(essentials()), ar),
            &seeded_policy(),
            &seeded_replies(),
        );
        assert_eq!(steps(&decision), [Step::C2], "A/R {ar}");
        assert_exit_survey(&decision);
        assert_eq!(decision.refund, None);
        assert_eq!(
            reason(&decision, Step::C2),
            "Essentials (Essentials route): reply sympathetically, leave the door \
             open and include the exit survey for server app-01."
        );
    }
}

#[test]
fn check_ar_within_the_limit_is_answered_as_essentials() {
    for ar in ["-$50.00", "0", "400", "999.99", "1,000.00"] {
        let decision = decide(
            &with_ar(cancel(professional()), ar),
            &seeded_policy(),
            &seeded_replies(),
        );
        assert_eq!(steps(&decision), [Step::C2A, Step::C2], "A/R {ar}");
        assert_exit_survey(&decision);
    }
    let decision = decide(
        &with_ar(cancel(professional()), "400"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(
        reason(&decision, Step::C2A),
        "A/R $400.00 is within the $1,000.00 limit: reply as for Essentials (C2)."
    );
    assert_eq!(
        reason(&decision, Step::C2),
        "Reply sympathetically, leave the door open and include the exit survey for server \
         app-01."
    );
    let essentials_reply =
        decide(&cancel(essentials()), &seeded_policy(), &seeded_replies()).reply_to_send();
    assert_eq!(decision.reply_to_send(), essentials_reply);
}

#[test]
fn check_ar_over_the_limit_is_a_save_task_for_the_rep() {
    for ar in ["1,000.01", "1,250", "10,000,000"] {
        let decision = decide(
            &with_ar(cancel(professional()), ar),
            &seeded_policy(),
            &seeded_replies(),
        );
        assert_eq!(steps(&decision), [Step::C2A], "A/R {ar}");
        assert_save_task(&decision, SaveTaskAssignee::OriginalRep);
    }
    let decision = decide(
        &with_ar(cancel(professional()), "1,250"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(
        reason(&decision, Step::C2A),
        "A/R $1,250.00 is over the $1,000.00 limit: Riley calls to save the customer."
    );
}

#[test]
fn check_ar_over_the_limit_with_a_departed_or_unknown_rep_goes_to_the_retention_owner() {
    let departed = with_rep(with_ar(cancel(professional()), "1,250"), morgan_departed());
    let decision = decide(&departed, &seeded_policy(), &seeded_replies());
    assert_save_task(&decision, SaveTaskAssignee::RetentionOwner);
    assert_eq!(
        reason(&decision, Step::C2A),
        "A/R $1,250.00 is over the $1,000.00 limit: Morgan has left the company, so Spencer \
         calls to save the customer."
    );

    let unknown = with_rep(with_ar(cancel(professional()), "1,250"), None);
    let decision = decide(&unknown, &seeded_policy(), &seeded_replies());
    assert_save_task(&decision, SaveTaskAssignee::RetentionOwner);
    assert_eq!(
        reason(&decision, Step::C2A),
        "A/R $1,250.00 is over the $1,000.00 limit: no original sales rep is recorded, so \
         Spencer calls to save the customer."
    );
}

#[test]
fn ar_limit_boundaries() {
    let rows = [
        ("999.99", vec![Step::C2A, Step::C2], None),
        ("1,000.00", vec![Step::C2A, Step::C2], None),
        (
            "1,000.01",
            vec![Step::C2A],
            Some(SaveTaskAssignee::OriginalRep),
        ),
    ];
    for (ar, expected_steps, save_task) in rows {
        let decision = decide(
            &with_ar(cancel(professional()), ar),
            &seeded_policy(),
            &seeded_replies(),
        );
        assert_eq!(steps(&decision), expected_steps, "A/R {ar}");
        assert_eq!(cancellation(&decision).save_task, save_task, "A/R {ar}");
    }
}

#[test]
fn sales_call_levels_always_get_a_save_task() {
    for level in [professional_2a(), smb()] {
        for ar in ["-50", "0", "999.99", "1,000.00", "1,000.01", "50,000"] {
            let facts = with_ar(cancel(level.clone()), ar);
            let decision = decide(&facts, &seeded_policy(), &seeded_replies());
            assert_eq!(steps(&decision), [Step::C3], "{} A/R {ar}", level.name);
            assert_save_task(&decision, SaveTaskAssignee::OriginalRep);
        }
    }
    let decision = decide(&cancel(smb()), &seeded_policy(), &seeded_replies());
    assert_eq!(
        reason(&decision, Step::C3),
        "SMB (sales-call route): Riley calls to save the customer."
    );
}

#[test]
fn sales_call_with_a_departed_or_unknown_rep_goes_to_the_retention_owner() {
    let decision = decide(
        &with_rep(cancel(professional_2a()), morgan_departed()),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_save_task(&decision, SaveTaskAssignee::RetentionOwner);
    assert_eq!(
        reason(&decision, Step::C3),
        "Professional 2A (sales-call route): Morgan has left the company, so Spencer \
         calls to save the customer."
    );
    let decision = decide(
        &with_rep(cancel(smb()), None),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_save_task(&decision, SaveTaskAssignee::RetentionOwner);
    assert!(reason(&decision, Step::C3).contains("no original sales rep is recorded, so Spencer"));
}

#[test]
fn custom_levels_route_by_their_route_not_their_name() {
    let enterprise = level("Enterprise", CancellationRoute::SalesCall);
    let decision = decide(&cancel(enterprise), &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::C3]);
    assert_save_task(&decision, SaveTaskAssignee::OriginalRep);
    assert!(reason(&decision, Step::C3).starts_with("Enterprise (sales-call route): Riley"));

    let growth = level("Growth", CancellationRoute::CheckAr);
    let decision = decide(
        &with_ar(cancel(growth.clone()), "1,500"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A]);
    let decision = decide(
        &with_ar(cancel(growth), "100"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A, Step::C2]);

    // A level named like a seeded one still follows the route it carries.
    let odd = level("SMB", CancellationRoute::Essentials);
    let decision = decide(
        &with_ar(cancel(odd), "50,000"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2]);
    assert_exit_survey(&decision);
}

#[test]
fn other_policy_limits_are_honoured() {
    let policy = Policy {
        version: 7,
        ar_limit: money("500"),
        refund_review_limit: money("500"),
    };
    let decision = decide(
        &with_ar(cancel(professional()), "500.01"),
        &policy,
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A]);
    assert_eq!(
        reason(&decision, Step::C2A),
        "A/R $500.01 is over the $500.00 limit: Riley calls to save the customer."
    );
    let decision = decide(
        &with_ar(cancel(professional()), "500"),
        &policy,
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A, Step::C2]);
    // Under the seeded policy the same $600.00 is within the limit.
    let decision = decide(
        &with_ar(cancel(professional()), "600"),
        &policy,
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A]);
    let decision = decide(
        &with_ar(cancel(professional()), "600"),
        &seeded_policy(),
        &seeded_replies(),
    );
    assert_eq!(steps(&decision), [Step::C2A, Step::C2]);

    let decision = decide(&refund("600"), &policy, &seeded_replies());
    assert_eq!(steps(&decision), [Step::R5, Step::R6]);
    assert_eq!(
        reason(&decision, Step::R5),
        "Refund $600.00 is over the $500.00 review limit: reply that the request is being \
         reviewed."
    );
    let decision = decide(&refund("500"), &policy, &seeded_replies());
    assert_eq!(steps(&decision), [Step::R2, Step::R3, Step::R4]);
}

#[test]
fn the_not_saved_reply_is_the_c2_reply() {
    let facts = cancel(essentials());
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(
        not_saved_reply(&facts, &seeded_replies()),
        cancellation(&decision).reply
    );
    let reply = not_saved_reply(&facts, &seeded_replies());
    assert!(reply.starts_with("Hi Jane Doe,\n\n"));
    assert!(reply.trim_end().ends_with(SURVEY), "{reply}");
}

// ---- SPEC §2.2: refund -------------------------------------------------

#[test]
fn refund_within_the_review_limit_goes_to_billing_with_a_credit_reply() {
    let decision = decide(&refund("250"), &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::R2, Step::R3, Step::R4]);
    assert_eq!(decision.cancellation, None);
    let r = refund_decision(&decision);
    assert_eq!(r.status, RefundStatus::BillingInProgress);
    assert!(!r.needs_review);
    assert!(!decision.needs_billing_heads_up());
    assert!(r.reply.starts_with("Hi Jane Doe,"), "{}", r.reply);
    assert!(
        r.reply
            .contains("A credit in the amount of $250.00 will be processed for your account."),
        "{}",
        r.reply
    );
    assert_eq!(
        r.first_comment,
        "Why the customer is entitled to the refund: Charged twice for March."
    );
    assert_eq!(
        reason(&decision, Step::R2),
        "Refund $250.00 is within the $1,000.00 review limit: note the amount in the purple box."
    );
    assert!(reason(&decision, Step::R4).contains("$250.00"));
    assert_eq!(decision.reply_to_send(), r.reply);
}

#[test]
fn refund_over_the_review_limit_is_reviewed_by_billing() {
    let decision = decide(&refund("2,500"), &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::R5, Step::R6]);
    let r = refund_decision(&decision);
    assert_eq!(r.status, RefundStatus::BillingInProgress);
    assert!(r.needs_review);
    assert!(decision.needs_billing_heads_up());
    assert!(r.reply.starts_with("Hi Jane Doe,"), "{}", r.reply);
    assert!(r.reply.contains("is being reviewed"), "{}", r.reply);
    assert!(!r.reply.contains("will be processed"), "{}", r.reply);
    assert_eq!(
        r.first_comment,
        "Why the customer is entitled to the refund: Charged twice for March."
    );
    assert_eq!(
        reason(&decision, Step::R5),
        "Refund $2,500.00 is over the $1,000.00 review limit: reply that the request is being \
         reviewed."
    );
    assert!(reason(&decision, Step::R6).contains("Slack"));
}

#[test]
fn refund_review_limit_boundaries() {
    let rows = [
        ("999.99", vec![Step::R2, Step::R3, Step::R4], false),
        ("1,000.00", vec![Step::R2, Step::R3, Step::R4], false),
        ("1,000.01", vec![Step::R5, Step::R6], true),
    ];
    for (amount, expected_steps, needs_review) in rows {
        let decision = decide(&refund(amount), &seeded_policy(), &seeded_replies());
        assert_eq!(steps(&decision), expected_steps, "refund {amount}");
        assert_eq!(
            refund_decision(&decision).needs_review,
            needs_review,
            "refund {amount}"
        );
    }
    let decision = decide(&refund("1,000"), &seeded_policy(), &seeded_replies());
    assert!(refund_decision(&decision).reply.contains("$1,000.00"));
}

#[test]
fn the_refund_amount_decides_the_refund_path_never_the_ar() {
    let small_refund_big_ar = with_ar(refund("100"), "50,000");
    let decision = decide(&small_refund_big_ar, &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::R2, Step::R3, Step::R4]);

    let big_refund_no_ar = with_ar(refund("5,000"), "-200");
    let decision = decide(&big_refund_no_ar, &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::R5, Step::R6]);
}

// ---- both requests -------------------------------------------------------

#[test]
fn cancel_and_refund_gets_both_decisions_in_procedure_order() {
    let facts = with_ar(cancel_and_refund(smb(), "2,500"), "3,000");
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::C3, Step::R5, Step::R6]);
    assert_save_task(&decision, SaveTaskAssignee::OriginalRep);
    assert!(refund_decision(&decision).needs_review);

    let facts = with_ar(cancel_and_refund(professional(), "250"), "400");
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(
        steps(&decision),
        [Step::C2A, Step::C2, Step::R2, Step::R3, Step::R4]
    );
    assert_exit_survey(&decision);
    assert!(!refund_decision(&decision).needs_review);

    let facts = with_ar(cancel_and_refund(professional(), "999.99"), "1,000.01");
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(steps(&decision), [Step::C2A, Step::R2, Step::R3, Step::R4]);
}

#[test]
fn cancel_and_refund_sends_one_message_with_one_greeting() {
    let facts = cancel_and_refund(essentials(), "1,250");
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    let message = decision.reply_to_send();
    assert!(message.starts_with("Hi Jane Doe,\n\n"), "{message}");
    assert_eq!(message.matches("Hi Jane Doe,").count(), 1, "{message}");
    assert!(message.contains(SURVEY), "{message}");
    assert!(message.contains("$1,250.00 is being reviewed"), "{message}");
    assert!(
        message.starts_with(&cancellation(&decision).reply),
        "{message}"
    );
    let survey_at = message.find(SURVEY).unwrap();
    let refund_at = message.find("refund of $1,250.00").unwrap();
    assert!(survey_at < refund_at, "{message}");

    let decision = decide(
        &cancel_and_refund(smb(), "10"),
        &seeded_policy(),
        &seeded_replies(),
    );
    let message = decision.reply_to_send();
    assert_eq!(message.matches("Hi Jane Doe,").count(), 1, "{message}");
    assert!(
        message.contains("account manager will be in touch"),
        "{message}"
    );
    assert!(
        message.contains("A credit in the amount of $10.00"),
        "{message}"
    );
}

#[test]
fn refund_facts_count_only_when_a_refund_is_requested() {
    let mut facts = cancel(essentials());
    facts.refund = Some(refund_facts("50"));
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(decision.refund, None);
    assert_eq!(steps(&decision), [Step::C2]);

    let mut facts = refund("50");
    facts.refund = None;
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert_eq!(decision.refund, None);
    assert_eq!(decision.cancellation, None);
    assert!(decision.actions.is_empty());
}

#[test]
fn the_reply_addresses_the_customer_by_name() {
    let mut facts = cancel_and_refund(professional_2a(), "75.5");
    facts.customer_name = CustomerName::parse("  Zoë O'Brien ").unwrap();
    let decision = decide(&facts, &seeded_policy(), &seeded_replies());
    assert!(decision.reply_to_send().starts_with("Hi Zoë O'Brien,\n\n"));
    assert!(refund_decision(&decision).reply.contains("$75.50"));
}

// ---- properties ------------------------------------------------------------

fn any_policy() -> impl Strategy<Value = Policy> {
    (1_i64..100, any_limit(), any_limit()).prop_map(|(version, ar, review)| Policy {
        version,
        ar_limit: Money::from_cents(ar).unwrap(),
        refund_review_limit: Money::from_cents(review).unwrap(),
    })
}

fn any_rep() -> impl Strategy<Value = Option<RepFacts>> {
    proptest::option::of(
        ("[A-Z][a-z]{1,8}", any::<bool>()).prop_map(|(name, active)| RepFacts { name, active }),
    )
}

prop_compose! {
    fn any_facts()(
        (request, route, ar, refund) in any_request_route_and_amounts(1_000),
        rep in any_rep(),
        name in "[A-Za-z][A-Za-z .'-]{0,30}",
    ) -> CaseFacts {
        CaseFacts {
            customer_name: CustomerName::parse(&name).unwrap(),
            request,
            level: level("Some level", route),
            server: ServerFacts { name: "app-02".to_owned(), exit_survey_url: SURVEY.to_owned() },
            ar_balance: Money::from_cents(ar).unwrap(),
            refund: request.includes_refund().then(|| RefundFacts {
                amount: RefundAmount::from_cents(refund).unwrap(),
                reason: "Double charge".to_owned(),
            }),
            original_rep: rep,
            retention_owner_name: "Spencer".to_owned(),
            account_id: "ACC-1".to_owned(),
            agent_name: "Alex".to_owned(),
        }
    }
}

proptest! {
    #[test]
    fn tracks_follow_the_request(facts in any_facts(), policy in any_policy()) {
        let decision = decide(&facts, &policy, &seeded_replies());
        prop_assert_eq!(decision.cancellation.is_some(), facts.request.includes_cancellation());
        prop_assert_eq!(decision.refund.is_some(), facts.request.includes_refund());
        for action in &decision.actions {
            prop_assert!(
                (action.step.is_cancellation() && facts.request.includes_cancellation())
                    || (action.step.is_refund() && facts.request.includes_refund()),
                "{} for {:?}", action.step, facts.request
            );
            prop_assert!(!action.reason.is_empty());
        }
        // Cancellation steps come first, then refund steps.
        let first_refund = decision.actions.iter().position(|a| a.step.is_refund());
        if let Some(first_refund) = first_refund {
            prop_assert!(decision.actions[first_refund..].iter().all(|a| a.step.is_refund()));
        }
    }

    #[test]
    fn needs_review_iff_the_refund_is_over_the_review_limit(
        facts in any_facts(),
        policy in any_policy(),
    ) {
        let decision = decide(&facts, &policy, &seeded_replies());
        if let (Some(refund), Some(facts_refund)) = (&decision.refund, &facts.refund) {
            let over = facts_refund.amount.money() > policy.refund_review_limit;
            prop_assert_eq!(refund.needs_review, over);
            prop_assert_eq!(refund.status, RefundStatus::BillingInProgress);
            let refund_steps: Vec<Step> = decision.actions.iter().map(|a| a.step).filter(|s| s.is_refund()).collect();
            if over {
                prop_assert_eq!(refund_steps, vec![Step::R5, Step::R6]);
            } else {
                prop_assert_eq!(refund_steps, vec![Step::R2, Step::R3, Step::R4]);
                let amount = facts_refund.amount.to_string();
                prop_assert!(refund.reply.contains(&amount));
            }
        }
    }

    #[test]
    fn a_save_task_iff_sales_call_or_ar_over_the_limit(
        facts in any_facts(),
        policy in any_policy(),
    ) {
        let decision = decide(&facts, &policy, &seeded_replies());
        if let Some(cancellation) = &decision.cancellation {
            let expected = match facts.level.route {
                CancellationRoute::SalesCall => true,
                CancellationRoute::CheckAr => facts.ar_balance > policy.ar_limit,
                CancellationRoute::Essentials => false,
            };
            prop_assert_eq!(cancellation.save_task.is_some(), expected);
            let expected_status = if expected {
                CancellationStatus::AwaitingSaveCall
            } else {
                CancellationStatus::ReplyToSend
            };
            prop_assert_eq!(cancellation.status, expected_status);
            prop_assert_eq!(cancellation.reply.contains(SURVEY), !expected);
            let greeting = format!("Hi {},", facts.customer_name);
            prop_assert!(cancellation.reply.starts_with(&greeting));
        }
    }

    #[test]
    fn the_original_rep_calls_iff_recorded_and_active(
        facts in any_facts(),
        policy in any_policy(),
    ) {
        let decision = decide(&facts, &policy, &seeded_replies());
        if let Some(assignee) = decision.cancellation.as_ref().and_then(|c| c.save_task) {
            let rep_active = facts.original_rep.as_ref().is_some_and(|rep| rep.active);
            prop_assert_eq!(assignee == SaveTaskAssignee::OriginalRep, rep_active);
            let save_reason = &decision.actions.iter().find(|a| matches!(a.step, Step::C2A | Step::C3)).unwrap().reason;
            let caller = if rep_active { facts.original_rep.as_ref().unwrap().name.as_str() } else { "Spencer" };
            let calls = format!("{caller} calls");
            prop_assert!(save_reason.contains(&calls), "{}", save_reason);
        }
    }

    #[test]
    fn the_message_to_send_greets_once(facts in any_facts(), policy in any_policy()) {
        let decision = decide(&facts, &policy, &seeded_replies());
        let message = decision.reply_to_send();
        let greeting = format!("Hi {},", facts.customer_name);
        prop_assert!(message.starts_with(&greeting));
        prop_assert_eq!(message.matches(&greeting).count(), 1);
    }
}
