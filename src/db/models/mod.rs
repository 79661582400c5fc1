//! One file per table: a read struct, an insert struct, and queries taking
//! the connection first.

pub mod case_events;
pub mod login_failures;
pub mod outbox;
pub mod staff;
