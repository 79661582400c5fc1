//! Service levels (SPEC §11): `/admin/sla`, due times on save tasks and
//! refunds, the queues' "Due" and "Overdue only", and the warning and
//! overdue messages, on an injected clock that the tests move (never
//! sleeping). The test clock starts on Wednesday 2026-11-25 09:00 UTC, and
//! the app counts working hours in UTC, Monday to Friday 09:00–17:00.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use reqwest::StatusCode;

use retention_desk::clock::Clock;

use crate::helpers::*;
use crate::slack::{FakeSlack, app_with_slack, worker};

const HOUR: i64 = 3_600;

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Nullable<BigInt>)]
    v: Option<i64>,
}

#[derive(QueryableByName)]
struct Text1 {
    #[diesel(sql_type = Text)]
    v: String,
}

fn task_due(app: &TestApp, case: i32) -> Option<i64> {
    app.db(|conn| {
        diesel::sql_query("SELECT due_at AS v FROM save_tasks WHERE case_id = ?")
            .bind::<Integer, _>(case)
            .get_result::<Due>(conn)
    })
    .unwrap()
    .v
}

fn refund_due(app: &TestApp, case: i32) -> Option<i64> {
    app.db(|conn| {
        diesel::sql_query("SELECT due_at AS v FROM billing_items WHERE case_id = ?")
            .bind::<Integer, _>(case)
            .get_result::<Due>(conn)
    })
    .unwrap()
    .v
}

/// The service-level messages queued, oldest first.
fn queued(app: &TestApp) -> Vec<String> {
    app.db(|conn| {
        diesel::sql_query(
            "SELECT text AS v FROM outbox_messages WHERE channel = 'service_level' ORDER BY id",
        )
        .load::<Text1>(conn)
    })
    .unwrap()
    .into_iter()
    .map(|r| r.v)
    .collect()
}

/// Moves the app's clock to `at` (unix seconds, never backwards).
fn set_clock(app: &TestApp, at: i64) {
    let now = app.clock.now().timestamp();
    assert!(at >= now, "the clock only moves forwards");
    app.clock.advance(at - now);
}

async fn run_worker(app: &TestApp) {
    worker(app).run_until_idle().await.expect("a worker pass");
}

/// Riley's save call for `customer`, submitted by Alex at the clock's time.
async fn rileys_case(app: &TestApp, customer: &str) -> i32 {
    let alex = app.signed_in("alex").await;
    NewCase::new()
        .customer(customer)
        .level(Level::Smb)
        .rep(Rep::Riley)
        .submit_for_id(&alex)
        .await
}

