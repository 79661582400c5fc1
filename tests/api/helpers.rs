//! Starting the real app and talking to it like a browser would, minus
//! JavaScript: a cookie-keeping client that does not follow redirects.
// Shared by every test module; not each one uses every helper.
#![allow(dead_code)]

use std::sync::Arc;

use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryableByName, RunQueryDsl};
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

/// An app on a database that `retention-desk demo-data --cases {cases}`
/// filled, run as an operator would run it, and not demo-seeded again.
pub async fn spawn_app_on_demo_data(cases: u32) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = dir.path().join("demo.sqlite3");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["demo-data", "--cases", &cases.to_string()])
        .env("RD_DATABASE", &database)
        .output()
        .expect("demo-data runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut app = spawn_app_with(|s| {
        s.database = database;
        s.demo = false;
    })
    .await;
    // The app's own folder is unused; keep the one holding its database.
    app.dir = Arc::new(dir);
    app
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

    /// Runs work on the app's database: the one place a test gets a
    /// connection (the writer, so nothing the app writes is hidden from it).
    /// The peeks below go through it with plain SQL, never through the
    /// app's schema or model types, so they see the database as it is.
    pub fn db<T>(&self, work: impl FnOnce(&mut diesel::SqliteConnection) -> T) -> T {
        let mut conn = self
            .state
            .db
            .writer_blocking()
            .expect("a database connection");
        work(&mut conn)
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

    /// "Change password" on `/account/password`, the new one typed twice.
    pub async fn change_password(&self, current: &str, new: &str) -> reqwest::Response {
        self.post(
            "/account/password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("repeat_password", new),
            ],
        )
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

// ---------------------------------------------------------------------------
// The new-case form, as an agent fills it in.

/// Customer levels seeded by the migrations, in their seeding order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Essentials,
    Professional,
    Professional2A,
    Smb,
    /// A level added during the test (see `TestApp::level_id`).
    Id(i32),
}

impl Level {
    /// The seeded levels and their names (checked in `database.rs`).
    pub const SEEDED: [(Level, &'static str); 4] = [
        (Level::Essentials, "Essentials"),
        (Level::Professional, "Professional"),
        (Level::Professional2A, "Professional 2A"),
        (Level::Smb, "SMB"),
    ];

    pub fn id(self) -> i32 {
        match self {
            Level::Essentials => 1,
            Level::Professional => 2,
            Level::Professional2A => 3,
            Level::Smb => 4,
            Level::Id(id) => id,
        }
    }

    /// The value of the form's `level_id` option.
    pub fn value(self) -> String {
        self.id().to_string()
    }
}

/// Servers seeded in demo mode, in their seeding order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    App01,
    App02,
    /// A server added during the test (see `TestApp::server_id`).
    Id(i32),
}

