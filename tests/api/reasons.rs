//! Reasons for leaving and save offers (SPEC §8), and "My save calls" (§9).

use reqwest::StatusCode;

use crate::helpers::*;

/// The options of the `<select>` named `name`: (value, text).
fn options(html: &str, name: &str) -> Vec<(String, String)> {
    let values = attrs(html, &format!("select[name=\"{name}\"] option"), "value");
    let labels = texts(html, &format!("select[name=\"{name}\"] option"));
    values.into_iter().zip(labels).collect()
}

/// The case's stored reason id, read with plain SQL.
fn stored_reason(app: &TestApp, case: i32) -> Option<i64> {
    let sql = format!("leave_reason_id IS NOT NULL AND id = {case}");
    (app.count_where("cases", &sql) == 1).then(|| {
        (1..=20)
            .find(|r| {
                app.count_where("cases", &format!("id = {case} AND leave_reason_id = {r}")) == 1
            })
            .unwrap()
    })
}

#[tokio::test]
async fn a_cancellation_needs_a_reason_and_a_refund_alone_stores_none() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (_, form) = alex.page("/cases/new").await;
    let labels: Vec<String> = options(&form, "reason_id")
        .into_iter()
        .map(|o| o.1)
        .collect();
    assert_eq!(
        labels,
        [
            "Choose a reason",
            "Too expensive",
            "Missing features",
            "Switching to a competitor",
            "Not using it enough",
            "Technical problems",
            "Business closed",
            "Other"
        ]
    );
    assert_eq!(attrs(&form, "label[for=reason_id]", "for").len(), 1);

    for (value, typed) in [("", "nothing"), ("999", "an unknown reason"), ("x", "junk")] {
        let response = NewCase::new().raw("reason_id", value).submit(&alex).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed}"
        );
        let body = response.text().await.unwrap();
        assert_eq!(texts(&body, "#reason_id-error").len(), 1, "{typed}: {body}");
    }
    assert_eq!(app.count("cases"), 0, "nothing was stored");

    let (case, page) = NewCase::new()
        .raw("reason_id", "3")
        .submit_and_open(&alex)
        .await;
    assert_eq!(stored_reason(&app, case), Some(3));
    assert_eq!(texts(&page, ".leave-reason"), ["Switching to a competitor"]);
    let refund = NewCase::new()
        .refund("25", "Charged twice")
        .raw("reason_id", "3")
        .submit_for_id(&alex)
        .await;
    assert_eq!(
        stored_reason(&app, refund),
        None,
        "a refund alone stores no reason"
    );

    // A case from before reasons were asked.
    app.execute(&format!(
        "UPDATE cases SET leave_reason_id = NULL WHERE id = {case}"
    ))
    .unwrap();
    let (_, page) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(texts(&page, ".leave-reason"), ["Not recorded"]);
    let spencer = app.signed_in("spencer").await;
    let (_, report) = spencer.page("/reports?group=reason").await;
    let rows = texts(&report, "#cancellations tbody th");
    assert_eq!(rows, ["Not recorded"]);
}

