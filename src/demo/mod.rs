//! Demo data: the people and servers of `serve --demo`, and a realistic
//! case history at scale (`retention-desk demo-data`) for benchmarks.
//! Cases go through the procedure and the services' own writes and log
//! words; nothing here leaves a Slack message to send.

pub mod bulk;
pub mod progress;
pub mod seed;
