//! Intake through the real form: one case per row of the decision table,
//! bad input, double posts, duplicates, and the agent's actions.

use reqwest::StatusCode;

use crate::helpers::*;

const SURVEY_APP_01: &str = "https://survey.example.com/exit?server=app-01";
const SURVEY_APP_02: &str = "https://survey.example.com/exit?server=app-02";

fn steps(body: &str) -> Vec<String> {
    texts(body, ".actions-list .step")
}

fn reply(body: &str) -> String {
    texts(body, "pre.reply").join("\n")
}

#[tokio::test]
async fn essentials_cancellation_is_c2_with_the_servers_exit_survey() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, body) = NewCase::new()
        .server(Server::App02)
        .customer("Dana Smith")
        .submit_and_open(&alex)
        .await;
    assert_eq!(steps(&body), ["C2"]);
    let reply = reply(&body);
    assert!(reply.contains("Dana Smith"), "{reply}");
    assert!(reply.contains(SURVEY_APP_02), "{reply}");
    assert_eq!(attrs(&body, "a.survey-link", "href"), [SURVEY_APP_02]);
    assert!(body.contains("Reply to send"));
    assert_eq!(app.task_of(id), None);
    assert_eq!(app.billing_of(id), None);
}

#[tokio::test]
async fn professional_within_the_ar_limit_is_c2a_then_c2_and_the_boundary_takes_the_small_path() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for ar in ["400", "999.99", "$1,000.00"] {
        let (id, body) = NewCase::new()
            .level(Level::Professional)
            .ar(ar)
            .rep(Rep::Riley)
            .submit_and_open(&alex)
            .await;
        assert_eq!(steps(&body), ["C2A", "C2"], "A/R {ar}");
        assert!(reply(&body).contains(SURVEY_APP_01), "A/R {ar}");
        assert_eq!(app.task_of(id), None, "A/R {ar}");
    }
}

#[tokio::test]
async fn professional_over_the_ar_limit_gets_a_save_task_for_the_rep() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley = app.staff_id("riley");
    let (id, body) = NewCase::new()
        .level(Level::Professional)
        .ar("1,000.01")
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    assert_eq!(steps(&body), ["C2A"]);
    assert!(
        body.contains("A/R $1,000.01 is over the $1,000.00 limit"),
        "the reason names figure and limit"
    );
    assert!(
        !reply(&body).contains("survey.example.com"),
        "no exit survey yet"
    );
    assert!(reply(&body).contains("Dana Smith"));
    assert!(body.contains("Awaiting save call"));
    assert!(
        texts(&body, "dd").iter().any(|t| t.starts_with("Riley")),
        "names the assignee"
    );
    assert_eq!(app.task_of(id), Some((riley, false)));
}

#[tokio::test]
async fn a_departed_or_unknown_rep_hands_the_save_task_to_spencer() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let spencer = app.staff_id("spencer");
    for (level, rep) in [
        (Level::Professional, Rep::Morgan),
        (Level::Smb, Rep::Unknown),
        (Level::Professional2A, Rep::Morgan),
    ] {
        let (id, body) = NewCase::new()
            .level(level)
            .ar("1500")
            .rep(rep)
            .submit_and_open(&alex)
            .await;
        assert!(body.contains("Spencer"), "level {level:?}, rep {rep:?}");
        assert_eq!(
            app.task_of(id),
            Some((spencer, true)),
            "level {level:?}, rep {rep:?}"
        );
    }
}

#[tokio::test]
async fn sales_call_levels_are_c3_whatever_the_ar() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley = app.staff_id("riley");
    for level in [Level::Professional2A, Level::Smb] {
        let (id, body) = NewCase::new()
            .level(level)
            .ar("0")
            .rep(Rep::Riley)
            .submit_and_open(&alex)
            .await;
        assert_eq!(steps(&body), ["C3"], "level {level:?}");
        assert_eq!(app.task_of(id), Some((riley, false)));
    }
}

#[tokio::test]
async fn refunds_up_to_the_review_limit_are_r2_r3_r4_and_go_to_billing() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for (amount, shown, cents) in [
        ("250", "$250.00", 25_000),
        ("999.99", "$999.99", 99_999),
        ("1000", "$1,000.00", 100_000),
    ] {
        let (id, body) = NewCase::new()
            .refund(amount, "Charged twice in October")
            .ar("1,250.00")
            .submit_and_open(&alex)
            .await;
        assert_eq!(steps(&body), ["R2", "R3", "R4"], "refund {amount}");
        assert_eq!(texts(&body, ".refund-box"), [shown]);
        assert!(body.contains("A/R $1,250.00"), "A/R beside the refund");
        assert!(
            reply(&body)
                .to_lowercase()
                .contains(&format!("a credit in the amount of {shown}")),
            "{}",
            reply(&body)
        );
        assert!(body.contains("Billing / Billing in progress"));
        assert!(!body.contains("Needs review"));
        assert!(
            body.contains("Why the customer is entitled to the refund: Charged twice in October"),
            "R3 first comment"
        );
        assert_eq!(app.billing_of(id), Some((cents, "not_needed".to_owned())));
    }
}

