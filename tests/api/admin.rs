//! The admin screens (issue #6): staff, servers and exit surveys, customer
//! levels, the versioned policy, the audit log, and what each change does
//! to cases submitted through the real intake form.

use reqwest::StatusCode;

use crate::helpers::*;

const SURVEY_APP_01: &str = "https://survey.example.com/exit?server=app-01";
const GOOD_PASSWORD: &str = "correct-horse-battery";

fn steps(body: &str) -> Vec<String> {
    texts(body, ".actions-list .step")
}

fn reply(body: &str) -> String {
    texts(body, "pre.reply").join("\n")
}

fn field_errors(body: &str) -> Vec<String> {
    texts(body, ".field-error")
}

fn error_summary(body: &str) -> String {
    texts(body, ".error-summary").join(" ")
}

/// The option labels of a select on a page, in order.
fn options(body: &str, select: &str) -> Vec<String> {
    texts(body, &format!("select#{select} option"))
}

async fn post_ok(browser: &Browser, path: &str, fields: &[(&str, &str)]) {
    let response = browser.post(path, fields).await;
    let status = response.status();
    let location = location(&response);
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER, "POST {path}: {body}");
    assert!(location.is_some(), "POST {path} redirects");
}

async fn post_refused(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> String {
    let response = browser.post(path, fields).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "POST {path} is refused"
    );
    response.text().await.unwrap()
}

async fn admin(app: &TestApp) -> Browser {
    let browser = app.signed_in("admin").await;
    browser.page("/admin").await;
    browser
}

#[tokio::test]
async fn the_overview_links_every_admin_page() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, body) = admin.page("/admin").await;
    assert_eq!(status, StatusCode::OK);
    let links = attrs(&body, "main a", "href");
    for path in [
        "/admin/staff",
        "/admin/servers",
        "/admin/levels",
        "/admin/policy",
        "/admin/sla",
        "/admin/audit",
    ] {
        assert!(links.iter().any(|l| l == path), "links {path}: {links:?}");
    }
    assert!(body.contains("Slack deliveries that failed"));
    assert!(body.contains("No Slack heads-up has failed."));
    assert!(body.contains("Fallback save tasks go to <strong>Spencer</strong>"));
}

#[tokio::test]
async fn failed_slack_deliveries_are_listed_with_their_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let id = NewCase::new()
        .customer("Pat <Failed> Jones")
        .submit_for_id(&alex)
        .await;
    app.execute(&format!(
        "INSERT INTO outbox_messages (case_id, channel, text, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ({id}, 'slack', 'heads-up', 'failed', 3, 0, 'Slack said 404: no_service', {START}),
                ({id}, 'slack', 'heads-up', 'delivered', 1, 0, NULL, {START})"
    ))
    .unwrap();
    let admin = app.signed_in("admin").await;
    let (_, body) = admin.page("/admin").await;
    let rows = texts(&body, "#failed-deliveries tbody tr");
    assert_eq!(rows.len(), 1, "only the failed one: {rows:?}");
    assert!(rows[0].contains(&format!("Case {id}")), "{rows:?}");
    assert!(rows[0].contains("Pat <Failed> Jones"), "{rows:?}");
    assert!(rows[0].contains("Slack said 404: no_service"), "{rows:?}");
    assert_eq!(
        attrs(&body, "#failed-deliveries a", "href"),
        [format!("/cases/{id}")]
    );
    assert!(!body.contains("<Failed>"), "customer text is escaped");
}

#[tokio::test]
async fn a_new_servers_survey_link_appears_on_its_essentials_cases() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let url = "https://survey.example.com/exit?server=app-03&lang=en";
    post_ok(
        &admin,
        "/admin/servers",
        &[("name", " app-03 "), ("exit_survey_url", url)],
    )
    .await;
    let (_, body) = admin.page("/admin/servers").await;
    assert!(texts(&body, "#servers td").iter().any(|t| t == "app-03"));
    assert!(texts(&body, ".notice").join(" ").contains("app-03"));

    let alex = app.signed_in("alex").await;
    let (_, form) = alex.page("/cases/new").await;
    assert!(
        options(&form, "server_id")
            .iter()
            .any(|o| o.contains("app-03"))
    );
    let (_, body) = NewCase::new()
        .server(Server::Id(app.server_id("app-03")))
        .submit_and_open(&alex)
        .await;
    assert_eq!(steps(&body), ["C2"]);
    assert!(reply(&body).contains(url), "{}", reply(&body));
    assert_eq!(attrs(&body, "a.survey-link", "href"), [url]);
}

