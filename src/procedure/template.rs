//! One reply template: text with `{placeholder}`s, `{{` and `}}` for a
//! literal brace (SPEC §12).
//!
//! A template is read once, left to right, into pieces; rendering writes
//! each literal piece as it is and each placeholder's value as it is. A
//! value is never read again, so a customer called `{amount}` stays
//! `{amount}` in the reply.

/// The values a reply may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    CustomerName,
    AccountId,
    /// The agent who submitted the case.
    AgentName,
    /// The refund amount (R4, R5 only).
    Amount,
    /// The exit-survey link of the account's server (C2 only).
    ExitSurveyLink,
}

impl Placeholder {
    pub const ALL: [Placeholder; 5] = [
        Placeholder::CustomerName,
        Placeholder::AccountId,
        Placeholder::AgentName,
        Placeholder::Amount,
        Placeholder::ExitSurveyLink,
    ];

    /// The word between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::CustomerName => "customer_name",
            Placeholder::AccountId => "account_id",
            Placeholder::AgentName => "agent_name",
            Placeholder::Amount => "amount",
            Placeholder::ExitSurveyLink => "exit_survey_link",
        }
    }

    /// As written in a template: `{amount}`.
    pub fn written(self) -> String {
        format!("{{{}}}", self.name())
    }

    fn named(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One piece of a template, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text written as it is.
    Text(&'a str),
    /// A known placeholder.
    Value(Placeholder),
    /// `{something}` that names no placeholder (the text, braces included).
    Unknown(&'a str),
    /// A `{` or `}` that neither opens a placeholder nor is doubled.
    LoneBrace(&'a str),
}

/// Reads a template into its pieces. `{{` and `}}` become a `Text` of one
/// brace.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        if at > 0 {
            pieces.push(Piece::Text(&rest[..at]));
        }
        let brace = &rest[at..=at];
        let after = &rest[at + 1..];
        if after.starts_with(brace) {
            pieces.push(Piece::Text(brace));
            rest = &after[1..];
            continue;
        }
        if brace == "{"
            && let Some(end) = after.find('}')
            && is_word(&after[..end])
        {
            let name = &after[..end];
            pieces.push(match Placeholder::named(name) {
                Some(placeholder) => Piece::Value(placeholder),
                None => Piece::Unknown(&rest[at..at + end + 2]),
            });
            rest = &after[end + 1..];
            continue;
        }
        pieces.push(Piece::LoneBrace(brace));
        rest = after;
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// A placeholder's name: letters, digits and `_`, not empty.
fn is_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Writes the template with the values filled in. A placeholder with no
/// value here, an unknown one or a lone brace is written as typed (a saved
/// template has none: they are refused when it is saved).
pub fn render(template: &str, value: impl Fn(Placeholder) -> Option<String>) -> String {
    let mut text = String::with_capacity(template.len() + 32);
    for piece in pieces(template) {
        match piece {
            Piece::Text(literal) | Piece::Unknown(literal) | Piece::LoneBrace(literal) => {
                text.push_str(literal);
            }
            Piece::Value(placeholder) => match value(placeholder) {
                Some(filled) => text.push_str(&filled),
                None => text.push_str(&placeholder.written()),
            },
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(p: Placeholder) -> Option<String> {
        match p {
            Placeholder::CustomerName => Some("Jane {amount} <b>&".to_owned()),
            Placeholder::Amount => Some("$1.00".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn doubled_braces_are_literal_braces() {
        assert_eq!(render("a {{b}} c", fill), "a {b} c");
        assert_eq!(render("{{customer_name}}", fill), "{customer_name}");
        assert_eq!(render("}}{{", fill), "}{");
    }

    #[test]
    fn a_value_is_inserted_once_and_never_read_again() {
        assert_eq!(
            render("Hi {customer_name}, {amount}", fill),
            "Hi Jane {amount} <b>&, $1.00"
        );
    }

    #[test]
    fn unknown_placeholders_and_lone_braces_are_read_as_such() {
        assert_eq!(
            pieces("x {amonut} { y } z}"),
            [
                Piece::Text("x "),
                Piece::Unknown("{amonut}"),
                Piece::Text(" "),
                Piece::LoneBrace("{"),
                Piece::Text(" y "),
                Piece::LoneBrace("}"),
                Piece::Text(" z"),
                Piece::LoneBrace("}"),
            ]
        );
        assert_eq!(pieces("{"), [Piece::LoneBrace("{")]);
        assert_eq!(
            pieces("{amount"),
            [Piece::LoneBrace("{"), Piece::Text("amount")]
        );
    }

    #[test]
    fn what_cannot_be_filled_is_written_as_typed() {
        assert_eq!(
            render("{account_id} {nope} {", fill),
            "{account_id} {nope} {"
        );
    }
}
