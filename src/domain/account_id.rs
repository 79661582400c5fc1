//! The customer's account ID, as typed on the case form.

use serde::{Deserialize, Serialize};

use super::text_type::text_type;

const MAX_CHARS: usize = 64;

/// An account ID: trimmed, 1 to 64 characters, no spaces or control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountIdError {
    #[error("Enter the account ID")]
    Empty,
    #[error("An account ID has at most 64 characters")]
    TooLong,
    #[error("An account ID has no spaces")]
    HasSpaces,
    #[error("An account ID has no control characters")]
    HasControlCharacters,
}

impl AccountId {
    pub fn parse(input: &str) -> Result<AccountId, AccountIdError> {
        let id = input.trim();
        if id.is_empty() {
            Err(AccountIdError::Empty)
        } else if id.chars().count() > MAX_CHARS {
            Err(AccountIdError::TooLong)
        } else if id.chars().any(char::is_whitespace) {
            Err(AccountIdError::HasSpaces)
        } else if id.chars().any(char::is_control) {
            Err(AccountIdError::HasControlCharacters)
        } else {
            Ok(AccountId(id.to_owned()))
        }
    }
}

text_type!(AccountId, parsed from String or AccountIdError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_trims() {
        assert_eq!(
            AccountId::parse("  ACME-0042 ").unwrap().as_str(),
            "ACME-0042"
        );
        assert_eq!(AccountId::parse("a").unwrap().to_string(), "a");
        assert!(AccountId::parse(&"x".repeat(64)).is_ok());
        assert!(AccountId::parse(&"é".repeat(64)).is_ok());
    }

    #[test]
    fn rejects_bad_ids() {
        use AccountIdError::*;
        let too_long = "x".repeat(65);
        let cases = [
            ("", Empty),
            (" \t\n", Empty),
            (too_long.as_str(), TooLong),
            ("ACME 42", HasSpaces),
            ("ACME\t42", HasSpaces),
            ("ACME\u{a0}42", HasSpaces),
            ("ACME\u{0}42", HasControlCharacters),
            ("ACME\u{7f}", HasControlCharacters),
        ];
        for (input, expected) in cases {
            assert_eq!(AccountId::parse(input), Err(expected), "{input:?}");
        }
        assert_eq!(Empty.to_string(), "Enter the account ID");
        assert_eq!(HasSpaces.to_string(), "An account ID has no spaces");
    }

    proptest! {
        #[test]
        fn parsed_ids_are_clean(input in "\\PC{0,80}") {
            if let Ok(id) = AccountId::parse(&input) {
                prop_assert!(!id.as_str().is_empty());
                prop_assert!(id.as_str().chars().count() <= MAX_CHARS);
                prop_assert!(!id.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(AccountId::parse(id.as_str()), Ok(id.clone()));
            }
        }
    }
}
