//! What a review and a probe of the first release found (SPEC §7
//! "Hardening"): sign-in throttling under concurrency, no writes for
//! strangers, tokens replaced at sign-in, one's own password and sessions,
//! secure cookies, formula-safe exports, bounded input, honest logs, and
//! hashes and paths that cannot be turned against the app.

use std::io::{Read, Write};
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{
    Browser, NewCase, PASSWORD, START, TestApp, attrs, borrowed, hidden_value, location, spawn_app,
    spawn_app_with, texts,
};

const INVALID: &str = "Invalid username or password";

/// A browser that has the sign-in form open (its token in hand).
async fn at_the_sign_in_form(app: &TestApp) -> Browser {
    let browser = app.browser();
    let (status, _) = browser.page("/login").await;
    assert_eq!(status, StatusCode::OK);
    browser
}

/// Every table's row count, by name.
fn table_counts(app: &TestApp) -> Vec<(String, i64)> {
    app.schema()
        .into_iter()
        .filter(|(kind, name, _)| {
            kind == "table" && !name.starts_with("sqlite_") && !name.starts_with("cases_search")
        })
        .map(|(_, name, _)| {
            let count = app.count(&name);
            (name, count)
        })
        .collect()
}

#[tokio::test]
async fn fifty_wrong_passwords_at_once_check_at_most_ten_and_never_fail_with_500() {
    let app = spawn_app().await;
    let mut browsers = Vec::new();
    for _ in 0..50 {
        browsers.push(at_the_sign_in_form(&app).await);
    }
    let attempts = browsers.iter().map(|b| {
        b.post(
            "/login",
            &[("username", "riley"), ("password", "wrong-password")],
        )
    });
    for response in join_all(attempts).await {
        let status = response.status();
        let retry_after = response.headers().get("retry-after").cloned();
        let body = response.text().await.unwrap();
        match status {
            StatusCode::OK => assert!(body.contains(INVALID), "{body}"),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry_after.is_some(), "a 503 says when to retry");
                assert!(body.contains("value=\"riley\""), "the username is kept");
            }
            other => panic!("a wrong password answered {other}: {body}"),
        }
    }
    let checked = app.count_where("login_failures", "username = 'riley'");
    assert!(
        checked <= 10,
        "{checked} wrong passwords were checked against the hash"
    );
    let response = app.browser().sign_in("riley", PASSWORD).await;
    assert!(
        response.text().await.unwrap().contains(INVALID),
        "the right password is refused once the username is locked"
    );
}

#[tokio::test]
async fn twenty_people_signing_in_at_once_from_one_address_all_get_in() {
    let app = spawn_app().await;
    let hash = app.password_hash("alex");
    for i in 0..20 {
        app.execute(&format!(
            "INSERT INTO staff (username, full_name, role, password_hash, created_at)
             VALUES ('agent{i}', 'Agent {i}', 'agent', '{hash}', {START})"
        ))
        .unwrap();
    }
    let mut browsers = Vec::new();
    for _ in 0..20 {
        browsers.push(at_the_sign_in_form(&app).await);
    }
    let sign_ins = browsers.iter().enumerate().map(|(i, b)| {
        let username = format!("agent{i}");
        async move {
            b.post("/login", &[("username", &username), ("password", PASSWORD)])
                .await
        }
    });
    for response in join_all(sign_ins).await {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.count("login_failures"), 0);
}

