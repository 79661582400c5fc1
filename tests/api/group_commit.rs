//! Group commit seen from outside: many submissions at once share one
//! commit, each stands or falls on its own, and nothing is acknowledged
//! before the commit that stores it.

use futures_util::future::join_all;
use reqwest::StatusCode;

use crate::helpers::*;

/// The new-case forms `browser` opened, one per case, filled in.
async fn opened_forms(browser: &Browser, cases: &[NewCase]) -> Vec<Vec<(String, String)>> {
    let mut forms = Vec::new();
    for case in cases {
        let (status, body) = browser.page("/cases/new").await;
        assert_eq!(status, StatusCode::OK);
        let token = hidden_value(&body, "submission_token").expect("a one-time form token");
        forms.push(case.form(&token));
    }
    forms
}

/// Posts every form at once.
async fn post_all(browser: &Browser, forms: &[Vec<(String, String)>]) -> Vec<reqwest::Response> {
    join_all(
        forms
            .iter()
            .map(|form| async move { browser.post("/cases", &borrowed(form)).await }),
    )
    .await
}

/// A refund over the review limit, so a stored case also has a billing
/// item, log lines and a Slack heads-up in the outbox.
fn refund_case(account: &str) -> NewCase {
    NewCase::new()
        .account(account)
        .cancel_and_refund("2500", "Annual plan paid in advance")
}

/// Everything a submission writes, counted.
fn written(app: &TestApp) -> [i64; 5] {
    [
        "cases",
        "case_events",
        "billing_items",
        "outbox_messages",
        "case_submissions",
    ]
    .map(|table| app.count(table))
}

#[tokio::test]
async fn fifty_submissions_at_once_store_every_valid_one_and_nothing_of_the_invalid() {
    let app = spawn_app().await;
    // Intake refuses a retired server inside its write, after the batch's
    // other actions have written: only its savepoint may roll back.
    app.execute("UPDATE servers SET retired_at = 1 WHERE id = 2")
        .unwrap();
    let alex = app.signed_in("alex").await;
    let invalid = |i: usize| i % 5 == 4;
    let cases: Vec<NewCase> = (0..50)
        .map(|i| {
            let case = refund_case(&format!("GROUP-{i}"));
            if invalid(i) {
                case.server(Server::App02)
            } else {
                case
            }
        })
        .collect();
    let forms = opened_forms(&alex, &cases).await;

    let batches = app.state.db.stats().writer_batch_size.clone();
    let shared_before = batches.sum() - batches.count() as f64;
    app.state.db.writer_hooks().hold_next_batch_until(50);
    let responses = post_all(&alex, &forms).await;

    let mut stored_cases = Vec::new();
    for (i, response) in responses.into_iter().enumerate() {
        let account = format!("GROUP-{i}");
        if invalid(i) {
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{i}");
            let body = response.text().await.unwrap();
            assert!(
                body.contains("Choose a hosting server from the list"),
                "{i}: {body}"
            );
            assert!(body.contains(&account), "{i}: the form comes back as typed");
            assert_eq!(
                app.count_where("cases", &format!("account_id = '{account}'")),
                0
            );
        } else {
            let case = case_id(&response);
            let stored = format!("id = {case} AND account_id = '{account}'");
            assert_eq!(app.count_where("cases", &stored), 1, "{i}: its own case");
            assert_eq!(
                app.billing_of(case),
                Some((250_000, "needs_review".to_owned()))
            );
            stored_cases.push(case);
        }
    }
    let log_lines = app.case_log(stored_cases[0]).len() as i64;
    assert_eq!(
        written(&app),
        [40, 40 * log_lines, 40, 40, 40],
        "the 40 valid cases with their log, billing item, heads-up and token; nothing else"
    );
    // Every commit counts its actions; one of 50 actions counts 49 more
    // than 50 commits of one would.
    let shared = batches.sum() - batches.count() as f64 - shared_before;
    assert!(shared >= 49.0, "the submissions shared a commit: {shared}");
}

#[tokio::test]
async fn a_batch_whose_commit_fails_acknowledges_none_of_its_submissions() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let cases: Vec<NewCase> = (0..5)
        .map(|i| refund_case(&format!("UNCOMMITTED-{i}")))
        .collect();
    let forms = opened_forms(&alex, &cases).await;
    let before = written(&app);

    let hooks = app.state.db.writer_hooks();
    hooks.set_commits_fail(true);
    hooks.hold_next_batch_until(forms.len());
    let responses = post_all(&alex, &forms).await;
    hooks.set_commits_fail(false);

    for response in responses {
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(location(&response), None, "not sent on to a case");
        let body = response.text().await.unwrap();
        assert!(body.contains("Nothing was changed"), "{body}");
    }
    assert_eq!(written(&app), before, "nothing of the batch was stored");

    // The writer goes on, and the same forms can be sent again.
    for form in &forms {
        let response = alex.post("/cases", &borrowed(form)).await;
        case_id(&response);
    }
    assert_eq!(app.count("cases"), before[0] + 5);
    NewCase::new().submit_for_id(&alex).await;
}
