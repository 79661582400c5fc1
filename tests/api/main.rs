//! One integration test binary: the real app on a temporary SQLite file,
//! spoken to over HTTP.

mod access;
mod auth;
mod cli;
mod database;
mod helpers;
mod slack;
