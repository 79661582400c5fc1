//! Starting the real app and talking to it like a browser would, minus
//! JavaScript: a cookie-keeping client that does not follow redirects.
// Shared by every test module; not each one uses every helper.
#![allow(dead_code)]

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use retention_desk::clock::ManualClock;
use retention_desk::config::Settings;
use retention_desk::startup::Application;
use retention_desk::state::AppState;
use scraper::{Html, Selector};
use tempfile::TempDir;

pub const PASSWORD: &str = "demo-password";
/// 2026-11-25 09:00:00 UTC: tests run on a clock they move by hand.
pub const START: i64 = 1_795_597_200;

pub struct TestApp {
    pub address: String,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub settings: Settings,
    pub handle: actix_web::dev::ServerHandle,
    pub dir: Arc<TempDir>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Everything every app in this test process logs, for tests that search
/// the log (security events present, secrets absent).
static LOG: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
static LOG_INIT: std::sync::Once = std::sync::Once::new();

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    LOG_INIT.call_once(|| {
        tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .init();
    });
}

pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOG.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// A demo-seeded app on a fresh database, with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    capture_logs();
    let dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
    let mut settings = Settings::new(dir.path().join("retention-desk.sqlite3"));
    settings.bind = "127.0.0.1:0".to_owned();
    settings.demo = true;
    adjust(&mut settings);
    start(settings, ManualClock::starting_at(START), dir).await
}

/// Starts an app on `settings` (used to restart on the same database).
pub async fn start(settings: Settings, clock: Arc<ManualClock>, dir: Arc<TempDir>) -> TestApp {
    let app = Application::build(settings.clone(), clock.clone())
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        clock,
        state,
        settings,
        handle,
        dir,
    }
}

impl TestApp {
    /// A browser with no cookies yet.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// A browser signed in as `username` with the demo password.
    pub async fn signed_in(&self, username: &str) -> Browser {
        let browser = self.browser();
        let response = browser.sign_in(username, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{username} signs in"
        );
        browser
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }

    /// Runs a query against the app's database.
    pub fn db<T>(&self, work: impl FnOnce(&mut diesel::SqliteConnection) -> T) -> T {
        let mut conn = self
            .state
            .db
            .writer_blocking()
            .expect("a database connection");
        work(&mut conn)
    }

    pub fn count(&self, table: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.db(|conn| {
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                .get_result::<Count>(conn)
                .expect("a count")
                .n
        })
    }

    pub fn staff_id(&self, username: &str) -> i32 {
        use diesel::prelude::*;
        use retention_desk::db::schema::staff;
        self.db(|conn| {
            staff::table
                .filter(staff::username.eq(username))
                .select(staff::id)
                .first(conn)
                .expect("the staff member exists")
        })
    }
}

pub struct Browser {
    pub base: String,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub client: reqwest::Client,
    csrf: std::sync::Mutex<Option<String>>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Browser {
            base: base.to_owned(),
            jar,
            client,
            csrf: std::sync::Mutex::new(None),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs a page, remembers its CSRF token, and returns status and body.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("a body");
        if let Some(token) = hidden_value(&body, "csrf_token") {
            *self.csrf.lock().unwrap() = Some(token);
        }
        (status, body)
    }

    pub fn csrf_token(&self) -> Option<String> {
        self.csrf.lock().unwrap().clone()
    }

    /// POSTs a form with this browser's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POSTs exactly the given fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> reqwest::Response {
        let (status, _) = self.page("/login").await;
        assert_eq!(status, StatusCode::OK);
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }

    /// The session cookie as the browser would send it.
    pub fn cookie_header(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("a URL");
        self.jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    }
}

pub fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The value of the first hidden input named `name`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(&format!("input[name=\"{name}\"]")).ok()?;
    document
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// The text of every element matching a CSS selector.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("a valid selector");
    document
        .select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The value of attribute `attr` on every element matching `selector`.
pub fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("a valid selector");
    document
        .select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// Seeded ids (migration and demo seeding order).
pub const ESSENTIALS: &str = "1";
pub const PROFESSIONAL: &str = "2";
pub const PROFESSIONAL_2A: &str = "3";
pub const SMB: &str = "4";
pub const APP_01: &str = "1";
pub const APP_02: &str = "2";

static NEXT_ACCOUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// Fills the new-case form like an agent would (a fresh page, so a fresh
/// one-time token) and submits it. `overrides` replace the defaults: an
/// Essentials cancellation for "Dana Smith" on a new account, A/R 0.
pub async fn submit_case(browser: &Browser, overrides: &[(&str, &str)]) -> reqwest::Response {
    let (status, body) = browser.page("/cases/new").await;
    assert_eq!(status, StatusCode::OK, "the agent sees the form");
    let token = hidden_value(&body, "submission_token").expect("a one-time form token");
    let account = format!(
        "ACC-{}",
        NEXT_ACCOUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let mut fields: Vec<(&str, String)> = vec![
        ("customer_name", "Dana Smith".to_owned()),
        ("account_id", account),
        ("support_ticket", String::new()),
        ("level_id", ESSENTIALS.to_owned()),
        ("server_id", APP_01.to_owned()),
        ("ar_balance", "0".to_owned()),
        ("original_rep", "unknown".to_owned()),
        ("request", "cancel".to_owned()),
        ("refund_amount", String::new()),
        ("refund_reason", String::new()),
        ("notes", String::new()),
        ("submission_token", token),
    ];
    for (name, value) in overrides {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = (*value).to_owned(),
            None => fields.push((name, (*value).to_owned())),
        }
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    browser.post("/cases", &borrowed).await
}

/// The case id a successful submission redirected to.
pub fn case_id(response: &reqwest::Response) -> i32 {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the case was accepted"
    );
    location(response)
        .and_then(|l| l.strip_prefix("/cases/").and_then(|id| id.parse().ok()))
        .expect("a redirect to /cases/{id}")
}

/// Submits a case and returns its page.
pub async fn submit_and_open(browser: &Browser, overrides: &[(&str, &str)]) -> (i32, String) {
    let response = submit_case(browser, overrides).await;
    let id = case_id(&response);
    let (status, body) = browser.page(&format!("/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    (id, body)
}
