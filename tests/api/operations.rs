//! What the team needs on day one: backups that restore, a CSV export, and
//! a log that records security events but never a secret.

use std::process::Command;

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(
            NewCase::new()
                .customer(&format!("Backed Up {i}"))
                .submit_for_id(&alex)
                .await,
        );
    }
    let backup = app.dir.path().join("backup.sqlite3");
    let output = Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["backup", "--to"])
        .arg(&backup)
        .env("RD_DATABASE", &app.settings.database)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let again = Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["backup", "--to"])
        .arg(&backup)
        .env("RD_DATABASE", &app.settings.database)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "a backup never overwrites");

    let restored_dir = tempfile::tempdir().unwrap();
    let restored_path = restored_dir.path().join("retention-desk.sqlite3");
    std::fs::copy(&backup, &restored_path).unwrap();
    let restored = spawn_app_with(|s| {
        s.database = restored_path.clone();
        s.demo = false;
    })
    .await;
    let alex = restored.signed_in("alex").await;
    for id in ids {
        let (status, body) = alex.page(&format!("/cases/{id}")).await;
        assert_eq!(status, StatusCode::OK, "case {id} restored");
        assert!(body.contains("Backed Up"));
    }
}

#[tokio::test]
async fn billing_exports_the_filtered_cases_as_csv_with_plain_amounts() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    NewCase::new()
        .customer("Comma, \"Quoted\" Name")
        .refund("$1,250.00", "Twice billed")
        .ar("-50")
        .submit(&alex)
        .await;
    NewCase::new()
        .customer("Only Cancelling")
        .submit(&alex)
        .await;

    let heather = app.signed_in("heather").await;
    let response = heather
        .get("/cases/export.csv?status=refund%3Abilling_in_progress")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(&rows[0][2], "Comma, \"Quoted\" Name");
    assert_eq!(&rows[0][5], "-50.00");
    assert_eq!(&rows[0][6], "1250.00");
    assert_eq!(&rows[0][8], "Billing in progress");

    let everything = heather.get("/cases/export.csv").await.text().await.unwrap();
    assert_eq!(everything.lines().count(), 3, "header and both cases");

    assert_eq!(
        alex.get("/cases/export.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in("admin").await;
    assert_eq!(
        admin.get("/cases/export.csv").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_export_streams_more_rows_than_one_batch() {
    let app = spawn_app().await;
    let agent = app.staff_id("alex");
    let (essentials, app_01) = (Level::Essentials.id(), Server::App01.id());
    app.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
         INSERT INTO cases (customer_name, account_id, request, level_id, server_id, ar_balance_cents,
             submitted_by, policy_version, facts_snapshot, decision, cancellation_status, is_open,
             created_at, updated_at)
         SELECT 'Bulk ' || i, 'BULK-' || i, 'cancel', {essentials}, {app_01}, 125000, {agent}, 1, '{{}}', '{{}}',
             'reply_to_send', 1, {START}, {START} FROM n"
    ))
    .unwrap();
    let heather = app.signed_in("heather").await;
    let body = heather.get("/cases/export.csv").await.text().await.unwrap();
    assert_eq!(body.lines().count(), 2_501);
    assert!(body.lines().nth(1).unwrap().contains(",1250.00,"));
}

#[tokio::test]
async fn security_events_are_logged_and_secrets_never_are() {
    let app = spawn_app().await;
    let wrong = "wrong-but-secret-password";
    app.browser().sign_in("alex", wrong).await;
    let alex = app.signed_in("alex").await;
    let cookie = alex.cookie_header().unwrap();
    let session_value = cookie.split_once('=').unwrap().1.to_owned();
    let token = alex.csrf_token().unwrap();
    let riley = app.signed_in("riley").await;
    assert_eq!(riley.get("/billing").await.status(), StatusCode::FORBIDDEN);
    for _ in 0..11 {
        app.browser().sign_in("heather", wrong).await;
    }

    let forged = alex.post_raw("/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let admin = app.signed_in("admin").await;
    admin.page("/admin/staff").await;
    let riley_id = app.staff_id("riley");
    let departed = admin
        .post(&format!("/admin/staff/{riley_id}/depart"), &[])
        .await;
    assert_eq!(departed.status(), StatusCode::SEE_OTHER);

    let log = captured_logs();
    assert!(
        log.lines().any(|l| l.contains("marked as departed")
            && l.contains("departed=riley")
            && l.contains("address=127.0.0.1")),
        "departures are logged with who and from where"
    );
    let lines = |needle: &str| {
        log.lines()
            .filter(|l| l.contains(needle))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let failures = lines("sign-in failed");
    assert!(
        failures
            .iter()
            .any(|l| l.contains("username=alex") && l.contains("address=127.0.0.1")),
        "{failures:?}"
    );
    assert!(
        lines("signed in")
            .iter()
            .any(|l| l.contains("username=alex"))
    );
    assert!(lines("403").iter().any(|l| l.contains("username=riley")
        && l.contains("address=127.0.0.1")
        && l.contains("/billing")));
    assert!(
        lines("throttled")
            .iter()
            .any(|l| l.contains("username=heather"))
    );
    let alex_id = app.staff_id("alex");
    assert!(
        lines("CSRF token missing")
            .iter()
            .any(|l| l.contains(&format!("staff_id={alex_id}")) && l.contains("address=127.0.0.1")),
        "CSRF refusals are logged with who and from where"
    );
    for secret in [wrong, PASSWORD, session_value.as_str(), token.as_str()] {
        assert!(!log.contains(secret), "the log contains a secret: {secret}");
    }
}

#[tokio::test]
async fn the_slack_webhook_url_never_reaches_the_log_or_the_page() {
    // Nothing listens on port 9: every delivery attempt fails and is logged.
    let secret = "T000/B000/WEBHOOK-SECRET-abc123";
    let app = spawn_app_with(|s| {
        s.slack_webhook_url = Some(format!("http://127.0.0.1:9/services/{secret}"))
    })
    .await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .refund("2500", "Outage")
        .submit_for_id(&alex)
        .await;
    let worker = retention_desk::notify::OutboxWorker::new(&app.state).unwrap();
    for _ in 0..3 {
        worker.run_until_idle().await.unwrap();
        app.clock.advance(600);
    }
    let (_, page) = alex.page(&format!("/cases/{case}")).await;
    assert!(
        page.contains("pending"),
        "the failed attempts leave it pending"
    );
    let log = captured_logs();
    assert!(log.contains("Slack"), "delivery attempts are logged");
    assert!(!log.contains("WEBHOOK-SECRET") && !page.contains("WEBHOOK-SECRET"));
}

#[tokio::test]
async fn demo_data_fills_a_database_the_demo_accounts_work_on() {
    let app = spawn_app_on_demo_data(400).await;
    assert_eq!(app.count("cases"), 400);
    // The load checks no constraint row by row: the rows must meet them all.
    assert_eq!(
        app.integrity_check(),
        "ok",
        "NOT NULL and CHECK constraints"
    );
    assert_eq!(app.foreign_key_violations(), 0);
    assert!(
        app.count("save_tasks") > 0
            && app.count("billing_items") > 0
            && app.count("case_events") >= 400
    );

    let indexes = |app: &TestApp| -> Vec<String> {
        let mut names: Vec<String> = app
            .schema()
            .into_iter()
            .filter(|(kind, ..)| kind == "index" || kind == "trigger")
            .map(|(_, name, _)| name)
            .collect();
        names.sort();
        names
    };
    let fresh = spawn_app().await;
    assert_eq!(
        indexes(&app),
        indexes(&fresh),
        "every index and trigger is back after the load"
    );

    let routes = app.cancellation_statuses();
    assert!(routes.len() >= 4, "cases in several statuses: {routes:?}");

    let alex = app.signed_in("alex").await;
    let (_, list) = alex.page("/cases").await;
    let first_name = texts(&list, "tbody tr td:nth-child(2)").remove(0);
    let (_, found) = alex
        .page(&format!("/cases?q={}", first_name.replace(' ', "+")))
        .await;
    assert!(
        !texts(&found, "tbody tr").is_empty(),
        "the search index was filled"
    );
    let spencer = app.signed_in("spencer").await;
    let (_, tasks) = spencer.page("/tasks").await;
    assert!(!texts(&tasks, "tbody tr").is_empty());
    let heather = app.signed_in("heather").await;
    let (_, queue) = heather.page("/billing").await;
    assert!(!texts(&queue, "tbody tr").is_empty());
}

#[test]
fn demo_data_off_a_terminal_reports_progress_at_every_tenth() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["demo-data", "--cases", "250"])
        .env("RD_DATABASE", dir.path().join("demo.sqlite3"))
        .output()
        .expect("demo-data runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let progress: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("demo-data: "))
        .collect();
    let percents: Vec<&str> = progress
        .iter()
        .filter_map(|l| l.split_once(" cases (")?.1.split_once(" %)"))
        .map(|(percent, _)| percent)
        .collect();
    assert_eq!(
        percents,
        ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100"],
        "{stderr}"
    );
    assert!(
        progress[..10].iter().all(|l| l.contains(" of 250 cases (")
            && l.contains(" cases/s, ")
            && l.ends_with(" s left")),
        "{stderr}"
    );
    assert_eq!(
        progress.get(10),
        Some(&"demo-data: building the indexes and the search index")
    );
    assert!(
        !stderr.contains('\r'),
        "no line is rewritten in place off a terminal"
    );
}
