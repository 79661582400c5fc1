//! Save tasks and the billing queue: outcomes, exactly-once refunds,
//! per-object access, order and paging.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;

use crate::helpers::*;

/// A C3 case whose save task goes to Riley.
async fn rileys_case(alex: &Browser) -> i32 {
    NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_for_id(alex)
        .await
}

#[tokio::test]
async fn saved_closes_the_task_and_retains_the_customer() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = rileys_case(&alex).await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    let (_, page) = riley.page("/tasks").await;
    assert!(page.contains(&format!("/cases/{case}")));
    let response = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "saved"), ("call_notes", "Offered a discount")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.task_for(case), (task, false, 1, Some("saved".into())));
    assert_eq!(app.cancellation_of(case).as_deref(), Some("retained"));
    assert_eq!(
        app.events(case, "save_outcome"),
        ["Saved: the customer stays. Offer made: No offer. Notes: Offered a discount"]
    );
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(body.contains("Retained") && body.contains("Closed"));
    let (_, page) = riley.page("/tasks").await;
    assert!(
        !page.contains(&format!("/cases/{case}\"")),
        "the task left the queue"
    );
}

#[tokio::test]
async fn not_saved_puts_the_c2_reply_on_the_agents_waiting_list() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = rileys_case(&alex).await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "not_saved"), ("call_notes", "")],
        )
        .await;
    assert_eq!(app.cancellation_of(case).as_deref(), Some("reply_to_send"));
    let (_, waiting) = alex.page("/cases/new").await;
    assert!(waiting.contains(&format!("/cases/{case}")));
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    let reply = texts(&body, "pre.reply").join(" ");
    assert!(
        reply.contains("https://survey.example.com/exit?server=app-01"),
        "{reply}"
    );
    assert!(body.contains("Mark reply sent"));
}

#[tokio::test]
async fn no_answer_keeps_the_task_open_and_counts_attempts() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = rileys_case(&alex).await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    for _ in 0..2 {
        let response = riley
            .post(
                &format!("/tasks/{task}/outcome"),
                &[("outcome", "no_answer"), ("call_notes", "Voicemail")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.task_for(case), (task, true, 2, None));
    assert_eq!(
        app.cancellation_of(case).as_deref(),
        Some("awaiting_save_call")
    );
    assert_eq!(app.events(case, "save_outcome").len(), 2);
    let (_, page) = riley.page("/tasks").await;
    let row = texts(&page, &format!("#task-{task} td.num"));
    assert!(row.contains(&"2".to_owned()), "attempts shown: {row:?}");
}

#[tokio::test]
async fn a_rep_cannot_work_another_reps_task_and_sees_only_their_own() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    // Unknown rep: the task falls back to Spencer.
    let case = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Unknown)
        .submit_for_id(&alex)
        .await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    let (_, page) = riley.page("/tasks").await;
    assert!(
        !page.contains(&format!("/cases/{case}\"")),
        "not on Riley's list"
    );
    let response = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "saved"), ("call_notes", "")],
        )
        .await;
    assert!(matches!(
        response.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    assert_eq!(app.task_for(case), (task, true, 0, None), "untouched");
    assert!(app.events(case, "save_outcome").is_empty());

    let spencer = app.signed_in("spencer").await;
    let (_, page) = spencer.page("/tasks").await;
    assert!(
        page.contains(&format!("/cases/{case}")),
        "Spencer sees every open task"
    );
    assert!(page.contains("fell back"));
}

#[tokio::test]
async fn an_unknown_outcome_comes_back_with_an_error_beside_the_field() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = rileys_case(&alex).await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    let response = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "maybe"), ("call_notes", "kept")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert_eq!(texts(&body, &format!("#outcome-{task}-error")).len(), 1);
    assert_eq!(
        attrs(&body, &format!("#call_notes-{task}"), "value"),
        ["kept"]
    );
    assert_eq!(app.task_for(case), (task, true, 0, None));
}

async fn refund_case(alex: &Browser, amount: &str) -> i32 {
    NewCase::new()
        .refund(amount, "Double charge")
        .submit_for_id(alex)
        .await
}