#[tokio::test]
async fn two_hundred_anonymous_requests_write_nothing_but_counted_sign_in_failures() {
    let app = spawn_app().await;
    let before = table_counts(&app);
    let notes = "n".repeat(60 * 1024);
    let case = NewCase::new().notes(&notes).form("anonymous-token");
    for i in 0..200 {
        let browser = app.browser();
        let status = match i % 3 {
            0 => browser.get("/login").await.status(),
            1 => browser.post_raw("/cases", &borrowed(&case)).await.status(),
            _ => browser
                .post_raw("/login", &[("username", "alex"), ("password", "guess")])
                .await
                .status(),
        };
        assert!(status.as_u16() < 500, "request {i} answered {status}");
    }
    let after: Vec<_> = table_counts(&app)
        .into_iter()
        .filter(|(table, _)| table != "login_failures")
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(table, _)| table != "login_failures")
        .collect();
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_case_typed_before_the_sign_in_expired_comes_back_in_that_browser_only() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (_, body) = alex.page("/cases/new").await;
    let token = hidden_value(&body, "submission_token").unwrap();
    app.clock.advance(3 * 60 * 60);
    let form = NewCase::new().customer("Typed Slowly").form(&token);
    let response = alex.post("/cases", &borrowed(&form)).await;
    let login = location(&response).unwrap();
    let resume = login.trim_start_matches("/login?resume=").to_owned();
    assert_eq!(app.count("parked_forms"), 1);

    // Someone else, even signed in as Alex, gets an empty form from the link.
    let elsewhere = app.signed_in("alex").await;
    let (status, page) = elsewhere.page(&format!("/cases/new?resume={resume}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attrs(&page, "input#customer_name", "value"), [""]);

    // The browser it was typed in gets it back after signing in again.
    alex.page(&login).await;
    let response = alex
        .post(
            "/login",
            &[
                ("username", "alex"),
                ("password", PASSWORD),
                ("resume", &resume),
            ],
        )
        .await;
    let (_, page) = alex.page(&location(&response).unwrap()).await;
    assert_eq!(
        attrs(&page, "input#customer_name", "value"),
        ["Typed Slowly"]
    );
}

#[tokio::test]
async fn a_submission_token_matches_only_the_agent_it_was_given_to() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (_, body) = alex.page("/cases/new").await;
    let token = hidden_value(&body, "submission_token").unwrap();
    let form = NewCase::new().customer("Alex's Customer").form(&token);
    let created = alex.post("/cases", &borrowed(&form)).await;
    let case = location(&created).unwrap();

    app.execute(&format!(
        "INSERT INTO staff (username, full_name, role, password_hash, created_at)
         VALUES ('jo', 'Jo', 'agent', '{}', {START})",
        app.password_hash("alex")
    ))
    .unwrap();
    let jo = app.signed_in("jo").await;
    jo.page("/cases/new").await;
    let replayed = jo.post("/cases", &borrowed(&form)).await;
    assert_ne!(
        location(&replayed).as_deref(),
        Some(case.as_str()),
        "another agent's token does not lead to their case"
    );
    assert!(replayed.status().as_u16() < 500);
}

