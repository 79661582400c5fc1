//! Issue 14, one hop per page: the session and the signed-in person are
//! served from the app's memory, so a page's only read is its own data;
//! and every way a session ends reaches that memory at once. For each of
//! them a warm session's very next request with the old cookie goes to the
//! sign-in page, while other people's warm sessions still pass.

use reqwest::StatusCode;

use crate::helpers::{Browser, NewCase, PASSWORD, TestApp, location, spawn_app_with};

/// A password strong enough for the rules.
const NEW_PASSWORD: &str = "Quiet lantern over 9 rivers";

/// No background poll of the Slack outbox during a test: the reads counted
/// are the pages'.
async fn quiet_app() -> TestApp {
    spawn_app_with(|settings| {
        settings.outbox_poll_interval = std::time::Duration::from_secs(60 * 60);
    })
    .await
}

/// How many times the app has read its database so far.
fn reads(app: &TestApp) -> u64 {
    app.state.db.stats().reader_pool_wait_seconds.count()
}

/// The fewest database reads one GET of `path` cost, over three tries (a
/// read of the app's own background work can fall into one of them; a
/// page that reads more never gets down to `expected`).
async fn reads_of(app: &TestApp, browser: &Browser, path: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = reads(app);
        let (status, _) = browser.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        fewest = fewest.min(reads(app) - before);
    }
    fewest
}

/// Asks for a page that reads nothing of its own until the session and
/// the person come from memory: the request costs no read at all.
async fn warm(app: &TestApp, browser: &Browser) {
    assert_eq!(
        reads_of(app, browser, "/account/password").await,
        0,
        "the session and the person are served from memory"
    );
}

/// A second client with `browser`'s cookies as they are now: the old
/// cookie, kept after it should have stopped working.
fn kept_copy(app: &TestApp, browser: &Browser) -> Browser {
    let copy = app.browser();
    let url = app.address.parse().expect("the app's address");
    let cookies = browser.cookie_header().expect("a session cookie");
    for cookie in cookies.split("; ") {
        copy.jar.add_cookie_str(cookie, &url);
    }
    copy
}

async fn refused(browser: &Browser, what: &str) {
    let response = browser.get("/account/password").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{what}");
    assert_eq!(location(&response).as_deref(), Some("/login"), "{what}");
}

async fn passes(app: &TestApp, browser: &Browser, what: &str) {
    assert_eq!(
        reads_of(app, browser, "/account/password").await,
        0,
        "{what} still passes, from memory"
    );
}

/// People signed in besides the one whose sessions end, all warm.
struct Bystanders(Vec<(Browser, &'static str)>);

impl Bystanders {
    async fn sign_in(app: &TestApp) -> Bystanders {
        let mut warm_ones = Vec::new();
        for username in ["spencer", "heather"] {
            let browser = app.signed_in(username).await;
            warm(app, &browser).await;
            warm_ones.push((browser, username));
        }
        Bystanders(warm_ones)
    }

    /// After an ending: `ended`'s very next request goes to sign-in, and
    /// everyone else still passes from memory.
    async fn see_only(&self, app: &TestApp, ended: &Browser, what: &str) {
        refused(ended, what).await;
        for (browser, username) in &self.0 {
            passes(app, browser, username).await;
        }
    }
}

/// Alex signed in on two browsers, both warm.
async fn alex_twice(app: &TestApp) -> (Browser, Browser) {
    let here = app.signed_in("alex").await;
    let elsewhere = app.signed_in("alex").await;
    warm(app, &here).await;
    warm(app, &elsewhere).await;
    (here, elsewhere)
}

/// An admin's POST to `path` on `/admin/staff`, which succeeds.
async fn admin_does(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Browser {
    let admin = app.signed_in("admin").await;
    admin.page("/admin/staff").await;
    let response = admin.post(path, fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
    admin
}

#[tokio::test]
async fn a_warm_case_page_reads_the_database_once() {
    let app = quiet_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new().submit_for_id(&alex).await;
    warm(&app, &alex).await;
    assert_eq!(
        reads_of(&app, &alex, &format!("/cases/{case}")).await,
        1,
        "the case, its log and the rest in one read"
    );
    assert_eq!(
        reads_of(&app, &alex, "/cases/new").await,
        1,
        "the form's choices and the waiting list in one read"
    );
}

#[tokio::test]
async fn signing_out_refuses_the_old_cookie_at_once() {
    let app = quiet_app().await;
    let others = Bystanders::sign_in(&app).await;
    let alex = app.signed_in("alex").await;
    warm(&app, &alex).await;
    let old_cookie = kept_copy(&app, &alex);
    warm(&app, &old_cookie).await;

    let response = alex.post("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    others.see_only(&app, &old_cookie, "signed out").await;
}

#[tokio::test]
async fn departure_refuses_the_departed_persons_session_at_once() {
    let app = quiet_app().await;
    let others = Bystanders::sign_in(&app).await;
    let riley = app.signed_in("riley").await;
    warm(&app, &riley).await;

    let depart = format!("/admin/staff/{}/depart", app.staff_id("riley"));
    let admin = admin_does(&app, &depart, &[]).await;

    others.see_only(&app, &riley, "departed").await;
    passes(&app, &admin, "the admin").await;
}

#[tokio::test]
async fn an_admins_password_reset_refuses_the_persons_sessions_at_once() {
    let app = quiet_app().await;
    let others = Bystanders::sign_in(&app).await;
    let alex = app.signed_in("alex").await;
    warm(&app, &alex).await;

    let reset = format!("/admin/staff/{}/password", app.staff_id("alex"));
    admin_does(&app, &reset, &[("password", NEW_PASSWORD)]).await;

    others.see_only(&app, &alex, "password reset").await;
}

#[tokio::test]
async fn changing_ones_password_refuses_ones_other_sessions_at_once() {
    let app = quiet_app().await;
    let others = Bystanders::sign_in(&app).await;
    let (here, elsewhere) = alex_twice(&app).await;

    let response = here.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    others
        .see_only(&app, &elsewhere, "password changed elsewhere")
        .await;
    let (status, _) = here.page("/account/password").await;
    assert_eq!(status, StatusCode::OK, "this session goes on");
}

#[tokio::test]
async fn signing_out_other_sessions_refuses_them_at_once() {
    let app = quiet_app().await;
    let others = Bystanders::sign_in(&app).await;
    let (here, elsewhere) = alex_twice(&app).await;
    here.page("/account/sessions").await;

    let response = here.post("/account/sessions/sign-out-others", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    others
        .see_only(&app, &elsewhere, "signed out elsewhere")
        .await;
    let (status, _) = here.page("/account/sessions").await;
    assert_eq!(status, StatusCode::OK, "this session goes on");
}

#[tokio::test]
async fn a_warm_session_still_times_out() {
    let app = quiet_app().await;
    let alex = app.signed_in("alex").await;
    warm(&app, &alex).await;
    // Idle: two hours without a request.
    app.clock
        .advance(app.settings.idle_timeout.as_secs() as i64 + 1);
    refused(&alex, "idle timeout").await;

    // Absolute: twelve hours, however busy.
    let alex = app.signed_in("alex").await;
    warm(&app, &alex).await;
    let absolute = app.settings.absolute_timeout.as_secs() as i64;
    let hour = 60 * 60;
    for _ in 0..(absolute / hour - 1) {
        app.clock.advance(hour);
        let (status, _) = alex.page("/account/password").await;
        assert_eq!(status, StatusCode::OK, "busy, so not idle");
    }
    app.clock.advance(hour);
    refused(&alex, "absolute timeout").await;
}
