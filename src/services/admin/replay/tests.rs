//! The replay against the procedure: a case replayed under its own policy
//! gives its stored decision, a draft equal to today changes nothing, a
//! limit moves exactly the cases between the old and the new limit, and a
//! route moves only its own level's cases.

use std::collections::HashMap;

use proptest::prelude::*;

use super::tally::{Outcome, ReplaySummary, Rules, StaffName, Tally, decide_under};
use crate::db::views::replay_cases::ReplayCaseRow;
use crate::domain::{
    CancellationRoute, CaseId, CustomerName, LevelId, Money, RefundAmount, RequestKind, StaffId,
};
use crate::procedure::strategies::{any_limit, any_request_route_and_amounts};
use crate::procedure::{
    CaseFacts, Decision, LevelFacts, Policy, RefundFacts, RepFacts, ServerFacts, decide,
};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn policy(ar: &str, review: &str) -> Policy {
    Policy {
        version: 1,
        ar_limit: money(ar),
        refund_review_limit: money(review),
    }
}

const PROFESSIONAL: LevelId = LevelId::new(2);

fn routes(pairs: &[(i32, CancellationRoute)]) -> HashMap<LevelId, CancellationRoute> {
    pairs
        .iter()
        .map(|(id, r)| (LevelId::new(*id), *r))
        .collect()
}

fn seeded_routes() -> HashMap<LevelId, CancellationRoute> {
    routes(&[
        (1, CancellationRoute::Essentials),
        (2, CancellationRoute::CheckAr),
        (3, CancellationRoute::SalesCall),
        (4, CancellationRoute::SalesCall),
    ])
}

fn rules(ar: &str, review: &str) -> Rules {
    Rules {
        policy: policy(ar, review),
        routes: seeded_routes(),
    }
}

/// A case as intake writes it: its facts snapshot, and the decision.
fn facts(request: RequestKind, route: CancellationRoute, ar: i64, refund: i64) -> CaseFacts {
    CaseFacts {
        customer_name: CustomerName::parse("Jane Doe").unwrap(),
        account_id: "ACC-1".to_owned(),
        agent_name: "Alex".to_owned(),
        request,
        level: LevelFacts {
            name: "Some level".to_owned(),
            route,
        },
        server: ServerFacts {
            name: "app-01".to_owned(),
            exit_survey_url: "https://survey.example.com/exit?server=app-01".to_owned(),
        },
        ar_balance: Money::from_cents(ar).unwrap(),
        refund: request.includes_refund().then(|| RefundFacts {
            amount: RefundAmount::from_cents(refund).unwrap(),
            reason: "Charged twice".to_owned(),
        }),
        original_rep: Some(RepFacts {
            name: "Riley".to_owned(),
            active: true,
        }),
        retention_owner_name: "Spencer".to_owned(),
    }
}

fn row(id: i32, level: LevelId, facts: &CaseFacts) -> ReplayCaseRow {
    ReplayCaseRow {
        id: CaseId::new(id),
        created_at: 0,
        level_id: level,
        original_rep_id: Some(StaffId::new(4)),
        facts_snapshot: serde_json::to_string(facts).unwrap(),
    }
}

fn replay(today: Rules, draft: Rules, rows: &[ReplayCaseRow]) -> ReplaySummary {
    let staff = HashMap::from([(
        StaffId::new(4),
        StaffName {
            name: "Riley".to_owned(),
            departed: false,
        },
    )]);
    let mut tally = Tally::new(today, draft, staff);
    for row in rows {
        tally.add(row);
    }
    tally.finish()
}

fn changed_ids(summary: &ReplaySummary) -> Vec<i32> {
    summary.first_changed.iter().map(|c| c.id.get()).collect()
}

/// Cancellations on Professional (Check A/R) with these A/R balances, ids 1….
fn check_ar_cases(balances: &[&str]) -> Vec<ReplayCaseRow> {
    balances
        .iter()
        .enumerate()
        .map(|(i, ar)| {
            let f = facts(
                RequestKind::Cancel,
                CancellationRoute::CheckAr,
                money(ar).to_cents(),
                1,
            );
            row(i as i32 + 1, PROFESSIONAL, &f)
        })
        .collect()
}

#[test]
fn raising_the_ar_limit_moves_exactly_the_balances_between_the_limits() {
    let cases = check_ar_cases(&["999.99", "1,000.00", "1,000.01", "1,500.00", "1,500.01"]);
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        rules("1,500.00", "1,000.00"),
        &cases,
    );
    assert_eq!(summary.replayed, 5);
    assert_eq!(
        changed_ids(&summary),
        [3, 4],
        "$1,000.01 and the new limit's own $1,500.00"
    );
    assert_eq!(summary.changes.len(), 1);
    assert_eq!(summary.changes[0].change, "C2A save call → C2 reply");
    assert_eq!(summary.changes[0].cases, 2);
    assert_eq!(summary.first_changed[0].before, "C2A");
    assert_eq!(summary.first_changed[0].after, "C2A, C2");
    let riley = &summary.save_tasks[0];
    assert_eq!(
        (riley.name.as_str(), riley.today, riley.draft),
        ("Riley", 3, 1)
    );
}

