//! The customer's name, as typed on the case form and used in replies.

use serde::{Deserialize, Serialize};

use super::text_type::text_type;

const MAX_CHARS: usize = 200;

/// A customer name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CustomerNameError {
    #[error("Enter the customer's name")]
    Empty,
    #[error("A customer name has at most 200 characters")]
    TooLong,
    #[error("A customer name has no control characters or line breaks")]
    HasControlCharacters,
}

impl CustomerName {
    pub fn parse(input: &str) -> Result<CustomerName, CustomerNameError> {
        let name = input.trim();
        if name.is_empty() {
            Err(CustomerNameError::Empty)
        } else if name.chars().count() > MAX_CHARS {
            Err(CustomerNameError::TooLong)
        } else if name.chars().any(char::is_control) {
            Err(CustomerNameError::HasControlCharacters)
        } else {
            Ok(CustomerName(name.to_owned()))
        }
    }
}

text_type!(CustomerName, parsed from String or CustomerNameError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_trims() {
        assert_eq!(
            CustomerName::parse("  Jane Doe ").unwrap().as_str(),
            "Jane Doe"
        );
        assert_eq!(
            CustomerName::parse("Zoë O'Brien-Núñez")
                .unwrap()
                .to_string(),
            "Zoë O'Brien-Núñez"
        );
        assert!(CustomerName::parse(&"n".repeat(200)).is_ok());
    }

    #[test]
    fn rejects_bad_names() {
        use CustomerNameError::*;
        let too_long = "n".repeat(201);
        let cases = [
            ("", Empty),
            ("     ", Empty),
            ("\t\n ", Empty),
            (too_long.as_str(), TooLong),
            ("Jane\u{0}Doe", HasControlCharacters),
            ("Jane\nDoe", HasControlCharacters),
            ("Jane\u{1b}[31m", HasControlCharacters),
        ];
        for (input, expected) in cases {
            assert_eq!(CustomerName::parse(input), Err(expected), "{input:?}");
        }
        assert_eq!(Empty.to_string(), "Enter the customer's name");
    }

    proptest! {
        #[test]
        fn parsed_names_are_clean(input in "\\PC{0,220}") {
            if let Ok(name) = CustomerName::parse(&input) {
                prop_assert!(!name.as_str().trim().is_empty());
                prop_assert_eq!(name.as_str().trim(), name.as_str());
                prop_assert!(name.as_str().chars().count() <= MAX_CHARS);
                prop_assert!(!name.as_str().chars().any(char::is_control));
            }
        }
    }
}
