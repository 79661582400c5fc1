//! One integration test binary: the real app on a temporary SQLite file,
//! spoken to over HTTP.

mod access;
mod admin;
mod auth;
mod cases;
mod cli;
mod database;
mod helpers;
mod junk;
mod operations;
mod queues;
mod reasons;
mod reports;
mod robustness;
mod slack;
