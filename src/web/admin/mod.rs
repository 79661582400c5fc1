//! The admin screens (SPEC §4): overview, audit log, staff, servers,
//! levels, policy. Handlers parse the form into domain types, call a
//! service, and answer with a 303 or the form again with its errors (422).

pub mod levels;
pub mod overview;
pub mod policy;
pub mod servers;
pub mod staff;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::services::admin_errors::AdminError;

use super::errors::AppError;

impl From<AdminError> for AppError {
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::NotFound => AppError::NotFound,
            AdminError::Unexpected(e) => AppError::Unexpected(e),
            other => AppError::Unexpected(anyhow::anyhow!("unhandled admin refusal: {other}")),
        }
    }
}

/// The messages shown next to form fields, by field name.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl ToString) {
        self.0.push((field, message.to_string()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `has-error` on a field wrapper that has one.
    pub fn class(&self, field: &str) -> &'static str {
        if self.get(field).is_some() {
            "has-error"
        } else {
            ""
        }
    }
}

/// What a page shows after a refused change: field errors, or one
/// sentence above the page. `NotFound` and unexpected errors are not shown
/// this way: they become the error page.
pub struct Refusal {
    pub errors: FieldErrors,
    pub message: Option<String>,
}

impl Refusal {
    pub fn fields(errors: FieldErrors) -> Refusal {
        Refusal {
            errors,
            message: None,
        }
    }
}

impl TryFrom<AdminError> for Refusal {
    type Error = AppError;
    fn try_from(error: AdminError) -> Result<Refusal, AppError> {
        match error {
            AdminError::Field { field, message } => {
                let mut errors = FieldErrors::default();
                errors.add(field, message);
                Ok(Refusal::fields(errors))
            }
            AdminError::Refused(message) => Ok(Refusal {
                errors: FieldErrors::default(),
                message: Some(message),
            }),
            other => Err(other.into()),
        }
    }
}

/// A time as people read it: `2026-11-25 09:00 UTC`, in `RD_TIMEZONE`.
pub fn when(at: i64, zone: Tz) -> String {
    DateTime::from_timestamp(at, 0)
        .map(|t| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        })
        .unwrap_or_default()
}
