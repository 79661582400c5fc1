//! The one way a use case refuses, and the messages that go beside fields.

use crate::db::DbError;

/// Why a use case did not go through. Every service returns this, and the
/// web layer maps it to a page in one place (`web::errors`).
///
/// A refusal returned from inside `db.write(…)` rolls the whole action
/// back: an action either commits all its writes and returns `Ok`, or
/// writes nothing. That holds for every variant, so a refusal can be raised
/// anywhere in an action, before or after its first write.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input cannot be accepted as given: messages beside the fields, or
    /// for the whole form (422, the form shown again as typed).
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Someone else acted first (or the item moved on); the message says
    /// what happened, in words for the person (409).
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("not allowed for this person")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ServiceError {
    /// One field's value is refused.
    pub fn field(field: &'static str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(FieldErrors::one(field, message))
    }

    /// The change is refused as a whole (a guard such as "the last server
    /// in service"): shown above the form.
    pub fn refused(message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(FieldErrors::one(FieldErrors::WHOLE_FORM, message))
    }
}

impl From<DbError> for ServiceError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(diesel::result::Error::NotFound) => ServiceError::NotFound,
            other => ServiceError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(error: diesel::result::Error) -> Self {
        ServiceError::from(DbError::Query(error))
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|(_, m)| m.as_str()).collect();
        f.write_str(&messages.join(" "))
    }
}

/// Messages to show next to form fields, keyed by the field's name, in the
/// order they were found: the form's own order, so the error summary at
/// the top reads down the form as a screen reader does.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The key of a message about the form as a whole.
    pub const WHOLE_FORM: &'static str = "";

    pub fn one(field: &'static str, message: impl Into<String>) -> FieldErrors {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    }

    /// Records the first error for `field`; later ones for the same field are dropped.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// Keeps the parsed value, or records the error's message for `field`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    /// The message about the form as a whole, if any.
    pub fn whole_form(&self) -> Option<&str> {
        self.get(Self::WHOLE_FORM)
    }

    /// Every field's message, in the order found (the whole-form message excluded).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.0
            .iter()
            .filter(|(field, _)| !field.is_empty())
            .map(|(field, message)| (*field, message.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(value)` when no error was recorded, else the errors as a refusal.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, ServiceError> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(ServiceError::Invalid(self))
        }
    }
}
