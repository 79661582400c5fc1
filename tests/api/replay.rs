//! "Try a draft" (SPEC §10): the preview replays a history the test built,
//! writes nothing, and "Save this policy" saves exactly what was previewed.

use reqwest::StatusCode;

use crate::helpers::*;

const DAY: i64 = 24 * 60 * 60;

/// Every table's row count (the search index's shadow tables too).
fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    app.schema()
        .into_iter()
        .filter(|(kind, name, _)| kind == "table" && !name.starts_with("sqlite_"))
        .map(|(_, name, _)| {
            let count = app.count(&format!("\"{name}\""));
            (name, count)
        })
        .collect()
}

/// The query of a preview: the draft's limits, routes by level and days.
fn preview_path(fields: &[(&str, &str)]) -> String {
    format!(
        "/admin/policy/preview?{}",
        serde_urlencoded::to_string(fields).unwrap()
    )
}

fn rows(page: &str, table: &str) -> Vec<String> {
    texts(page, &format!("#{table} tbody tr"))
}

/// The history: one case on 2026-11-25 (outside the period), then on
/// 2026-11-27 six cases whose fate under the draft the test knows, and one
/// whose snapshot cannot be read. Returns the ids of the 2026-11-27 cases
/// in the order below.
async fn build_history(app: &TestApp) -> Vec<i32> {
    let alex = app.signed_in("alex").await;
    // Outside the period: would change (Essentials becomes a sales call).
    NewCase::new().submit_for_id(&alex).await;
    app.clock.advance(2 * DAY);
    let alex = app.signed_in("alex").await;
    let professional = || NewCase::new().level(Level::Professional).rep(Rep::Riley);
    let ids = vec![
        // C2A at exactly the limit: the C2 reply today, a save call for
        // Riley under a $999.99 limit.
        professional().ar("1,000.00").submit_for_id(&alex).await,
        // Over both limits: a save call for Riley either way.
        professional().ar("1,000.01").submit_for_id(&alex).await,
        // Essentials, whose draft route is a sales call: C3 for Spencer (rep unknown).
        NewCase::new().ar("5,000").submit_for_id(&alex).await,
        // Refund at the review limit: R4 either way (the draft raises it).
        NewCase::new()
            .refund("1,000.00", "Charged twice")
            .submit_for_id(&alex)
            .await,
        // Refund just over today's limit: out of review under $1,500.00.
        NewCase::new()
            .refund("1,000.01", "Charged twice")
            .submit_for_id(&alex)
            .await,
        // SMB with Morgan, who had left: Spencer calls, either way.
        NewCase::new()
            .level(Level::Smb)
            .rep(Rep::Morgan)
            .submit_for_id(&alex)
            .await,
        // A snapshot that cannot be read (damaged below).
        NewCase::new().submit_for_id(&alex).await,
    ];
    let damaged = ids[6];
    app.execute(&format!(
        "UPDATE cases SET facts_snapshot = '{{\"customer_name\": 12' WHERE id = {damaged}"
    ))
    .unwrap();
    ids
}

fn the_draft() -> Vec<(&'static str, String)> {
    vec![
        ("draft_ar_limit", "999.99".to_owned()),
        ("draft_refund_review_limit", "1,500.00".to_owned()),
        (
            "route_1",
            "sales_call".to_owned(), // Essentials
        ),
        ("route_2", "check_ar".to_owned()),
        ("route_3", "sales_call".to_owned()),
        ("route_4", "sales_call".to_owned()),
        ("from", "2026-11-26".to_owned()),
        ("to", "2026-11-27".to_owned()),
    ]
}

fn as_pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

