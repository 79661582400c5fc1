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
}

impl Password {
    pub fn parse(text: &str) -> Result<Password, PasswordError> {
        if text.chars().count() < MIN_PASSWORD_LENGTH {
            return Err(PasswordError::TooShort);
        }
        Ok(Password(text.to_owned()))
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
        assert!(Password::parse("twelve chars").is_ok());
        // Characters, not bytes.
        assert!(Password::parse("ééééééééééé").is_err());
    }

    #[test]
    fn debug_never_shows_the_text() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
        let typed = TypedPassword::new("hunter2".to_owned());
        assert!(!format!("{typed:?}").contains("hunter2"));
    }
}