#[test]
fn lowering_the_ar_limit_by_a_cent_moves_only_the_balance_at_the_old_limit() {
    let cases = check_ar_cases(&["999.99", "1,000.00", "1,000.01"]);
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        rules("999.99", "1,000.00"),
        &cases,
    );
    assert_eq!(changed_ids(&summary), [2]);
    assert_eq!(summary.changes[0].change, "C2 reply → C2A save call");
}

#[test]
fn a_refund_review_limit_moves_exactly_the_amounts_between_the_limits_with_their_dollars() {
    let amounts = ["1,000.00", "1,000.01", "1,200.00", "1,200.01"];
    let cases: Vec<ReplayCaseRow> = amounts
        .iter()
        .enumerate()
        .map(|(i, amount)| {
            let f = facts(
                RequestKind::Refund,
                CancellationRoute::Essentials,
                0,
                money(amount).to_cents(),
            );
            row(i as i32 + 1, LevelId::new(1), &f)
        })
        .collect();
    let raised = replay(
        rules("1,000.00", "1,000.00"),
        rules("1,000.00", "1,200.00"),
        &cases,
    );
    assert_eq!(changed_ids(&raised), [2, 3]);
    assert_eq!(raised.changes[0].change, "R6 review → R4");
    assert_eq!(raised.changes[0].out_of_review.to_string(), "$2,200.01");
    assert_eq!(raised.changes[0].into_review.0, 0);
    let lowered = replay(
        rules("1,000.00", "1,200.00"),
        rules("1,000.00", "1,000.00"),
        &cases,
    );
    assert_eq!(changed_ids(&lowered), [2, 3]);
    assert_eq!(lowered.changes[0].change, "R4 → R6 review");
    assert_eq!(lowered.changes[0].into_review.to_string(), "$2,200.01");
}

#[test]
fn a_changed_route_moves_only_that_levels_cases_by_id() {
    // Levels 2 and 5 are both Check A/R (5 retired since); 2 becomes a sales call.
    let mut today = rules("1,000.00", "1,000.00");
    today
        .routes
        .insert(LevelId::new(5), CancellationRoute::CheckAr);
    let mut draft = today.clone();
    draft
        .routes
        .insert(PROFESSIONAL, CancellationRoute::SalesCall);
    let f = facts(
        RequestKind::CancelAndRefund,
        CancellationRoute::CheckAr,
        0,
        500,
    );
    let cases = [
        row(1, PROFESSIONAL, &f),
        row(2, LevelId::new(5), &f),
        row(3, LevelId::new(1), &f),
    ];
    let summary = replay(today, draft, &cases);
    assert_eq!(changed_ids(&summary), [1]);
    assert_eq!(summary.changes[0].change, "C2 reply → C3 save call");
    assert_eq!(summary.first_changed[0].before, "C2A, C2, R2, R3, R4");
    assert_eq!(summary.first_changed[0].after, "C3, R2, R3, R4");
}

#[test]
fn a_route_change_within_the_reply_path_shows_its_steps() {
    let mut draft = rules("1,000.00", "1,000.00");
    draft
        .routes
        .insert(LevelId::new(1), CancellationRoute::CheckAr);
    let f = facts(RequestKind::Cancel, CancellationRoute::Essentials, 0, 1);
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        draft,
        &[row(1, LevelId::new(1), &f)],
    );
    assert_eq!(summary.changes[0].change, "C2 → C2A, C2");
}

#[test]
fn an_unreadable_snapshot_is_counted_not_replayed() {
    let f = facts(RequestKind::Cancel, CancellationRoute::Essentials, 0, 1);
    let mut broken = row(2, LevelId::new(1), &f);
    broken.facts_snapshot = "{\"customer_name\": 12".to_owned();
    let mut wrong_shape = row(3, LevelId::new(1), &f);
    wrong_shape.facts_snapshot = "[]".to_owned();
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        rules("0", "0"),
        &[row(1, LevelId::new(1), &f), broken, wrong_shape],
    );
    assert_eq!((summary.replayed, summary.not_replayable), (1, 2));
}

#[test]
fn a_departed_rep_stays_as_the_snapshot_recorded_them() {
    let mut f = facts(RequestKind::Cancel, CancellationRoute::SalesCall, 0, 1);
    f.original_rep = Some(RepFacts {
        name: "Morgan".to_owned(),
        active: false,
    });
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        rules("1,000.00", "1,000.00"),
        &[row(1, LevelId::new(4), &f)],
    );
    assert_eq!(summary.save_tasks.len(), 1);
    assert_eq!(summary.save_tasks[0].name, "Spencer");
}

