//! The Slack heads-up (SPEC §6), against a real HTTP server on loopback
//! standing in for Slack. Backoff and `Retry-After` are waited out by moving
//! the app's manual clock, never by sleeping.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use diesel::prelude::*;
use retention_desk::db::models::admin_overview::failed_deliveries;
use retention_desk::db::models::outbox::{
    DeliveryState, SlackDelivery, delivery_for_case, enqueue_heads_up,
};
use retention_desk::domain::CaseId;
use retention_desk::notify::OutboxWorker;

use crate::helpers::{Browser, NewCase, START, TestApp, spawn_app, spawn_app_with, start, texts};

/// The secret part of the webhook URL: it must never show up anywhere.
const SECRET: &str = "xoxSecretWebhookToken42";

#[derive(Clone)]
pub struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
    body: &'static str,
}

fn reply(status: u16, body: &'static str) -> Reply {
    Reply {
        status,
        retry_after: None,
        body,
    }
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    posts: Vec<serde_json::Value>,
    content_types: Vec<String>,
}

/// Answers webhook posts with the scripted replies in order (then 200 "ok")
/// and records every body it receives.
pub struct FakeSlack {
    pub url: String,
    script: Arc<Mutex<Script>>,
}

impl FakeSlack {
    pub async fn start(replies: Vec<Reply>) -> FakeSlack {
        FakeSlack::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), replies)
    }

    fn start_on(listener: TcpListener, replies: Vec<Reply>) -> FakeSlack {
        let url = webhook_url(listener.local_addr().unwrap().port());
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            ..Script::default()
        }));
        let data = web::Data::new(script.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/services/T000/B000/{token}", web::post().to(hook))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        // Ends with the test's runtime.
        tokio::spawn(server);
        FakeSlack { url, script }
    }

    fn posts(&self) -> Vec<serde_json::Value> {
        self.script.lock().unwrap().posts.clone()
    }

    pub fn texts(&self) -> Vec<String> {
        self.posts()
            .iter()
            .map(|p| p["text"].as_str().expect("a text field").to_owned())
            .collect()
    }
}

fn webhook_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/services/T000/B000/{SECRET}")
}

async fn hook(
    script: web::Data<Arc<Mutex<Script>>>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let mut script = script.lock().unwrap();
    script
        .posts
        .push(serde_json::from_slice(&body).expect("a JSON body"));
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    script.content_types.push(content_type);
    let next = script.replies.pop_front().unwrap_or(reply(200, "ok"));
    let mut response =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(next.status).unwrap());
    if let Some(after) = next.retry_after {
        response.insert_header(("Retry-After", after));
    }
    response.body(next.body)
}

pub async fn app_with_slack(url: &str) -> TestApp {
    let url = url.to_owned();
    spawn_app_with(move |settings| {
        settings.slack_webhook_url = Some(url);
        settings.slack_billing_mention = Some("<@UHEATHER>".to_owned());
        settings.public_url = "https://desk.example.com".to_owned();
        settings.outbox_backoff_base = Duration::ZERO;
    })
    .await
}

/// An agent submits a $2,500.00 refund (over the $1,000.00 review limit)
/// through the new-case form. Returns the agent's browser and the case id.
async fn submit_review_refund(app: &TestApp, customer: &str) -> (Browser, i32) {
    let agent = app.signed_in("alex").await;
    let id = NewCase::new()
        .customer(customer)
        .refund("2500", "Charged twice for November")
        .submit_for_id(&agent)
        .await;
    (agent, id)
}

/// The Slack state as the case page shows it, e.g. "delivered, 2026-…".
async fn slack_on_case_page(browser: &Browser, case_id: i32) -> String {
    let (status, body) = browser.page(&format!("/cases/{case_id}")).await;
    assert_eq!(status, 200);
    assert!(!body.contains(SECRET), "the webhook URL is a secret");
    texts(&body, ".slack-state")
        .pop()
        .expect("the case page shows the Slack heads-up")
}