impl Server {
    /// The seeded servers and their names (checked in `database.rs`).
    pub const SEEDED: [(Server, &'static str); 2] =
        [(Server::App01, "app-01"), (Server::App02, "app-02")];

    pub fn id(self) -> i32 {
        match self {
            Server::App01 => 1,
            Server::App02 => 2,
            Server::Id(id) => id,
        }
    }

    /// The value of the form's `server_id` option.
    pub fn value(self) -> String {
        self.id().to_string()
    }
}

/// The original sales rep the agent picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rep {
    /// The active demo sales rep.
    Riley,
    /// The departed demo sales rep.
    Morgan,
    /// "Unknown" in the form.
    Unknown,
    /// Anyone else, by staff id (see `TestApp::staff_id`).
    Staff(i32),
}

impl Rep {
    /// The seeded reps and their usernames (checked in `database.rs`).
    pub const SEEDED: [(Rep, &'static str); 2] = [(Rep::Riley, "riley"), (Rep::Morgan, "morgan")];

    /// The value of the form's `original_rep` option. Demo staff are seeded
    /// as alex, spencer, heather, riley, morgan, admin: ids 1 to 6.
    pub fn value(self) -> String {
        match self {
            Rep::Riley => "4".to_owned(),
            Rep::Morgan => "5".to_owned(),
            Rep::Unknown => "unknown".to_owned(),
            Rep::Staff(id) => id.to_string(),
        }
    }
}

static NEXT_ACCOUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// An account id no other case in this test process has.
fn fresh_account() -> String {
    format!(
        "ACC-{}",
        NEXT_ACCOUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// The new-case form, filled in: by default an Essentials cancellation for
/// "Dana Smith" on app-01, nothing owed, rep unknown, on a fresh account
/// (a new one each time it is submitted, unless `.account(..)` names one).
///
/// Every field the form has is one line in `new`, with the value a plain
/// case sends: a new field is one more line there (and a setter, if tests
/// vary it). A setter changes one thing; `raw` sends any value, valid or
/// not, under any name.
#[derive(Clone, Debug)]
pub struct NewCase {
    fields: Vec<(String, String)>,
}

impl Default for NewCase {
    fn default() -> NewCase {
        NewCase::new()
    }
}

impl NewCase {
    pub fn new() -> NewCase {
        let fields = [
            ("customer_name", "Dana Smith".to_owned()),
            ("support_ticket", String::new()),
            ("level_id", Level::Essentials.value()),
            ("server_id", Server::App01.value()),
            ("ar_balance", "0".to_owned()),
            ("original_rep", Rep::Unknown.value()),
            ("request", "cancel".to_owned()),
            ("reason_id", "1".to_owned()),
            ("refund_amount", String::new()),
            ("refund_reason", String::new()),
            ("notes", String::new()),
        ];
        NewCase {
            fields: fields
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        }
    }

    pub fn customer(self, name: &str) -> NewCase {
        self.raw("customer_name", name)
    }

    pub fn account(self, account_id: &str) -> NewCase {
        self.raw("account_id", account_id)
    }

    pub fn ticket(self, ticket: &str) -> NewCase {
        self.raw("support_ticket", ticket)
    }

    pub fn level(self, level: Level) -> NewCase {
        self.raw("level_id", &level.value())
    }

    pub fn server(self, server: Server) -> NewCase {
        self.raw("server_id", &server.value())
    }

    /// The A/R balance as typed, e.g. "1,500.00".
    pub fn ar(self, balance: &str) -> NewCase {
        self.raw("ar_balance", balance)
    }

    pub fn rep(self, rep: Rep) -> NewCase {
        self.raw("original_rep", &rep.value())
    }

    /// A refund only, of `amount` as typed.
    pub fn refund(self, amount: &str, reason: &str) -> NewCase {
        self.raw("request", "refund")
            .raw("refund_amount", amount)
            .raw("refund_reason", reason)
    }

    /// A cancellation with a refund of `amount` as typed.
    pub fn cancel_and_refund(self, amount: &str, reason: &str) -> NewCase {
        self.raw("request", "cancel_and_refund")
            .raw("refund_amount", amount)
            .raw("refund_reason", reason)
    }

    pub fn notes(self, notes: &str) -> NewCase {
        self.raw("notes", notes)
    }

    /// Ticks "Submit anyway" past the open-case warning.
    pub fn submit_anyway(self) -> NewCase {
        self.raw("submit_anyway", "yes")
    }

    /// Sets field `name` to `value` as typed, adding the field if the form
    /// has no such one: for input the typed setters would not produce.
    pub fn raw(mut self, name: &str, value: &str) -> NewCase {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
        self
    }

    /// The fields as posted with the one-time `submission_token` (without
    /// the CSRF token, which `Browser::post` adds).
    pub fn form(&self, submission_token: &str) -> Vec<(String, String)> {
        let mut form = self.fields.clone();
        if !form.iter().any(|(name, _)| name == "account_id") {
            form.push(("account_id".to_owned(), fresh_account()));
        }
        form.push(("submission_token".to_owned(), submission_token.to_owned()));
        form
    }

    /// Opens the form (a fresh page, so a fresh one-time token) and submits it.
    pub async fn submit(&self, browser: &Browser) -> reqwest::Response {
        let (status, body) = browser.page("/cases/new").await;
        assert_eq!(status, StatusCode::OK, "the agent sees the form");
        let token = hidden_value(&body, "submission_token").expect("a one-time form token");
        let form = self.form(&token);
        browser.post("/cases", &borrowed(&form)).await
    }

    /// Submits the case, which must be accepted, and returns its id.
    pub async fn submit_for_id(&self, browser: &Browser) -> i32 {
        case_id(&self.submit(browser).await)
    }

    /// Submits the case, which must be accepted, and returns its id and page.
    pub async fn submit_and_open(&self, browser: &Browser) -> (i32, String) {
        let response = self.submit(browser).await;
        let id = case_id(&response);
        let (status, body) = browser.page(&format!("/cases/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        (id, body)
    }
}

/// Form fields as the `&str` pairs `Browser::post` takes.
pub fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
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

// ---------------------------------------------------------------------------
// Peeking into the database: plain SQL through `TestApp::db`.

/// Rows of one column, named `v` in the query.
mod column {
    use diesel::QueryableByName;
    use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

    #[derive(QueryableByName)]
    pub struct Int {
        #[diesel(sql_type = Integer)]
        pub v: i32,
    }

    #[derive(QueryableByName)]
    pub struct Big {
        #[diesel(sql_type = BigInt)]
        pub v: i64,
    }

    #[derive(QueryableByName)]
    pub struct Flag {
        #[diesel(sql_type = Bool)]
        pub v: bool,
    }

    #[derive(QueryableByName)]
    pub struct Str {
        #[diesel(sql_type = Text)]
        pub v: String,
    }

    #[derive(QueryableByName)]
    pub struct MaybeStr {
        #[diesel(sql_type = Nullable<Text>)]
        pub v: Option<String>,
    }

    #[derive(QueryableByName)]
    pub struct MaybeBig {
        #[diesel(sql_type = Nullable<BigInt>)]
        pub v: Option<i64>,
    }
}

#[derive(QueryableByName)]
struct SaveTaskRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    assignee_id: i32,
    #[diesel(sql_type = Bool)]
    fell_back: bool,
    #[diesel(sql_type = Bool)]
    is_open: bool,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    outcome: Option<String>,
}

#[derive(QueryableByName)]
struct CaseStatusRow {
    #[diesel(sql_type = Nullable<Text>)]
    cancellation_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    refund_status: Option<String>,
    #[diesel(sql_type = Bool)]
    is_open: bool,
}

#[derive(QueryableByName)]
struct BillingRow {
    #[diesel(sql_type = BigInt)]
    amount_cents: i64,
    #[diesel(sql_type = Text)]
    review: String,
}

#[derive(QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Integer>)]
    actor_id: Option<i32>,
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct SchemaRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

impl TestApp {
    /// Runs one statement (a fixture, or a write a test expects refused).
    pub fn execute(&self, sql: &str) -> diesel::QueryResult<usize> {
        self.db(|conn| diesel::sql_query(sql).execute(conn))
    }

    /// The rows `query` returns, each read as an `R`.
    fn rows<R: QueryableByName<Sqlite> + 'static>(&self, query: Query<'_>) -> Vec<R> {
        self.db(|conn| query.load::<R>(conn).expect("a query the test wrote"))
    }

    pub fn count(&self, table: &str) -> i64 {
        self.count_where(table, "1")
    }

    /// How many rows of `table` match the SQL `condition`.
    pub fn count_where(&self, table: &str, condition: &str) -> i64 {
        let query = sql(&format!(
            "SELECT COUNT(*) AS v FROM {table} WHERE {condition}"
        ));
        one(self.rows::<column::Big>(query)).v
    }

    pub fn staff_id(&self, username: &str) -> i32 {
        let query = sql("SELECT id AS v FROM staff WHERE username = ?").bind::<Text, _>(username);
        let rows = self.rows::<column::Int>(query);
        one_or(rows, "the staff member exists").v
    }

    /// The due time (SPEC §11) of case `case`'s save task or billing item
    /// (`table`), if it has one.
    pub fn due_at(&self, table: &str, case: i32) -> Option<i64> {
        let query = sql(&format!(
            "SELECT due_at AS v FROM {table} WHERE case_id = ?"
        ))
        .bind::<Integer, _>(case);
        one(self.rows::<column::MaybeBig>(query)).v
    }

    /// Whether the staff member has been marked as departed.
    pub fn departed(&self, username: &str) -> bool {
        let query = sql("SELECT departed_at IS NOT NULL AS v FROM staff WHERE username = ?")
            .bind::<Text, _>(username);
        one(self.rows::<column::Flag>(query)).v
    }

    pub fn password_hash(&self, username: &str) -> String {
        let query = sql("SELECT password_hash AS v FROM staff WHERE username = ?")
            .bind::<Text, _>(username);
        one(self.rows::<column::Str>(query)).v
    }

    /// When the staff member's (one) session goes idle.
    pub fn idle_expires_at(&self, staff_id: i32) -> i64 {
        let query = sql("SELECT idle_expires_at AS v FROM sessions WHERE staff_id = ?")
            .bind::<Integer, _>(staff_id);
        one(self.rows::<column::Big>(query)).v
    }

    pub fn level_id(&self, name: &str) -> i32 {
        let query = sql("SELECT id AS v FROM customer_levels WHERE name = ?").bind::<Text, _>(name);
        one(self.rows::<column::Int>(query)).v
    }

    pub fn server_id(&self, name: &str) -> i32 {
        let query = sql("SELECT id AS v FROM servers WHERE name = ?").bind::<Text, _>(name);
        one(self.rows::<column::Int>(query)).v
    }

    /// The exit survey link stored for the server called `name`.
    pub fn exit_survey_url(&self, name: &str) -> String {
        let query =
            sql("SELECT exit_survey_url AS v FROM servers WHERE name = ?").bind::<Text, _>(name);
        one(self.rows::<column::Str>(query)).v
    }

    /// (cancellation status, refund status, is open) of a case.
    pub fn statuses_of(&self, case: i32) -> (Option<String>, Option<String>, bool) {
        let query =
            sql("SELECT cancellation_status, refund_status, is_open FROM cases WHERE id = ?")
                .bind::<Integer, _>(case);
        let row = one(self.rows::<CaseStatusRow>(query));
        (row.cancellation_status, row.refund_status, row.is_open)
    }

    pub fn cancellation_of(&self, case: i32) -> Option<String> {
        self.statuses_of(case).0
    }

    pub fn refund_of(&self, case: i32) -> Option<String> {
        self.statuses_of(case).1
    }

    /// Every cancellation status some case has (NULL for refund-only cases).
    pub fn cancellation_statuses(&self) -> Vec<Option<String>> {
        let query = sql("SELECT DISTINCT cancellation_status AS v FROM cases");
        self.rows::<column::MaybeStr>(query)
            .into_iter()
            .map(|r| r.v)
            .collect()
    }

    /// The account id of every case.
    pub fn account_ids(&self) -> Vec<String> {
        let query = sql("SELECT account_id AS v FROM cases ORDER BY id");
        self.rows::<column::Str>(query)
            .into_iter()
            .map(|r| r.v)
            .collect()
    }

    fn save_task(&self, case: i32) -> Option<SaveTaskRow> {
        let query = sql(
            "SELECT id, assignee_id, fell_back, is_open, attempts, outcome
             FROM save_tasks WHERE case_id = ?",
        )
        .bind::<Integer, _>(case);
        self.rows::<SaveTaskRow>(query).pop()
    }

    /// Who got the case's save task, and whether as the fallback owner.
    pub fn task_of(&self, case: i32) -> Option<(i32, bool)> {
        self.save_task(case).map(|t| (t.assignee_id, t.fell_back))
    }

    /// The case's save task: (id, is open, attempts, outcome).
    pub fn task_for(&self, case: i32) -> (i32, bool, i32, Option<String>) {
        let t = self.save_task(case).expect("the case has a save task");
        (t.id, t.is_open, t.attempts, t.outcome)
    }

    /// The case's refund in the billing queue: (amount in cents, review).
    pub fn billing_of(&self, case: i32) -> Option<(i64, String)> {
        let query = sql("SELECT amount_cents, review FROM billing_items WHERE case_id = ?")
            .bind::<Integer, _>(case);
        self.rows::<BillingRow>(query)
            .pop()
            .map(|b| (b.amount_cents, b.review))
    }

    /// The bodies of the case's log entries of one kind, oldest first.
    pub fn events(&self, case: i32, kind: &str) -> Vec<String> {
        let query =
            sql("SELECT body AS v FROM case_events WHERE case_id = ? AND kind = ? ORDER BY id")
                .bind::<Integer, _>(case)
                .bind::<Text, _>(kind);
        self.rows::<column::Str>(query)
            .into_iter()
            .map(|r| r.v)
            .collect()
    }

    /// The bodies of every entry in the case's log, oldest first.
    pub fn case_log(&self, case: i32) -> Vec<String> {
        let query = sql("SELECT body AS v FROM case_events WHERE case_id = ? ORDER BY id")
            .bind::<Integer, _>(case);
        self.rows::<column::Str>(query)
            .into_iter()
            .map(|r| r.v)
            .collect()
    }

    /// The admin audit log, oldest first: (action, actor, detail).
    pub fn audit_details(&self) -> Vec<(String, Option<i32>, String)> {
        let query = sql("SELECT action, actor_id, detail FROM admin_audit ORDER BY id");
        self.rows::<AuditRow>(query)
            .into_iter()
            .map(|a| (a.action, a.actor_id, a.detail))
            .collect()
    }

    /// Every table, index, trigger and view: (type, name, SQL), by name.
    pub fn schema(&self) -> Vec<(String, String, Option<String>)> {
        let query = sql("SELECT type AS kind, name, sql FROM sqlite_master ORDER BY name");
        self.rows::<SchemaRow>(query)
            .into_iter()
            .map(|o| (o.kind, o.name, o.sql))
            .collect()
    }

    /// SQLite's `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> String {
        let query = sql("SELECT integrity_check AS v FROM pragma_integrity_check");
        self.rows::<column::Str>(query)
            .into_iter()
            .map(|r| r.v)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// How many rows `PRAGMA foreign_key_check` finds pointing at no row.
    pub fn foreign_key_violations(&self) -> i64 {
        let query = sql("SELECT COUNT(*) AS v FROM pragma_foreign_key_check");
        one(self.rows::<column::Big>(query)).v
    }
}

/// A query of plain SQL, to `.bind` values to.
type Query<'a> = BoxedSqlQuery<'a, Sqlite, SqlQuery>;

fn sql<'a>(query: &str) -> Query<'a> {
    diesel::sql_query(query.to_owned()).into_boxed()
}

fn one<R>(rows: Vec<R>) -> R {
    one_or(rows, "exactly one row")
}

fn one_or<R>(mut rows: Vec<R>, what: &str) -> R {
    assert_eq!(rows.len(), 1, "{what}");
    rows.pop().expect("one row")
}

/// The real binary serving `--demo` as a child process; killed when dropped.
pub struct ServedBinary {
    pub child: std::process::Child,
    pub base: String,
}

impl Drop for ServedBinary {
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

/// Starts `retention-desk serve --demo` on `database` with `env`, its log
/// going to `stderr`, and waits until it answers.
pub async fn serve_binary(
    database: &std::path::Path,
    env: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> ServedBinary {
    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_retention-desk"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("RD_DATABASE", database)
        .env_remove("RD_LOG_FORMAT")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the server starts");
    let server = ServedBinary {
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
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}
