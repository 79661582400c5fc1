//! `GET /metrics`: the app's figures, with the open work counted now.

use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::outbox::pending_backlog;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::metrics::{OpenWork, exposition};
use crate::state::AppState;

use super::ServiceError;

/// The exposition in Prometheus' text format. Whether the caller may see
/// it is the web layer's question (loopback or the metrics token).
pub async fn scrape(app: &AppState) -> Result<String, ServiceError> {
    let now = app.clock.unix();
    let work = app
        .db
        .read(move |conn| -> Result<OpenWork, ServiceError> {
            let (outbox_pending, oldest_pending_at) = pending_backlog(conn)?;
            Ok(OpenWork {
                outbox_pending,
                outbox_oldest_pending_age_seconds: oldest_pending_at
                    .map_or(0, |written| (now - written).max(0)),
                open_save_tasks: SaveTaskRow::open_total(conn)?,
                open_billing_items: BillingItemRow::in_progress_count(conn)?,
            })
        })
        .await?;
    Ok(exposition(&app.requests, app.db.stats(), &work))
}
