//! What admins manage: staff, the reference data (servers, levels), the
//! policy, and the overview with the audit log.

pub mod new_staff;
pub mod overview;
pub mod policy;
pub mod reasons;
pub mod reference;
pub mod staff;
