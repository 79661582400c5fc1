//! The words the agent sends to the customer.
//!
//! Every reply is a letter: a greeting line naming the customer, a blank
//! line, then paragraphs. Greetings never contain a blank line (a
//! [`CustomerName`] has no line breaks), which is what [`join`] relies on.

use crate::domain::{CustomerName, RefundAmount};

use super::ServerFacts;

/// Paragraphs are separated by a blank line.
const PARAGRAPH_BREAK: &str = "\n\n";

fn letter(customer_name: &CustomerName, paragraphs: &[String]) -> String {
    let mut text = format!("Hi {customer_name},");
    for paragraph in paragraphs {
        text.push_str(PARAGRAPH_BREAK);
        text.push_str(paragraph);
    }
    text
}

/// C2: reply sympathetically, leave the door open, and include the
/// exit-survey link of the server the account is hosted on. Also the reply
/// once a save call has ended "Not saved".
pub fn exit_survey_reply(customer_name: &CustomerName, server: &ServerFacts) -> String {
    letter(
        customer_name,
        &[
            "Thank you for letting us know, and I'm sorry to see you go. We will take care \
             of cancelling your account. If you ever want to come back, or there is anything \
             more we can do for you, just reply to this message: our door is always open."
                .to_owned(),
            format!(
                "So we can learn why you are leaving and what we could have done better, would \
                 you take a minute to answer our short exit survey? {}",
                server.exit_survey_url.trim()
            ),
        ],
    )
}

/// C2A over the limit, C3: the account manager will call; no exit survey
/// yet.
pub(super) fn save_call_reply(customer_name: &CustomerName) -> String {
    letter(
        customer_name,
        &[
            "Thank you for letting us know, and I'm sorry to hear you are thinking of \
           cancelling your account. Your account manager will be in touch with you shortly \
           to talk it through."
                .to_owned(),
        ],
    )
}

/// R4: a credit in the amount of $X will be processed for their account.
pub(super) fn credit_reply(customer_name: &CustomerName, amount: RefundAmount) -> String {
    letter(
        customer_name,
        &[format!(
            "I'm sorry for the trouble. A credit in the amount of {amount} will be processed \
             for your account."
        )],
    )
}

/// R5: the request is being reviewed.
pub(super) fn review_reply(customer_name: &CustomerName, amount: RefundAmount) -> String {
    letter(
        customer_name,
        &[format!(
            "I'm sorry for the trouble. Your request for a refund of {amount} is being \
             reviewed, and we will let you know the outcome as soon as we can."
        )],
    )
}

/// One message from two letters to the same customer: the first in full,
/// then the second's paragraphs without its greeting.
pub(super) fn join(first: &str, second: &str) -> String {
    let second_body = second
        .split_once(PARAGRAPH_BREAK)
        .map_or(second, |(_greeting, body)| body);
    format!("{first}{PARAGRAPH_BREAK}{second_body}")
}
