//! Free text people type into notes, comments and reasons.

/// True when `text` holds a control character other than a line break or a
/// tab: those (NUL, bell, escape …) never belong in a note and are refused.
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_tabs_are_text_but_nul_and_bell_are_not() {
        assert!(!has_control_characters("Line one\r\nLine two\twith a tab"));
        assert!(has_control_characters("a\0b"));
        assert!(has_control_characters("\u{7}bell"));
    }
}
