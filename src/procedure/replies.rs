//! The words the agent sends to the customer, in the team's own words
//! (SPEC §12).
//!
//! A reply is a letter: the greeting, a blank line, one body per track (the
//! cancellation's, then the refund's), and the sign-off after a blank line
//! when there is one. The bodies come from the replies version in force;
//! [`ReplyTemplates::seeded`] is the wording the app shipped with.

use serde::{Deserialize, Serialize};

use crate::domain::{RefundAmount, has_control_characters};

use super::facts::CaseFacts;
use super::template::{Piece, Placeholder, pieces, render};

/// Paragraphs are separated by a blank line.
pub(super) const PARAGRAPH_BREAK: &str = "\n\n";

/// The longest a field may be, in characters.
pub const MAX_CHARS: usize = 4_000;

/// A version of the replies: the words and the number cases store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replies {
    pub version: i64,
    pub templates: ReplyTemplates,
}

impl Replies {
    /// Version 1, the wording the app shipped with.
    pub fn seeded() -> Replies {
        Replies {
            version: 1,
            templates: ReplyTemplates::seeded(),
        }
    }
}

/// The greeting, the sign-off and the four bodies, with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTemplates {
    pub greeting: String,
    /// May be empty: then the letter ends with the last body.
    pub sign_off: String,
    /// C2, and after a save call ended "Not saved".
    pub exit_survey: String,
    /// C2A over the limit, C3.
    pub save_call: String,
    /// R4.
    pub credit: String,
    /// R5.
    pub review: String,
}

/// A field of the replies form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyField {
    Greeting,
    SignOff,
    ExitSurvey,
    SaveCall,
    Credit,
    Review,
}

impl ReplyField {
    pub const ALL: [ReplyField; 6] = [
        ReplyField::Greeting,
        ReplyField::SignOff,
        ReplyField::ExitSurvey,
        ReplyField::SaveCall,
        ReplyField::Credit,
        ReplyField::Review,
    ];

    /// The form field's name.
    pub fn key(self) -> &'static str {
        match self {
            ReplyField::Greeting => "greeting",
            ReplyField::SignOff => "sign_off",
            ReplyField::ExitSurvey => "exit_survey",
            ReplyField::SaveCall => "save_call",
            ReplyField::Credit => "credit",
            ReplyField::Review => "review",
        }
    }

    /// The label on `/admin/replies` (SPEC §12).
    pub fn label(self) -> &'static str {
        match self {
            ReplyField::Greeting => "Greeting",
            ReplyField::SignOff => "Sign-off",
            ReplyField::ExitSurvey => "Exit survey reply (C2)",
            ReplyField::SaveCall => "Save call reply (C2A, C3)",
            ReplyField::Credit => "Credit reply (R4)",
            ReplyField::Review => "Review reply (R5)",
        }
    }

    /// The placeholder the field must contain.
    pub fn required(self) -> Option<Placeholder> {
        match self {
            ReplyField::ExitSurvey => Some(Placeholder::ExitSurveyLink),
            ReplyField::Credit | ReplyField::Review => Some(Placeholder::Amount),
            _ => None,
        }
    }

    /// Every placeholder the field may contain.
    pub fn allowed(self) -> Vec<Placeholder> {
        let mut allowed = vec![
            Placeholder::CustomerName,
            Placeholder::AccountId,
            Placeholder::AgentName,
        ];
        allowed.extend(self.required());
        allowed
    }

    /// Only the sign-off may be left empty: the wording the app shipped
    /// with has none.
    fn may_be_empty(self) -> bool {
        self == ReplyField::SignOff
    }
}

/// Where a placeholder that is not allowed in a field does belong.
fn home_of(placeholder: Placeholder) -> &'static str {
    match placeholder {
        Placeholder::Amount => "only in the credit and review replies (R4, R5)",
        Placeholder::ExitSurveyLink => "only in the exit survey reply (C2)",
        _ => "everywhere",
    }
}