/// Inserts a $2,500.00 refund case for Alex straight into the database, in
/// plain SQL, as one step of a larger transaction.
fn insert_review_case(conn: &mut SqliteConnection, customer: &str, now: i64) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Inserted {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
    }
    diesel::sql_query(
        "INSERT INTO cases (customer_name, account_id, request, level_id, server_id,
             ar_balance_cents, refund_amount_cents, refund_reason, submitted_by, policy_version,
             facts_snapshot, decision, refund_status, is_open, created_at, updated_at)
         VALUES (?, 'ACME-1', 'refund',
             (SELECT id FROM customer_levels WHERE name = 'Professional'),
             (SELECT id FROM servers ORDER BY id LIMIT 1),
             0, 250000, 'Charged twice', (SELECT id FROM staff WHERE username = 'alex'), 1,
             '{}', '{}', 'billing_in_progress', 1, ?, ?)
         RETURNING id",
    )
    .bind::<diesel::sql_types::Text, _>(customer)
    .bind::<diesel::sql_types::BigInt, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(now)
    .get_result::<Inserted>(conn)
    .map(|row| row.id)
}

pub fn worker(app: &TestApp) -> OutboxWorker {
    OutboxWorker::new(&app.state).expect("a worker")
}

fn delivery(app: &TestApp, case_id: i32) -> SlackDelivery {
    app.db(|conn| delivery_for_case(conn, CaseId::new(case_id)))
        .expect("a query")
        .expect("the case has a heads-up")
}

/// Waits for the background worker (not for a backoff: the clock the app
/// schedules by does not move while this waits).
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn a_500_then_a_429_then_a_200_is_three_posts_and_delivered_once() {
    let slack = FakeSlack::start(vec![
        reply(500, "internal_error"),
        Reply {
            status: 429,
            retry_after: Some("1"),
            body: "rate_limited",
        },
        reply(200, "ok"),
    ])
    .await;
    let app = app_with_slack(&slack.url).await;
    let worker = worker(&app);

    let (agent, case_id) = submit_review_refund(&app, "Acme Widgets").await;
    worker.run_until_idle().await.unwrap();

    assert_eq!(
        slack.posts().len(),
        2,
        "the 500 is retried at once, the 429 waits"
    );
    let waiting = delivery(&app, case_id);
    assert_eq!(waiting.word(), "pending");
    assert_eq!(waiting.attempts, 2);
    assert_eq!(waiting.next_attempt_at, Some(START + 1), "Retry-After: 1");
    assert!(waiting.last_error.as_deref().unwrap().contains("429"));
    let shown = slack_on_case_page(&agent, case_id).await;
    assert!(shown.starts_with("pending"), "{shown}");
    assert!(
        shown.contains("2 attempts") && shown.contains("next try"),
        "{shown}"
    );
    assert!(shown.contains("last error: Slack answered 429"), "{shown}");

    app.clock.advance(1);
    worker.run_until_idle().await.unwrap();

    assert_eq!(slack.posts().len(), 3);
    let done = delivery(&app, case_id);
    assert_eq!(done.state, DeliveryState::Delivered);
    assert_eq!(done.word(), "delivered");
    assert_eq!(done.delivered_at, Some(START + 1));
    assert_eq!(done.attempts, 3);
    assert_eq!(done.last_error, None);
    let shown = slack_on_case_page(&agent, case_id).await;
    assert_eq!(shown, "delivered, 2026-11-25 09:00 UTC");

    // A delivered message is never sent again, however much time passes.
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    app.clock.advance(24 * 60 * 60);
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    assert_eq!(slack.posts().len(), 3);

    let texts = slack.texts();
    assert!(
        texts.iter().all(|t| *t == texts[0]),
        "the same message each time"
    );
    assert!(
        slack
            .script
            .lock()
            .unwrap()
            .content_types
            .iter()
            .all(|c| c.starts_with("application/json"))
    );
    let log = app.case_log(case_id);
    assert!(
        log.iter()
            .any(|l| l.contains("Delivered to Slack on attempt 3")),
        "{log:?}"
    );
    assert!(log.iter().all(|l| !l.contains(SECRET)));
}

