//! Junk posted to every POST route by every role: never a 5xx, nothing
//! stored, and errors beside the fields when a form comes back.

use reqwest::StatusCode;
use retention_desk::web::post_paths;

use crate::helpers::*;

/// The fields each route's form has (unknown fields are refused with 400).
fn fields_of(route: &str) -> &'static [&'static str] {
    match route {
        "/login" => &["username", "password", "resume"],
        "/logout" | "/account/sessions/sign-out-others" => &[],
        "/account/password" => &["current_password", "new_password", "repeat_password"],
        "/cases" => &[
            "customer_name",
            "account_id",
            "support_ticket",
            "level_id",
            "server_id",
            "ar_balance",
            "original_rep",
            "request",
            "reason_id",
            "refund_amount",
            "refund_reason",
            "notes",
            "submission_token",
        ],
        "/cases/{id}/comments" => &["comment"],
        "/cases/{id}/reply-sent" => &[],
        "/cases/{id}/withdraw" => &["withdraw_reason"],
        "/cases/{id}/refund/issue" => &["payment_reference"],
        "/cases/{id}/refund/review" => &["review_notes", "decision"],
        "/tasks/{id}/outcome" => &["outcome", "offer", "call_notes"],
        "/tasks/{id}/reassign" => &["assignee_id"],
        "/admin/staff" => &["full_name", "username", "role", "password"],
        "/admin/staff/fallback-owner" => &["fallback_owner"],
        "/admin/staff/{id}/password" => &["password"],
        "/admin/staff/{id}/unlock" | "/admin/staff/{id}/depart" => &[],
        "/admin/servers" | "/admin/servers/{id}" => &["name", "exit_survey_url"],
        "/admin/servers/{id}/retire" | "/admin/levels/{id}/retire" => &[],
        "/admin/levels" => &["name", "rank", "route"],
        "/admin/levels/{id}/route" => &["route"],
        "/admin/policy" => &["ar_limit", "refund_review_limit"],
        "/admin/replies" | "/admin/replies/preview" => &[
            "greeting",
            "sign_off",
            "exit_survey",
            "save_call",
            "credit",
            "review",
        ],
        "/admin/policy/preview" => &[
            "draft_ar_limit",
            "draft_refund_review_limit",
            "from",
            "to",
            "based_on",
        ],
        "/admin/sla" => &[
            "save_call_hours",
            "refund_hours",
            "review_refund_hours",
            "warn_hours",
            "monday",
            "saturday",
            "day_starts",
            "day_ends",
            "holidays",
        ],
        "/admin/staff/{id}/slack" => &["slack_member_id"],
        "/admin/reasons" => &["name", "position"],
        "/admin/reasons/{id}" => &["position"],
        "/admin/reasons/{id}/retire" => &[],
        other => panic!("{other} is a POST route the junk test does not know: add its fields here"),
    }
}

/// Values that are wrong wherever they go.
const INVALID_EVERYWHERE: &[&str] = &["\0", "a\0b", "\u{7}bell"];

/// Values that are wrong in id, amount and choice fields; sent only where the
/// path id does not exist, since they may be fine as free text.
const WRONG_VALUES: &[&str] = &[
    "",
    "   ",
    "ünïcödé ☃ 𝄞 مرحبا",
    "12.345",
    "1e5",
    "-5",
    "NaN",
    "99999999999999999999999",
    "$",
    "1,25,0",
    "abc",
    "<script>alert(1)</script>",
    "999999",
    "0x10",
];

const TABLES: &[&str] = &[
    "cases",
    "case_events",
    "save_tasks",
    "billing_items",
    "outbox_messages",
    "staff",
    "servers",
    "customer_levels",
    "policy_versions",
    "reply_versions",
    "not_saved_replies",
];

fn encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

fn junk_bodies(route: &str, csrf: &str, existing_target: bool) -> Vec<String> {
    let fields = fields_of(route);
    let mut bodies = Vec::new();
    let with_token = |pairs: Vec<(&str, &str)>| {
        let mut all = vec![("csrf_token", csrf)];
        all.extend(pairs);
        encode(&all)
    };
    // Unknown and duplicated fields.
    bodies.push(with_token(vec![("no_such_field", "1")]));
    if let Some(first) = fields.first() {
        bodies.push(with_token(vec![(first, "\0"), (first, "\0")]));
    }
    // A body over the size limit.
    bodies.push(with_token(vec![("x", &"y".repeat(70 * 1024))]));
    if fields.is_empty() {
        // A form with no fields is valid when empty: only junk that adds fields applies.
        return bodies;
    }
    let values: Vec<&str> = if existing_target {
        INVALID_EVERYWHERE.to_vec()
    } else {
        INVALID_EVERYWHERE
            .iter()
            .chain(WRONG_VALUES)
            .copied()
            .collect()
    };
    for value in values {
        bodies.push(with_token(fields.iter().map(|f| (*f, value)).collect()));
    }
    bodies
}

#[tokio::test]
async fn junk_to_every_post_route_by_every_role_is_refused_cleanly() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    // A case with a save task and a review refund, so every action has a real target.
    let existing = NewCase::new()
        .cancel_and_refund("2500", "Annual plan")
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_for_id(&alex)
        .await;
    let (task, ..) = app.task_for(existing);
    let before: Vec<i64> = TABLES.iter().map(|t| app.count(t)).collect();

    let mut requests = 0;
    for username in [
        None,
        Some("alex"),
        Some("riley"),
        Some("spencer"),
        Some("heather"),
        Some("admin"),
    ] {
        for route in post_paths() {
            for (existing_target, id) in [(true, existing), (false, 999_999)] {
                if !route.contains("{id}") && !existing_target {
                    continue;
                }
                let id = if route.starts_with("/tasks") && existing_target {
                    task
                } else {
                    id
                };
                let path = route.replace("{id}", &id.to_string());
                let browser = match username {
                    Some(username) => app.signed_in(username).await,
                    None => app.browser(),
                };
                let (_, _) = browser.page("/login").await;
                let csrf = browser.csrf_token().unwrap_or_default();
                for body in junk_bodies(route, &csrf, existing_target) {
                    let response = browser
                        .client
                        .post(browser.url(&path))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    requests += 1;
                    let status = response.status();
                    let who = username.unwrap_or("signed out");
                    assert!(
                        !status.is_server_error(),
                        "{who} POST {path} {status}: {}",
                        &body[..body.len().min(120)]
                    );
                    if status == StatusCode::UNPROCESSABLE_ENTITY {
                        let page = response.text().await.unwrap();
                        assert!(
                            page.contains("class=\"field-error\""),
                            "{who} POST {path}: 422 without a field error"
                        );
                    }
                }
            }
        }
    }
    let after: Vec<i64> = TABLES.iter().map(|t| app.count(t)).collect();
    assert_eq!(before, after, "junk stored nothing ({requests} requests)");
}
