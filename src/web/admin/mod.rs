//! The admin screens (SPEC §4): overview, audit log, staff, servers,
//! levels, policy, replies. Handlers parse the form into domain types, call a
//! service, and answer with a 303 or the form again with its errors (422).

pub mod draft;
pub mod levels;
pub mod overview;
pub mod policy;
pub mod policy_preview;
pub mod reasons;
pub mod reference;
pub mod replies;
pub mod servers;
pub mod sla;
pub mod slack_member;
pub mod staff;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::format::Formatter;

/// A time as people read it: `2026-11-25 09:00 UTC`, in `RD_TIMEZONE`.
pub fn when(at: i64, zone: Tz) -> String {
    Formatter {
        timezone: zone,
        now: at,
    }
    .time(&at)
}

/// The body of a one-button form: only the CSRF token, which the
/// middleware takes out before this is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyForm {}