#[tokio::test]
async fn a_javascript_survey_url_is_refused_with_a_field_error() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let before = app.count("servers");
    for bad in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/survey",
        "survey.example.com/exit",
    ] {
        let body = post_refused(
            &admin,
            "/admin/servers",
            &[("name", "app-09"), ("exit_survey_url", bad)],
        )
        .await;
        assert_eq!(
            field_errors(&body),
            ["Use a link that starts with https:// or http://"],
            "{bad}"
        );
        assert_eq!(
            attrs(&body, "input#name", "value"),
            ["app-09"],
            "typed name kept"
        );
        assert_eq!(
            attrs(&body, "input#exit_survey_url", "value"),
            [bad],
            "typed URL kept"
        );
        assert!(
            texts(&body, ".field.has-error label")
                .iter()
                .any(|l| l == "Exit survey URL")
        );
    }
    assert_eq!(app.count("servers"), before, "nothing stored");

    // Editing an existing server's link is held to the same rule.
    let app_01 = app.server_id("app-01");
    let body = post_refused(
        &admin,
        &format!("/admin/servers/{app_01}"),
        &[
            ("name", "app-01"),
            ("exit_survey_url", "javascript:alert(1)"),
        ],
    )
    .await;
    assert_eq!(
        field_errors(&body),
        ["Use a link that starts with https:// or http://"]
    );
    let stored = app.exit_survey_url("app-01");
    assert_eq!(stored, SURVEY_APP_01);

    // Blank name and a name already taken.
    let body = post_refused(
        &admin,
        "/admin/servers",
        &[("name", "   "), ("exit_survey_url", "")],
    )
    .await;
    assert_eq!(field_errors(&body).len(), 2, "{:?}", field_errors(&body));
    let body = post_refused(
        &admin,
        "/admin/servers",
        &[
            ("name", "APP-01"),
            ("exit_survey_url", "https://x.example.com"),
        ],
    )
    .await;
    assert_eq!(
        field_errors(&body),
        ["There is already a server called APP-01"]
    );
    assert_eq!(app.count("servers"), before);
    assert!(
        app.audit_details().is_empty(),
        "refused changes are not audited"
    );
}

#[tokio::test]
async fn renaming_changing_and_retiring_a_server_leaves_old_cases_as_they_were() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let alex = app.signed_in("alex").await;
    let app_01 = app.server_id("app-01");
    let (old, _) = NewCase::new()
        .server(Server::Id(app_01))
        .submit_and_open(&alex)
        .await;

    let new_url = "https://feedback.example.com/leaving?s=1";
    post_ok(
        &admin,
        &format!("/admin/servers/{app_01}"),
        &[("name", "app-01-eu"), ("exit_survey_url", new_url)],
    )
    .await;
    let (_, body) = NewCase::new()
        .server(Server::Id(app_01))
        .submit_and_open(&alex)
        .await;
    assert_eq!(attrs(&body, "a.survey-link", "href"), [new_url]);
    let (_, old_body) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(attrs(&old_body, "a.survey-link", "href"), [SURVEY_APP_01]);

    post_ok(&admin, &format!("/admin/servers/{app_01}/retire"), &[]).await;
    let (_, form) = alex.page("/cases/new").await;
    assert!(
        !options(&form, "server_id")
            .iter()
            .any(|o| o.contains("app-01")),
        "{:?}",
        options(&form, "server_id")
    );
    let (status, old_body) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(old_body.contains("app-01"));

    // The last server in service cannot be retired.
    let app_02 = app.server_id("app-02");
    let body = post_refused(&admin, &format!("/admin/servers/{app_02}/retire"), &[]).await;
    assert!(
        error_summary(&body).contains("app-02 is the last server in service"),
        "{}",
        error_summary(&body)
    );
}

