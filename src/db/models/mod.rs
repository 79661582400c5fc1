//! One file per table: a read struct, an insert struct, and queries taking
//! the connection first.

pub mod admin_audit;
pub mod admin_overview;
pub mod case_events;
pub mod customer_levels;
pub mod login_failures;
pub mod policy_versions;
pub mod servers;
pub mod staff;
