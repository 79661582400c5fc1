//! One file per table (or small family of tables): a read struct, an insert
//! struct, and queries taking the connection first.
//!
//! A lookup of one row by its key reads it with `get_result`, not `first`:
//! `first` adds `LIMIT ?`, and SQLite (3.50) lets a bound LIMIT steer the
//! plan, so it prepares such a statement again on every execution even
//! when diesel keeps it cached.

pub mod admin_audit;
pub mod admin_overview;
pub mod billing_items;
pub mod case_events;
pub mod cases;
pub mod health;
pub mod leave_reasons;
pub mod login_failures;
pub mod outbox;
pub mod reference;
pub mod replies;
pub mod save_tasks;
pub mod service_levels;
pub mod sessions;
pub mod staff;
pub mod submissions;