async fn set_riley_slack_id(app: &TestApp) {
    let admin = app.signed_in("admin").await;
    admin.page("/admin/staff").await;
    let riley = app.staff_id("riley");
    let response = admin
        .post(
            &format!("/admin/staff/{riley}/slack"),
            &[("slack_member_id", "URILEY01")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

// Wednesday 10:00 + 8 working hours = Thursday 10:00; warned at 09:00.
const WED_10: i64 = START + HOUR;
const THU_09: i64 = START + 24 * HOUR;
const THU_10: i64 = START + 25 * HOUR;

#[tokio::test]
async fn a_save_task_is_warned_an_hour_before_and_escalated_at_its_due_time_once_each() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;
    set_riley_slack_id(&app).await;
    set_clock(&app, WED_10);
    let case = rileys_case(&app, "Tom & Jerry <!channel>").await;
    assert_eq!(task_due(&app, case), Some(THU_10));

    set_clock(&app, THU_09 - 1);
    run_worker(&app).await;
    assert!(slack.texts().is_empty(), "nothing before the warning time");

    set_clock(&app, THU_09);
    run_worker(&app).await;
    run_worker(&app).await;
    let texts = slack.texts();
    assert_eq!(texts.len(), 1, "one warning: {texts:?}");
    let warning = &texts[0];
    assert!(
        warning.starts_with("<@URILEY01>: the save call for case "),
        "{warning}"
    );
    assert!(
        warning.contains("Tom &amp; Jerry &lt;!channel&gt;"),
        "escaped: {warning}"
    );
    assert!(warning.contains("is due 2026-11-26 10:00 UTC"), "{warning}");
    assert!(warning.contains(&format!(
        "<https://desk.example.com/cases/{case}|Open case {case}>"
    )));

    // A restart sends nothing again.
    app.stop().await;
    let app = start(app.settings.clone(), app.clock.clone(), app.dir.clone()).await;
    run_worker(&app).await;
    assert_eq!(slack.texts().len(), 1);

    set_clock(&app, THU_10 - 1);
    run_worker(&app).await;
    assert_eq!(slack.texts().len(), 1, "not overdue a second early");
    set_clock(&app, THU_10);
    run_worker(&app).await;
    let texts = slack.texts();
    assert_eq!(texts.len(), 2, "{texts:?}");
    let overdue = &texts[1];
    assert!(
        overdue.contains("is overdue: it was due 2026-11-26 10:00 UTC"),
        "{overdue}"
    );
    assert!(overdue.contains("Spencer (retention owner)"), "{overdue}");
    assert_eq!(
        app.events(case, "overdue"),
        ["Overdue: the save call was due 2026-11-26 10:00 UTC."]
    );

    app.stop().await;
    let app = start(app.settings.clone(), app.clock.clone(), app.dir.clone()).await;
    set_clock(&app, THU_10 + 48 * HOUR);
    run_worker(&app).await;
    assert_eq!(
        slack.texts().len(),
        2,
        "each message once, after a restart too"
    );
    assert_eq!(app.events(case, "overdue").len(), 1);
}

#[tokio::test]
async fn a_task_closed_before_its_warning_sends_nothing() {
    let app = spawn_app().await;
    set_clock(&app, WED_10);
    let case = rileys_case(&app, "Dana Smith").await;
    let (task, ..) = app.task_for(case);
    let riley = app.signed_in("riley").await;
    riley.page("/tasks").await;
    let response = riley
        .post(&format!("/tasks/{task}/outcome"), &[("outcome", "saved")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for at in [THU_09, THU_10, THU_10 + 72 * HOUR] {
        set_clock(&app, at);
        run_worker(&app).await;
    }
    assert_eq!(queued(&app), Vec::<String>::new());
    assert!(app.events(case, "overdue").is_empty());
    assert_eq!(
        app.count_where("service_level_alarms", "outcome = 'skipped'"),
        2,
        "both alarms were skipped"
    );
}

#[tokio::test]
async fn reassignment_keeps_the_due_time_and_warns_the_new_assignee() {
    let app = spawn_app().await;
    set_riley_slack_id(&app).await;
    set_clock(&app, WED_10);
    let alex = app.signed_in("alex").await;
    // No rep: the task falls back to Spencer.
    let case = NewCase::new().level(Level::Smb).submit_for_id(&alex).await;
    let (task, ..) = app.task_for(case);
    assert_eq!(task_due(&app, case), Some(THU_10));

    set_clock(&app, WED_10 + 3 * HOUR);
    let spencer = app.signed_in("spencer").await;
    spencer.page("/tasks").await;
    let riley = app.staff_id("riley").to_string();
    let response = spencer
        .post(
            &format!("/tasks/{task}/reassign"),
            &[("assignee_id", &riley)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(task_due(&app, case), Some(THU_10), "reassignment keeps it");

    set_clock(&app, THU_09);
    run_worker(&app).await;
    let texts = queued(&app);
    assert_eq!(texts.len(), 1);
    assert!(texts[0].starts_with("<@URILEY01>:"), "{}", texts[0]);
}

#[tokio::test]
async fn overdue_only_lists_exactly_the_overdue_tasks_and_refunds() {
    let app = spawn_app().await;
    set_clock(&app, WED_10);
    let early = rileys_case(&app, "Early Bird").await; // due Thu 10:00
    set_clock(&app, WED_10 + 4 * HOUR);
    let late = rileys_case(&app, "Late Comer").await; // due Thu 14:00
    let alex = app.signed_in("alex").await;
    set_clock(&app, WED_10 + 5 * HOUR);
    // Refunds: Wed 15:00 + 16 h → Fri 15:00; the second at Thu 12:00 → Mon 12:00.
    let refund_early = NewCase::new()
        .refund("100", "Charged twice")
        .submit_for_id(&alex)
        .await;
    assert_eq!(
        refund_due(&app, refund_early),
        Some(START + 2 * 24 * HOUR + 6 * HOUR)
    );
    // A task from before service levels, written as the old code did.
    app.execute(&format!(
        "INSERT INTO save_tasks (case_id, assignee_id, fell_back, is_open, attempts, created_at)
         SELECT id, (SELECT id FROM staff WHERE username = 'riley'), 0, 1, 0, {START}
         FROM cases WHERE customer_name = 'Dana Smith' AND id = {refund_early}"
    ))
    .unwrap();
    set_clock(&app, THU_10 + 2 * HOUR); // Thursday 12:00
    let alex = app.signed_in("alex").await;
    let refund_late = NewCase::new()
        .refund("200", "Charged twice")
        .submit_for_id(&alex)
        .await;

    let spencer = app.signed_in("spencer").await;
    let (status, all) = spencer.page("/tasks").await;
    assert_eq!(status, StatusCode::OK);
    let order: Vec<String> = attrs(&all, "tbody tr td:first-child a", "href");
    assert_eq!(
        order,
        [
            format!("/cases/{refund_early}"),
            format!("/cases/{early}"),
            format!("/cases/{late}")
        ],
        "no due time first (the oldest), then by due time"
    );
    let due_cells = texts(&all, "tbody td.due");
    assert_eq!(due_cells, ["—", "Overdue 2 h late", "in 2 h"]);
    assert!(attrs(&all, "tbody td.due", "title").contains(&"2026-11-26 10:00 UTC".to_owned()));

    let (status, overdue) = spencer.page("/tasks?overdue=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attrs(&overdue, "tbody tr td:first-child a", "href"),
        [format!("/cases/{early}")]
    );
    assert!(overdue.contains("<label for=\"overdue\">Overdue only</label>"));

    set_clock(&app, START + 2 * 24 * HOUR + 7 * HOUR); // Friday 16:00
    let heather = app.signed_in("heather").await;
    let (_, queue) = heather.page("/billing").await;
    assert_eq!(
        attrs(&queue, "tbody tr td:first-child a", "href"),
        [
            format!("/cases/{refund_early}"),
            format!("/cases/{refund_late}")
        ]
    );
    let (_, overdue) = heather.page("/billing?overdue=1").await;
    assert_eq!(
        attrs(&overdue, "tbody tr td:first-child a", "href"),
        [format!("/cases/{refund_early}")]
    );
}

#[tokio::test]
async fn a_task_that_fell_due_while_the_app_was_stopped_is_escalated_once_at_the_next_working_start()
 {
    let app = spawn_app().await;
    set_clock(&app, WED_10);
    let case = rileys_case(&app, "Night Owl").await;
    app.stop().await;

    set_clock(&app, THU_10 + 10 * HOUR); // Thursday 20:00: after the due time, at night
    let app = start(app.settings.clone(), app.clock.clone(), app.dir.clone()).await;
    run_worker(&app).await;
    assert_eq!(queued(&app), Vec::<String>::new(), "nothing at night");

    set_clock(&app, THU_10 + 23 * HOUR - 1); // Friday 08:59:59
    run_worker(&app).await;
    assert!(queued(&app).is_empty());
    set_clock(&app, THU_10 + 23 * HOUR); // Friday 09:00
    run_worker(&app).await;
    run_worker(&app).await;
    let texts = queued(&app);
    assert_eq!(texts.len(), 1, "the overdue message only, once: {texts:?}");
    assert!(texts[0].contains("is overdue"), "{}", texts[0]);
    assert_eq!(app.events(case, "overdue").len(), 1);
}

#[tokio::test]
async fn a_refund_warning_mentions_billing() {
    let slack = FakeSlack::start(vec![]).await;
    let app = app_with_slack(&slack.url).await;
    set_clock(&app, WED_10);
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .customer("Acme")
        .refund("100", "Charged twice")
        .submit_for_id(&alex)
        .await;
    // Wednesday 10:00 + 16 working hours: Friday 10:00.
    let due = START + 2 * 24 * HOUR + HOUR;
    assert_eq!(refund_due(&app, case), Some(due));
    set_clock(&app, due - HOUR);
    run_worker(&app).await;
    let texts = slack.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].starts_with("<@UHEATHER>: the refund for case"),
        "{}",
        texts[0]
    );
}

#[tokio::test]
async fn the_case_page_shows_each_open_tracks_due_time() {
    let app = spawn_app().await;
    set_clock(&app, WED_10);
    let alex = app.signed_in("alex").await;
    let case = NewCase::new()
        .level(Level::Smb)
        .rep(Rep::Riley)
        .cancel_and_refund("100", "Charged twice")
        .submit_for_id(&alex)
        .await;
    let (_, page) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(
        texts(&page, "#save-call-due"),
        ["2026-11-26 10:00 UTC (in 1 d)"]
    );
    assert_eq!(
        texts(&page, "#refund-due"),
        ["2026-11-27 10:00 UTC (in 2 d)"]
    );
}

/// What the form posts with the SPEC defaults, `changes` applied.
fn sla_form(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("save_call_hours", "8"),
        ("refund_hours", "16"),
        ("review_refund_hours", "24"),
        ("warn_hours", "1"),
        ("monday", "on"),
        ("tuesday", "on"),
        ("wednesday", "on"),
        ("thursday", "on"),
        ("friday", "on"),
        ("day_starts", "09:00"),
        ("day_ends", "17:00"),
        ("holidays", ""),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        if !value.is_empty() || !name.ends_with("day") {
            fields.push((name, value));
        }
    }
    fields
}

#[tokio::test]
async fn admin_sla_shows_the_defaults_and_saves_audited_settings_new_tasks_use() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, page) = admin.page("/admin/sla").await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "Save call due within (working hours)",
        "Refund due within (working hours)",
        "Review refund due within (working hours)",
        "Warn before due (working hours)",
        "Monday",
        "Sunday",
        "Day starts",
        "Day ends",
        "Holidays",
    ] {
        assert!(page.contains(&format!("\">{label}</label>")), "{label}");
    }
    assert!(page.contains("Save service levels"));
    assert_eq!(attrs(&page, "#save_call_hours", "value"), ["8"]);
    assert_eq!(
        attrs(&page, "input[type=checkbox][checked]", "name").len(),
        5
    );

    let form = sla_form(&[
        ("save_call_hours", "2"),
        ("holidays", "2026-11-26\n"),
        ("saturday", "on"),
    ]);
    let response = admin.post("/admin/sla", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.page("/admin/sla").await;
    assert_eq!(attrs(&page, "#save_call_hours", "value"), ["2"]);
    assert!(page.contains("2026-11-26</textarea>"));
    let audit = app.audit_details();
    let (action, _, detail) = audit.last().unwrap();
    assert_eq!(action, "sla.saved");
    assert!(
        detail.contains("save call 2 h") && detail.contains("was save call 8 h"),
        "{detail}"
    );

    // Wednesday 16:00 + 2 h, Thursday a holiday: Friday 10:00.
    set_clock(&app, START + 7 * HOUR);
    let case = rileys_case(&app, "Holiday Maker").await;
    assert_eq!(task_due(&app, case), Some(START + 2 * 24 * HOUR + HOUR));
}

#[tokio::test]
async fn bad_settings_are_refused_beside_the_field_with_the_form_as_typed() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    admin.page("/admin/sla").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("day_ends", "08:00")], "day_ends"),
        (
            &[
                ("monday", ""),
                ("tuesday", ""),
                ("wednesday", ""),
                ("thursday", ""),
                ("friday", ""),
            ],
            "working_days",
        ),
        (&[("holidays", "2026-02-30")], "holidays"),
        (&[("save_call_hours", "0")], "save_call_hours"),
        (&[("refund_hours", "1000")], "refund_hours"),
        (&[("warn_hours", "8")], "warn_hours"),
        (&[("warn_hours", "9")], "warn_hours"),
    ];
    for (changes, field) in cases {
        let changes: Vec<(&'static str, &'static str)> =
            changes.iter().map(|(n, v)| (leak(n), leak(v))).collect();
        let form = sla_form(&changes);
        let response = admin.post("/admin/sla", &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let page = response.text().await.unwrap();
        let errors = attrs(&page, ".field-error", "id");
        assert_eq!(errors, [format!("{field}-error")], "{changes:?}");
        if let Some((name, value)) = changes.first().filter(|(_, v)| !v.is_empty()) {
            if *name != "holidays" {
                assert_eq!(attrs(&page, &format!("#{name}"), "value"), [*value]);
            } else {
                assert!(page.contains(&format!("{value}</textarea>")));
            }
        }
    }
    assert_eq!(app.count("service_level_settings"), 0, "nothing was saved");
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

#[tokio::test]
async fn a_slack_member_id_is_u_and_letters_and_digits() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    admin.page("/admin/staff").await;
    let riley = app.staff_id("riley");
    let response = admin
        .post(
            &format!("/admin/staff/{riley}/slack"),
            &[("slack_member_id", "<@U123>")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert_eq!(
        attrs(&page, ".field-error", "id"),
        [format!("slack-{riley}-error")]
    );
    assert_eq!(
        attrs(&page, &format!("#slack-{riley}"), "value"),
        ["<@U123>"]
    );

    set_riley_slack_id(&app).await;
    let (_, page) = admin.page("/admin/staff").await;
    assert_eq!(
        attrs(&page, &format!("#slack-{riley}"), "value"),
        ["URILEY01"]
    );
    assert!(page.contains(&format!(
        "<label for=\"slack-{riley}\">Slack member ID</label>"
    )));
    let (action, _, detail) = app.audit_details().pop().unwrap();
    assert_eq!(action, "staff.slack_member_id");
    assert!(detail.contains("URILEY01"));
    // Blank clears it.
    let response = admin
        .post(
            &format!("/admin/staff/{riley}/slack"),
            &[("slack_member_id", " ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count_where("staff", "slack_member_id IS NOT NULL"), 0);
}

/// The query plans of the scheduler and the queues: each reads an index in
/// its order (no scan of every task, no sort of every row).
#[tokio::test]
async fn the_scheduler_and_the_queues_read_their_indexes() {
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = Text)]
        detail: String,
    }
    let app = spawn_app().await;
    let plan = |sql: &str| -> String {
        app.db(|conn| diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load::<Plan>(conn))
            .unwrap()
            .into_iter()
            .map(|p| p.detail)
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let scheduler = plan(
        "SELECT id FROM service_level_alarms WHERE done_at IS NULL AND fire_at <= 5 \
         ORDER BY fire_at, id LIMIT 1",
    );
    assert!(
        scheduler.contains("USING INDEX service_level_alarms_waiting (fire_at<?)"),
        "{scheduler}"
    );
    assert!(!scheduler.contains("TEMP B-TREE"), "{scheduler}");
    for (sql, index) in [
        (
            "SELECT id FROM save_tasks WHERE is_open = 1 ORDER BY due_at, id LIMIT 51",
            "save_tasks_open_by_due",
        ),
        (
            "SELECT id FROM save_tasks WHERE is_open = 1 AND assignee_id = 4 AND due_at <= 9 \
             ORDER BY due_at, id LIMIT 51",
            "save_tasks_open_by_assignee_due",
        ),
        (
            "SELECT id FROM billing_items WHERE status = 'in_progress' ORDER BY due_at, id LIMIT 51",
            "billing_items_queue_by_due",
        ),
    ] {
        let found = plan(sql);
        assert!(found.contains(index), "{sql}: {found}");
        assert!(!found.contains("TEMP B-TREE"), "{sql}: {found}");
    }
}

#[tokio::test]
async fn demo_data_gives_open_work_due_times_some_overdue_and_leaves_nothing_to_send() {
    let app = spawn_app_on_demo_data(3000).await;
    let now = "CAST(strftime('%s', 'now') AS INTEGER)";
    assert!(app.count_where("save_tasks", "is_open") > 0);
    assert_eq!(
        app.count_where("save_tasks", "is_open AND due_at IS NULL"),
        0
    );
    assert!(app.count_where("save_tasks", &format!("is_open AND due_at < {now}")) > 0);
    assert_eq!(
        app.count_where("billing_items", "status = 'in_progress' AND due_at IS NULL"),
        0
    );
    assert!(
        app.count_where(
            "billing_items",
            &format!("status = 'in_progress' AND due_at < {now}")
        ) > 0
    );
    assert_eq!(app.count("outbox_messages"), 0, "no message to send");
    assert_eq!(
        app.count_where(
            "service_level_alarms",
            &format!("done_at IS NULL AND fire_at <= {now}")
        ),
        0,
        "no alarm left to fire"
    );
    let spencer = app.signed_in("spencer").await;
    let (_, tasks) = spencer.page("/tasks?overdue=1").await;
    assert!(
        texts(&tasks, "tbody td.due")
            .iter()
            .all(|d| d.starts_with("Overdue"))
    );
}
