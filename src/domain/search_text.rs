//! What someone typed into a search box: trimmed, and bounded so that one
//! search cannot ask the index for a book.

use super::text_type::text_type;

pub const SEARCH_MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchTextError {
    #[error("Search for at most 100 characters")]
    TooLong,
}

impl SearchText {
    /// `None` for an empty search (everything matches).
    pub fn parse(input: &str) -> Result<Option<SearchText>, SearchTextError> {
        let text = input.trim();
        if text.chars().count() > SEARCH_MAX_CHARS {
            return Err(SearchTextError::TooLong);
        }
        Ok((!text.is_empty()).then(|| SearchText(text.to_owned())))
    }
}

text_type!(SearchText);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_characters_pass_and_one_more_does_not() {
        assert!(SearchText::parse(&"é".repeat(100)).unwrap().is_some());
        assert_eq!(
            SearchText::parse(&"a".repeat(101)),
            Err(SearchTextError::TooLong)
        );
        assert_eq!(SearchText::parse("   "), Ok(None));
        assert_eq!(
            SearchText::parse(" acme ").unwrap().unwrap().as_str(),
            "acme"
        );
    }
}
