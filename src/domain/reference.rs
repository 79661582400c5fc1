//! The reference data admins keep: hosting servers with their exit-survey
//! links, and customer levels with their rank (SPEC §2.1, §4).

use super::text_type::text_type;

/// A hosting server's name as shown on the intake form ("app-01").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerName(String);

/// A customer level's name ("Professional").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelName(String);

/// A reason for leaving ("Too expensive"); never renamed (SPEC §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceNameError {
    #[error("Enter a name")]
    Empty,
    #[error("A name is at most 100 characters")]
    TooLong,
    #[error("A name cannot contain control characters")]
    ControlCharacter,
}

fn parse_name(input: &str) -> Result<String, ReferenceNameError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(ReferenceNameError::Empty);
    }
    if name.chars().count() > 100 {
        return Err(ReferenceNameError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(ReferenceNameError::ControlCharacter);
    }
    Ok(name.to_owned())
}

impl ServerName {
    pub fn parse(input: &str) -> Result<ServerName, ReferenceNameError> {
        parse_name(input).map(ServerName)
    }
}

impl LevelName {
    pub fn parse(input: &str) -> Result<LevelName, ReferenceNameError> {
        parse_name(input).map(LevelName)
    }
}

impl ReasonName {
    pub fn parse(input: &str) -> Result<ReasonName, ReferenceNameError> {
        parse_name(input).map(ReasonName)
    }
}

text_type!(ReasonName);

text_type!(ServerName);

text_type!(LevelName);

/// An exit-survey link: an absolute `http://` or `https://` URL with a host.
/// Any other scheme (`javascript:`, `data:`, `file:` …) is refused, since
/// the link is put in front of agents and sent to customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitSurveyUrl(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExitSurveyUrlError {
    #[error("Enter the exit survey URL, like https://survey.example.com/exit")]
    Empty,
    #[error("Use a link that starts with https:// or http://")]
    NotHttp,
    #[error("The link needs a host name after https://")]
    NoHost,
    #[error("A link cannot contain spaces, quotes or control characters")]
    BadCharacter,
    #[error("A link is at most 2,000 characters")]
    TooLong,
}

impl ExitSurveyUrl {
    pub fn parse(input: &str) -> Result<ExitSurveyUrl, ExitSurveyUrlError> {
        let url = input.trim();
        if url.is_empty() {
            return Err(ExitSurveyUrlError::Empty);
        }
        if url.chars().count() > 2000 {
            return Err(ExitSurveyUrlError::TooLong);
        }
        let lower = url.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &url["https://".len()..]
        } else if lower.starts_with("http://") {
            &url["http://".len()..]
        } else {
            return Err(ExitSurveyUrlError::NotHttp);
        };
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
        {
            return Err(ExitSurveyUrlError::BadCharacter);
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        let host = host.split(':').next().unwrap_or_default();
        if host.is_empty() || host.starts_with('.') {
            return Err(ExitSurveyUrlError::NoHost);
        }
        Ok(ExitSurveyUrl(url.to_owned()))
    }
}

text_type!(ExitSurveyUrl);

/// Where a level sits among the others: the intake form lists levels by
/// rank, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank(i32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    #[error("Enter a rank, a whole number like 25")]
    Empty,
    #[error("The rank must be a whole number from 0 to 100000")]
    NotANumber,
}

impl Rank {
    pub fn parse(input: &str) -> Result<Rank, RankError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(RankError::Empty);
        }
        if !text.chars().all(|c| c.is_ascii_digit()) || text.len() > 6 {
            return Err(RankError::NotANumber);
        }
        text.parse::<i32>()
            .ok()
            .filter(|n| (0..=100_000).contains(n))
            .map(Rank)
            .ok_or(RankError::NotANumber)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_links_must_be_http_or_https_with_a_host() {
        for ok in [
            "https://survey.example.com/exit?server=app-01",
            "http://example.com",
            "HTTPS://Example.com/x",
            "  https://example.com:8443/a#b ",
        ] {
            assert!(ExitSurveyUrl::parse(ok).is_ok(), "{ok:?}");
        }
        use ExitSurveyUrlError::*;
        for (bad, why) in [
            ("", Empty),
            ("   ", Empty),
            ("javascript:alert(1)", NotHttp),
            ("JavaScript://example.com/%0aalert(1)", NotHttp),
            ("data:text/html,hi", NotHttp),
            ("ftp://example.com", NotHttp),
            ("//example.com", NotHttp),
            ("example.com/exit", NotHttp),
            ("https://", NoHost),
            ("https:///path", NoHost),
            ("https://user@/x", NoHost),
            ("https://exa mple.com", BadCharacter),
            ("https://example.com/\"onmouseover", BadCharacter),
            ("https://example.com/\na", BadCharacter),
            ("javascript:alert(1) //", NotHttp),
        ] {
            assert_eq!(ExitSurveyUrl::parse(bad), Err(why), "{bad:?}");
        }
    }

    #[test]
    fn ranks_are_small_whole_numbers() {
        assert_eq!(Rank::parse(" 25 ").unwrap().get(), 25);
        assert_eq!(Rank::parse(""), Err(RankError::Empty));
        for bad in ["-1", "2.5", "abc", "1e3", "100001", "99999999999"] {
            assert_eq!(Rank::parse(bad), Err(RankError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_not_blank() {
        assert_eq!(ServerName::parse("  app-03 ").unwrap().as_str(), "app-03");
        assert_eq!(LevelName::parse("   "), Err(ReferenceNameError::Empty));
        assert_eq!(
            LevelName::parse("a\u{7}b"),
            Err(ReferenceNameError::ControlCharacter)
        );
        assert_eq!(
            ServerName::parse(&"x".repeat(101)),
            Err(ReferenceNameError::TooLong)
        );
    }
}
