//! One integration test binary: the real app on a temporary SQLite file,
//! spoken to over HTTP.

mod access;
mod admin;
mod auth;
mod cases;
mod cli;
mod database;
mod group_commit;
mod hardening;
mod helpers;
mod junk;
mod metrics;
mod operations;
mod queues;
mod reasons;
mod replay;
mod replies;
mod reports;
mod robustness;
mod service_levels;
mod session_cache;
mod slack;
mod waiting_list;
