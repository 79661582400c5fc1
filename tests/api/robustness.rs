//! Crashes and concurrency lose nothing: a case acknowledged with a 303
//! survives `kill -9`, and many people at once never see "database is locked".

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::*;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the real binary as a child process and waits until it answers.
async fn serve(database: &std::path::Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("RD_DATABASE", database)
        .env("RD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{}/health", server.base)).send().await
            && response.status() == StatusCode::OK
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
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
                let fields = [
                    ("csrf_token", csrf.as_str()),
                    ("customer_name", "Crash Test"),
                    ("account_id", account.as_str()),
                    ("level_id", ESSENTIALS),
                    ("server_id", APP_01),
                    ("ar_balance", "0"),
                    ("original_rep", "unknown"),
                    ("request", "cancel"),
                    ("submission_token", token.as_str()),
                ];
                match browser
                    .client
                    .post(browser.url("/cases"))
                    .form(&fields)
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

    let mut conn = SqliteConnection::establish(database.to_str().unwrap()).unwrap();
    use retention_desk::db::schema::cases;
    let stored: Vec<String> = cases::table
        .select(cases::account_id)
        .load(&mut conn)
        .unwrap();
    for account in &acknowledged {
        assert!(
            stored.contains(account),
            "{account} was acknowledged but is gone"
        );
    }
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Check = diesel::sql_query("PRAGMA integrity_check")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(check.integrity_check, "ok");
}

#[tokio::test]
async fn eight_agents_and_two_billing_users_at_once_never_see_a_locked_database() {
    let app = spawn_app().await;
    // A second billing person, with Heather's (demo) password.
    app.db(|conn| {
        diesel::sql_query(
            "INSERT INTO staff (username, full_name, role, password_hash, created_at)
             SELECT 'billie', 'Billie', 'billing', password_hash, created_at FROM staff WHERE username = 'heather'",
        )
        .execute(conn)
        .unwrap();
    });
    let alex = app.signed_in("alex").await;
    let mut refunds = Vec::new();
    for _ in 0..20 {
        let response = submit_case(
            &alex,
            &[
                ("request", "refund"),
                ("refund_amount", "100"),
                ("refund_reason", "Overcharge"),
            ],
        )
        .await;
        refunds.push(case_id(&response));
    }

    let mut work = Vec::new();
    for _ in 0..8 {
        let agent = app.signed_in("alex").await;
        work.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..10 {
                let response = submit_case(&agent, &[]).await;
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
    let issued: i64 = app.db(|conn| {
        use retention_desk::db::schema::billing_items;
        billing_items::table
            .filter(billing_items::status.eq("issued"))
            .count()
            .get_result(conn)
            .unwrap()
    });
    assert_eq!(issued, 20, "each refund issued once");
    assert!(!captured_logs().contains("database is locked"));
}
