//! SPEC §4's route × role table, row by row: signed out → /login, a role not
//! in the row → 403, a role in it → the page.

use reqwest::StatusCode;

use crate::helpers::{NewCase, location, spawn_app};

/// A demo account per role.
const AGENT: &str = "alex";
const SALES_REP: &str = "riley";
const RETENTION_OWNER: &str = "spencer";
const BILLING: &str = "heather";
const ADMIN: &str = "admin";
const EVERYONE: &[&str] = &[AGENT, SALES_REP, RETENTION_OWNER, BILLING, ADMIN];

/// Every GET route behind sign-in, with who may use it. Add new routes here.
pub const PAGES: &[(&str, &[&str])] = &[
    ("/", EVERYONE),
    ("/cases/new", &[AGENT]),
    ("/cases/waiting", &[AGENT]),
    ("/cases", &[AGENT, RETENTION_OWNER, BILLING, ADMIN]),
    ("/tasks", &[SALES_REP, RETENTION_OWNER]),
    ("/billing", &[BILLING]),
    ("/admin", &[ADMIN]),
    ("/admin/audit", &[ADMIN]),
    ("/admin/staff", &[ADMIN]),
    ("/admin/staff/4/password", &[ADMIN]),
    ("/admin/staff/4/depart", &[ADMIN]),
    ("/admin/servers", &[ADMIN]),
    ("/admin/levels", &[ADMIN]),
    ("/admin/policy", &[ADMIN]),
    ("/admin/replies", &[ADMIN]),
    ("/account/password", EVERYONE),
    ("/account/sessions", EVERYONE),
    ("/admin/policy/preview", &[ADMIN]),
    ("/admin/sla", &[ADMIN]),
];

#[tokio::test]
async fn every_role_may_read_a_case_but_only_agents_act_as_agents() {
    let app = spawn_app().await;
    let alex = app.signed_in(AGENT).await;
    let id = NewCase::new().submit_for_id(&alex).await;
    for username in EVERYONE {
        let browser = app.signed_in(username).await;
        let (status, _) = browser.page(&format!("/cases/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{username} reads the case");
        if *username != AGENT {
            let response = browser.post(&format!("/cases/{id}/reply-sent"), &[]).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{username} marks a reply sent"
            );
            let response = browser.post("/cases", &[("customer_name", "x")]).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{username} submits a case"
            );
        }
    }
    assert_eq!(app.count("cases"), 1);
    let (status, _) = alex.page("/cases/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = alex.page("/cases/not-a-number").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signed_out_every_page_but_login_and_health_redirects_to_login() {
    let app = spawn_app().await;
    let browser = app.browser();
    for (path, _) in PAGES {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response).as_deref(), Some("/login"), "{path}");
    }
    assert_eq!(browser.get("/login").await.status(), StatusCode::OK);
    assert_eq!(browser.get("/health").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_role_reaches_its_routes_and_gets_403_elsewhere() {
    let app = spawn_app().await;
    for username in EVERYONE {
        let browser = app.signed_in(username).await;
        for (path, allowed) in PAGES {
            let response = browser.get(path).await;
            let status = response.status();
            if allowed.contains(username) {
                assert!(
                    status == StatusCode::OK
                        || status == StatusCode::SEE_OTHER
                            && location(&response).as_deref() != Some("/login"),
                    "{username} may use {path}, got {status}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} on {path}");
            }
        }
    }
}

fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
        "{what}"
    );
    assert_eq!(
        headers.get("x-content-type-options").unwrap(),
        "nosniff",
        "{what}"
    );
    assert!(headers.get("referrer-policy").is_some(), "{what}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store", "{what}");
}

#[tokio::test]
async fn security_headers_are_on_200_403_and_404_pages() {
    let app = spawn_app().await;
    let browser = app.signed_in(AGENT).await;
    let ok = browser.get("/login").await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let ok = app.browser().get("/login").await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_security_headers(&ok, "200");
    let forbidden = browser.post_raw("/logout", &[]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_security_headers(&forbidden, "403");
    let missing = browser.get("/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "404");
}