#[tokio::test]
async fn a_preview_counts_what_the_draft_changes_and_writes_nothing() {
    let app = spawn_app().await;
    let ids = build_history(&app).await;
    // Riley leaves after the cases were submitted: the replay takes the
    // rep as the snapshot recorded them (then active), marked departed now.
    let riley = app.staff_id("riley");
    app.execute(&format!(
        "UPDATE staff SET departed_at = {START} WHERE id = {riley}"
    ))
    .unwrap();
    let admin = app.signed_in("admin").await;
    admin.page("/admin").await;
    let before = row_counts(&app);
    let audit_before = app.audit_details();

    let (status, page) = admin.page(&preview_path(&as_pairs(&the_draft()))).await;
    assert_eq!(status, StatusCode::OK, "{page}");

    let summary = texts(&page, "#replay-summary").join(" ");
    assert!(
        summary.contains(
            "Replayed 6 cases submitted 2026-11-26 to 2026-11-27: 3 change; 1 not replayable."
        ),
        "{summary}"
    );
    assert_eq!(
        rows(&page, "replay-changes"),
        [
            "C2 reply → C2A save call 1",
            "C2 reply → C3 save call 1",
            "R6 review → R4 1 $1,000.01",
        ]
    );
    assert_eq!(
        rows(&page, "replay-save-tasks"),
        ["Riley (departed) 1 2", "Spencer 1 2"]
    );
    let changed = rows(&page, "replay-cases");
    assert_eq!(
        changed,
        [
            format!("Case {} Dana Smith Professional C2A, C2 → C2A", ids[0]),
            format!("Case {} Dana Smith Essentials C2 → C3", ids[2]),
            format!("Case {} Dana Smith Essentials R5, R6 → R2, R3, R4", ids[4]),
        ]
    );
    let links = attrs(&page, "#replay-cases a", "href");
    assert_eq!(links[0], format!("/cases/{}", ids[0]));

    assert_eq!(row_counts(&app), before, "the preview wrote no row");
    assert_eq!(app.audit_details(), audit_before);
    let level_routes = app.count_where("customer_levels", "route = 'sales_call'");
    assert_eq!(level_routes, 2, "no route was saved");
}

#[tokio::test]
async fn a_draft_equal_to_today_changes_nothing_and_the_form_starts_from_today() {
    let app = spawn_app().await;
    build_history(&app).await;
    let admin = app.signed_in("admin").await;
    let (status, policy) = admin.page("/admin/policy").await;
    assert_eq!(status, StatusCode::OK);
    // The "Try a draft" form, pre-filled with today's values: submitting it
    // as it comes previews today against today.
    assert_eq!(attrs(&policy, "#draft_ar_limit", "value"), ["1,000.00"]);
    assert_eq!(
        texts(&policy, "label[for=route_3]"),
        ["Draft route for Professional 2A"]
    );
    assert_eq!(attrs(&policy, "#from", "value"), ["2026-08-30"]);
    assert_eq!(attrs(&policy, "#to", "value"), ["2026-11-27"]);
    let mut fields = vec![
        ("draft_ar_limit", "1,000.00"),
        ("draft_refund_review_limit", "1,000.00"),
    ];
    for (level, route) in [
        ("route_1", "essentials"),
        ("route_2", "check_ar"),
        ("route_3", "sales_call"),
        ("route_4", "sales_call"),
    ] {
        assert_eq!(
            attrs(&policy, &format!("#{level} option[selected]"), "value"),
            [route]
        );
        fields.push((level, route));
    }
    fields.extend([("from", "2026-08-30"), ("to", "2026-11-27")]);
    let (status, page) = admin.page(&preview_path(&fields)).await;
    assert_eq!(status, StatusCode::OK);
    let summary = texts(&page, "#replay-summary").join(" ");
    assert!(
        summary.contains("Replayed 7 cases") && summary.contains(": 0 change;"),
        "{summary}"
    );
    assert!(rows(&page, "replay-changes").is_empty());
    // A bare address previews today's values over the last 90 days.
    let (status, bare) = admin.page("/admin/policy/preview").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        texts(&bare, "#replay-summary"),
        texts(&page, "#replay-summary")
    );
}