#[tokio::test]
async fn refunds_over_the_review_limit_are_r5_r6_and_need_review() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, body) = NewCase::new()
        .refund("1000.01", "Outage credit")
        .submit_and_open(&alex)
        .await;
    assert_eq!(steps(&body), ["R5", "R6"]);
    assert_eq!(texts(&body, ".refund-box"), ["$1,000.01"]);
    assert!(reply(&body).contains("being reviewed"));
    assert!(body.contains("Needs review"));
    assert_eq!(
        app.billing_of(id),
        Some((100_001, "needs_review".to_owned()))
    );
}

#[tokio::test]
async fn cancel_and_refund_gets_both_decisions() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley = app.staff_id("riley");
    let (id, body) = NewCase::new()
        .cancel_and_refund("$2,500.00", "Annual plan paid in advance")
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    assert_eq!(steps(&body), ["C3", "R5", "R6"]);
    assert_eq!(app.task_of(id), Some((riley, false)));
    assert_eq!(
        app.billing_of(id),
        Some((250_000, "needs_review".to_owned()))
    );
    assert!(body.contains("Awaiting save call") && body.contains("Billing / Billing in progress"));
}

/// (field, value typed, field whose error shows)
const BAD_INPUTS: &[(&[(&str, &str)], &str)] = &[
    (&[("customer_name", "")], "customer_name"),
    (&[("customer_name", "    ")], "customer_name"),
    (&[("account_id", "")], "account_id"),
    (&[("ar_balance", "")], "ar_balance"),
    (&[("ar_balance", "abc")], "ar_balance"),
    (&[("ar_balance", "1e5")], "ar_balance"),
    (&[("ar_balance", "12.345")], "ar_balance"),
    (&[("ar_balance", "10000000.01")], "ar_balance"),
    (
        &[
            ("request", "refund"),
            ("refund_amount", "12.345"),
            ("refund_reason", "x"),
        ],
        "refund_amount",
    ),
    (
        &[
            ("request", "refund"),
            ("refund_amount", "-5"),
            ("refund_reason", "x"),
        ],
        "refund_amount",
    ),
    (
        &[
            ("request", "refund"),
            ("refund_amount", "0"),
            ("refund_reason", "x"),
        ],
        "refund_amount",
    ),
    (
        &[
            ("request", "refund"),
            ("refund_amount", "abc"),
            ("refund_reason", "x"),
        ],
        "refund_amount",
    ),
    (
        &[("request", "refund"), ("refund_amount", "")],
        "refund_amount",
    ),
    (
        &[("request", "refund"), ("refund_amount", "10")],
        "refund_reason",
    ),
    (&[("level_id", "999")], "level_id"),
    (&[("level_id", "abc")], "level_id"),
    (&[("server_id", "999")], "server_id"),
    (&[("server_id", "")], "server_id"),
    (&[("original_rep", "999")], "original_rep"),
    (&[("original_rep", "")], "original_rep"),
    (&[("request", "")], "request"),
    (&[("request", "delete_everything")], "request"),
];

#[tokio::test]
async fn bad_input_is_422_with_the_typed_values_kept_and_nothing_stored() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let tables = [
        "cases",
        "case_events",
        "save_tasks",
        "billing_items",
        "outbox_messages",
    ];
    let before: Vec<i64> = tables.iter().map(|t| app.count(t)).collect();
    for (overrides, field) in BAD_INPUTS {
        let mut case = NewCase::new().notes("typed notes stay");
        for (name, value) in *overrides {
            case = case.raw(name, value);
        }
        let response = case.submit(&alex).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{overrides:?}"
        );
        let body = response.text().await.unwrap();
        let error = texts(&body, &format!("#{field}-error"));
        assert_eq!(error.len(), 1, "an error next to {field} for {overrides:?}");
        assert!(
            body.contains("typed notes stay"),
            "the typed values come back"
        );
        for (name, value) in *overrides {
            if name.ends_with("_id")
                || *name == "request"
                || *name == "original_rep"
                || value.is_empty()
            {
                continue;
            }
            let kept: Vec<String> = attrs(&body, &format!("input#{name}"), "value")
                .into_iter()
                .chain(texts(&body, &format!("textarea#{name}")))
                .collect();
            assert_eq!(kept, [*value], "{name} kept as typed");
        }
    }
    let after: Vec<i64> = tables.iter().map(|t| app.count(t)).collect();
    assert_eq!(before, after, "nothing stored");
}