#[tokio::test]
async fn ten_concurrent_issue_posts_issue_the_refund_exactly_once() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = refund_case(&alex, "250").await;
    let heather = app.signed_in("heather").await;
    heather.page(&format!("/cases/{case}")).await;
    let path = format!("/cases/{case}/refund/issue");
    let posts = (0..10).map(|i| {
        let reference = format!("PAY-{i}");
        let heather = &heather;
        let path = &path;
        async move {
            heather
                .post(path, &[("payment_reference", &reference)])
                .await
        }
    });
    let responses = futures_util::future::join_all(posts).await;
    let mut redirects = 0;
    for response in responses {
        let status = response.status();
        assert!(!status.is_server_error(), "{status}");
        if status == StatusCode::SEE_OTHER {
            redirects += 1;
        } else {
            assert_eq!(status, StatusCode::CONFLICT);
            let body = response.text().await.unwrap();
            assert!(
                body.contains("already issued by Heather at 09:00 UTC"),
                "{body}"
            );
        }
    }
    assert_eq!(redirects, 1);
    assert_eq!(app.events(case, "refund_issued").len(), 1);
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(body.contains("Refund issued"));
}

#[tokio::test]
async fn a_review_refund_is_approved_then_issued_and_the_agent_sees_it() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = refund_case(&alex, "2500").await;
    let heather = app.signed_in("heather").await;
    let (_, queue) = heather.page("/billing").await;
    assert!(queue.contains("Needs review") && queue.contains(&format!("/cases/{case}")));
    let (_, page) = heather.page(&format!("/cases/{case}")).await;
    assert!(page.contains("Approve refund") && !page.contains("Mark refund issued"));

    let early = heather
        .post(
            &format!("/cases/{case}/refund/issue"),
            &[("payment_reference", "")],
        )
        .await;
    assert_eq!(
        early.status(),
        StatusCode::CONFLICT,
        "not issued before review"
    );

    let approved = heather
        .post(
            &format!("/cases/{case}/refund/review"),
            &[("review_notes", "Checked"), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let (_, page) = heather.page(&format!("/cases/{case}")).await;
    assert!(page.contains("Mark refund issued") && page.contains("Approved"));
    let issued = heather
        .post(
            &format!("/cases/{case}/refund/issue"),
            &[("payment_reference", "PAY-77")],
        )
        .await;
    assert_eq!(issued.status(), StatusCode::SEE_OTHER);

    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(body.contains("Refund issued") && body.contains("PAY-77"));
    let status = app.refund_of(case);
    assert_eq!(status.as_deref(), Some("refund_issued"));
}

#[tokio::test]
async fn a_denied_refund_shows_its_reason_and_waits_for_the_agent() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = refund_case(&alex, "$5,000.00").await;
    let heather = app.signed_in("heather").await;
    heather.page(&format!("/cases/{case}")).await;
    let no_reason = heather
        .post(
            &format!("/cases/{case}/refund/review"),
            &[("review_notes", ""), ("decision", "deny")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&no_reason.text().await.unwrap(), "#review_notes-error").len(),
        1
    );
    let denied = heather
        .post(
            &format!("/cases/{case}/refund/review"),
            &[
                ("review_notes", "Outside the refund window"),
                ("decision", "deny"),
            ],
        )
        .await;
    assert_eq!(denied.status(), StatusCode::SEE_OTHER);

    let (_, waiting) = alex.page("/cases/new").await;
    assert!(waiting.contains(&format!("/cases/{case}")) && waiting.contains("Refund denied"));
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(body.contains("Refund denied") && body.contains("Outside the refund window"));
    let (_, waiting) = alex.page("/cases/new").await;
    assert!(
        !waiting.contains(&format!("/cases/{case}\"")),
        "seen: off the waiting list"
    );
}

#[tokio::test]
async fn agents_see_no_billing_buttons_and_their_billing_posts_are_403() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = refund_case(&alex, "2500").await;
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    for button in ["Approve refund", "Deny refund", "Mark refund issued"] {
        assert!(!body.contains(button), "{button}");
    }
    for (path, fields) in [
        ("refund/issue", vec![("payment_reference", "X")]),
        (
            "refund/review",
            vec![("review_notes", "ok"), ("decision", "approve")],
        ),
    ] {
        let response = alex.post(&format!("/cases/{case}/{path}"), &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (_, review) = app.billing_of(case).unwrap();
    assert_eq!(review, "needs_review");
}

/// Inserts `n` open cases, each with a save task for `assignee` and a refund in the queue.
fn bulk_work(app: &TestApp, n: i32, assignee: i32) {
    let agent = app.staff_id("alex");
    let (smb, app_01) = (Level::Smb.id(), Server::App01.id());
    app.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
         INSERT INTO cases (customer_name, account_id, request, level_id, server_id, ar_balance_cents,
             refund_amount_cents, submitted_by, policy_version, facts_snapshot, decision,
             cancellation_status, refund_status, is_open, created_at, updated_at)
         SELECT 'Bulk ' || i, 'BULK-' || i, 'cancel_and_refund', {smb}, {app_01}, 0, 1000, {agent}, 1, '{{}}', '{{}}',
             'awaiting_save_call', 'billing_in_progress', 1, {START}, {START} FROM n"
    ))
    .unwrap();
    app.execute(&format!(
        "INSERT INTO save_tasks (case_id, assignee_id, fell_back, is_open, attempts, created_at)
         SELECT id, {assignee}, 0, 1, 0, {START} FROM cases WHERE account_id LIKE 'BULK-%' ORDER BY id"
    ))
    .unwrap();
    app.execute(&format!(
        "INSERT INTO billing_items (case_id, amount_cents, review, status, created_at)
         SELECT id, 1000, 'not_needed', 'in_progress', {START} FROM cases WHERE account_id LIKE 'BULK-%' ORDER BY id"
    ))
    .unwrap();
}

