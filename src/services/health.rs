//! `GET /health`: does the database answer?

use crate::db::models::health::ping;
use crate::state::AppState;

use super::ServiceError;

pub async fn database_answers(app: &AppState) -> Result<(), ServiceError> {
    app.db
        .read(|conn| ping(conn).map_err(ServiceError::from))
        .await
}