impl ReplyTemplates {
    /// The wording the app shipped with (SOP C2, C2A/C3, R4, R5).
    pub fn seeded() -> ReplyTemplates {
        ReplyTemplates {
            greeting: "Hi {customer_name},".to_owned(),
            sign_off: String::new(),
            exit_survey:
                "Thank you for letting us know, and I'm sorry to see you go. We will take \
                          care of cancelling your account. If you ever want to come back, or there \
                          is anything more we can do for you, just reply to this message: our door \
                          is always open.\n\nSo we can learn why you are leaving and what we could \
                          have done better, would you take a minute to answer our short exit \
                          survey? {exit_survey_link}"
                    .to_owned(),
            save_call: "Thank you for letting us know, and I'm sorry to hear you are thinking of \
                        cancelling your account. Your account manager will be in touch with you \
                        shortly to talk it through."
                .to_owned(),
            credit: "I'm sorry for the trouble. A credit in the amount of {amount} will be \
                     processed for your account."
                .to_owned(),
            review: "I'm sorry for the trouble. Your request for a refund of {amount} is being \
                     reviewed, and we will let you know the outcome as soon as we can."
                .to_owned(),
        }
    }

    pub fn get(&self, field: ReplyField) -> &str {
        match field {
            ReplyField::Greeting => &self.greeting,
            ReplyField::SignOff => &self.sign_off,
            ReplyField::ExitSurvey => &self.exit_survey,
            ReplyField::SaveCall => &self.save_call,
            ReplyField::Credit => &self.credit,
            ReplyField::Review => &self.review,
        }
    }

    fn get_mut(&mut self, field: ReplyField) -> &mut String {
        match field {
            ReplyField::Greeting => &mut self.greeting,
            ReplyField::SignOff => &mut self.sign_off,
            ReplyField::ExitSurvey => &mut self.exit_survey,
            ReplyField::SaveCall => &mut self.save_call,
            ReplyField::Credit => &mut self.credit,
            ReplyField::Review => &mut self.review,
        }
    }

    /// The templates as typed into the form: line breaks as `\n` (a browser
    /// sends `\r\n`), no blank space around each; refused, with one message
    /// per field naming the field or the placeholder, when a field is
    /// empty, too long, names an unknown placeholder or one that does not
    /// belong there, lacks the one it needs, or has a lone brace.
    pub fn parse(mut typed: ReplyTemplates) -> Result<ReplyTemplates, Vec<(ReplyField, String)>> {
        for field in ReplyField::ALL {
            let text = typed.get_mut(field);
            *text = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim()
                .to_owned();
        }
        let problems: Vec<(ReplyField, String)> = ReplyField::ALL
            .into_iter()
            .filter_map(|field| problem(field, typed.get(field)).map(|p| (field, p)))
            .collect();
        if problems.is_empty() {
            Ok(typed)
        } else {
            Err(problems)
        }
    }

    /// The fields whose words differ from `other`'s.
    pub fn changed_from(&self, other: &ReplyTemplates) -> Vec<ReplyField> {
        ReplyField::ALL
            .into_iter()
            .filter(|f| self.get(*f) != other.get(*f))
            .collect()
    }
}

/// What is wrong with one field, if anything.
fn problem(field: ReplyField, text: &str) -> Option<String> {
    let label = field.label();
    if text.is_empty() {
        return (!field.may_be_empty()).then(|| format!("Write the {}", lower(label)));
    }
    let length = text.chars().count();
    if length > MAX_CHARS {
        return Some(format!(
            "{label} has {length} characters: keep it to {MAX_CHARS}"
        ));
    }
    if has_control_characters(text) {
        return Some(format!(
            "Remove the control characters from the {}",
            lower(label)
        ));
    }
    let allowed = field.allowed();
    let mut found = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Unknown(written) => {
                let choices: Vec<String> = allowed.iter().map(|p| p.written()).collect();
                return Some(format!(
                    "{written} is not a placeholder: the {} may use {}",
                    lower(label),
                    choices.join(", ")
                ));
            }
            Piece::LoneBrace(_) => {
                return Some(format!(
                    "The {} has a lone {{ or }}: write {{{{ or }}}} for a brace",
                    lower(label)
                ));
            }
            Piece::Value(placeholder) if !allowed.contains(&placeholder) => {
                return Some(format!(
                    "{} does not belong in the {}: it goes {}",
                    placeholder.written(),
                    lower(label),
                    home_of(placeholder)
                ));
            }
            Piece::Value(placeholder) => found.push(placeholder),
            Piece::Text(_) => {}
        }
    }
    match field.required() {
        Some(required) if !found.contains(&required) => Some(format!(
            "The {} must contain {}",
            lower(label),
            required.written()
        )),
        _ => None,
    }
}

