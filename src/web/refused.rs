//! How a page answers a form action that did not go through.

use actix_web::http::StatusCode;

use crate::services::case_actions::ActionOutcome;
use crate::services::{FieldErrors, ServiceError};

use super::errors::AppError;

pub struct Refused {
    pub status: StatusCode,
    pub notice: Option<String>,
    pub errors: FieldErrors,
}

/// `None` when the action went through. Otherwise what to show with the page
/// again: 409 with what someone else did meanwhile, or 422 with the errors
/// beside the fields.
pub fn refused(result: Result<ActionOutcome, ServiceError>) -> Result<Option<Refused>, AppError> {
    match result {
        Ok(ActionOutcome::Done) => Ok(None),
        Ok(ActionOutcome::AlreadyChanged(message)) | Err(ServiceError::Conflict(message)) => {
            Ok(Some(Refused {
                status: StatusCode::CONFLICT,
                notice: Some(message),
                errors: FieldErrors::default(),
            }))
        }
        Ok(ActionOutcome::Invalid(errors)) => Ok(Some(Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
            errors,
        })),
        Err(other) => Err(other.into()),
    }
}