#[tokio::test]
async fn admins_add_order_and_retire_reasons_but_never_rename_them() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin").await;
    let (status, page) = admin.page("/admin/reasons").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "#reasons tbody tr").len(), 7);
    assert!(attrs(&page, "nav a", "href").contains(&"/admin/reasons".to_owned()));

    let added = admin
        .post(
            "/admin/reasons",
            &[("name", "Moved in-house"), ("position", "5")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let again = admin
        .post(
            "/admin/reasons",
            &[("name", "too EXPENSIVE"), ("position", "5")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = admin
        .post("/admin/reasons", &[("name", " "), ("position", "first")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert_eq!(texts(&body, "#name-error").len(), 1);
    assert_eq!(texts(&body, "#position-error").len(), 1);

    let alex = app.signed_in("alex").await;
    let (_, form) = alex.page("/cases/new").await;
    assert_eq!(
        options(&form, "reason_id")[1].1,
        "Moved in-house",
        "position 5 comes first"
    );
    let (case, _) = NewCase::new()
        .raw("reason_id", "1")
        .submit_and_open(&alex)
        .await;

    // Move "Too expensive" (id 1) to the end, then retire it.
    let moved = admin.post("/admin/reasons/1", &[("position", "90")]).await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let (_, form) = alex.page("/cases/new").await;
    assert_eq!(
        options(&form, "reason_id").last().unwrap().1,
        "Too expensive"
    );
    let rename = admin
        .post(
            "/admin/reasons/1",
            &[("name", "Pricey"), ("position", "90")],
        )
        .await;
    assert_eq!(
        rename.status(),
        StatusCode::BAD_REQUEST,
        "there is no renaming"
    );
    let retired = admin.post("/admin/reasons/1/retire", &[]).await;
    assert_eq!(retired.status(), StatusCode::SEE_OTHER);
    let (_, form) = alex.page("/cases/new").await;
    assert!(
        !options(&form, "reason_id")
            .iter()
            .any(|o| o.1 == "Too expensive")
    );
    let (_, page) = alex.page(&format!("/cases/{case}")).await;
    assert_eq!(
        texts(&page, ".leave-reason"),
        ["Too expensive"],
        "the case keeps it"
    );
    let refused = NewCase::new().raw("reason_id", "1").submit(&alex).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "retired"
    );

    // Every reason but one retired: the last cannot go.
    for id in 2..=7 {
        let response = admin
            .post(&format!("/admin/reasons/{id}/retire"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{id}");
    }
    let last = admin.post("/admin/reasons/8/retire", &[]).await;
    assert_eq!(last.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = last.text().await.unwrap();
    assert!(body.contains("is the last reason in use"), "{body}");
    assert_eq!(app.count_where("leave_reasons", "retired_at IS NULL"), 1);
    let audit: Vec<String> = app.audit_details().into_iter().map(|a| a.0).collect();
    assert!(
        audit.contains(&"reason.added".to_owned()) && audit.contains(&"reason.moved".to_owned())
    );
    assert!(audit.contains(&"reason.retired".to_owned()), "{audit:?}");
}

#[tokio::test]
async fn the_offer_is_recorded_with_every_outcome_and_shown_on_the_case() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let riley = app.signed_in("riley").await;
    let case = |reason: &'static str| {
        NewCase::new()
            .level(Level::Smb)
            .rep(Rep::Riley)
            .raw("reason_id", reason)
    };
    let first = case("5").submit_for_id(&alex).await;
    let (task, ..) = app.task_for(first);
    let (_, tasks) = riley.page("/tasks").await;
    let row = texts(&tasks, &format!("#task-{task}")).join(" ");
    assert!(
        row.contains("Technical problems"),
        "the rep sees why: {row}"
    );
    let offers: Vec<String> = options(&tasks, "offer").into_iter().map(|o| o.1).collect();
    assert_eq!(
        offers,
        ["No offer", "Discount", "Pause", "Downgrade", "Other"]
    );

    let unknown = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "saved"), ("offer", "bribe")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = unknown.text().await.unwrap();
    assert_eq!(texts(&body, &format!("#offer-{task}-error")).len(), 1);
    assert!(app.task_for(first).1, "still open");

    let saved = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "saved"), ("offer", "pause")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.events(first, "save_outcome"),
        ["Saved: the customer stays. Offer made: Pause."]
    );
    let (_, page) = alex.page(&format!("/cases/{first}")).await;
    assert!(
        page.contains("Offer made: Pause"),
        "the case page shows the offer"
    );

    // No offer field at all: "No offer".
    let second = case("1").submit_for_id(&alex).await;
    let (task, ..) = app.task_for(second);
    riley.page("/tasks").await;
    let response = riley
        .post(
            &format!("/tasks/{task}/outcome"),
            &[("outcome", "not_saved")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.events(second, "save_outcome"),
        ["Not saved: the agent sends the C2 reply with the exit survey. Offer made: No offer."]
    );

    // "My save calls": Riley's own rate; Spencer (retention owner) has none.
    let (_, tasks) = riley.page("/tasks").await;
    assert_eq!(texts(&tasks, ".my-save-rate"), ["50 %"]);
    let spencer = app.signed_in("spencer").await;
    let (_, tasks) = spencer.page("/tasks").await;
    assert!(texts(&tasks, ".my-save-calls").is_empty());
    // Past 90 days the calls leave the rate.
    app.clock.advance(91 * 86_400);
    let riley = app.signed_in("riley").await;
    let (_, tasks) = riley.page("/tasks").await;
    assert_eq!(texts(&tasks, ".my-save-rate"), ["—"]);
}