#[tokio::test]
async fn queues_are_oldest_first_paginated_and_cost_one_query_a_page() {
    use diesel::Connection;
    use retention_desk::db::views::queues::{QueueFilter, billing_queue, open_tasks};
    use retention_desk::domain::StaffId;
    let app = spawn_app().await;
    let riley = app.staff_id("riley");
    bulk_work(&app, 3_000, riley);

    let queries = Arc::new(AtomicUsize::new(0));
    let counted = queries.clone();
    let (tasks, billing) = app.db(move |conn| {
        conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
            if matches!(
                event,
                diesel::connection::InstrumentationEvent::StartQuery { .. }
            ) {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        let tasks = open_tasks(conn, Some(StaffId::new(riley)), QueueFilter::default()).unwrap();
        let billing = billing_queue(conn, QueueFilter::default()).unwrap();
        (tasks, billing)
    });
    assert_eq!(
        queries.load(Ordering::SeqCst),
        2,
        "one query per page, whatever the rows"
    );
    assert_eq!(tasks.rows.len(), 50);
    assert!(
        tasks.rows.windows(2).all(|w| w[0].task_id < w[1].task_id),
        "oldest first"
    );
    assert_eq!(billing.rows.len(), 50);
    assert!(
        billing.rows.windows(2).all(|w| w[0].item_id < w[1].item_id),
        "oldest first"
    );

    let riley_browser = app.signed_in("riley").await;
    let (status, page) = riley_browser.page("/tasks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "tbody tr").len(), 50);
    let next = attrs(&page, "nav.pager a", "href");
    assert_eq!(next.len(), 1);
    let (_, second) = riley_browser.page(&next[0]).await;
    assert_eq!(texts(&second, "tbody tr").len(), 50);
    let customers = texts(&second, "tbody tr td:nth-child(2)");
    assert_eq!(
        customers.first().map(String::as_str),
        Some("Bulk 51"),
        "{customers:?}"
    );

    let heather = app.signed_in("heather").await;
    let (_, queue) = heather.page("/billing").await;
    assert_eq!(texts(&queue, "tbody tr").len(), 50);
    assert!(
        queue.contains("Bulk 1<") || queue.contains(">Bulk 1"),
        "oldest first"
    );
}

#[tokio::test]
async fn spencer_reassigns_a_task_and_the_case_logs_it() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Unknown)
        .submit_for_id(&alex)
        .await;
    let (task, ..) = app.task_for(case);
    let riley = app.staff_id("riley");

    let riley_browser = app.signed_in("riley").await;
    riley_browser.page("/tasks").await;
    let refused = riley_browser
        .post(
            &format!("/tasks/{task}/reassign"),
            &[("assignee_id", &riley.to_string())],
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "only the retention owner reassigns"
    );

    let spencer = app.signed_in("spencer").await;
    let (_, page) = spencer.page("/tasks").await;
    assert_eq!(
        attrs(&page, &format!("#reassign-{task} option"), "value"),
        [riley.to_string()],
        "active reps only"
    );
    let departed = app.staff_id("morgan").to_string();
    let invalid = spencer
        .post(
            &format!("/tasks/{task}/reassign"),
            &[("assignee_id", &departed)],
        )
        .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid
            .text()
            .await
            .unwrap()
            .contains("has left the company")
    );

    let moved = spencer
        .post(
            &format!("/tasks/{task}/reassign"),
            &[("assignee_id", &riley.to_string())],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let (assignee, _) = app.task_of(case).unwrap();
    assert_eq!(assignee, riley);
    assert_eq!(
        app.events(case, "reassigned"),
        ["Reassigned from Spencer to Riley: reassigned by Spencer"]
    );
    let (_, rileys) = riley_browser.page("/tasks").await;
    assert!(rileys.contains(&format!("/cases/{case}")));
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(
        texts(&body, "dd").iter().any(|t| t.starts_with("Riley")),
        "the case names the new assignee"
    );
}
