//! Replies in the team's words (SPEC §12): the seeded words are the old
//! ones, placeholders are filled once, a two-track letter has one greeting
//! and one sign-off, and bad templates are refused naming what is wrong.

use super::*;
use crate::domain::{CancellationRoute, CustomerName, Money, RefundAmount, RequestKind};

const SURVEY: &str = "https://survey.example.com/exit?server=app-01";

fn policy() -> Policy {
    let thousand = Money::from_cents(100_000).unwrap();
    Policy {
        version: 1,
        ar_limit: thousand,
        refund_review_limit: thousand,
    }
}

fn facts(name: &str, request: RequestKind, route: CancellationRoute, cents: i64) -> CaseFacts {
    CaseFacts {
        customer_name: CustomerName::parse(name).unwrap(),
        request,
        level: LevelFacts {
            name: "Level".to_owned(),
            route,
        },
        server: ServerFacts {
            name: "app-01".to_owned(),
            exit_survey_url: format!(" {SURVEY} "),
        },
        ar_balance: Money::ZERO,
        refund: request.includes_refund().then(|| RefundFacts {
            amount: RefundAmount::from_cents(cents).unwrap(),
            reason: "Charged twice".to_owned(),
        }),
        original_rep: None,
        retention_owner_name: "Spencer".to_owned(),
        account_id: "ACC-77".to_owned(),
        agent_name: "Alex Agent".to_owned(),
    }
}

fn with(templates: ReplyTemplates) -> Replies {
    Replies {
        version: 7,
        templates,
    }
}

// ---- the seeded words are the words the app sent before -------------------

/// The letters as `procedure/replies.rs` wrote them before they were
/// templates (copied from that code).
fn legacy_letter(name: &str, paragraphs: &[String]) -> String {
    let mut text = format!("Hi {name},");
    for p in paragraphs {
        text.push_str("\n\n");
        text.push_str(p);
    }
    text
}

fn legacy_exit_survey(name: &str) -> String {
    legacy_letter(
        name,
        &[
            "Thank you for letting us know, and I'm sorry to see you go. We will take care \
             of cancelling your account. If you ever want to come back, or there is anything \
             more we can do for you, just reply to this message: our door is always open."
                .to_owned(),
            format!(
                "So we can learn why you are leaving and what we could have done better, would \
                 you take a minute to answer our short exit survey? {SURVEY}"
            ),
        ],
    )
}

fn legacy_save_call(name: &str) -> String {
    legacy_letter(
        name,
        &[
            "Thank you for letting us know, and I'm sorry to hear you are thinking of \
           cancelling your account. Your account manager will be in touch with you shortly \
           to talk it through."
                .to_owned(),
        ],
    )
}

fn legacy_credit(name: &str, amount: &str) -> String {
    legacy_letter(
        name,
        &[format!(
            "I'm sorry for the trouble. A credit in the amount of {amount} will be processed \
             for your account."
        )],
    )
}

fn legacy_review(name: &str, amount: &str) -> String {
    legacy_letter(
        name,
        &[format!(
            "I'm sorry for the trouble. Your request for a refund of {amount} is being \
             reviewed, and we will let you know the outcome as soon as we can."
        )],
    )
}

fn legacy_join(first: &str, second: &str) -> String {
    let body = second.split_once("\n\n").map_or(second, |(_, body)| body);
    format!("{first}\n\n{body}")
}

#[test]
fn the_seeded_replies_write_exactly_what_the_app_wrote_before() {
    use CancellationRoute::{Essentials, SalesCall};
    use RequestKind::{Cancel, CancelAndRefund, Refund};
    let name = "Zoë O'Brien";
    let seeded = Replies::seeded();
    let cases = [
        (Cancel, Essentials, 0, legacy_exit_survey(name)),
        (Cancel, SalesCall, 0, legacy_save_call(name)),
        (Refund, Essentials, 25_000, legacy_credit(name, "$250.00")),
        (
            Refund,
            Essentials,
            125_050,
            legacy_review(name, "$1,250.50"),
        ),
        (
            CancelAndRefund,
            Essentials,
            125_000,
            legacy_join(&legacy_exit_survey(name), &legacy_review(name, "$1,250.00")),
        ),
        (
            CancelAndRefund,
            SalesCall,
            1_000,
            legacy_join(&legacy_save_call(name), &legacy_credit(name, "$10.00")),
        ),
    ];
    for (request, route, cents, expected) in cases {
        let facts = facts(name, request, route, cents);
        let decision = decide(&facts, &policy(), &seeded);
        assert_eq!(decision.reply_to_send(), expected, "{request:?} {route:?}");
    }
    let facts = facts(name, Cancel, SalesCall, 0);
    assert_eq!(not_saved_reply(&facts, &seeded), legacy_exit_survey(name));
}