#[tokio::test]
async fn save_this_policy_saves_exactly_the_previewed_values_with_an_audit_entry() {
    let app = spawn_app().await;
    build_history(&app).await;
    let admin = app.signed_in("admin").await;
    let (_, page) = admin.page(&preview_path(&as_pairs(&the_draft()))).await;
    let names = attrs(&page, "#save-previewed input[type=hidden]", "name");
    let values = attrs(&page, "#save-previewed input[type=hidden]", "value");
    let fields: Vec<(&str, &str)> = names
        .iter()
        .zip(&values)
        .filter(|(name, _)| *name != "csrf_token")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert!(
        fields.contains(&(
            "based_on",
            "1;1=essentials;2=check_ar;3=sales_call;4=sales_call"
        )),
        "{fields:?}"
    );
    // A route changed meanwhile on /admin/levels: the preview no longer says
    // what saving would change.
    let professional_2a = app.level_id("Professional 2A");
    admin.page("/admin/levels").await;
    let changed = admin
        .post(
            &format!("/admin/levels/{professional_2a}/route"),
            &[("route", "check_ar")],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let stale = admin.post("/admin/policy/preview", &fields).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(app.count("policy_versions"), 1);
    admin
        .post(
            &format!("/admin/levels/{professional_2a}/route"),
            &[("route", "sales_call")],
        )
        .await;

    let response = admin.post("/admin/policy/preview", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/admin/policy"));
    let (_, policy) = admin.page("/admin/policy").await;
    assert!(
        texts(&policy, "#current-policy")[0]
            .contains("policy version 2: A/R limit $999.99, refund review limit $1,500.00"),
        "{policy}"
    );
    let essentials = app.level_id("Essentials");
    assert_eq!(
        app.count_where(
            "customer_levels",
            &format!("id = {essentials} AND route = 'sales_call'")
        ),
        1
    );
    let audit = app.audit_details();
    let saved: Vec<&String> = audit
        .iter()
        .filter(|(action, _, _)| action == "policy.saved")
        .map(|(_, _, detail)| detail)
        .collect();
    assert_eq!(saved.len(), 1);
    assert!(
        saved[0].contains("Policy version 2 saved from a preview: A/R limit $999.99 (was $1,000.00), refund review limit $1,500.00 (was $1,000.00); Level Essentials: route changed from Essentials to Sales call"),
        "{}",
        saved[0]
    );
    assert!(
        audit
            .iter()
            .any(|(action, actor, _)| action == "level.route_changed"
                && *actor == Some(app.staff_id("admin")))
    );

    // The same form again: the policy moved on since that preview.
    let again = admin.post("/admin/policy/preview", &fields).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let body = again.text().await.unwrap();
    assert!(
        body.contains("route changed since this preview (the policy is now version 2)"),
        "{body}"
    );
    assert_eq!(app.count("policy_versions"), 2);
}

/// A draft's fields, the field blamed, and the message beside it.
type Refused = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

#[tokio::test]
async fn bad_draft_values_get_422_beside_the_field_and_the_form_as_typed() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let cases: [Refused; 5] = [
        (
            &[("draft_ar_limit", "12.345")],
            "draft_ar_limit",
            "Use at most 2 decimal places",
        ),
        (
            &[("draft_refund_review_limit", "-5")],
            "draft_refund_review_limit",
            "The refund review limit cannot be negative",
        ),
        (
            &[("from", "2026-13-01"), ("to", "2026-11-27")],
            "from",
            "Enter a date like 2026-11-30",
        ),
        (
            &[("from", "2026-11-27"), ("to", "2026-11-01")],
            "to",
            "“Cases to” cannot be before “Cases from”",
        ),
        (
            &[("route_2", "fast")],
            "routes",
            "Choose a route for each level",
        ),
    ];
    for (fields, field, message) in cases {
        let (status, page) = admin.page(&preview_path(fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let error = texts(&page, &format!("#{field}-error")).join(" ");
        assert!(error.contains(message), "{fields:?}: {error}");
        assert!(texts(&page, "#replay-summary").is_empty());
        if let Some((_, typed)) = fields.iter().find(|(name, _)| *name == field) {
            assert_eq!(attrs(&page, &format!("#{field}"), "value"), [*typed]);
        }
    }
    // A route for a level that is not in use is refused, not ignored.
    let (status, page) = admin
        .page(&preview_path(&[("route_99", "essentials")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&page, "#routes-error")[0].contains("Level 99 is not a level in use"));
    // Unknown or repeated names are a malformed form.
    let (status, _) = admin
        .page("/admin/policy/preview?draft_ar_limit=1&draft_ar_limit=2")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = admin.page("/admin/policy/preview?limit=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_admins_preview_or_save() {
    let app = spawn_app().await;
    let heather = app.signed_in("heather").await;
    let (status, _) = heather.page("/admin/policy/preview").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = heather
        .post(
            "/admin/policy/preview",
            &[("draft_ar_limit", "1"), ("based_on", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("policy_versions"), 1);
}

/// Demo data is written by intake's own `decide_and_write`: every case of
/// it, on every route the demo levels have, replays under its own policy
/// to the decision it stored.
#[test]
fn every_demo_case_replays_to_its_stored_decision() {
    use retention_desk::db::Db;
    use retention_desk::db::models::cases::CaseRow;
    use retention_desk::db::models::reference::LevelRow;
    use retention_desk::db::views::replay_cases::ReplayCaseRow;
    use retention_desk::demo::bulk::{SearchIndexing, fill};
    use retention_desk::procedure::{CaseFacts, Decision};
    use retention_desk::services::admin::replay::tally::{Rules, decide_under};
    use retention_desk::services::policies;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite3");
    fill(
        &path,
        600,
        (START, chrono_tz::UTC),
        SearchIndexing::RebuildAtEnd,
        |_| {},
    )
    .unwrap();
    let db = Db::open(&path).unwrap();
    let mut conn = db.reader_blocking().unwrap();
    let routes: std::collections::HashMap<_, _> = LevelRow::all(&mut conn)
        .unwrap()
        .into_iter()
        .map(|l| (l.id, l.route))
        .collect();
    let rows = ReplayCaseRow::batch(&mut conn, (i64::MIN, i64::MAX), None, 10_000).unwrap();
    assert_eq!(rows.len(), 600);
    // Small keyset batches read the same cases once each, in the same order.
    let mut batched = Vec::new();
    let mut after = None;
    loop {
        let batch = ReplayCaseRow::batch(&mut conn, (i64::MIN, i64::MAX), after, 7).unwrap();
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id));
        batched.extend(batch.iter().map(|r| r.id));
        assert!(batched.len() <= 600, "a batch came back again");
    }
    assert_eq!(batched, rows.iter().map(|r| r.id).collect::<Vec<_>>());
    let mut seen = std::collections::BTreeSet::new();
    for row in rows {
        let case = CaseRow::find(&mut conn, row.id).unwrap();
        let stored: Decision = serde_json::from_str(&case.decision).unwrap();
        let mut facts: CaseFacts = serde_json::from_str(&row.facts_snapshot).unwrap();
        let own = Rules {
            policy: policies::version(&mut conn, case.policy_version).unwrap(),
            routes: routes.clone(),
        };
        let route = facts.level.route;
        seen.insert(route.as_str());
        let replayed = decide_under(&mut facts, row.level_id, route, &own);
        assert_eq!(replayed, stored, "case {}", row.id);
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["check_ar", "essentials", "sales_call"]
    );
}

/// Cases submitted in the same second are read once each across batches.
#[tokio::test]
async fn keyset_batches_split_cases_of_the_same_second() {
    use retention_desk::db::views::replay_cases::ReplayCaseRow;
    let app = spawn_app().await;
    let ids = build_history(&app).await; // seven cases in one second
    let mut read = Vec::new();
    let mut after = None;
    loop {
        let batch = app.db(|conn| ReplayCaseRow::batch(conn, (START, i64::MAX), after, 2).unwrap());
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id));
        read.extend(batch.iter().map(|r| r.id.get()));
        assert!(read.len() <= 20, "a batch came back again: {read:?}");
    }
    let mut expected = vec![ids[0] - 1];
    expected.extend(&ids);
    assert_eq!(read, expected);
}