#[tokio::test]
async fn the_csrf_token_is_replaced_at_sign_in_and_the_old_one_is_refused() {
    let app = spawn_app().await;
    let browser = at_the_sign_in_form(&app).await;
    let before = browser.csrf_token().unwrap();
    let response = browser
        .post("/login", &[("username", "alex"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser.page("/cases/new").await;
    let after = browser.csrf_token().unwrap();
    assert_ne!(before, after);
    let response = browser
        .post_raw("/logout", &[("csrf_token", before.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// A password strong enough for the rules.
const NEW_PASSWORD: &str = "Quiet lantern over 9 rivers";

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let here = app.signed_in("alex").await;
    let elsewhere = app.signed_in("alex").await;
    let (status, page) = here.page("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    for label in ["Current password", "New password", "Repeat new password"] {
        assert!(texts(&page, "label").iter().any(|l| l == label), "{label}");
    }
    for weak in ["password123456", "qwertyuiopas"] {
        let response = here.change_password(PASSWORD, weak).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}"
        );
        let body = response.text().await.unwrap();
        let reasons = texts(&body, ".field-error");
        assert!(!reasons.is_empty(), "{weak} is refused with a reason");
    }
    let response = here.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&here.get("/").await).as_deref(),
        Some("/cases/new")
    );
    assert_eq!(
        location(&elsewhere.get("/").await).as_deref(),
        Some("/login")
    );
    let again = app.browser().sign_in("alex", NEW_PASSWORD).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn your_sessions_lists_them_and_signs_the_others_out() {
    let app = spawn_app().await;
    let here = app.signed_in("heather").await;
    let elsewhere = app.signed_in("heather").await;
    let (status, page) = here.page("/account/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "#sessions tbody tr").len(), 2, "{page}");
    let response = here.post("/account/sessions/sign-out-others", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&here.get("/").await).as_deref(), Some("/billing"));
    assert_eq!(
        location(&elsewhere.get("/").await).as_deref(),
        Some("/login")
    );
    let (_, page) = here.page("/account/sessions").await;
    assert_eq!(texts(&page, "#sessions tbody tr").len(), 1);
}

#[tokio::test]
async fn formula_cells_in_the_export_are_neutralised_and_amounts_stay_numbers() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for (customer, account) in [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(A1)"),
        ("@cmd", "-2+3"),
    ] {
        NewCase::new()
            .customer(customer)
            .account(account)
            .ar("-250.00")
            .submit_for_id(&alex)
            .await;
    }
    let heather = app.signed_in("heather").await;
    let csv = heather.get("/cases/export.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        for cell in [&record[2], &record[3]] {
            assert!(cell.starts_with('\''), "{cell} is neutralised");
        }
        assert_eq!(&record[5], "-250.00", "the A/R stays a number");
    }
}

fn set_cookie_names(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split('=').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn secure_cookies_bring_the_host_prefix_and_hsts() {
    for secure in [false, true] {
        let app = spawn_app_with(|s| s.cookie_secure = secure).await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let form = client
            .get(format!("{}/login", app.address))
            .send()
            .await
            .unwrap();
        let hsts = form.headers().get("strict-transport-security").cloned();
        let cookies: Vec<String> = form
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .collect();
        let token = hidden_value(&form.text().await.unwrap(), "csrf_token").unwrap();
        let signed_in = client
            .post(format!("{}/login", app.address))
            .header("cookie", cookies.join("; "))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "alex"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            signed_in.status(),
            StatusCode::SEE_OTHER,
            "secure: {secure}"
        );
        let names = set_cookie_names(&signed_in);
        if secure {
            assert_eq!(
                hsts.as_ref().and_then(|v| v.to_str().ok()),
                Some("max-age=31536000; includeSubDomains")
            );
            assert!(names.iter().any(|n| n == "__Host-rd_session"), "{names:?}");
        } else {
            assert!(hsts.is_none());
            assert!(names.iter().any(|n| n == "rd_session"), "{names:?}");
            assert!(names.iter().all(|n| !n.starts_with("__Host-")));
        }
    }
}

#[tokio::test]
async fn a_search_over_a_hundred_characters_is_refused_with_a_message() {
    let app = spawn_app().await;
    let heather = app.signed_in("heather").await;
    let long = "a".repeat(101);
    let (status, page) = heather.page(&format!("/cases?q={long}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        texts(&page, ".field-error")
            .iter()
            .any(|m| m.contains("100 characters")),
        "{page}"
    );
    let (status, _) = heather.page(&format!("/cases?q={}", "a".repeat(100))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_comment_is_bounded_in_length_and_in_rate() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new().submit_for_id(&alex).await;
    let path = format!("/cases/{case}/comments");
    alex.page(&format!("/cases/{case}")).await;
    let long = "c".repeat(2_001);
    let response = alex.post(&path, &[("comment", long.as_str())]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for i in 0..30 {
        let response = alex.post(&path, &[("comment", &format!("note {i}"))]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "comment {i}");
    }
    let response = alex.post(&path, &[("comment", "one too many")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(61);
    let response = alex.post(&path, &[("comment", "a minute later")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_case_page_shows_the_newest_fifty_log_entries_and_links_to_older_ones() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .refund("100.00", "Charged twice (R3)")
        .submit_for_id(&alex)
        .await;
    for i in 0..60 {
        app.execute(&format!(
            "INSERT INTO case_events (case_id, at, actor_id, kind, body)
             VALUES ({case}, {START} + {i}, NULL, 'comment', 'Bulk note {i}')"
        ))
        .unwrap();
    }
    let (_, page) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(texts(&page, "ol.log li").len(), 50);
    assert!(
        page.contains("Charged twice (R3)"),
        "the R3 reason stays in view"
    );
    let older = attrs(&page, "a.older-entries", "href");
    assert_eq!(older.len(), 1);
    let (status, earlier) = alex.page(&older[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!texts(&earlier, "ol.log li").is_empty());
}

#[tokio::test]
async fn a_non_numeric_path_id_gets_our_404_page_without_the_input() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (status, page) = alex.page("/cases/abc<x>").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("<h1>Not found</h1>"), "{page}");
    assert!(!page.contains("abc"));
    let response = app.browser().get("/cases/abc").await;
    assert_eq!(location(&response).as_deref(), Some("/login"));
}

fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_stored_hash_asking_for_four_gib_is_a_failed_sign_in_without_allocating_it() {
    let app = spawn_app().await;
    let tampered = app.password_hash("alex").replace("m=19456", "m=4194304");
    app.execute(&format!(
        "UPDATE staff SET password_hash = '{tampered}' WHERE username = 'alex'"
    ))
    .unwrap();
    let before = peak_memory_kib();
    let response = app.browser().sign_in("alex", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains(INVALID));
    let grown = peak_memory_kib().saturating_sub(before);
    assert!(grown < 1024 * 1024, "the peak grew by {grown} KiB");
}

#[tokio::test]
async fn a_body_too_large_is_413_with_the_security_headers() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let notes = "n".repeat(100 * 1024);
    let response = alex.post("/cases", &[("notes", notes.as_str())]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(response.headers().contains_key(header), "{header}");
    }
}

/// Adds `n` cases with long names straight into the database, so that an
/// export is larger than what the kernel buffers for a client.
fn many_long_cases(app: &TestApp, n: i32) {
    let agent = app.staff_id("alex");
    app.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
         INSERT INTO cases (customer_name, account_id, request, level_id, server_id, ar_balance_cents,
             submitted_by, policy_version, facts_snapshot, decision, cancellation_status,
             is_open, created_at, updated_at)
         SELECT printf('%.300c customer %d', 'x', i), 'EXP-' || i, 'cancel', 1, 1, 0, {agent}, 1,
             '{{}}', '{{}}', 'reply_to_send', 1, {START}, {START} FROM n"
    ))
    .unwrap();
}

/// Starts an export and never reads it.
fn stalled_export(app: &TestApp, cookie: &str) -> std::net::TcpStream {
    let address = app.address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET /cases/export.csv HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).unwrap();
    stream
}

#[tokio::test]
async fn stalled_exports_hold_no_connection_and_are_given_up() {
    let app = spawn_app_with(|s| s.export_stall_timeout = Duration::from_secs(1)).await;
    many_long_cases(&app, 60_000);
    let heather = app.signed_in("heather").await;
    let cookie = heather.cookie_header().unwrap();
    let stalled: Vec<_> = (0..4).map(|_| stalled_export(&app, &cookie)).collect();
    // Every reader would be held by now if an export kept one.
    let page = tokio::time::timeout(Duration::from_secs(10), heather.page("/cases")).await;
    let (status, _) = page.expect("the case list loads beside four stalled exports");
    assert_eq!(status, StatusCode::OK);
    let mut given_up = false;
    for _ in 0..100 {
        if crate::helpers::captured_logs()
            .matches("CSV export given up: the client stopped reading")
            .count()
            >= 4
        {
            given_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(given_up, "each stalled export is given up");
    drop(stalled);
}

/// The server's log, written to a file, after a sign-in whose username
/// tries to start a line of its own.
async fn log_of_a_forged_username(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let file = std::fs::File::create(&log).unwrap();
    let server =
        crate::helpers::serve_binary(&dir.path().join("rd.sqlite3"), env, file.into()).await;
    let browser = Browser::new(&server.base);
    browser
        .sign_in("mallory\nINFO forged: admin signed in", "x")
        .await;
    drop(server);
    std::fs::read_to_string(&log).unwrap()
}

#[tokio::test]
async fn the_log_escapes_user_text_and_has_no_colour_codes_in_a_file() {
    let log = log_of_a_forged_username(&[("RD_LOG", "info")]).await;
    assert!(log.contains("mallory"), "{log}");
    assert!(
        log.lines()
            .all(|line| !line.to_lowercase().starts_with("info forged")),
        "{log}"
    );
    assert!(!log.contains("\x1b["), "no ANSI colour codes: {log:?}");
}

#[tokio::test]
async fn rd_log_format_json_writes_one_json_object_a_line() {
    let log = log_of_a_forged_username(&[("RD_LOG", "info"), ("RD_LOG_FORMAT", "json")]).await;
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in lines {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not JSON: {line}");
    }
}

#[tokio::test]
async fn the_database_and_its_folder_are_readable_by_the_app_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let database = folder.join("rd.sqlite3");
    let app = spawn_app_with(|s| s.database = database.clone()).await;
    app.signed_in("alex").await;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&database), 0o600);
}

#[tokio::test]
async fn an_https_public_url_without_secure_cookies_is_warned_about_at_start_up() {
    let _app = spawn_app_with(|s| {
        s.public_url = "https://desk.example.com".to_owned();
        s.cookie_secure = false;
    })
    .await;
    assert!(
        crate::helpers::captured_logs()
            .contains("RD_PUBLIC_URL is https but RD_COOKIE_SECURE is not true")
    );
}