#[tokio::test]
async fn a_double_posted_form_makes_one_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (_, body) = alex.page("/cases/new").await;
    let token = hidden_value(&body, "submission_token").unwrap();
    let form = NewCase::new().account("DOUBLE-1").form(&token);
    let fields = borrowed(&form);
    let (first, second) = tokio::join!(alex.post("/cases", &fields), alex.post("/cases", &fields));
    let third = alex.post("/cases", &fields).await;
    let ids = [case_id(&first), case_id(&second), case_id(&third)];
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(app.count("cases"), 1);
}

#[tokio::test]
async fn an_account_with_an_open_case_is_warned_and_submit_anyway_gets_past() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let first = NewCase::new().account("ACME-7").submit_for_id(&alex).await;

    let warned = NewCase::new()
        .account("ACME-7")
        .customer("Dana Again")
        .submit(&alex)
        .await;
    assert_eq!(warned.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = warned.text().await.unwrap();
    assert!(
        body.contains(&format!("Case {first}")),
        "the warning names the open case"
    );
    assert!(body.contains("Submit anyway"));
    assert!(body.contains("value=\"Dana Again\""));
    assert_eq!(app.count("cases"), 1);

    let second = NewCase::new()
        .account("ACME-7")
        .submit_anyway()
        .submit_for_id(&alex)
        .await;
    assert_ne!(first, second);
}

#[tokio::test]
async fn mark_reply_sent_cancels_and_closes_the_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, body) = NewCase::new().submit_and_open(&alex).await;
    assert!(body.contains("Mark reply sent"));
    let (_, waiting) = alex.page("/cases/new").await;
    assert!(
        waiting.contains(&format!("/cases/{id}")),
        "on the waiting list"
    );

    let response = alex.post(&format!("/cases/{id}/reply-sent"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = alex.page(&format!("/cases/{id}")).await;
    assert!(body.contains("Cancelled"));
    assert!(body.contains("Closed"));
    assert!(!body.contains("Mark reply sent"));
    let (_, waiting) = alex.page("/cases/new").await;
    assert!(
        !waiting.contains(&format!("/cases/{id}\"")),
        "off the waiting list"
    );

    let again = alex.post(&format!("/cases/{id}/reply-sent"), &[]).await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "a second click is told, not failed"
    );
}

#[tokio::test]
async fn withdraw_needs_a_reason_and_ends_every_open_track() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, _) = NewCase::new()
        .cancel_and_refund("100", "Unused month")
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_and_open(&alex)
        .await;
    let missing = alex
        .post(
            &format!("/cases/{id}/withdraw"),
            &[("withdraw_reason", "  ")],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&missing.text().await.unwrap(), "#withdraw_reason-error").len(),
        1
    );

    let response = alex
        .post(
            &format!("/cases/{id}/withdraw"),
            &[("withdraw_reason", "Customer decided to stay")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = alex.page(&format!("/cases/{id}")).await;
    assert!(body.contains("Withdrawn: Customer decided to stay"));
    let (cancellation, refund, open) = app.statuses_of(id);
    assert_eq!(
        (cancellation.as_deref(), refund.as_deref(), open),
        (Some("withdrawn"), Some("withdrawn"), false)
    );
    let (_, task_open, ..) = app.task_for(id);
    assert!(!task_open);
}

#[tokio::test]
async fn the_case_log_refuses_update_and_delete() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    NewCase::new().submit_and_open(&alex).await;
    let update = app.execute("UPDATE case_events SET body = 'changed'");
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = app.execute("DELETE FROM case_events");
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let audit = app.execute("DELETE FROM admin_audit");
    assert!(audit.is_ok(), "an empty audit table deletes nothing");
}

