//! Passwords: a new one parses (long enough), a typed one is only carried.
//! Neither's Debug output shows the text, so neither reaches a log.

use std::fmt;

pub const MIN_PASSWORD_LENGTH: usize = 12;

/// A new password that passed the rules; the only kind that is ever hashed
/// and stored.
#[derive(Clone)]
pub struct Password(String);

/// Why a new password is refused; the Display is the message beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Use at least 12 characters")]
    TooShort,
    /// zxcvbn's estimate: guessed within about 10^10 tries, with its reason.
    #[error("This password is too easy to guess: {0}")]
    Guessable(String),
}

impl Password {
    /// A new password: at least 12 characters, and not one that an
    /// attacker's list or a pattern would find (zxcvbn's estimate of at
    /// least 10^10 guesses, its score 3 or 4).
    pub fn parse(text: &str) -> Result<Password, PasswordError> {
        if text.chars().count() < MIN_PASSWORD_LENGTH {
            return Err(PasswordError::TooShort);
        }
        let estimate = zxcvbn::zxcvbn(text, &[]);
        if estimate.score() < zxcvbn::Score::Three {
            return Err(PasswordError::Guessable(why_guessable(&estimate)));
        }
        Ok(Password(text.to_owned()))
    }

    /// The one password the rules do not apply to: the demo accounts'
    /// seeded `demo-password` (SPEC §5), and the dummy hash checked for
    /// unknown usernames. Never for a password a person chose.
    pub fn exempt(text: &str) -> Password {
        Password(text.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// zxcvbn's warning in words, or its first suggestion.
fn why_guessable(estimate: &zxcvbn::Entropy) -> String {
    let feedback = estimate.feedback();
    let said = feedback
        .and_then(|f| f.warning().map(|w| w.to_string()))
        .or_else(|| feedback.and_then(|f| f.suggestions().first().map(|s| s.to_string())))
        .unwrap_or_else(|| "it follows a common pattern.".to_owned());
    let said = said.trim_end_matches('.');
    format!("{said}. Add a few uncommon words.")
}

/// A password as typed on the sign-in form: whatever it is, it is checked
/// against the stored hash, never judged.
#[derive(Clone)]
pub struct TypedPassword(String);

impl TypedPassword {
    pub fn new(text: String) -> TypedPassword {
        TypedPassword(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<Password> for TypedPassword {
    fn from(password: Password) -> TypedPassword {
        TypedPassword(password.0)
    }
}

impl fmt::Debug for TypedPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TypedPassword(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_needs_twelve_characters() {
        assert_eq!(
            Password::parse("elevenchars").unwrap_err(),
            PasswordError::TooShort
        );
        assert!(Password::parse("Quiet lantern over 9 rivers").is_ok());
        // Characters, not bytes.
        assert_eq!(
            Password::parse("ééééééééééé").unwrap_err(),
            PasswordError::TooShort
        );
    }

    #[test]
    fn common_and_keyboard_passwords_are_refused_with_a_reason() {
        for weak in [
            "password123456",
            "qwertyuiopas",
            "aaaaaaaaaaaa",
            "123456789012",
        ] {
            match Password::parse(weak) {
                Err(PasswordError::Guessable(reason)) => assert!(!reason.is_empty()),
                other => panic!("{weak}: {other:?}"),
            }
        }
    }

    #[test]
    fn debug_never_shows_the_text() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
        let typed = TypedPassword::new("hunter2".to_owned());
        assert!(!format!("{typed:?}").contains("hunter2"));
    }
}
