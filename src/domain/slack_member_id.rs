//! A Slack member ID (`U` and letters and digits), so a service-level
//! message can mention a person as `<@U…>` (SPEC §11).

use super::text_type::text_type;

const MAX_LENGTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackMemberId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("A Slack member ID is U followed by letters and digits, like U01AB2CD3EF")]
pub struct SlackMemberIdError;

impl SlackMemberId {
    /// Blank is `None`: the field is optional.
    pub fn parse_optional(input: &str) -> Result<Option<SlackMemberId>, SlackMemberIdError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let rest = text.strip_prefix('U').ok_or(SlackMemberIdError)?;
        if rest.is_empty()
            || text.len() > MAX_LENGTH
            || !rest.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(SlackMemberIdError);
        }
        Ok(Some(SlackMemberId(text.to_owned())))
    }

    /// `<@U…>`: Slack's mention markup.
    pub fn mention(&self) -> String {
        format!("<@{}>", self.0)
    }
}

text_type!(SlackMemberId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u_and_letters_and_digits() {
        assert_eq!(SlackMemberId::parse_optional("  "), Ok(None));
        let id = SlackMemberId::parse_optional(" U01AB2CD3EF ")
            .unwrap()
            .unwrap();
        assert_eq!(id.mention(), "<@U01AB2CD3EF>");
        for bad in [
            "U",
            "W123",
            "u123",
            "U12 3",
            "U12>",
            "<@U123>",
            &format!("U{}", "1".repeat(40)),
        ] {
            assert_eq!(
                SlackMemberId::parse_optional(bad),
                Err(SlackMemberIdError),
                "{bad}"
            );
        }
    }
}
