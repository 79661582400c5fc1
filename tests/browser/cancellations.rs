//! Journeys 1 and 2: cancellations, from the agent's form to the outcome.

use crate::cases::NewCase;
use crate::harness::Journey;
use crate::page::Deadline;

const SURVEY_APP_01: &str = "https://survey.example.com/exit?server=app-01";

#[tokio::test]
async fn an_essentials_cancellation_shows_c2_and_the_servers_exit_survey_link() {
    let Some(journey) = Journey::start("journey 1 (Essentials cancellation)").await else {
        return;
    };
    let page = &journey.page;

    page.sign_in("alex").await;
    assert_eq!(
        page.path().await,
        "/cases/new",
        "an agent starts on the form"
    );
    let case = NewCase {
        customer_name: "Dana Smith",
        account_id: "ACC-1001",
        level: "Essentials",
        server: "app-01",
        request: "Cancel account",
        ..NewCase::default()
    }
    .submit_and_open(page)
    .await;

    assert_eq!(
        page.texts(".actions-list .step").await,
        ["C2"],
        "case {case}"
    );
    assert_eq!(page.fact("Cancellation").await, "Reply to send");
    assert_eq!(
        page.attrs("a.survey-link", "href").await,
        [SURVEY_APP_01],
        "the exit-survey link is a real link to app-01's survey"
    );
    let reply = page.texts("pre.reply").await.join("\n");
    assert!(
        reply.contains(SURVEY_APP_01),
        "the reply to send carries the survey link: {reply}"
    );

    // The reply waits for Alex above the form until it is marked sent.
    page.visit("/cases/new").await;
    let waiting = "section[aria-labelledby=waiting-heading] tbody tr";
    assert_eq!(
        page.texts(&format!("{waiting} td:first-child")).await,
        [format!("Case {case}")]
    );
    assert_eq!(
        page.texts(&format!("{waiting} td:nth-child(4)")).await,
        ["Reply to send"]
    );

    journey.finish().await;
}

#[tokio::test]
async fn a_professional_cancellation_with_a_departed_rep_is_saved_by_spencer() {
    let Some(journey) = Journey::start("journey 2 (save call)").await else {
        return;
    };
    let page = &journey.page;

    page.sign_in("alex").await;
    let case = NewCase {
        customer_name: "Priya Patel",
        account_id: "ACC-2002",
        level: "Professional",
        server: "app-02",
        ar_balance: "1,500.00",
        sales_rep: "Morgan (departed)",
        request: "Cancel account",
        ..NewCase::default()
    }
    .submit_and_open(page)
    .await;
    assert_eq!(page.texts(".actions-list .step").await, ["C2A"]);
    assert_eq!(page.fact("Cancellation").await, "Awaiting save call");
    assert!(
        page.fact("Save task").await.starts_with("Spencer"),
        "the task falls back to Spencer: {}",
        page.fact("Save task").await
    );
    page.sign_out().await;

    page.sign_in("spencer").await;
    assert_eq!(page.path().await, "/tasks", "Spencer starts on the tasks");
    let link = format!("Case {case}");
    let row = page.row_with_link(&link);
    page.screenshot("tasks.png").await;
    row.fill("Outcome", "Saved").await;
    row.fill("Call notes", "Offered two months at half price; staying")
        .await;
    row.click_button("Record outcome").await;
    let deadline = Deadline::new(format!("{link} to leave Spencer's open tasks"));
    while page.texts("table a").await.contains(&link) {
        deadline.tick().await;
    }
    page.sign_out().await;

    page.sign_in("alex").await;
    page.visit(&format!("/cases/{case}")).await;
    assert_eq!(page.fact("Cancellation").await, "Retained");
    assert!(page.heading().await.ends_with("Closed"));

    journey.finish().await;
}