#[test]
fn a_decision_stored_before_replies_were_templates_still_reads_and_joins() {
    let facts = facts(
        "Jane Doe",
        RequestKind::CancelAndRefund,
        CancellationRoute::Essentials,
        25_000,
    );
    let mut decision = decide(&facts, &policy(), &Replies::seeded());
    let now = decision.reply_to_send();
    decision.letterhead = None;
    let json = serde_json::to_string(&decision).unwrap();
    assert!(!json.contains("letterhead"), "{json}");
    let old: Decision = serde_json::from_str(&json).unwrap();
    assert_eq!(old.reply_to_send(), now);
    assert_eq!(old.replies_version(), 1);
    // An old snapshot has no account ID or agent name: they read as empty.
    let mut snapshot = serde_json::to_value(&facts).unwrap();
    snapshot.as_object_mut().unwrap().remove("account_id");
    snapshot.as_object_mut().unwrap().remove("agent_name");
    let old_facts: CaseFacts = serde_json::from_value(snapshot).unwrap();
    assert_eq!(old_facts.account_id, "");
}

// ---- placeholders -------------------------------------------------------------

fn every_placeholder() -> ReplyTemplates {
    let common = "[{customer_name}|{account_id}|{agent_name}]";
    ReplyTemplates {
        greeting: format!("Dear {{customer_name}} {common}"),
        sign_off: format!("Yours, {{agent_name}} {common}"),
        exit_survey: format!("C2 {common} {{exit_survey_link}}"),
        save_call: format!("C3 {common}"),
        credit: format!("R4 {common} {{amount}}"),
        review: format!("R5 {common} {{amount}}"),
    }
}

#[test]
fn each_placeholder_is_filled() {
    let replies = with(ReplyTemplates::parse(every_placeholder()).unwrap());
    let values = "[Jane Doe|ACC-77|Alex Agent]";
    let f = facts(
        "Jane Doe",
        RequestKind::CancelAndRefund,
        CancellationRoute::Essentials,
        25_000,
    );
    let decision = decide(&f, &policy(), &replies);
    assert_eq!(
        decision.reply_to_send(),
        format!(
            "Dear Jane Doe {values}\n\nC2 {values} {SURVEY}\n\nR4 {values} $250.00\n\n\
             Yours, Alex Agent {values}"
        )
    );
    let f = facts(
        "Jane Doe",
        RequestKind::CancelAndRefund,
        CancellationRoute::SalesCall,
        250_000,
    );
    let decision = decide(&f, &policy(), &replies);
    assert_eq!(
        decision.reply_to_send(),
        format!(
            "Dear Jane Doe {values}\n\nC3 {values}\n\nR5 {values} $2,500.00\n\n\
             Yours, Alex Agent {values}"
        )
    );
    assert_eq!(decision.letterhead.as_ref().unwrap().replies_version, 7);
    assert!(!decision.sends_exit_survey());
}

#[test]
fn customer_text_is_inserted_once_and_stays_literal() {
    let name = "{amount} <b>Tom</b> & {exit_survey_link} {{x}}";
    let f = facts(
        name,
        RequestKind::CancelAndRefund,
        CancellationRoute::SalesCall,
        25_000,
    );
    let decision = decide(&f, &policy(), &Replies::seeded());
    let message = decision.reply_to_send();
    assert!(message.starts_with(&format!("Hi {name},\n\n")), "{message}");
    assert_eq!(message.matches("$250.00").count(), 1, "{message}");
    assert!(!message.contains(SURVEY), "{message}");
}

#[test]
fn literal_braces_are_written_doubled() {
    let mut templates = ReplyTemplates::seeded();
    templates.greeting = "Hi {customer_name} {{ref: {{account_id}}}},".to_owned();
    let replies = with(ReplyTemplates::parse(templates).unwrap());
    let f = facts("Jane", RequestKind::Cancel, CancellationRoute::SalesCall, 0);
    let message = decide(&f, &policy(), &replies).reply_to_send();
    assert!(
        message.starts_with("Hi Jane {ref: {account_id}},\n\n"),
        "{message}"
    );
}

