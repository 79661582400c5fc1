//! How the admin use cases refuse a change. Each refusal carries the
//! sentence the admin reads; the handler shows the form again with it (422).

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// One field's value is refused: shown next to that field.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// The change is refused as a whole (a guard): shown above the page.
    #[error("{0}")]
    Refused(String),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AdminError {
    pub fn field(field: &'static str, message: impl ToString) -> AdminError {
        AdminError::Field {
            field,
            message: message.to_string(),
        }
    }
}

impl From<DbError> for AdminError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(diesel::result::Error::NotFound) => AdminError::NotFound,
            other => AdminError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::result::Error> for AdminError {
    fn from(error: diesel::result::Error) -> Self {
        AdminError::from(DbError::Query(error))
    }
}