#[test]
fn the_list_of_changed_cases_stops_at_100_and_the_counts_do_not() {
    let cases: Vec<ReplayCaseRow> = (1..=150)
        .map(|i| {
            let f = facts(RequestKind::Cancel, CancellationRoute::CheckAr, 100_000, 1);
            row(i, PROFESSIONAL, &f)
        })
        .collect();
    let summary = replay(
        rules("1,000.00", "1,000.00"),
        rules("999.99", "1,000.00"),
        &cases,
    );
    assert_eq!(summary.changed, 150);
    assert_eq!(summary.first_changed.len(), 100);
    assert_eq!(summary.changes[0].cases, 150);
}

// ---- properties ------------------------------------------------------------

prop_compose! {
    fn any_facts()(
        (request, route, ar, refund) in any_request_route_and_amounts(10),
        rep in proptest::option::of(any::<bool>()),
    ) -> CaseFacts {
        let mut f = facts(request, route, ar, refund);
        f.original_rep = rep.map(|active| RepFacts { name: "Riley".to_owned(), active });
        f
    }
}

fn limits(ar: i64, review: i64) -> Rules {
    Rules {
        policy: Policy {
            version: 1,
            ar_limit: Money::from_cents(ar).unwrap(),
            refund_review_limit: Money::from_cents(review).unwrap(),
        },
        routes: seeded_routes(),
    }
}

/// The level of the seeded ones whose route is `route`.
fn level_with(route: CancellationRoute) -> LevelId {
    match route {
        CancellationRoute::Essentials => LevelId::new(1),
        CancellationRoute::CheckAr => PROFESSIONAL,
        CancellationRoute::SalesCall => LevelId::new(4),
    }
}

proptest! {
    /// Intake stores the facts and `decide`'s decision; the replay of the
    /// snapshot under the case's own policy and routes gives that decision.
    #[test]
    fn a_case_replayed_under_its_own_policy_gives_its_stored_decision(
        facts in any_facts(),
        ar in any_limit(),
        review in any_limit(),
    ) {
        let own = limits(ar, review);
        let stored: Decision = serde_json::from_str(
            &serde_json::to_string(&decide(&facts, &own.policy, &crate::procedure::Replies::seeded())).unwrap(),
        ).unwrap();
        let level = level_with(facts.level.route);
        let mut snapshot: CaseFacts =
            serde_json::from_str(&serde_json::to_string(&facts).unwrap()).unwrap();
        let route = snapshot.level.route;
        let replayed = decide_under(&mut snapshot, level, route, &own);
        prop_assert_eq!(Outcome::of(&replayed), Outcome::of(&stored));
        prop_assert_eq!(replayed, stored);
    }

    #[test]
    fn a_draft_equal_to_today_changes_nothing(
        cases in proptest::collection::vec(any_facts(), 1..20),
        ar in any_limit(),
        review in any_limit(),
    ) {
        let rows: Vec<ReplayCaseRow> = cases
            .iter()
            .enumerate()
            .map(|(i, f)| row(i as i32, level_with(f.level.route), f))
            .collect();
        let summary = replay(limits(ar, review), limits(ar, review), &rows);
        prop_assert_eq!(summary.replayed, rows.len() as u64);
        prop_assert_eq!(summary.changed, 0);
        prop_assert!(summary.changes.is_empty());
        prop_assert!(summary.save_tasks.iter().all(|a| a.today == a.draft));
    }

    /// A new A/R limit changes a case iff it is a Check A/R cancellation
    /// whose balance lies between the two limits (over the lower, at most
    /// the higher); a new review limit, iff its refund does.
    #[test]
    fn a_limit_moves_exactly_the_cases_between_the_old_and_the_new_limit(
        f in any_facts(),
        (old, new) in (any_limit(), any_limit()),
        ar_or_review in any::<bool>(),
    ) {
        let (today, draft) = if ar_or_review {
            (limits(old, 100_000), limits(new, 100_000))
        } else {
            (limits(100_000, old), limits(100_000, new))
        };
        let between = |cents: i64| old.min(new) < cents && cents <= old.max(new);
        let expected = if ar_or_review {
            f.request.includes_cancellation()
                && f.level.route == CancellationRoute::CheckAr
                && between(f.ar_balance.to_cents())
        } else {
            f.refund.as_ref().is_some_and(|r| between(r.amount.to_cents()))
        };
        let summary = replay(today, draft, &[row(1, level_with(f.level.route), &f)]);
        prop_assert_eq!(summary.changed == 1, expected);
    }
}

/// One replay at a time per app: the app's workers share the gate (a
/// clone), another app in the same process has its own.
#[tokio::test]
async fn one_replay_at_a_time_per_app() {
    use std::time::Duration;

    use crate::state::OneAtATime;

    let gate = OneAtATime::default();
    let held = gate.enter(Duration::ZERO).await.expect("the gate is free");
    let same_app = gate.clone();
    assert!(same_app.enter(Duration::from_millis(5)).await.is_none());
    let other_app = OneAtATime::default();
    assert!(other_app.enter(Duration::ZERO).await.is_some());
    drop(held);
    assert!(same_app.enter(Duration::ZERO).await.is_some());
}
