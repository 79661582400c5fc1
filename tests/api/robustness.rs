//! Crashes and concurrency lose nothing: a case acknowledged with a 303
//! survives `kill -9`, and many people at once never see "database is locked".

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

/// Starts the real binary as a child process and waits until it answers.
async fn serve(database: &std::path::Path) -> ServedBinary {
    serve_binary(database, &[("RD_LOG", "warn")], Stdio::null()).await
}

async fn signed_in(base: &str, username: &str) -> Browser {
    let browser = Browser::new(base);
    let response = browser.sign_in(username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
}

#[tokio::test]
async fn every_acknowledged_case_survives_a_kill_9_mid_load() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("crash.sqlite3");
    let mut server = serve(&database).await;

    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for client in 0..4 {
        let browser = signed_in(&server.base, "alex").await;
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let account = format!("CRASH-{client}-{i}");
                let Ok(page) = browser.client.get(browser.url("/cases/new")).send().await else {
                    break;
                };
                let Ok(body) = page.text().await else { break };
                let Some(token) = hidden_value(&body, "submission_token") else {
                    break;
                };
                let csrf = hidden_value(&body, "csrf_token").unwrap_or_default();
                let mut form = NewCase::new()
                    .customer("Crash Test")
                    .account(&account)
                    .form(&token);
                form.insert(0, ("csrf_token".to_owned(), csrf));
                match browser
                    .client
                    .post(browser.url("/cases"))
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(response) if response.status() == StatusCode::SEE_OTHER => {
                        acknowledged.push(account)
                    }
                    Ok(response) => assert!(
                        !response.status().is_server_error(),
                        "{}",
                        response.status()
                    ),
                    Err(_) => break, // the server died mid-request: not acknowledged
                }
            }
            acknowledged
        }));
    }
    // Let the load run, then kill the server without warning while clients post.
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for client in clients {
        acknowledged.extend(client.await.unwrap());
    }
    assert!(
        acknowledged.len() >= 10,
        "the load ran: {} cases",
        acknowledged.len()
    );

    let restarted = serve(&database).await;
    assert_eq!(
        reqwest::get(format!("{}/health", restarted.base))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    drop(restarted);

    // Opened in this process, like any test's app, to read what was kept.
    let app = spawn_app_with(|s| {
        s.database = database.clone();
        s.demo = false;
    })
    .await;
    let stored = app.account_ids();
    for account in &acknowledged {
        assert!(
            stored.contains(account),
            "{account} was acknowledged but is gone"
        );
    }
    assert_eq!(app.integrity_check(), "ok");
}

#[tokio::test]
async fn eight_agents_and_two_billing_users_at_once_never_see_a_locked_database() {
    let app = spawn_app().await;
    // A second billing person, with Heather's (demo) password.
    app.execute(
        "INSERT INTO staff (username, full_name, role, password_hash, created_at)
         SELECT 'billie', 'Billie', 'billing', password_hash, created_at FROM staff WHERE username = 'heather'",
    )
    .unwrap();
    let alex = app.signed_in("alex").await;
    let mut refunds = Vec::new();
    for _ in 0..20 {
        let case = NewCase::new()
            .refund("100", "Overcharge")
            .submit_for_id(&alex)
            .await;
        refunds.push(case);
    }

    let mut work = Vec::new();
    for _ in 0..8 {
        let agent = app.signed_in("alex").await;
        work.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..10 {
                let response = NewCase::new().submit(&agent).await;
                statuses.push((response.status(), response.text().await.unwrap_or_default()));
            }
            statuses
        }));
    }
    for username in ["heather", "billie"] {
        let billing = app.signed_in(username).await;
        billing.page("/billing").await;
        let refunds = refunds.clone();
        work.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for case in refunds {
                let response = billing
                    .post(
                        &format!("/cases/{case}/refund/issue"),
                        &[("payment_reference", "PAY")],
                    )
                    .await;
                statuses.push((response.status(), response.text().await.unwrap_or_default()));
            }
            statuses
        }));
    }
    for task in work {
        for (status, body) in task.await.unwrap() {
            assert!(!status.is_server_error(), "{status}: {body}");
            assert!(!body.contains("database is locked"));
            assert!(
                status == StatusCode::SEE_OTHER || status == StatusCode::CONFLICT,
                "{status}"
            );
        }
    }
    assert_eq!(app.count("cases"), 20 + 80);
    let issued = app.count_where("billing_items", "status = 'issued'");
    assert_eq!(issued, 20, "each refund issued once");
    assert!(!captured_logs().contains("database is locked"));
}
