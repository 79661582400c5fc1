//! A sign-in name: what staff type into "Username".

use super::text_type::text_type;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("Enter a username")]
    Empty,
    #[error("A username is at most 64 characters")]
    TooLong,
    #[error("Use only lowercase letters, digits, dots, dashes and underscores")]
    BadCharacter,
}

impl Username {
    /// Trimmed and lowercased: usernames are compared without case.
    pub fn parse(input: &str) -> Result<Username, UsernameError> {
        let name = input.trim().to_lowercase();
        if name.is_empty() {
            return Err(UsernameError::Empty);
        }
        if name.chars().count() > 64 {
            return Err(UsernameError::TooLong);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
        {
            return Err(UsernameError::BadCharacter);
        }
        Ok(Username(name))
    }
}

text_type!(Username);

/// A staff member's full name as shown in the app ("Riley").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FullNameError {
    #[error("Enter the person's full name")]
    Empty,
    #[error("A name is at most 200 characters")]
    TooLong,
    #[error("A name cannot contain control characters")]
    ControlCharacter,
}

impl FullName {
    pub fn parse(input: &str) -> Result<FullName, FullNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FullNameError::Empty);
        }
        if name.chars().count() > 200 {
            return Err(FullNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(FullNameError::ControlCharacter);
        }
        Ok(FullName(name.to_owned()))
    }
}

text_type!(FullName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_lowercased() {
        assert_eq!(Username::parse("  Riley ").unwrap().as_str(), "riley");
    }

    #[test]
    fn bad_usernames_are_refused() {
        assert_eq!(Username::parse("   "), Err(UsernameError::Empty));
        assert_eq!(Username::parse("a b"), Err(UsernameError::BadCharacter));
        assert_eq!(
            Username::parse(&"a".repeat(65)),
            Err(UsernameError::TooLong)
        );
    }

    #[test]
    fn names_of_only_spaces_are_empty() {
        assert_eq!(FullName::parse("   "), Err(FullNameError::Empty));
        assert_eq!(
            FullName::parse("a\0b"),
            Err(FullNameError::ControlCharacter)
        );
        assert_eq!(
            FullName::parse(" Riley Jones ").unwrap().as_str(),
            "Riley Jones"
        );
    }
}
