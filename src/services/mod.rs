//! Use cases, one file each. Transactions live here; handlers call these and
//! nothing below them.

pub mod admin_errors;
pub mod admin_overview;
pub mod admin_reference;
pub mod admin_staff;
pub mod demo;
pub mod passwords;
pub mod policy;
pub mod reassign;
pub mod sign_in;
pub mod staff;

use crate::db::DbError;

/// What a service can fail with that is not a normal outcome of the action.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    #[error("not allowed for this person")]
    Forbidden,
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
