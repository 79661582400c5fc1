//! `/admin/sla` (SPEC §11): the service levels in force, and "Save service
//! levels", audited. New save tasks and billing items get their due times
//! from the settings in force when they are created; existing ones keep
//! theirs.

use crate::db::models::{admin_audit, service_levels};
use crate::domain::{Role, ServiceLevels, ServiceLevelsForm};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;

/// The settings in force (the SPEC defaults until an admin saves some).
pub async fn current(app: &AppState, actor: Actor) -> Result<ServiceLevels, ServiceError> {
    actor.require(Role::Admin)?;
    let zone = app.settings.timezone;
    app.db
        .read(move |conn| Ok(service_levels::current(conn, zone)?))
        .await
}

/// "Save service levels": parses the form (every refusal beside its field)
/// and puts the settings in force, with an audit line saying what changed.
pub async fn save(
    app: &AppState,
    actor: Actor,
    form: &ServiceLevelsForm<'_>,
) -> Result<ServiceLevels, ServiceError> {
    actor.require(Role::Admin)?;
    let zone = app.settings.timezone;
    let levels = ServiceLevels::parse(form, zone, app.clock.now()).map_err(|refused| {
        let mut errors = FieldErrors::default();
        for (field, message) in refused {
            errors.add(field, message);
        }
        ServiceError::Invalid(errors)
    })?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let before = service_levels::current(conn, zone)?;
            service_levels::save(conn, &levels, actor.id, now)?;
            let detail = format!(
                "Service levels: {} (was {})",
                describe(&levels),
                describe(&before)
            );
            admin_audit::record(conn, Some(actor.id), "sla.saved", &detail, now)?;
            Ok(levels)
        })
        .await
}

/// One line for the audit log.
fn describe(levels: &ServiceLevels) -> String {
    let hours = &levels.hours;
    let days: Vec<String> = hours
        .working_days()
        .iter()
        .map(|day| day.to_string())
        .collect();
    let holidays = hours.holidays().count();
    format!(
        "save call {} h, refund {} h, review refund {} h, warn {} h before; {} {}–{}; {holidays} holiday{}",
        levels.save_call_hours,
        levels.refund_hours,
        levels.review_refund_hours,
        levels.warn_hours,
        days.join(" "),
        hours.day_starts_text(),
        hours.day_ends_text(),
        if holidays == 1 { "" } else { "s" },
    )
}
