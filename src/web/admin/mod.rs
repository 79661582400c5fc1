//! The admin screens (SPEC §4): overview, audit log, staff, servers,
//! levels, policy. Handlers parse the form into domain types, call a
//! service, and answer with a 303 or the form again with its errors (422).

pub mod levels;
pub mod overview;
pub mod policy;
pub mod servers;
pub mod staff;

use chrono_tz::Tz;

use crate::format::Formatter;
use crate::services::FieldErrors;
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
    Formatter {
        timezone: zone,
        now: at,
    }
    .time(&at)
}

/// The answer to an admin form: a 303 back to `list` with the notice as a
/// flash message, or the page again (422) with the refusal.
pub async fn after<T, Page>(
    session: &super::session::TypedSession,
    result: Result<T, AdminError>,
    notice: impl FnOnce(T) -> String,
    list: &str,
    show_again: impl FnOnce(Refusal) -> Page,
) -> Result<actix_web::HttpResponse, AppError>
where
    Page: std::future::Future<Output = Result<actix_web::HttpResponse, AppError>>,
{
    match result {
        Ok(done) => {
            session.set_flash(&notice(done));
            Ok(super::errors::see_other(list))
        }
        Err(error) => show_again(Refusal::try_from(error)?).await,
    }
}