#[tokio::test]
async fn the_heads_up_names_case_customer_amount_mention_and_link() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;

    let (_, case_id) = submit_review_refund(&app, "Acme Widgets").await;
    worker(&app).run_until_idle().await.unwrap();

    let texts = slack.texts();
    assert_eq!(texts.len(), 1);
    let text = &texts[0];
    assert!(text.contains(&format!("case {case_id}")), "{text}");
    assert!(text.contains("Acme Widgets"), "{text}");
    assert!(text.contains("$2,500.00"), "{text}");
    assert!(text.contains("<@UHEATHER>"), "{text}");
    assert!(
        text.contains(&format!("<https://desk.example.com/cases/{case_id}|")),
        "{text}"
    );
}

#[tokio::test]
async fn customer_text_arrives_escaped_for_slack() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;

    submit_review_refund(&app, "Tom & Jerry <Ltd> <!channel>").await;
    worker(&app).run_until_idle().await.unwrap();

    let text = &slack.texts()[0];
    assert!(
        text.contains("Tom &amp; Jerry &lt;Ltd&gt; &lt;!channel&gt;"),
        "{text}"
    );
    assert!(!text.contains("<!channel>"), "{text}");
}

#[tokio::test]
async fn slack_down_at_first_is_delivered_after_a_restart() {
    // A port nobody listens on yet: connections are refused, as when Slack
    // (or the way to it) is down.
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let url = webhook_url(port);
    let first = spawn_app_with(|settings| {
        settings.slack_webhook_url = Some(url.clone());
        settings.outbox_backoff_base = Duration::from_secs(30);
    })
    .await;

    let (_, case_id) = submit_review_refund(&first, "Acme Widgets").await;
    worker(&first).run_until_idle().await.unwrap();

    let waiting = delivery(&first, case_id);
    assert_eq!(waiting.word(), "pending");
    assert_eq!(waiting.attempts, 1);
    let error = waiting.last_error.unwrap();
    assert!(error.contains("could not connect"), "{error}");
    assert!(!error.contains(SECRET), "{error}");
    assert!(waiting.next_attempt_at.unwrap() > START, "backed off");

    first.stop().await;
    // Let the stopped app's task finish, which ends its outbox worker.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    let slack = FakeSlack::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap(), vec![]);
    first.clock.advance(60);
    let second = start(
        first.settings.clone(),
        first.clock.clone(),
        first.dir.clone(),
    )
    .await;

    // Nobody wakes the new app's worker: it finds the message on its own.
    eventually("the heads-up is delivered", || {
        delivery(&second, case_id).state == DeliveryState::Delivered
    })
    .await;
    assert_eq!(slack.posts().len(), 1);
    assert_eq!(delivery(&second, case_id).attempts, 2);
    let agent = second.signed_in("alex").await;
    let shown = slack_on_case_page(&agent, case_id).await;
    assert!(shown.starts_with("delivered"), "{shown}");
}

#[tokio::test]
async fn a_new_heads_up_goes_out_at_once_without_waiting_for_the_poll() {
    let slack = FakeSlack::start(vec![]).await;
    let url = slack.url.clone();
    let app = spawn_app_with(move |settings| {
        settings.slack_webhook_url = Some(url);
        settings.outbox_poll_interval = Duration::from_secs(60 * 60);
    })
    .await;

    let (agent, case_id) = submit_review_refund(&app, "Acme Widgets").await;

    eventually("the woken worker delivers", || {
        delivery(&app, case_id).state == DeliveryState::Delivered
    })
    .await;
    assert_eq!(slack.posts().len(), 1);
    assert!(
        slack_on_case_page(&agent, case_id)
            .await
            .starts_with("delivered")
    );
}

