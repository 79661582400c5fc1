//! What admins manage: staff, the reference data (servers, levels), the
//! policy, the replies, and the overview with the audit log.

pub mod new_staff;
pub mod overview;
pub mod policy;
pub mod reasons;
pub mod reference;
pub mod replay;
pub mod replies;
pub mod service_levels;
pub mod slack_member;
pub mod staff;
