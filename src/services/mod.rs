//! Use cases, one file each. Transactions live here; handlers call these and
//! nothing below them.

pub mod admin_errors;
pub mod admin_overview;
pub mod admin_reference;
pub mod admin_staff;
pub mod backup;
pub mod billing;
pub mod case_actions;
pub mod case_list;
pub mod case_view;
pub mod demo;
pub mod demo_data;
pub mod export;
mod field_errors;
pub mod passwords;
pub mod policy;
pub mod queues;
pub mod reassign;
pub mod save_calls;
pub mod sign_in;
pub mod staff;
pub mod submit_case;
pub mod waiting_list;

pub use field_errors::FieldErrors;

use crate::db::DbError;

/// What a service can fail with that is not a normal outcome of the action.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    #[error("not allowed for this person")]
    Forbidden,
    /// Someone else acted first and this action's writes were rolled back;
    /// the message says what happened, in words for the person.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
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