#[tokio::test]
async fn a_new_check_ar_level_routes_like_professional_and_the_form_lists_levels_by_rank() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    post_ok(
        &admin,
        "/admin/levels",
        &[
            ("name", "Professional Plus"),
            ("rank", "25"),
            ("route", "check_ar"),
        ],
    )
    .await;
    let alex = app.signed_in("alex").await;
    let (_, form) = alex.page("/cases/new").await;
    let levels: Vec<String> = options(&form, "level_id")
        .into_iter()
        .filter(|o| !o.starts_with("Choose"))
        .collect();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l.split(" (").next().unwrap_or(l))
        .collect();
    assert_eq!(
        names,
        [
            "Essentials",
            "Professional",
            "Professional Plus",
            "Professional 2A",
            "SMB"
        ]
    );

    let plus = Level::Id(app.level_id("Professional Plus"));
    for (ar, expected) in [
        ("400", vec!["C2A", "C2"]),
        ("$1,000.00", vec!["C2A", "C2"]),
        ("1,000.01", vec!["C2A"]),
    ] {
        let (id, body) = NewCase::new()
            .level(plus)
            .ar(ar)
            .rep(Rep::Riley)
            .submit_and_open(&alex)
            .await;
        assert_eq!(steps(&body), expected, "A/R {ar}");
        let task = app.task_of(id).map(|(assignee, _)| assignee);
        let expected_task = (expected.len() == 1).then(|| app.staff_id("riley"));
        assert_eq!(task, expected_task, "A/R {ar}");
    }

    // Bad input: 422, each error next to its field, typed values kept.
    let before = app.count("customer_levels");
    let body = post_refused(
        &admin,
        "/admin/levels",
        &[("name", " "), ("rank", "2.5"), ("route", "call_them")],
    )
    .await;
    assert_eq!(field_errors(&body).len(), 3, "{:?}", field_errors(&body));
    assert_eq!(attrs(&body, "input#rank", "value"), ["2.5"]);
    let body = post_refused(
        &admin,
        "/admin/levels",
        &[("name", "smb"), ("rank", "50"), ("route", "sales_call")],
    )
    .await;
    assert_eq!(field_errors(&body), ["There is already a level called smb"]);
    assert_eq!(app.count("customer_levels"), before);
}

#[tokio::test]
async fn changing_a_levels_route_leaves_old_cases_decisions_as_they_were() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let alex = app.signed_in("alex").await;
    let facts = NewCase::new()
        .level(Level::Professional)
        .ar("1500")
        .rep(Rep::Riley);
    let (old, before) = facts.submit_and_open(&alex).await;
    assert_eq!(steps(&before), ["C2A"]);

    post_ok(
        &admin,
        &format!("/admin/levels/{}/route", Level::Professional.id()),
        &[("route", "essentials")],
    )
    .await;
    let (_, levels) = admin.page("/admin/levels").await;
    assert!(
        texts(&levels, ".notice")
            .join(" ")
            .contains("old cases keep theirs")
    );

    let (_, new) = facts.submit_and_open(&alex).await;
    assert_eq!(steps(&new), ["C2"], "new cases take the new route");
    let (_, after) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(steps(&after), ["C2A"], "the old case keeps its decision");
    assert!(
        texts(&after, "dd")
            .iter()
            .any(|t| t == "Professional (Check A/R)"),
        "the old case keeps its level and route"
    );
    assert_eq!(
        texts(&after, "pre.reply"),
        texts(&before, "pre.reply"),
        "and its reply"
    );

    // A retired level leaves the form; its old cases still show it.
    post_ok(
        &admin,
        &format!("/admin/levels/{}/retire", Level::Professional.id()),
        &[],
    )
    .await;
    let (_, form) = alex.page("/cases/new").await;
    assert!(
        !options(&form, "level_id")
            .iter()
            .any(|o| o.starts_with("Professional (")),
        "{:?}",
        options(&form, "level_id")
    );
    let (status, after) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(steps(&after), ["C2A"]);
}

