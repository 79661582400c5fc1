//! Replies in the team's own words (SPEC §12, issue #18): `/admin/replies`,
//! the words each case keeps, and the exit-survey link only with a reply
//! that sends it.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use reqwest::StatusCode;
use retention_desk::procedure::ReplyTemplates;
use scraper::{Html, Selector};

use crate::helpers::*;

const SURVEY_APP_01: &str = "https://survey.example.com/exit?server=app-01";

/// The reply as the page holds it, line breaks kept.
fn raw_reply(body: &str) -> String {
    let document = Html::parse_document(body);
    let selector = Selector::parse("pre.reply").unwrap();
    document
        .select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The elements right after the reply, by tag and class.
fn after_reply(body: &str) -> Option<(String, Vec<String>)> {
    let document = Html::parse_document(body);
    let selector = Selector::parse("pre.reply + p a.survey-link").unwrap();
    document.select(&selector).next().map(|a| {
        (
            a.value().attr("href").unwrap_or_default().to_owned(),
            a.value().classes().map(str::to_owned).collect(),
        )
    })
}

/// The form with the seeded words, with `changes` made.
fn replies_form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let seeded = ReplyTemplates::seeded();
    let mut fields = vec![
        ("greeting", seeded.greeting),
        ("sign_off", seeded.sign_off),
        ("exit_survey", seeded.exit_survey),
        ("save_call", seeded.save_call),
        ("credit", seeded.credit),
        ("review", seeded.review),
    ];
    for (name, value) in changes {
        let field = fields.iter_mut().find(|(n, _)| n == name).unwrap();
        field.1 = (*value).to_owned();
    }
    fields
}

async fn post_replies(
    admin: &Browser,
    path: &str,
    changes: &[(&'static str, &str)],
) -> (StatusCode, String) {
    let fields = replies_form(changes);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let response = admin.post(path, &pairs).await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn admin(app: &TestApp) -> Browser {
    let admin = app.signed_in("admin").await;
    let (status, _) = admin.page("/admin/replies").await;
    assert_eq!(status, StatusCode::OK);
    admin
}

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = Text)]
    greeting: String,
    #[diesel(sql_type = Text)]
    sign_off: String,
    #[diesel(sql_type = Text)]
    exit_survey: String,
    #[diesel(sql_type = Text)]
    save_call: String,
    #[diesel(sql_type = Text)]
    credit: String,
    #[diesel(sql_type = Text)]
    review: String,
}

#[derive(QueryableByName)]
struct NotSavedRow {
    #[diesel(sql_type = Integer)]
    replies_version: i32,
    #[diesel(sql_type = Text)]
    reply: String,
}

#[tokio::test]
async fn version_one_is_the_wording_the_app_shipped_with() {
    let app = spawn_app().await;
    let rows: Vec<VersionRow> = app.db(|conn| {
        diesel::sql_query("SELECT * FROM reply_versions ORDER BY version")
            .load(conn)
            .unwrap()
    });
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let stored = ReplyTemplates {
        greeting: row.greeting.clone(),
        sign_off: row.sign_off.clone(),
        exit_survey: row.exit_survey.clone(),
        save_call: row.save_call.clone(),
        credit: row.credit.clone(),
        review: row.review.clone(),
    };
    assert_eq!(stored, ReplyTemplates::seeded());
}

#[tokio::test]
async fn the_form_has_the_labels_and_buttons_of_the_spec_prefilled() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, body) = admin.page("/admin/replies").await;
    assert_eq!(status, StatusCode::OK);
    let labels = texts(&body, "label");
    for label in [
        "Greeting",
        "Sign-off",
        "Exit survey reply (C2)",
        "Save call reply (C2A, C3)",
        "Credit reply (R4)",
        "Review reply (R5)",
    ] {
        assert!(labels.iter().any(|l| l == label), "{label}: {labels:?}");
    }
    for key in [
        "greeting",
        "sign_off",
        "exit_survey",
        "save_call",
        "credit",
        "review",
    ] {
        assert_eq!(attrs(&body, &format!("label[for={key}]"), "for"), [key]);
    }
    assert_eq!(texts(&body, "textarea#greeting"), ["Hi {customer_name},"]);
    let buttons = texts(&body, "button");
    assert!(buttons.iter().any(|b| b == "Preview"), "{buttons:?}");
    assert!(buttons.iter().any(|b| b == "Save replies"), "{buttons:?}");
    assert_eq!(
        attrs(&body, "button[formaction]", "formaction"),
        ["/admin/replies/preview"]
    );
    let (_, nav) = admin.page("/admin").await;
    assert!(
        attrs(&nav, "a", "href")
            .iter()
            .any(|h| h == "/admin/replies")
    );
}