#[tokio::test]
async fn comments_are_added_to_the_log_and_an_empty_one_is_refused() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, _) = NewCase::new().submit_and_open(&alex).await;
    let empty = alex
        .post(&format!("/cases/{id}/comments"), &[("comment", "")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let heather = app.signed_in("heather").await;
    heather.page(&format!("/cases/{id}")).await;
    let ok = heather
        .post(
            &format!("/cases/{id}/comments"),
            &[("comment", "Checked the invoice <b>twice</b>")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let (_, body) = alex.page(&format!("/cases/{id}")).await;
    assert!(!body.contains("<b>twice</b>"), "escaped");
    assert!(
        texts(&body, ".log li")
            .iter()
            .any(|t| t.contains("Checked the invoice <b>twice</b>"))
    );
}

#[tokio::test]
async fn the_case_list_searches_filters_and_pages_newest_first() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for i in 0..55 {
        let name = format!("Customer {i:02}");
        NewCase::new().customer(&name).submit(&alex).await;
    }
    NewCase::new()
        .customer("Zed Quimby")
        .account("ZQ-999")
        .submit(&alex)
        .await;
    let (_, first) = alex.page("/cases").await;
    let links = attrs(&first, "table a[href^=\"/cases/\"]", "href");
    assert_eq!(links.len(), 50);
    assert!(first.contains("Zed Quimby"), "newest first");
    let older = attrs(&first, "nav.pager a", "href")
        .into_iter()
        .find(|h| h.contains("before="))
        .unwrap();
    let (_, second) = alex.page(&older.replace("&amp;", "&")).await;
    assert_eq!(
        attrs(&second, "table a[href^=\"/cases/\"]", "href").len(),
        6
    );
    assert!(second.contains("Customer 00"));

    for query in ["/cases?q=quim", "/cases?q=ZQ-9", "/cases?q=ze"] {
        let (_, found) = alex.page(query).await;
        assert_eq!(
            attrs(&found, "table a[href^=\"/cases/\"]", "href").len(),
            1,
            "{query}"
        );
    }
    let (_, open) = alex.page("/cases?state=closed").await;
    assert!(open.contains("No cases match"));
    let (_, replies) = alex
        .page("/cases?status=cancellation%3Areply_to_send")
        .await;
    assert_eq!(
        attrs(&replies, "table a[href^=\"/cases/\"]", "href").len(),
        50
    );
}

#[tokio::test]
async fn a_form_posted_after_the_sign_in_expired_comes_back_as_typed() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (_, body) = alex.page("/cases/new").await;
    let token = hidden_value(&body, "submission_token").unwrap();
    app.clock.advance(3 * 60 * 60); // past the idle timeout while typing

    let form = NewCase::new()
        .customer("Typed Slowly")
        .account("SLOW-1")
        .ar("12.50")
        .notes("Long call, many details")
        .form(&token);
    let response = alex.post("/cases", &borrowed(&form)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login = location(&response).unwrap();
    assert!(login.starts_with("/login?resume="), "{login}");
    assert_eq!(app.count("cases"), 0);

    let (_, page) = alex.page(&login).await;
    let resume = hidden_value(&page, "resume").unwrap();
    let response = alex
        .post(
            "/login",
            &[
                ("username", "alex"),
                ("password", PASSWORD),
                ("resume", &resume),
            ],
        )
        .await;
    let back = location(&response).unwrap();
    let (status, form) = alex.page(&back).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attrs(&form, "input#customer_name", "value"),
        ["Typed Slowly"]
    );
    assert_eq!(attrs(&form, "input#ar_balance", "value"), ["12.50"]);
    assert_eq!(texts(&form, "textarea#notes"), ["Long call, many details"]);
    assert_eq!(
        attrs(&form, "#level_id option[selected]", "value"),
        [Level::Essentials.value()]
    );

    // Shown once: the parked copy is gone.
    let (_, again) = alex.page(&back).await;
    assert_eq!(attrs(&again, "input#customer_name", "value"), [""]);
}

#[tokio::test]
async fn an_account_id_search_finds_exactly_the_accounts_containing_it_in_any_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for account in ["ACC-1000234", "ACC-2000234", "ACC-1000234-B", "acc-9100023"] {
        NewCase::new()
            .account(account)
            .submit_anyway()
            .submit(&alex)
            .await;
    }
    NewCase::new()
        .customer("Order 1000234 Ltd")
        .submit(&alex)
        .await;
    let found = |body: &str| {
        let mut rows = texts(body, "tbody tr td:nth-child(3)");
        rows.sort();
        rows
    };
    let (_, body) = alex.page("/cases?q=ACC-1000234").await;
    assert_eq!(
        found(&body),
        ["ACC-1000234", "ACC-1000234-B"],
        "same trailing digits, other prefix, left out"
    );
    let (_, body) = alex.page("/cases?q=acc-1000234-b").await;
    assert_eq!(found(&body), ["ACC-1000234-B"], "case does not matter");
    let (_, body) = alex.page("/cases?q=1000234").await;
    assert_eq!(
        texts(&body, "tbody tr").len(),
        3,
        "names match too: {:?}",
        found(&body)
    );
}