#[tokio::test]
async fn a_new_sales_rep_can_sign_in_and_sees_tasks() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let (_, page) = admin.page("/admin/staff").await;
    assert_eq!(
        options(&page, "role"),
        [
            "Choose a role",
            "Agent",
            "Sales rep",
            "Retention owner",
            "Billing",
            "Admin"
        ]
    );
    for label in ["Full name", "Username", "Role", "Password"] {
        assert!(texts(&page, "label").iter().any(|l| l == label), "{label}");
    }
    post_ok(
        &admin,
        "/admin/staff",
        &[
            ("full_name", "Sam Rivera"),
            ("username", "Sam.Rivera"),
            ("role", "sales-rep"),
            ("password", GOOD_PASSWORD),
        ],
    )
    .await;
    let (_, page) = admin.page("/admin/staff").await;
    let row = texts(&page, "#staff tbody tr")
        .into_iter()
        .find(|r| r.contains("Sam Rivera"))
        .expect("listed");
    assert!(row.contains("sam.rivera") && row.contains("Sales rep") && row.contains("Never"));

    let sam = app.browser();
    let response = sam.sign_in("sam.rivera", GOOD_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = sam.get("/").await;
    assert_eq!(location(&response).as_deref(), Some("/tasks"));
    let (status, _) = sam.page("/tasks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sam.get("/admin").await.status(), StatusCode::FORBIDDEN);

    let (_, page) = admin.page("/admin/staff").await;
    let row = texts(&page, "#staff tbody tr")
        .into_iter()
        .find(|r| r.contains("Sam Rivera"))
        .unwrap();
    assert!(row.contains("2026-11-25 09:00 UTC"), "last sign-in: {row}");

    // Sam is now on the intake form's rep list.
    let alex = app.signed_in("alex").await;
    let (_, form) = alex.page("/cases/new").await;
    assert!(
        options(&form, "original_rep")
            .iter()
            .any(|o| o.contains("Sam Rivera"))
    );
}

#[tokio::test]
async fn adding_staff_refuses_bad_input_with_the_form_as_typed() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let before = app.count("staff");
    let body = post_refused(
        &admin,
        "/admin/staff",
        &[
            ("full_name", "Jo Park"),
            ("username", "jo park"),
            ("role", ""),
            ("password", "short-pw"),
        ],
    )
    .await;
    let errors = field_errors(&body);
    assert!(
        errors.contains(
            &"Use only lowercase letters, digits, dots, dashes and underscores".to_owned()
        ),
        "{errors:?}"
    );
    assert!(errors.contains(&"Choose a role".to_owned()), "{errors:?}");
    assert!(
        errors.contains(&"Use at least 12 characters".to_owned()),
        "{errors:?}"
    );
    assert_eq!(attrs(&body, "input#full_name", "value"), ["Jo Park"]);
    assert_eq!(attrs(&body, "input#username", "value"), ["jo park"]);
    assert_eq!(
        attrs(&body, "input#password", "value"),
        Vec::<String>::new(),
        "a password is never sent back"
    );

    let body = post_refused(
        &admin,
        "/admin/staff",
        &[
            ("full_name", "Another Riley"),
            ("username", "RILEY"),
            ("role", "agent"),
            ("password", GOOD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(field_errors(&body), ["The username riley is already taken"]);
    assert_eq!(
        attrs(&body, "select#role option[selected]", "value"),
        ["agent"]
    );
    assert_eq!(app.count("staff"), before);
}

#[tokio::test]
async fn lowering_the_ar_limit_changes_new_cases_only_and_both_show_their_policy_version() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let (_, page) = admin.page("/admin/policy").await;
    assert_eq!(attrs(&page, "input#ar_limit", "value"), ["1,000.00"]);
    assert_eq!(
        attrs(&page, "input#refund_review_limit", "value"),
        ["1,000.00"]
    );

    let alex = app.signed_in("alex").await;
    let facts = NewCase::new()
        .level(Level::Professional)
        .ar("800")
        .rep(Rep::Riley);
    let (old, body) = facts.submit_and_open(&alex).await;
    assert_eq!(steps(&body), ["C2A", "C2"]);
    assert!(body.contains("decided under policy version 1: A/R limit $1,000.00"));

    post_ok(
        &admin,
        "/admin/policy",
        &[("ar_limit", "$500"), ("refund_review_limit", "1,000.00")],
    )
    .await;
    let (_, page) = admin.page("/admin/policy").await;
    assert_eq!(attrs(&page, "input#ar_limit", "value"), ["500.00"]);
    assert!(page.contains("policy version 2"));
    assert_eq!(texts(&page, "#policy-versions tbody tr").len(), 2);

    let (_, new) = facts.submit_and_open(&alex).await;
    assert_eq!(steps(&new), ["C2A"], "over the new $500.00 limit");
    assert!(new.contains("A/R $800.00 is over the $500.00 limit"));
    assert!(new.contains("decided under policy version 2: A/R limit $500.00"));

    let (_, old_body) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(steps(&old_body), ["C2A", "C2"]);
    assert!(old_body.contains("decided under policy version 1: A/R limit $1,000.00"));

    // Bad limits: 422 next to the field, as typed, no new version.
    for (ar, refund, expected) in [
        ("12.345", "1000", "Use at most 2 decimal places"),
        (
            "abc",
            "1000",
            "Enter an amount in dollars and cents, like 1,250.00",
        ),
        ("-5", "1000", "The A/R limit cannot be negative"),
    ] {
        let body = post_refused(
            &admin,
            "/admin/policy",
            &[("ar_limit", ar), ("refund_review_limit", refund)],
        )
        .await;
        assert_eq!(field_errors(&body), [expected], "{ar}");
        assert_eq!(attrs(&body, "input#ar_limit", "value"), [ar]);
    }
    assert_eq!(app.count("policy_versions"), 2);
}

#[tokio::test]
async fn departing_a_rep_moves_their_open_task_to_spencer_and_ends_their_session_at_once() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley_id = app.staff_id("riley");
    let spencer_id = app.staff_id("spencer");
    let riley = app.signed_in("riley").await;
    let (case, _) = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    let (status, tasks) = riley.page("/tasks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(tasks.contains(&format!("/cases/{case}")));

    let admin = admin(&app).await;
    let (_, confirm) = admin.page(&format!("/admin/staff/{riley_id}/depart")).await;
    assert!(
        confirm.contains("open save task moves to Spencer"),
        "{confirm}"
    );
    post_ok(&admin, &format!("/admin/staff/{riley_id}/depart"), &[]).await;
    let (_, page) = admin.page("/admin/staff").await;
    assert!(
        texts(&page, ".notice")
            .join(" ")
            .contains("1 open save task moved to Spencer")
    );

    // Riley's live session is over.
    let response = riley.get("/tasks").await;
    assert_eq!(location(&response).as_deref(), Some("/login"));
    let riley_sessions = app.count_where("sessions", &format!("staff_id = {riley_id}"));
    assert_eq!(riley_sessions, 0);
    assert!(app.departed("riley"));
    let response = app.browser().sign_in("riley", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "cannot sign in again");

    // The task is Spencer's, and the case says so in its log.
    let (assignee, _) = app.task_of(case).unwrap();
    assert_eq!(assignee, spencer_id);
    let reassigned = app.events(case, "reassigned");
    assert_eq!(
        reassigned,
        ["Reassigned from Riley to Spencer: Riley has left the company"]
    );
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(
        texts(&body, "dd").iter().any(|t| t.starts_with("Spencer")),
        "the case names Spencer"
    );
    assert!(body.contains("Reassigned from Riley to Spencer"));
    assert!(body.contains("(the rep has left or is unknown)"));
    let spencer = app.signed_in("spencer").await;
    let (_, tasks) = spencer.page("/tasks").await;
    assert!(tasks.contains(&format!("/cases/{case}")));

    // New cases naming Riley go to Spencer too.
    let (_, body) = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    assert!(body.contains("Riley (departed)"));
}

#[tokio::test]
async fn unlock_lets_a_throttled_user_sign_in() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    for _ in 0..10 {
        app.browser().sign_in("alex", "wrong-password").await;
    }
    let response = app.browser().sign_in("alex", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "throttled");

    let alex_id = app.staff_id("alex");
    let (_, page) = admin.page("/admin/staff").await;
    let row = texts(&page, &format!("#staff-{alex_id}")).join(" ");
    assert!(
        row.contains("Locked out") && row.contains("Unlock"),
        "{row}"
    );
    let riley_row = texts(&page, &format!("#staff-{}", app.staff_id("riley"))).join(" ");
    assert!(!riley_row.contains("Unlock"), "{riley_row}");

    post_ok(&admin, &format!("/admin/staff/{alex_id}/unlock"), &[]).await;
    let response = app.browser().sign_in("alex", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "unlocked");
    let (_, page) = admin.page("/admin/staff").await;
    assert!(
        !texts(&page, &format!("#staff-{alex_id}"))
            .join(" ")
            .contains("Locked out")
    );
}

#[tokio::test]
async fn reset_password_replaces_the_old_one_and_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let heather = app.signed_in("heather").await;
    let id = app.staff_id("heather");
    let (status, form) = admin.page(&format!("/admin/staff/{id}/password")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&form, "label").iter().any(|l| l == "New password"));
    let body = post_refused(
        &admin,
        &format!("/admin/staff/{id}/password"),
        &[("password", "too-short")],
    )
    .await;
    assert_eq!(field_errors(&body).len(), 1);
    post_ok(
        &admin,
        &format!("/admin/staff/{id}/password"),
        &[("password", GOOD_PASSWORD)],
    )
    .await;
    assert_eq!(
        location(&heather.get("/billing").await).as_deref(),
        Some("/login")
    );
    let response = app.browser().sign_in("heather", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "the old password fails");
    let response = app.browser().sign_in("heather", GOOD_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn each_departure_guard_refuses_with_a_clear_message() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let depart = |username: &str| format!("/admin/staff/{}/depart", app.staff_id(username));

    let body = post_refused(&admin, &depart("admin"), &[]).await;
    assert!(
        error_summary(&body).contains("Admin is the last active admin"),
        "{}",
        error_summary(&body)
    );
    let body = post_refused(&admin, &depart("heather"), &[]).await;
    assert!(error_summary(&body).contains("Heather is the last active billing person"));
    let body = post_refused(&admin, &depart("spencer"), &[]).await;
    assert!(error_summary(&body).contains("Spencer is the last active retention owner"));
    let (_, confirm) = admin.page(&depart("spencer")).await;
    assert!(confirm.contains("the last active retention owner"));
    assert!(
        !texts(&confirm, "button")
            .iter()
            .any(|b| b == "Mark as departed"),
        "no button when it would be refused"
    );

    // With a second admin, an admin still cannot depart themselves.
    for (name, username, role) in [
        ("Second Admin", "admin2", "admin"),
        ("Sky Owner", "sky", "retention-owner"),
    ] {
        post_ok(
            &admin,
            "/admin/staff",
            &[
                ("full_name", name),
                ("username", username),
                ("role", role),
                ("password", GOOD_PASSWORD),
            ],
        )
        .await;
    }
    let body = post_refused(&admin, &depart("admin"), &[]).await;
    assert!(error_summary(&body).contains("You cannot mark yourself as departed"));

    // Spencer receives fallbacks: hand that to Sky first.
    let body = post_refused(&admin, &depart("spencer"), &[]).await;
    assert!(
        error_summary(&body).contains(
            "Spencer receives the save tasks of departed reps. Choose another retention owner to receive them first."
        ),
        "{}",
        error_summary(&body)
    );
    for username in ["admin", "heather", "spencer"] {
        assert!(!app.departed(username), "{username} stays");
    }
    let (_, page) = admin.page("/admin/staff").await;
    assert_eq!(
        texts(&page, "#fallback-owner strong"),
        ["Spencer"],
        "shows who receives fallbacks"
    );
    let sky = app.staff_id("sky").to_string();
    post_ok(
        &admin,
        "/admin/staff/fallback-owner",
        &[("fallback_owner", &sky)],
    )
    .await;
    let (_, page) = admin.page("/admin/staff").await;
    assert_eq!(texts(&page, "#fallback-owner strong"), ["Sky Owner"]);
    // A non-retention owner cannot receive fallbacks.
    let body = post_refused(
        &admin,
        "/admin/staff/fallback-owner",
        &[("fallback_owner", &app.staff_id("riley").to_string())],
    )
    .await;
    assert_eq!(field_errors(&body), ["Choose an active retention owner"]);

    post_ok(&admin, &depart("spencer"), &[]).await;
    assert!(app.departed("spencer"));
    let admin2 = app.browser();
    let response = admin2.sign_in("admin2", GOOD_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    admin2.page("/admin").await;
    post_ok(&admin2, &depart("admin"), &[]).await;
    assert!(app.departed("admin"));
}

#[tokio::test]
async fn every_admin_change_appears_in_the_audit_log() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let admin_id = app.staff_id("admin");
    let riley = app.staff_id("riley");
    let app_02 = app.server_id("app-02");
    for _ in 0..10 {
        app.browser().sign_in("alex", "wrong-password").await;
    }
    post_ok(
        &admin,
        "/admin/staff",
        &[
            ("full_name", "Sky Owner"),
            ("username", "sky"),
            ("role", "retention-owner"),
            ("password", GOOD_PASSWORD),
        ],
    )
    .await;
    let changes: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("/admin/staff/{riley}/password"),
            vec![("password", GOOD_PASSWORD.into())],
        ),
        (
            format!("/admin/staff/{}/unlock", app.staff_id("alex")),
            vec![],
        ),
        (
            "/admin/staff/fallback-owner".into(),
            vec![("fallback_owner", app.staff_id("sky").to_string())],
        ),
        (format!("/admin/staff/{riley}/depart"), vec![]),
        (
            "/admin/servers".into(),
            vec![
                ("name", "app-03".into()),
                ("exit_survey_url", "https://s.example.com/3".into()),
            ],
        ),
        (
            format!("/admin/servers/{app_02}"),
            vec![
                ("name", "app-02b".into()),
                ("exit_survey_url", "https://s.example.com/2".into()),
            ],
        ),
        (format!("/admin/servers/{app_02}/retire"), vec![]),
        (
            "/admin/levels".into(),
            vec![
                ("name", "Enterprise".into()),
                ("rank", "50".into()),
                ("route", "sales_call".into()),
            ],
        ),
        (
            format!("/admin/levels/{}/route", Level::Professional.id()),
            vec![("route", "sales_call".into())],
        ),
        (format!("/admin/levels/{}/retire", Level::Smb.id()), vec![]),
        (
            "/admin/policy".into(),
            vec![
                ("ar_limit", "750".into()),
                ("refund_review_limit", "2,000".into()),
            ],
        ),
    ];
    for (path, fields) in &changes {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_ok(&admin, path, &fields).await;
    }
    let audit = app.audit_details();
    assert_eq!(audit.len(), changes.len() + 1, "{audit:#?}");
    assert!(audit.iter().all(|(_, actor, _)| *actor == Some(admin_id)));
    let actions: Vec<&str> = audit.iter().map(|(a, ..)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "staff.added",
            "staff.password_reset",
            "staff.unlocked",
            "staff.fallback_owner",
            "staff.departed",
            "server.added",
            "server.updated",
            "server.retired",
            "level.added",
            "level.route_changed",
            "level.retired",
            "policy.saved",
        ]
    );

    let (status, page) = admin.page("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    let rows = texts(&page, "#audit-log tbody tr");
    assert_eq!(rows.len(), changes.len() + 1);
    for expected in [
        "Added Sky Owner (sky) as Retention owner",
        "Reset the password of Riley (riley)",
        "Unlocked sign-in for Alex (alex)",
        "Sky Owner now receives fallback save tasks (was Spencer)",
        "Marked Riley (riley) as departed",
        "Added server app-03 with exit survey https://s.example.com/3",
        "Server app-02: renamed from app-02 to app-02b; exit survey changed from https://survey.example.com/exit?server=app-02 to https://s.example.com/2",
        "Retired server app-02b",
        "Added level Enterprise at rank 50 with route Sales call",
        "Level Professional: route changed from Check A/R to Sales call",
        "Retired level SMB",
        "Policy version 2: A/R limit $750.00 (was $1,000.00), refund review limit $2,000.00 (was $1,000.00)",
    ] {
        assert!(
            rows.iter()
                .any(|r| r.contains(expected) && r.contains("Admin") && r.contains("UTC")),
            "{expected} in {rows:#?}"
        );
    }
    assert!(rows[0].contains("Policy version 2"), "newest first");

    // Append-only in the database too.
    let update = app.execute("UPDATE admin_audit SET detail = 'x'");
    assert!(update.is_err());
    let delete = app.execute("DELETE FROM admin_audit");
    assert!(delete.is_err());
}

