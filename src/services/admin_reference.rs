//! The reference data the procedure decides with: hosting servers (with
//! their exit-survey links) and customer levels (with their cancellation
//! route). Cases keep a snapshot of both, so a change here reaches new cases
//! only. Every change writes one admin audit line in its transaction.

use diesel::prelude::*;

use crate::db::models::admin_audit;
use crate::db::models::reference::LevelRow;
use crate::db::models::reference::ServerRow;
use crate::domain::{CancellationRoute, ExitSurveyUrl, LevelName, Rank, ServerName};

use super::admin_errors::AdminError;

/// "Add server".
pub fn add_server(
    conn: &mut SqliteConnection,
    actor_id: i32,
    name: &ServerName,
    url: &ExitSurveyUrl,
    now: i64,
) -> Result<i32, AdminError> {
    if ServerRow::name_taken(conn, name.as_str(), None)? {
        return Err(AdminError::field(
            "name",
            format!("There is already a server called {name}"),
        ));
    }
    let id = ServerRow::insert(conn, name.as_str(), url.as_str())?;
    let detail = format!("Added server {name} with exit survey {url}");
    admin_audit::record(conn, Some(actor_id), "server.added", &detail, now)?;
    Ok(id)
}

/// Renames a server and/or changes its exit-survey link.
pub fn update_server(
    conn: &mut SqliteConnection,
    actor_id: i32,
    id: i32,
    name: &ServerName,
    url: &ExitSurveyUrl,
    now: i64,
) -> Result<ServerRow, AdminError> {
    let before = ServerRow::find(conn, id)?;
    if ServerRow::name_taken(conn, name.as_str(), Some(id))? {
        return Err(AdminError::field(
            "name",
            format!("There is already a server called {name}"),
        ));
    }
    let mut changes = Vec::new();
    if before.name != name.as_str() {
        changes.push(format!("renamed from {} to {name}", before.name));
    }
    if before.exit_survey_url != url.as_str() {
        changes.push(format!(
            "exit survey changed from {} to {url}",
            before.exit_survey_url
        ));
    }
    if !changes.is_empty() {
        ServerRow::update(conn, id, name.as_str(), url.as_str())?;
        let detail = format!("Server {}: {}", before.name, changes.join("; "));
        admin_audit::record(conn, Some(actor_id), "server.updated", &detail, now)?;
    }
    ServerRow::find(conn, id).map_err(AdminError::from)
}

/// Retires a server: old cases keep it, the intake form no longer offers it.
/// The last server in service cannot be retired.
pub fn retire_server(
    conn: &mut SqliteConnection,
    actor_id: i32,
    id: i32,
    now: i64,
) -> Result<ServerRow, AdminError> {
    let server = ServerRow::find(conn, id)?;
    if server.retired_at.is_some() {
        return Err(AdminError::Refused(format!(
            "{} is already retired.",
            server.name
        )));
    }
    if ServerRow::active_by_name(conn)?.len() <= 1 {
        return Err(AdminError::Refused(format!(
            "{} is the last server in service; add another before retiring it.",
            server.name
        )));
    }
    ServerRow::retire(conn, id, now)?;
    let detail = format!("Retired server {}", server.name);
    admin_audit::record(conn, Some(actor_id), "server.retired", &detail, now)?;
    Ok(server)
}

/// "Add level".
pub fn add_level(
    conn: &mut SqliteConnection,
    actor_id: i32,
    name: &LevelName,
    rank: Rank,
    route: CancellationRoute,
    now: i64,
) -> Result<i32, AdminError> {
    if LevelRow::name_taken(conn, name.as_str())? {
        return Err(AdminError::field(
            "name",
            format!("There is already a level called {name}"),
        ));
    }
    let id = LevelRow::insert(conn, name.as_str(), rank.get(), route.as_str())?;
    let detail = format!(
        "Added level {name} at rank {} with route {}",
        rank.get(),
        route.label()
    );
    admin_audit::record(conn, Some(actor_id), "level.added", &detail, now)?;
    Ok(id)
}

/// Changes a level's cancellation route for new cases; old cases keep the
/// route in their snapshot.
pub fn change_route(
    conn: &mut SqliteConnection,
    actor_id: i32,
    id: i32,
    route: CancellationRoute,
    now: i64,
) -> Result<LevelRow, AdminError> {
    let level = LevelRow::find(conn, id)?;
    if level.route != route.as_str() {
        LevelRow::set_route(conn, id, route.as_str())?;
        let was = CancellationRoute::parse(&level.route)
            .map(|r| r.label())
            .unwrap_or(level.route.as_str());
        let detail = format!(
            "Level {}: route changed from {was} to {}",
            level.name,
            route.label()
        );
        admin_audit::record(conn, Some(actor_id), "level.route_changed", &detail, now)?;
    }
    LevelRow::find(conn, id).map_err(AdminError::from)
}

/// Retires a level: old cases keep it, the intake form no longer offers it.
/// The last level in use cannot be retired.
pub fn retire_level(
    conn: &mut SqliteConnection,
    actor_id: i32,
    id: i32,
    now: i64,
) -> Result<LevelRow, AdminError> {
    let level = LevelRow::find(conn, id)?;
    if level.retired_at.is_some() {
        return Err(AdminError::Refused(format!(
            "{} is already retired.",
            level.name
        )));
    }
    if LevelRow::active_by_rank(conn)?.len() <= 1 {
        return Err(AdminError::Refused(format!(
            "{} is the last level in use; add another before retiring it.",
            level.name
        )));
    }
    LevelRow::retire(conn, id, now)?;
    let detail = format!("Retired level {}", level.name);
    admin_audit::record(conn, Some(actor_id), "level.retired", &detail, now)?;
    Ok(level)
}
