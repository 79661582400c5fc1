//! The reference data the procedure decides with: hosting servers (with
//! their exit-survey links) and customer levels (with their cancellation
//! route). Cases keep a snapshot of both, so a change here reaches new cases
//! only. Every change writes one admin audit line in its action.

use diesel::SqliteConnection;

use crate::db::models::admin_audit;
use crate::db::models::leave_reasons::ReasonRow;
use crate::db::models::reference::{LevelRow, ServerRow};
use crate::domain::{
    CancellationRoute, ExitSurveyUrl, LevelId, LevelName, Rank, ReasonId, Role, ServerId,
    ServerName,
};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

pub use crate::db::models::reference::{LevelRow as Level, ServerRow as Server};

/// What servers and levels have in common: a name, a place in service
/// until retired, and the audit words for retiring one.
pub trait ReferenceItem: Sized + Send + 'static {
    type Id: Copy + Send + 'static;
    /// "server", "level": how the audit line and the refusals name it.
    const NOUN: &'static str;
    /// "in service", "in use".
    const ACTIVE: &'static str;
    fn find(conn: &mut SqliteConnection, id: Self::Id) -> diesel::QueryResult<Self>;
    fn all(conn: &mut SqliteConnection) -> diesel::QueryResult<Vec<Self>>;
    fn active_count(conn: &mut SqliteConnection) -> diesel::QueryResult<usize>;
    fn retire(conn: &mut SqliteConnection, id: Self::Id, at: i64) -> diesel::QueryResult<usize>;
    fn id(&self) -> Self::Id;
    fn name(&self) -> &str;
    fn retired_at(&self) -> Option<i64>;
}

/// Servers and levels answer the trait from their row's model functions.
macro_rules! reference_item {
    ($row:ty, $id:ty, $noun:literal, $active:literal, $active_list:ident) => {
        impl ReferenceItem for $row {
            type Id = $id;
            const NOUN: &'static str = $noun;
            const ACTIVE: &'static str = $active;
            fn find(conn: &mut SqliteConnection, id: $id) -> diesel::QueryResult<Self> {
                <$row>::find(conn, id)
            }
            fn all(conn: &mut SqliteConnection) -> diesel::QueryResult<Vec<Self>> {
                <$row>::all(conn)
            }
            fn active_count(conn: &mut SqliteConnection) -> diesel::QueryResult<usize> {
                <$row>::$active_list(conn).map(|rows| rows.len())
            }
            fn retire(conn: &mut SqliteConnection, id: $id, at: i64) -> diesel::QueryResult<usize> {
                <$row>::retire(conn, id, at)
            }
            fn id(&self) -> $id {
                self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn retired_at(&self) -> Option<i64> {
                self.retired_at
            }
        }
    };
}

reference_item!(ServerRow, ServerId, "server", "in service", active_by_name);
reference_item!(LevelRow, LevelId, "level", "in use", active_by_rank);
reference_item!(ReasonRow, ReasonId, "reason", "in use", active_by_position);

/// Every server or level, those in service first.
pub async fn list<T: ReferenceItem>(app: &AppState, actor: Actor) -> Result<Vec<T>, ServiceError> {
    actor.require(Role::Admin)?;
    app.db.read(|conn| Ok(T::all(conn)?)).await
}

/// One server or level (404 when there is none).
pub async fn find<T: ReferenceItem>(
    app: &AppState,
    actor: Actor,
    id: T::Id,
) -> Result<T, ServiceError> {
    actor.require(Role::Admin)?;
    app.db.read(move |conn| Ok(T::find(conn, id)?)).await
}

/// Retires a server or level: old cases keep it, the intake form no longer
/// offers it. The last one in service cannot be retired.
pub async fn retire<T: ReferenceItem>(
    app: &AppState,
    actor: Actor,
    id: T::Id,
) -> Result<T, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let item = T::find(conn, id)?;
            let name = item.name().to_owned();
            if item.retired_at().is_some() {
                return Err(ServiceError::refused(format!("{name} is already retired.")));
            }
            if T::active_count(conn)? <= 1 {
                return Err(ServiceError::refused(format!(
                    "{name} is the last {} {}; add another before retiring it.",
                    T::NOUN,
                    T::ACTIVE
                )));
            }
            T::retire(conn, id, now)?;
            let noun = T::NOUN;
            let detail = format!("Retired {noun} {name}");
            admin_audit::record(
                conn,
                Some(actor.id),
                &format!("{noun}.retired"),
                &detail,
                now,
            )?;
            Ok(item)
        })
        .await
}

/// "Add server".
pub async fn add_server(
    app: &AppState,
    actor: Actor,
    name: ServerName,
    url: ExitSurveyUrl,
) -> Result<ServerId, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            if ServerRow::name_taken(conn, name.as_str(), None)? {
                return Err(ServiceError::field(
                    "name",
                    format!("There is already a server called {name}"),
                ));
            }
            let id = ServerRow::insert(conn, name.as_str(), url.as_str())?;
            let detail = format!("Added server {name} with exit survey {url}");
            admin_audit::record(conn, Some(actor.id), "server.added", &detail, now)?;
            Ok(id)
        })
        .await
}

/// Renames a server and/or changes its exit-survey link.
pub async fn update_server(
    app: &AppState,
    actor: Actor,
    id: ServerId,
    name: ServerName,
    url: ExitSurveyUrl,
) -> Result<Server, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let before = ServerRow::find(conn, id)?;
            if ServerRow::name_taken(conn, name.as_str(), Some(id))? {
                return Err(ServiceError::field(
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
                admin_audit::record(conn, Some(actor.id), "server.updated", &detail, now)?;
            }
            Ok(ServerRow::find(conn, id)?)
        })
        .await
}

/// "Add level".
pub async fn add_level(
    app: &AppState,
    actor: Actor,
    name: LevelName,
    rank: Rank,
    route: CancellationRoute,
) -> Result<LevelId, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            if LevelRow::name_taken(conn, name.as_str())? {
                return Err(ServiceError::field(
                    "name",
                    format!("There is already a level called {name}"),
                ));
            }
            let id = LevelRow::insert(conn, name.as_str(), rank.get(), route)?;
            let detail = format!(
                "Added level {name} at rank {} with route {}",
                rank.get(),
                route.label()
            );
            admin_audit::record(conn, Some(actor.id), "level.added", &detail, now)?;
            Ok(id)
        })
        .await
}

/// Changes a level's cancellation route for new cases; old cases keep the
/// route in their snapshot.
pub async fn change_route(
    app: &AppState,
    actor: Actor,
    id: LevelId,
    route: CancellationRoute,
) -> Result<Level, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let level = LevelRow::find(conn, id)?;
            if level.route != route {
                LevelRow::set_route(conn, id, route)?;
                let detail = format!(
                    "Level {}: route changed from {} to {}",
                    level.name,
                    level.route.label(),
                    route.label()
                );
                admin_audit::record(conn, Some(actor.id), "level.route_changed", &detail, now)?;
            }
            Ok(LevelRow::find(conn, id)?)
        })
        .await
}