#[test]
fn a_two_track_case_has_one_greeting_both_bodies_and_one_sign_off_whatever_blank_lines_they_hold() {
    let templates = ReplyTemplates {
        greeting: "Hello {customer_name},\n\nThanks for writing.".to_owned(),
        sign_off: "Kind regards,\n\n\n{agent_name}".to_owned(),
        exit_survey: "Sorry to see you go.\n\n\n\nSurvey: {exit_survey_link}\n\nBye.".to_owned(),
        save_call: "Your manager calls.\n\nSoon.".to_owned(),
        credit: "Credit {amount}.\n\n\nProcessed.".to_owned(),
        review: "Review of {amount}.\n\nPatience.\n\n".to_owned(),
    };
    let replies = with(ReplyTemplates::parse(templates).unwrap());
    let greeting = "Hello Jane,\n\nThanks for writing.";
    let sign_off = "Kind regards,\n\n\nAlex Agent";
    for (route, cents, first, second) in [
        (
            CancellationRoute::Essentials,
            25_000,
            format!("Sorry to see you go.\n\n\n\nSurvey: {SURVEY}\n\nBye."),
            "Credit $250.00.\n\n\nProcessed.",
        ),
        (
            CancellationRoute::SalesCall,
            250_000,
            "Your manager calls.\n\nSoon.".to_owned(),
            "Review of $2,500.00.\n\nPatience.",
        ),
    ] {
        let f = facts("Jane", RequestKind::CancelAndRefund, route, cents);
        let decision = decide(&f, &policy(), &replies);
        let message = decision.reply_to_send();
        assert_eq!(
            message,
            format!("{greeting}\n\n{first}\n\n{second}\n\n{sign_off}")
        );
        assert_eq!(message.matches("Hello Jane,").count(), 1);
        assert_eq!(message.matches("Kind regards,").count(), 1);
        // Each track alone is a whole letter too.
        let cancellation = decision.cancellation.as_ref().unwrap();
        assert_eq!(
            cancellation.reply,
            format!("{greeting}\n\n{first}\n\n{sign_off}")
        );
    }
}

// ---- refusals ------------------------------------------------------------

fn refused(field: ReplyField, text: &str) -> String {
    let mut templates = ReplyTemplates::seeded();
    match field {
        ReplyField::Greeting => templates.greeting = text.to_owned(),
        ReplyField::SignOff => templates.sign_off = text.to_owned(),
        ReplyField::ExitSurvey => templates.exit_survey = text.to_owned(),
        ReplyField::SaveCall => templates.save_call = text.to_owned(),
        ReplyField::Credit => templates.credit = text.to_owned(),
        ReplyField::Review => templates.review = text.to_owned(),
    }
    let problems = ReplyTemplates::parse(templates).expect_err(text);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, field, "{problems:?}");
    problems[0].1.clone()
}

#[test]
fn each_bad_template_is_refused_naming_the_field_or_the_placeholder() {
    use ReplyField::*;
    let rows: &[(ReplyField, &str, &str)] = &[
        (
            Greeting,
            "Hi {customer},",
            "{customer} is not a placeholder",
        ),
        (
            Review,
            "{amonut} is being reviewed",
            "{amonut} is not a placeholder",
        ),
        (
            ExitSurvey,
            "Bye {amount} {exit_survey_link}",
            "{amount} does not belong",
        ),
        (
            Greeting,
            "Hi {exit_survey_link}",
            "{exit_survey_link} does not belong",
        ),
        (SaveCall, "Call about {amount}", "{amount} does not belong"),
        (
            Credit,
            "Credit {exit_survey_link} {amount}",
            "{exit_survey_link} does not belong",
        ),
        (
            Credit,
            "A credit will be processed.",
            "must contain {amount}",
        ),
        (Review, "Being reviewed.", "must contain {amount}"),
        (
            ExitSurvey,
            "Sorry to see you go.",
            "must contain {exit_survey_link}",
        ),
        (Greeting, "", "greeting"),
        (Greeting, "  \r\n ", "greeting"),
        (SaveCall, "", "save call reply (C2A, C3)"),
        (Credit, "{ amount } {amount}", "lone { or }"),
        (Greeting, "Hi {customer_name", "lone { or }"),
        (SignOff, "Bye }", "lone { or }"),
        (SaveCall, "Bell \u{7}", "control characters"),
    ];
    for (field, text, named) in rows {
        let message = refused(*field, text);
        assert!(message.contains(named), "{field:?} {text:?}: {message}");
    }
}

#[test]
fn over_four_thousand_characters_is_refused_and_four_thousand_is_fine() {
    let body = |n: usize| format!("{}{{amount}}", "é".repeat(n - "{amount}".len()));
    let message = refused(ReplyField::Credit, &body(4_001));
    assert!(message.contains("Credit reply (R4)"), "{message}");
    assert!(
        message.contains("4,000") || message.contains("4000"),
        "{message}"
    );
    let mut templates = ReplyTemplates::seeded();
    templates.credit = body(4_000);
    assert!(ReplyTemplates::parse(templates).is_ok());
}

#[test]
fn typed_words_lose_carriage_returns_and_surrounding_space_and_the_sign_off_may_be_empty() {
    let mut typed = ReplyTemplates::seeded();
    typed.exit_survey = " One.\r\n\r\nTwo {exit_survey_link}\r\n".to_owned();
    typed.sign_off = "   ".to_owned();
    let parsed = ReplyTemplates::parse(typed).unwrap();
    assert_eq!(parsed.exit_survey, "One.\n\nTwo {exit_survey_link}");
    assert_eq!(parsed.sign_off, "");
    assert_eq!(
        ReplyTemplates::parse(ReplyTemplates::seeded()),
        Ok(ReplyTemplates::seeded())
    );
}