/// "Exit survey reply (C2)" → "exit survey reply (C2)".
fn lower(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The greeting and sign-off a case's words were written with, and the
/// replies version they came from. With them, the one message of a case
/// with both tracks is put together exactly, whatever blank lines the
/// bodies hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    pub replies_version: i64,
    pub greeting: String,
    pub sign_off: String,
}

impl Letterhead {
    /// The letter: greeting, the bodies, then the sign-off if there is one.
    pub fn letter(&self, bodies: &[&str]) -> String {
        let mut text = self.greeting.clone();
        for body in bodies {
            text.push_str(PARAGRAPH_BREAK);
            text.push_str(body);
        }
        if !self.sign_off.is_empty() {
            text.push_str(PARAGRAPH_BREAK);
            text.push_str(&self.sign_off);
        }
        text
    }

    /// The body of a one-body letter this letterhead wrote.
    pub fn body_of<'a>(&self, letter: &'a str) -> Option<&'a str> {
        let body = letter
            .strip_prefix(self.greeting.as_str())?
            .strip_prefix(PARAGRAPH_BREAK)?;
        if self.sign_off.is_empty() {
            Some(body)
        } else {
            body.strip_suffix(self.sign_off.as_str())?
                .strip_suffix(PARAGRAPH_BREAK)
        }
    }
}

/// Fills the templates in for one case.
pub(super) struct Writer<'a> {
    replies: &'a Replies,
    facts: &'a CaseFacts,
}

impl<'a> Writer<'a> {
    pub(super) fn new(replies: &'a Replies, facts: &'a CaseFacts) -> Writer<'a> {
        Writer { replies, facts }
    }

    fn fill(&self, template: &str, amount: Option<RefundAmount>, survey: bool) -> String {
        let facts = self.facts;
        render(template, |placeholder| match placeholder {
            Placeholder::CustomerName => Some(facts.customer_name.as_str().to_owned()),
            Placeholder::AccountId => Some(facts.account_id.trim().to_owned()),
            Placeholder::AgentName => Some(facts.agent_name.trim().to_owned()),
            Placeholder::Amount => amount.map(|a| a.to_string()),
            Placeholder::ExitSurveyLink => {
                survey.then(|| facts.server.exit_survey_url.trim().to_owned())
            }
        })
    }

    pub(super) fn letterhead(&self) -> Letterhead {
        let templates = &self.replies.templates;
        Letterhead {
            replies_version: self.replies.version,
            greeting: self.fill(&templates.greeting, None, false),
            sign_off: self.fill(&templates.sign_off, None, false),
        }
    }

    /// C2: sympathetic, the door left open, the server's exit survey.
    pub(super) fn exit_survey(&self) -> String {
        self.fill(&self.replies.templates.exit_survey, None, true)
    }

    /// C2A over the limit, C3: the account manager will call; no survey yet.
    pub(super) fn save_call(&self) -> String {
        self.fill(&self.replies.templates.save_call, None, false)
    }

    /// R4: a credit in the amount of $X will be processed.
    pub(super) fn credit(&self, amount: RefundAmount) -> String {
        self.fill(&self.replies.templates.credit, Some(amount), false)
    }

    /// R5: the request is being reviewed.
    pub(super) fn review(&self, amount: RefundAmount) -> String {
        self.fill(&self.replies.templates.review, Some(amount), false)
    }
}

/// The reply once a save call has ended "Not saved": the C2 reply alone
/// (the refund was answered at intake), in the words of `replies` and with
/// the survey link of the facts' server.
pub fn not_saved_reply(facts: &CaseFacts, replies: &Replies) -> String {
    let writer = Writer::new(replies, facts);
    writer.letterhead().letter(&[&writer.exit_survey()])
}

/// One message from two letters to the same customer written before
/// replies were templates (no sign-off, a greeting without blank lines):
/// the first in full, then the second's paragraphs without its greeting.
pub(super) fn join_untemplated(first: &str, second: &str) -> String {
    let second_body = second
        .split_once(PARAGRAPH_BREAK)
        .map_or(second, |(_greeting, body)| body);
    format!("{first}{PARAGRAPH_BREAK}{second_body}")
}
