//! Reasons for leaving (SPEC §8): added with a position, moved, retired,
//! never renamed (that would mix old and new data in the reports). Retiring
//! is the shared reference-data retirement (`reference::retire`): a retired
//! reason stays on its cases and leaves the intake form, and the last one
//! in use cannot go. Every change writes one admin audit line.

use crate::db::models::admin_audit;
use crate::db::models::leave_reasons::ReasonRow;
use crate::domain::{Rank, ReasonId, ReasonName, Role};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

pub use crate::db::models::leave_reasons::ReasonRow as Reason;

/// "Add reason".
pub async fn add_reason(
    app: &AppState,
    actor: Actor,
    name: ReasonName,
    position: Rank,
) -> Result<ReasonId, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            if ReasonRow::name_taken(conn, name.as_str())? {
                return Err(ServiceError::field(
                    "name",
                    format!("There is already a reason called {name} (retired ones count too)"),
                ));
            }
            let id = ReasonRow::insert(conn, name.as_str(), position.get())?;
            let detail = format!(
                "Added reason for leaving {name} at position {}",
                position.get()
            );
            admin_audit::record(conn, Some(actor.id), "reason.added", &detail, now)?;
            Ok(id)
        })
        .await
}

/// A row's "Move": the reason's place in the intake form's list.
pub async fn move_reason(
    app: &AppState,
    actor: Actor,
    id: ReasonId,
    position: Rank,
) -> Result<Reason, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let reason = ReasonRow::find(conn, id)?;
            if reason.position != position.get() {
                ReasonRow::set_position(conn, id, position.get())?;
                let detail = format!(
                    "Reason for leaving {}: moved from position {} to {}",
                    reason.name,
                    reason.position,
                    position.get()
                );
                admin_audit::record(conn, Some(actor.id), "reason.moved", &detail, now)?;
            }
            Ok(ReasonRow::find(conn, id)?)
        })
        .await
}
