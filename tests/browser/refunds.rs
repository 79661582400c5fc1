//! Journeys 3 and 4: refunds, through Heather's review, and a bad amount.

use crate::cases::NewCase;
use crate::harness::Journey;
use crate::page::Deadline;
use crate::slack_stand_in::SlackStandIn;

#[tokio::test]
async fn a_refund_over_the_limit_is_reviewed_approved_and_issued_by_heather() {
    let slack = SlackStandIn::start();
    let webhook = slack.url.clone();
    let Some(journey) = Journey::start_with("journey 3 (refund review)", |settings| {
        settings.slack_webhook_url = Some(webhook);
    })
    .await
    else {
        return;
    };
    let page = &journey.page;

    page.sign_in("alex").await;
    let case = NewCase {
        customer_name: "Sam Rivera",
        account_id: "ACC-3003",
        ar_balance: "0",
        request: "Refund",
        refund_amount: "2,500.00",
        refund_reason: "Charged twice for November (invoice 4411)",
        ..NewCase::default()
    }
    .submit_and_open(page)
    .await;
    assert_eq!(page.texts(".actions-list .step").await, ["R5", "R6"]);
    assert_eq!(page.texts(".refund-box").await, ["$2,500.00"]);
    // The outbox worker is woken when the case is written.
    let deadline = Deadline::new("the Slack heads-up for the review refund");
    while slack.texts().is_empty() {
        deadline.tick().await;
    }
    page.sign_out().await;

    page.sign_in("heather").await;
    assert_eq!(page.path().await, "/billing", "Heather starts on the queue");
    let link = format!("Case {case}");
    let row = page.row_with_link(&link);
    assert!(
        row.text().await.contains("Needs review"),
        "{link} is marked Needs review on /billing"
    );
    page.screenshot("billing.png").await;
    page.follow_link(&link).await;
    assert!(page.heading().await.starts_with(&link));

    page.fill("Review notes", "Double charge confirmed on the invoice")
        .await;
    page.click_button("Approve refund").await;
    assert_eq!(
        page.fact("Refund").await,
        "Billing / Billing in progress · Approved"
    );
    page.screenshot("case.png").await;
    page.fill("Payment reference", "PAY-2500-01").await;
    page.click_button("Mark refund issued").await;
    assert_eq!(page.fact("Refund").await, "Refund issued");
    page.sign_out().await;

    page.sign_in("alex").await;
    page.visit(&format!("/cases/{case}")).await;
    assert_eq!(page.fact("Refund").await, "Refund issued");
    assert_eq!(page.fact("Payment reference").await, "PAY-2500-01");
    assert_eq!(
        page.fact("Slack heads-up").await.split(',').next(),
        Some("delivered")
    );

    let messages = slack.texts();
    assert_eq!(messages.len(), 1, "one Slack message: {messages:?}");
    assert!(
        messages[0].contains(&format!("/cases/{case}|")) && messages[0].contains("$2,500.00"),
        "the heads-up links the case and names the amount: {}",
        messages[0]
    );

    journey.finish().await;
}

#[tokio::test]
async fn a_refund_of_three_decimals_is_refused_next_to_the_field_keeping_what_was_typed() {
    let Some(journey) = Journey::start("journey 4 (bad refund amount)").await else {
        return;
    };
    let page = &journey.page;

    page.sign_in("alex").await;
    let typed = NewCase {
        customer_name: "Lee Chen",
        account_id: "ACC-4004",
        level: "Professional",
        server: "app-02",
        ar_balance: "250",
        sales_rep: "Riley",
        request: "Refund",
        reason: "Missing features",
        refund_amount: "12.345",
        refund_reason: "Overcharged on the last invoice",
    };
    typed.submit(page).await;

    assert_eq!(
        page.path().await,
        "/cases",
        "the form comes back, not a case"
    );
    assert!(page.heading().await.starts_with("New case"));
    let error = page
        .error_next_to("Refund amount")
        .await
        .expect("an error next to Refund amount");
    assert!(
        error.contains("2 decimal places"),
        "the error says what is wrong: {error}"
    );
    for (label, value) in [
        ("Customer name", typed.customer_name),
        ("Account ID", typed.account_id),
        ("A/R balance", typed.ar_balance),
        ("Refund amount", typed.refund_amount),
        (
            "Why the customer is entitled to the refund",
            typed.refund_reason,
        ),
        ("Hosting server", typed.server),
        ("Original sales rep", typed.sales_rep),
        ("Request", typed.request),
        ("Reason for leaving", typed.reason),
    ] {
        assert_eq!(
            page.value_of(label).await,
            value,
            "{label} keeps what was typed"
        );
    }
    assert!(
        page.value_of("Customer level")
            .await
            .starts_with("Professional"),
        "Customer level keeps Professional"
    );
    assert_eq!(page.error_next_to("Customer name").await, None);

    journey.finish().await;
}
