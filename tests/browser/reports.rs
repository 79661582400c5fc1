//! Journey 5: Spencer reads the retention reports (SPEC §9) on a database
//! with a few thousand demo cases, so the tables and charts look like a
//! real team's.

use crate::harness::Journey;

#[tokio::test]
async fn spencer_reads_the_reports_grouped_by_reason_for_leaving() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = dir.path().join("reports.sqlite3");
    let path = database.clone();
    let now = chrono::Utc::now().timestamp();
    tokio::task::spawn_blocking(move || {
        use retention_desk::demo::bulk::{SearchIndexing, fill};
        fill(
            &path,
            3_000,
            (now, chrono_tz::UTC),
            SearchIndexing::RebuildAtEnd,
            |_| {},
        )
    })
    .await
    .expect("the demo data task")
    .expect("demo data");
    let Some(journey) = Journey::start_with("journey 5 (reports)", |settings| {
        settings.database = database;
    })
    .await
    else {
        return;
    };
    let page = &journey.page;

    page.sign_in("spencer").await;
    page.follow_link("Reports").await;
    assert_eq!(page.path().await, "/reports", "the header links Reports");
    assert_eq!(page.heading().await, "Reports");
    page.fill("Group by", "Reason for leaving").await;
    page.click_button("Show report").await;
    assert_eq!(
        page.texts("section.report h2").await,
        ["Save calls", "Cancellations", "Refunds"]
    );
    let firsts = page.texts("#save-calls tbody th").await;
    assert!(
        firsts.iter().any(|g| g == "Too expensive"),
        "grouped by reason: {firsts:?}"
    );
    assert_eq!(page.texts("tr.total th").await, ["Total", "Total", "Total"]);
    assert_eq!(
        page.attrs("svg.report-chart[role=img] title", "id")
            .await
            .len(),
        3,
        "a chart with a title beside each table"
    );
    assert_eq!(
        page.texts("section.report a[download]").await,
        ["Download CSV", "Download CSV", "Download CSV"]
    );
    // Tall enough for the first table and its chart.
    page.resize(1280, 1150).await;
    page.screenshot("reports.png").await;

    journey.finish().await;
}