#[tokio::test]
async fn preview_shows_the_replies_for_an_example_customer_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let audit_before = app.audit_details().len();
    let (status, body) = post_replies(
        &admin,
        "/admin/replies/preview",
        &[
            ("sign_off", "Best,\r\n{agent_name}"),
            ("credit", "We credit {amount} to {account_id}."),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let previews = texts(&body, "pre.preview-reply");
    assert_eq!(previews.len(), 5, "{previews:?}");
    assert!(previews[0].contains(SURVEY_APP_01), "{previews:?}");
    assert!(previews[0].ends_with("Best, Alex"), "{previews:?}");
    assert!(!previews[1].contains("survey"), "{previews:?}");
    assert!(
        previews[2].contains("We credit $250.00 to ACC-1000042."),
        "{previews:?}"
    );
    assert!(previews[4].starts_with("Hi Jane Doe,"), "{previews:?}");
    assert_eq!(previews[4].matches("Hi Jane Doe,").count(), 1);
    assert_eq!(previews[4].matches("Best,").count(), 1);
    // The survey link sits under the two replies that send it only.
    assert_eq!(
        attrs(&body, "a.survey-link", "href"),
        [SURVEY_APP_01, SURVEY_APP_01]
    );
    // The form comes back as typed; nothing is stored.
    assert_eq!(
        texts(&body, "textarea#credit"),
        ["We credit {amount} to {account_id}."]
    );
    assert_eq!(app.count("reply_versions"), 1);
    assert_eq!(app.audit_details().len(), audit_before);
}

#[tokio::test]
async fn each_refusal_is_a_422_naming_the_field_or_placeholder_and_saves_nothing() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let too_long = format!("{} {{amount}}", "x".repeat(4_000));
    let rows: Vec<(&'static str, &str, &str)> = vec![
        (
            "review",
            "{amonut} is being reviewed",
            "{amonut} is not a placeholder",
        ),
        ("greeting", "Hi {agent},", "{agent} is not a placeholder"),
        (
            "exit_survey",
            "Bye, {amount}. {exit_survey_link}",
            "{amount} does not belong",
        ),
        (
            "save_call",
            "Survey: {exit_survey_link}",
            "{exit_survey_link} does not belong",
        ),
        (
            "credit",
            "A credit will be processed.",
            "must contain {amount}",
        ),
        (
            "exit_survey",
            "Sorry to see you go.",
            "must contain {exit_survey_link}",
        ),
        ("greeting", "   ", "Write the greeting"),
        ("review", "", "Write the review reply (R5)"),
        (
            "credit",
            too_long.as_str(),
            "Credit reply (R4) has 4009 characters",
        ),
        ("save_call", "Call {soon", "lone { or }"),
    ];
    for path in ["/admin/replies", "/admin/replies/preview"] {
        for (field, value, message) in &rows {
            let (status, body) = post_replies(&admin, path, &[(field, value)]).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {field}={value}"
            );
            let error = texts(&body, &format!("#{field}-error"));
            assert_eq!(error.len(), 1, "{path} {field}: beside the field");
            assert!(error[0].contains(message), "{path} {field}: {error:?}");
            assert_eq!(
                attrs(&body, &format!("textarea#{field}"), "aria-invalid"),
                ["true"]
            );
            assert!(texts(&body, "pre.preview-reply").is_empty());
        }
    }
    assert_eq!(app.count("reply_versions"), 1);
    assert!(
        !app.audit_details()
            .iter()
            .any(|(action, ..)| action == "replies.saved")
    );
}

#[tokio::test]
async fn an_edited_c2_shows_on_new_cases_and_not_on_old_ones() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (old, old_body) = NewCase::new()
        .customer("Old Customer")
        .submit_and_open(&alex)
        .await;
    let before = raw_reply(&old_body);

    let admin = admin(&app).await;
    let response = {
        let fields = replies_form(&[
            ("greeting", "Dear {customer_name} ({account_id}),"),
            ("sign_off", "Warm regards,\r\n{agent_name}"),
            (
                "exit_survey",
                "We are sad to see you go.\r\n\r\nPlease tell us why: {exit_survey_link}",
            ),
        ]);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        admin.post("/admin/replies", &pairs).await
    };
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/admin/replies"));
    let (_, page) = admin.page("/admin/replies").await;
    assert!(
        texts(&page, ".notice")
            .join(" ")
            .contains("Replies version 2 saved")
    );
    assert_eq!(texts(&page, "#reply-versions tbody tr").len(), 2);
    let audit = app.audit_details();
    let (action, actor, detail) = audit.last().unwrap();
    assert_eq!(action, "replies.saved");
    assert_eq!(*actor, Some(app.staff_id("admin")));
    assert_eq!(
        detail,
        "Replies version 2: changed Greeting, Sign-off, Exit survey reply (C2)"
    );

    let (new, body) = NewCase::new()
        .customer("New Customer")
        .account("ACC-NEW-1")
        .submit_and_open(&alex)
        .await;
    assert_eq!(
        raw_reply(&body),
        format!(
            "Dear New Customer (ACC-NEW-1),\n\nWe are sad to see you go.\n\nPlease tell us why: \
             {SURVEY_APP_01}\n\nWarm regards,\nAlex"
        )
    );
    assert!(
        texts(&body, "#replies-version")
            .join("")
            .contains("version 2")
    );
    let (_, old_body) = alex.page(&format!("/cases/{old}")).await;
    assert_eq!(raw_reply(&old_body), before);
    assert!(before.starts_with("Hi Old Customer,\n\nThank you for letting us know"));
    assert!(
        texts(&old_body, "#replies-version")
            .join("")
            .contains("version 1")
    );
    assert_ne!(old, new);
}