#[tokio::test]
async fn a_rolled_back_case_leaves_no_outbox_row() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;
    let outbox_before = app.count("outbox_messages");
    let cases_before = app.count("cases");

    let result = app
        .state
        .db
        .write(move |conn| -> anyhow::Result<()> {
            let id = insert_review_case(conn, "Acme Widgets", START)?;
            enqueue_heads_up(conn, CaseId::new(id), "heads-up", true, START)?;
            anyhow::bail!("a later step of the case failed")
        })
        .await;
    app.state.outbox.wake();

    assert!(result.is_err());
    assert_eq!(app.count("outbox_messages"), outbox_before);
    assert_eq!(app.count("cases"), cases_before);
    assert_eq!(worker(&app).run_until_idle().await.unwrap(), 0);
    assert!(slack.posts().is_empty());
}

#[tokio::test]
async fn a_404_from_slack_fails_with_the_reason_for_admins() {
    let slack = FakeSlack::start(vec![reply(404, "no_service")]).await;
    let app = app_with_slack(&slack.url).await;
    let worker = worker(&app);

    let (agent, case_id) = submit_review_refund(&app, "Acme Widgets").await;
    worker.run_until_idle().await.unwrap();

    let failed = delivery(&app, case_id);
    assert_eq!(failed.state, DeliveryState::Failed);
    assert_eq!(failed.word(), "failed");
    let reason = failed.failure_reason.clone().unwrap();
    assert!(
        reason.contains("404") && reason.contains("no_service"),
        "{reason}"
    );
    assert!(!reason.contains(SECRET));
    assert_eq!(failed.next_attempt_at, None);
    assert_eq!(
        slack_on_case_page(&agent, case_id).await,
        "failed: Slack answered 404 (no_service)"
    );

    // Slack said it will never succeed: no further tries.
    app.clock.advance(24 * 60 * 60);
    assert_eq!(worker.run_until_idle().await.unwrap(), 0);
    assert_eq!(slack.posts().len(), 1);

    let for_admins = app.db(|conn| failed_deliveries(conn, 10)).unwrap();
    assert_eq!(for_admins.len(), 1);
    assert_eq!(for_admins[0].case_id, CaseId::new(case_id));
    assert_eq!(for_admins[0].customer_name, "Acme Widgets");
    assert_eq!(for_admins[0].last_error.as_deref(), Some(reason.as_str()));
    assert_eq!(for_admins[0].last_attempt_at, Some(START));
}

#[tokio::test]
async fn without_a_webhook_the_case_says_not_configured() {
    let app = spawn_app().await;
    assert!(app.settings.slack_webhook_url.is_none());

    let (agent, case_id) = submit_review_refund(&app, "Acme Widgets").await;

    let state = delivery(&app, case_id);
    assert_eq!(state.state, DeliveryState::NotConfigured);
    assert_eq!(state.word(), "not configured");
    assert_eq!(slack_on_case_page(&agent, case_id).await, "not configured");
    assert_eq!(worker(&app).run_until_idle().await.unwrap(), 0);
    let health = app.browser().get("/health").await;
    assert_eq!(health.status(), 200, "nothing crashed");
}

#[tokio::test]
async fn a_refund_within_the_review_limit_sends_no_heads_up() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;
    let agent = app.signed_in("alex").await;

    let id = NewCase::new()
        .refund("1,000.00", "Charged twice for November")
        .submit_for_id(&agent)
        .await;

    assert_eq!(app.count("outbox_messages"), 0);
    assert_eq!(worker(&app).run_until_idle().await.unwrap(), 0);
    assert!(slack.posts().is_empty());
    let (_, body) = agent.page(&format!("/cases/{id}")).await;
    assert!(texts(&body, ".slack-state").is_empty());
}
