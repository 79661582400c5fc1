//! Use cases, grouped by area. Handlers call these and nothing below them.
//!
//! Every use case has one shape:
//!
//! ```text
//! pub async fn name(app: &AppState, actor: Actor, input: Parsed…) -> Result<Output, ServiceError>
//! ```
//!
//! - The input is already parsed into domain types by the handler; the
//!   service checks access and state, never the form's syntax.
//! - Reads go through `app.db.read(|conn| …)`. All the writes of one action
//!   go to `app.db.write(|conn| …)` as one closure: one atomic action,
//!   answered only after its durable commit. Nothing else opens a
//!   transaction.
//! - Every refusal is a [`ServiceError`]; one returned inside `db.write`
//!   rolls the whole action back (see [`ServiceError`]).
//! - Queries live in `db::models` (one file per table) and `db::views`
//!   (read models that join tables); a service never writes SQL.
//! - Blocking work (diesel, argon2) never runs on the async workers:
//!   `db.read` / `db.write` and `Passwords` move it off them.

pub mod account;
pub mod actor;
pub mod admin;
pub mod cases;
pub mod error;
pub mod health;
pub mod metrics;
pub mod policies;
pub mod queues;
pub mod replies;
pub mod reports;

pub use actor::Actor;
pub use error::{FieldErrors, ServiceError};