#[tokio::test]
async fn the_survey_link_comes_only_with_a_reply_that_sends_it() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;

    // Professional, A/R $1,500.00: a save call first, no survey anywhere.
    let (_, body) = NewCase::new()
        .level(Level::Professional)
        .ar("1,500")
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    assert!(body.contains("Awaiting save call"));
    assert!(
        !body.contains("survey.example.com"),
        "no survey link on the page"
    );
    assert!(!body.contains("survey-link"));
    assert!(
        texts(&body, "dd").iter().any(|d| d == "app-01"),
        "the facts panel names the server"
    );

    // A refund only: no survey anywhere.
    let (_, body) = NewCase::new()
        .refund("250", "Charged twice")
        .submit_and_open(&alex)
        .await;
    assert!(raw_reply(&body).contains("$250.00"));
    assert!(!body.contains("survey.example.com"));
    assert!(!body.contains("survey-link"));

    // Essentials: in the reply, and a real link directly under it.
    let (_, body) = NewCase::new().submit_and_open(&alex).await;
    assert!(raw_reply(&body).contains(SURVEY_APP_01));
    let (href, classes) = after_reply(&body).expect("a link right under the reply");
    assert_eq!(href, SURVEY_APP_01);
    assert_eq!(classes, ["survey-link"]);
    assert_eq!(attrs(&body, "a.survey-link", "href"), [SURVEY_APP_01]);
}

#[tokio::test]
async fn not_saved_brings_the_c2_reply_alone_in_the_words_in_force_then() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .cancel_and_refund("2,500", "Annual plan")
        .submit_for_id(&alex)
        .await;
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert!(!body.contains("survey-link"));
    assert!(raw_reply(&body).contains("is being reviewed"));

    // The C2 body changes after the case was decided, before the call.
    let admin = admin(&app).await;
    let (status, _) = post_replies(
        &admin,
        "/admin/replies",
        &[(
            "exit_survey",
            "Sorry it did not work out. {exit_survey_link}",
        )],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    let response = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "not_saved"), ("call_notes", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let expected = format!("Hi Dana Smith,\n\nSorry it did not work out. {SURVEY_APP_01}");
    let stored: Vec<NotSavedRow> = app.db(|conn| {
        diesel::sql_query("SELECT replies_version, reply FROM not_saved_replies WHERE case_id = ?")
            .bind::<Integer, _>(case)
            .load(conn)
            .unwrap()
    });
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].replies_version, 2);
    assert_eq!(stored[0].reply, expected);

    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(raw_reply(&body), expected, "the C2 reply alone");
    let (href, _) = after_reply(&body).expect("the survey link under the reply");
    assert_eq!(href, SURVEY_APP_01);

    // A later edit does not change the stored reply.
    post_replies(
        &admin,
        "/admin/replies",
        &[("exit_survey", "Other {exit_survey_link}")],
    )
    .await;
    let (_, body) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(raw_reply(&body), expected);
}

#[tokio::test]
async fn customer_text_stays_literal_and_is_escaped_on_the_page() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let name = "{amount} <b>Bold</b> & {exit_survey_link}";
    let (_, body) = NewCase::new()
        .customer(name)
        .refund("75.50", "Charged twice")
        .submit_and_open(&alex)
        .await;
    let reply = raw_reply(&body);
    assert!(reply.starts_with(&format!("Hi {name},\n\n")), "{reply}");
    assert_eq!(reply.matches("$75.50").count(), 1, "{reply}");
    assert!(!body.contains("<b>Bold</b>"), "escaped on the page");
    assert!(
        body.contains(
            "<pre class=\"reply\" id=\"reply\">Hi {amount} &#60;b&#62;Bold&#60;/b&#62; &#38; \
             {exit_survey_link},"
        ),
        "the reply is escaped text"
    );
    assert!(!body.contains("survey-link"));
}

#[tokio::test]
async fn a_not_saved_call_recorded_before_replies_were_stored_shows_the_c2_reply_it_was_decided_with()
 {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_for_id(&alex)
        .await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "not_saved"), ("call_notes", "")],
        )
        .await;
    // As a case from before this table (or from demo-data) has it: no row.
    app.execute(&format!(
        "DELETE FROM not_saved_replies WHERE case_id = {case}"
    ))
    .unwrap();
    let (status, body) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(status, StatusCode::OK);
    let reply = raw_reply(&body);
    assert!(
        reply.starts_with(
            "Hi Dana Smith,\n\nThank you for letting us know, and I'm sorry to see you go."
        ),
        "{reply}"
    );
    assert!(reply.ends_with(SURVEY_APP_01), "{reply}");
    assert_eq!(
        after_reply(&body).map(|(href, _)| href).as_deref(),
        Some(SURVEY_APP_01)
    );
}
