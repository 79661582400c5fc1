//! Raw forms as typed (strings, so they can be shown again) and their parsing
//! into domain types.

pub mod new_case;
