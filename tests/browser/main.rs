//! Browser tests: the real app on a temporary database, driven through
//! headless Chromium by chromedriver, the way the support team uses it.
//! Controls are found by their labels and buttons by their text (SPEC §4).
//!
//! Without chromedriver and Chromium the journeys say they were skipped and
//! pass, except with `CI=true`, where a missing browser fails them.
//! `RD_SCREENSHOTS=docs/screenshots cargo test --test browser` also saves
//! the README's screenshots.

mod accessibility;
mod cancellations;
mod cases;
mod harness;
mod page;
mod refunds;
mod reports;
mod slack_stand_in;
