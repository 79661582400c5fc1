//! Signing in and out, sessions, CSRF and throttling (SPEC §7).

use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD, location, spawn_app, start};

const INVALID: &str = "Invalid username or password";

#[tokio::test]
async fn each_demo_role_signs_in_and_lands_on_its_home() {
    let app = spawn_app().await;
    for (username, home) in [
        ("alex", "/cases/new"),
        ("spencer", "/tasks"),
        ("heather", "/billing"),
        ("riley", "/tasks"),
        ("admin", "/admin"),
    ] {
        let browser = app.signed_in(username).await;
        let response = browser.get("/").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{username}");
        assert_eq!(location(&response).as_deref(), Some(home), "{username}");
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_departed_user_get_only_the_generic_message() {
    let app = spawn_app().await;
    for (username, password) in [
        ("alex", "not-the-password"),
        ("nobody", PASSWORD),
        ("morgan", PASSWORD), // departed
    ] {
        let browser = app.browser();
        let response = browser.sign_in(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "{username}");
        let body = response.text().await.unwrap();
        assert!(body.contains(INVALID), "{username}: {body}");
        for hint in ["departed", "locked", "throttled", "unknown user", "no such"] {
            assert!(
                !body.to_lowercase().contains(&format!("{hint} "))
                    || hint == "departed" && body.contains("(departed)"),
                "{username} page hints at {hint}"
            );
        }
        let response = browser.get("/").await;
        assert_eq!(
            location(&response).as_deref(),
            Some("/login"),
            "{username} is not signed in"
        );
    }
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.page("/login").await;
    let before = browser
        .cookie_header()
        .expect("an anonymous session for the CSRF token");
    let response = browser
        .post("/login", &[("username", "alex"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = browser.cookie_header().expect("a signed-in session");
    assert_ne!(before, after);
}

#[tokio::test]
async fn a_cookie_replayed_after_sign_out_is_refused() {
    let app = spawn_app().await;
    let browser = app.signed_in("alex").await;
    let cookie = browser.cookie_header().unwrap();
    // The token of a signed-in page: the sign-in form's no longer counts
    // once signed in (SPEC §7, the token is replaced at sign-in).
    browser.page("/cases/new").await;
    let response = browser.post("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/login"));

    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(browser.url("/"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&replay).as_deref(), Some("/login"));
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_403() {
    let app = spawn_app().await;
    let browser = app.signed_in("alex").await;
    let response = browser.post_raw("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .post_raw("/logout", &[("csrf_token", "forged")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Still signed in: nothing happened.
    assert_eq!(
        location(&browser.get("/").await).as_deref(),
        Some("/cases/new")
    );
}

#[tokio::test]
async fn an_expired_sign_in_form_comes_back_with_a_fresh_token_and_the_username() {
    let app = spawn_app().await;
    let browser = app.browser();
    let response = browser
        .post_raw(
            "/login",
            &[
                ("csrf_token", "stale"),
                ("username", "alex"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("value=\"alex\""), "username kept");
    let fresh = crate::helpers::hidden_value(&body, "csrf_token").unwrap();
    assert_ne!(fresh, "stale");
    let response = browser
        .post_raw(
            "/login",
            &[
                ("csrf_token", &fresh),
                ("username", "alex"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn after_ten_failures_the_right_password_is_refused_for_that_username() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let response = app.browser().sign_in("heather", "wrong-password").await;
        assert!(response.text().await.unwrap().contains(INVALID));
    }
    let browser = app.browser();
    let response = browser.sign_in("heather", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains(INVALID));

    // Other usernames are not affected.
    app.signed_in("alex").await;

    // Fifteen minutes later the lock has passed.
    app.clock.advance(15 * 60 + 1);
    app.signed_in("heather").await;
}

#[tokio::test]
async fn one_address_gets_at_most_thirty_failures_a_minute_but_successes_never_count() {
    let app = spawn_app().await;
    // An office signing in together from one address.
    for _ in 0..40 {
        app.signed_in("alex").await;
    }
    for i in 0..30 {
        app.browser().sign_in(&format!("guess{i}"), "x").await;
    }
    let response = app.browser().sign_in("spencer", PASSWORD).await;
    assert!(
        response.text().await.unwrap().contains(INVALID),
        "address throttled"
    );
    app.clock.advance(61);
    app.signed_in("spencer").await;
}

#[tokio::test]
async fn the_stored_hash_is_argon2id_with_the_spec_parameters() {
    let app = spawn_app().await;
    let hash = app.password_hash("alex");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn a_restart_keeps_a_signed_in_session() {
    let app = spawn_app().await;
    let browser = app.signed_in("heather").await;
    let cookie = browser.cookie_header().unwrap();
    app.stop().await;

    let restarted = start(app.settings.clone(), app.clock.clone(), app.dir.clone()).await;
    let response = Browser::new(&restarted.address)
        .client
        .get(format!("{}/", restarted.address))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response).as_deref(), Some("/billing"));
}

#[tokio::test]
async fn the_idle_timeout_signs_people_out() {
    let app = spawn_app().await;
    let browser = app.signed_in("alex").await;
    app.clock.advance(60 * 60);
    assert_eq!(
        location(&browser.get("/").await).as_deref(),
        Some("/cases/new")
    );
    app.clock.advance(60 * 60 + 30); // within two hours of the last request
    assert_eq!(
        location(&browser.get("/").await).as_deref(),
        Some("/cases/new")
    );
    app.clock.advance(2 * 60 * 60 + 1);
    assert_eq!(location(&browser.get("/").await).as_deref(), Some("/login"));
}

#[tokio::test]
async fn the_absolute_timeout_ends_even_an_active_session() {
    let app = spawn_app().await;
    let browser = app.signed_in("alex").await;
    for _ in 0..12 {
        app.clock.advance(60 * 60);
        browser.get("/").await;
    }
    app.clock.advance(1);
    assert_eq!(location(&browser.get("/").await).as_deref(), Some("/login"));
}

#[tokio::test]
async fn the_login_page_shows_demo_mode_and_its_accounts() {
    let app = spawn_app().await;
    let (_, body) = app.browser().page("/login").await;
    assert!(body.contains("Demo mode is on"));
    for username in ["alex", "spencer", "heather", "riley", "morgan", "admin"] {
        assert!(
            body.contains(&format!("<code>{username}</code>")),
            "{username}"
        );
    }
}

async fn fail_from(app: &crate::helpers::TestApp, forwarded_for: &str, times: usize) {
    for i in 0..times {
        let browser = app.browser();
        browser.page("/login").await;
        let token = browser.csrf_token().unwrap();
        browser
            .client
            .post(browser.url("/login"))
            .header("x-forwarded-for", forwarded_for)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", &format!("guess{i}")),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
    }
}

async fn sign_in_from(app: &crate::helpers::TestApp, forwarded_for: &str) -> reqwest::Response {
    let browser = app.browser();
    browser.page("/login").await;
    let token = browser.csrf_token().unwrap();
    browser
        .client
        .post(browser.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "alex"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_the_trusted_proxy_each_forwarded_address_is_throttled_on_its_own() {
    let app =
        crate::helpers::spawn_app_with(|s| s.trusted_proxy = Some("127.0.0.1".parse().unwrap()))
            .await;
    fail_from(&app, "203.0.113.7", 30).await;
    let refused = sign_in_from(&app, "203.0.113.7").await;
    assert_eq!(
        refused.status(),
        StatusCode::OK,
        "the throttled address is refused"
    );
    // The proxy appends the real client last; a forged first entry changes nothing.
    let forged = sign_in_from(&app, "198.51.100.1, 203.0.113.7").await;
    assert_eq!(forged.status(), StatusCode::OK);
    let other = sign_in_from(&app, "203.0.113.8").await;
    assert_eq!(
        other.status(),
        StatusCode::SEE_OTHER,
        "another office is not affected"
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let app = spawn_app().await;
    fail_from(&app, "203.0.113.7", 30).await;
    // All of those came from 127.0.0.1, whatever the header said.
    let refused = sign_in_from(&app, "203.0.113.99").await;
    assert_eq!(refused.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_get_extends_the_idle_timeout_at_most_once_a_minute() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let staff = app.staff_id("alex");
    let idle_expiry = || app.idle_expires_at(staff);
    let at_sign_in = idle_expiry();
    app.clock.advance(30);
    for _ in 0..5 {
        alex.get("/").await;
    }
    assert_eq!(idle_expiry(), at_sign_in, "no write within the minute");
    app.clock.advance(31);
    alex.get("/").await;
    assert_eq!(
        idle_expiry(),
        at_sign_in + 61,
        "extended once the minute passed"
    );
}