#[tokio::test]
async fn other_roles_cannot_post_admin_changes() {
    let app = spawn_app().await;
    for username in ["alex", "riley", "spencer", "heather"] {
        let browser = app.signed_in(username).await;
        for (path, fields) in [
            (
                "/admin/servers",
                vec![("name", "x"), ("exit_survey_url", "https://x.example.com")],
            ),
            (
                "/admin/policy",
                vec![("ar_limit", "1"), ("refund_review_limit", "1")],
            ),
            ("/admin/staff/1/depart", vec![]),
            ("/admin/staff/1/unlock", vec![]),
        ] {
            let response = browser.post(path, &fields).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{username} {path}"
            );
        }
    }
    assert!(app.audit_details().is_empty());
    assert_eq!(app.count("policy_versions"), 1);
}

#[tokio::test]
async fn unknown_ids_and_unknown_fields_are_not_500() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    for path in [
        "/admin/staff/999/depart",
        "/admin/staff/999/password",
        "/admin/staff/abc/depart",
    ] {
        let response = admin.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        "/admin/staff/999/depart",
        "/admin/staff/999/unlock",
        "/admin/servers/999/retire",
        "/admin/levels/999/retire",
    ] {
        let response = admin.post(path, &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    let response = admin
        .post("/admin/levels/999/route", &[("route", "essentials")])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = admin
        .post(
            "/admin/policy",
            &[
                ("ar_limit", "1"),
                ("refund_review_limit", "1"),
                ("version", "9"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = admin
        .post("/admin/staff/fallback-owner", &[("fallback_owner", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reassign_task_moves_only_an_open_task() {
    use retention_desk::domain::{SaveTaskId, StaffId};
    use retention_desk::services::ServiceError;
    use retention_desk::services::queues::reassign::reassign_task;
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley = StaffId::new(app.staff_id("riley"));
    let spencer = StaffId::new(app.staff_id("spencer"));
    let (case, _) = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    let (task, ..) = app.task_for(case);
    let task_id = SaveTaskId::new(task);
    let (alex_id, morgan) = (
        StaffId::new(app.staff_id("alex")),
        StaffId::new(app.staff_id("morgan")),
    );
    let now = START + 60;
    // A refusal beside "Reassign to" whose words say why.
    let refused_because = |result: &Result<(), ServiceError>, why: &str| {
        matches!(result, Err(ServiceError::Invalid(errors))
            if errors.get("assignee_id").is_some_and(|m| m.contains(why)))
    };
    let moved = app.db(|conn| reassign_task(conn, task_id, spencer, spencer, now));
    assert!(moved.is_ok(), "{moved:?}");
    let again = app.db(|conn| reassign_task(conn, task_id, spencer, spencer, now));
    assert!(refused_because(&again, "already assigned"), "{again:?}");
    let to_agent = app.db(|conn| reassign_task(conn, task_id, alex_id, spencer, now));
    assert!(refused_because(
        &to_agent,
        "only to a sales rep or a retention owner"
    ));
    let to_morgan = app.db(|conn| reassign_task(conn, task_id, morgan, spencer, now));
    assert!(refused_because(&to_morgan, "has left the company"));
    app.execute(&format!(
        "UPDATE save_tasks SET is_open = 0 WHERE id = {task}"
    ))
    .unwrap();
    let closed = app.db(|conn| reassign_task(conn, task_id, riley, spencer, now));
    assert!(
        matches!(&closed, Err(ServiceError::Conflict(m)) if m.contains("already closed")),
        "{closed:?}"
    );
    let log = app.events(case, "reassigned");
    assert_eq!(
        log,
        ["Reassigned from Riley to Spencer: reassigned by Spencer"]
    );
}
