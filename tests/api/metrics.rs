//! `GET /metrics` (SPEC §4): Prometheus' text format, answered to loopback
//! or to the bearer of `RD_METRICS_TOKEN`, with figures that follow what
//! the app serves and what waits in its database.

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, SET_COOKIE};

use crate::helpers::{Level, NewCase, Rep, TestApp, spawn_app, spawn_app_with};

const TOKEN: &str = "scrape-token-0123456789";
/// A client the trusted proxy (the test's own loopback address) forwards.
const REMOTE: &str = "203.0.113.7";

async fn get_metrics(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.browser().client.get(app.browser().url("/metrics"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("GET /metrics")
}

/// The exposition as a loopback client gets it.
async fn scrape(app: &TestApp) -> String {
    let response = get_metrics(app, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("a body")
}

/// The value of one sample, named with its labels as exposed (0 when the
/// series has not appeared yet).
fn figure(exposition: &str, series: &str) -> f64 {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// Refused: a 404 that shows no figures.
async fn assert_refused(response: reqwest::Response, why: &str) {
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{why}");
    let body = response.text().await.unwrap();
    assert!(!body.contains("rd_"), "{why}: {body}");
}

async fn app_behind_the_proxy(token: Option<&str>) -> TestApp {
    spawn_app_with(|s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.metrics_token = token.map(str::to_owned);
    })
    .await
}

#[tokio::test]
async fn metrics_answer_on_loopback_in_prometheus_text_format_and_make_no_session() {
    let app = spawn_app().await;
    // A family shows once it has a series: one request served.
    assert_eq!(app.browser().get("/health").await.status(), StatusCode::OK);
    let response = get_metrics(&app, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    assert!(response.headers().get(SET_COOKIE).is_none());
    let body = response.text().await.unwrap();
    for name in [
        "# TYPE rd_http_requests_total counter",
        "# TYPE rd_http_request_duration_seconds histogram",
        "# TYPE rd_writer_queue_depth gauge",
        "# TYPE rd_writer_batch_size histogram",
        "# TYPE rd_reader_pool_wait_seconds histogram",
        "# TYPE rd_writer_pool_wait_seconds histogram",
        "# TYPE rd_outbox_pending_messages gauge",
        "# TYPE rd_outbox_oldest_pending_age_seconds gauge",
        "# TYPE rd_open_save_tasks gauge",
        "# TYPE rd_open_billing_items gauge",
    ] {
        assert!(body.contains(name), "{name} in {body}");
    }
    assert_eq!(app.count("sessions"), 0);
}

#[tokio::test]
async fn a_client_the_trusted_proxy_forwards_is_refused_unless_it_brings_the_token() {
    let app = app_behind_the_proxy(Some(TOKEN)).await;
    let forwarded = ("x-forwarded-for", REMOTE);
    assert_refused(get_metrics(&app, &[forwarded]).await, "no token").await;
    let wrong = "Bearer scrape-token-0123456780";
    assert_refused(
        get_metrics(&app, &[forwarded, (AUTHORIZATION.as_str(), wrong)]).await,
        "a wrong token",
    )
    .await;
    // The proxy appends the client it saw last; a forged loopback entry before it changes nothing.
    let forged = ("x-forwarded-for", "127.0.0.1, 203.0.113.7");
    assert_refused(get_metrics(&app, &[forged]).await, "a forged entry").await;

    let bearer = format!("Bearer {TOKEN}");
    let right = get_metrics(&app, &[forwarded, (AUTHORIZATION.as_str(), &bearer)]).await;
    assert_eq!(right.status(), StatusCode::OK, "the right token");
    assert!(right.text().await.unwrap().contains("rd_open_save_tasks"));
    // A token set does not shut loopback out.
    assert!(scrape(&app).await.contains("rd_open_save_tasks"));
}

#[tokio::test]
async fn with_no_token_set_a_forwarded_client_is_refused_whatever_it_sends() {
    let app = app_behind_the_proxy(None).await;
    let headers = [
        ("x-forwarded-for", REMOTE),
        (AUTHORIZATION.as_str(), "Bearer "),
    ];
    assert_refused(get_metrics(&app, &headers).await, "no token is set").await;
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_cannot_refuse_loopback() {
    let app = spawn_app().await;
    let response = get_metrics(&app, &[("x-forwarded-for", REMOTE)]).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_request_figures_move_by_route_pattern_when_pages_are_served() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new().submit_for_id(&alex).await;
    let served = r#"{route="/cases/{id}",method="GET",status="2xx"}"#;
    let requests = format!("rd_http_requests_total{served}");
    let timed = format!("rd_http_request_duration_seconds_count{served}");
    let unmatched = r#"rd_http_requests_total{route="unmatched",method="GET",status="4xx"}"#;
    let before = scrape(&app).await;

    let (status, _) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = alex.page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    assert_eq!(figure(&after, &requests), figure(&before, &requests) + 1.0);
    assert_eq!(figure(&after, &timed), figure(&before, &timed) + 1.0);
    assert_eq!(figure(&after, unmatched), figure(&before, unmatched) + 1.0);
    assert!(
        !after.contains(&format!("/cases/{case}\"")) && !after.contains("/no/such/page"),
        "labelled by pattern, never by path: {after}"
    );
}

#[tokio::test]
async fn open_save_tasks_and_billing_items_match_the_database() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let sales_call = NewCase::new().level(Level::Smb).rep(Rep::Riley);
    let saved = sales_call.submit_for_id(&alex).await;
    sales_call.submit_for_id(&alex).await;
    let refund = |amount| NewCase::new().refund(amount, "Charged twice for November");
    let issued = refund("250").submit_for_id(&alex).await;
    refund("2500").submit_for_id(&alex).await;

    let (task, ..) = app.task_for(saved);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    let outcome = [("outcome", "saved"), ("call_notes", "Stays on a discount")];
    let recorded = riley
        .post(&format!("/tasks/{task}/outcome"), &outcome)
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let heather = app.signed_in("heather").await;
    heather.page(&format!("/cases/{issued}")).await;
    let reference = [("payment_reference", "PAY-1")];
    let paid = heather
        .post(&format!("/cases/{issued}/refund/issue"), &reference)
        .await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);

    let exposition = scrape(&app).await;
    let open_tasks = app.count_where("save_tasks", "is_open = 1");
    let open_items = app.count_where("billing_items", "status = 'in_progress'");
    assert_eq!((open_tasks, open_items), (1, 1));
    assert_eq!(figure(&exposition, "rd_open_save_tasks"), open_tasks as f64);
    assert_eq!(
        figure(&exposition, "rd_open_billing_items"),
        open_items as f64
    );
}

#[tokio::test]
async fn the_outbox_backlog_and_its_oldest_age_are_reported() {
    // Nothing listens on the discard port: the heads-up stays pending.
    let app = spawn_app_with(|s| {
        s.slack_webhook_url = Some("http://127.0.0.1:9/services/hook".to_owned());
    })
    .await;
    let alex = app.signed_in("alex").await;
    NewCase::new()
        .refund("2500", "Charged twice for November")
        .submit_for_id(&alex)
        .await;
    app.clock.advance(90);

    let exposition = scrape(&app).await;
    assert_eq!(app.count_where("outbox_messages", "status = 'pending'"), 1);
    assert_eq!(figure(&exposition, "rd_outbox_pending_messages"), 1.0);
    assert_eq!(
        figure(&exposition, "rd_outbox_oldest_pending_age_seconds"),
        90.0
    );
}
