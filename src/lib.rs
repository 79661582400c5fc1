//! Retention Desk: the support team's account-cancellation and refund
//! procedure as a web app.

mod architecture;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod format;
pub mod limits;
pub mod logging;
pub mod metrics;
pub mod notify;
pub mod procedure;
pub mod services;
pub mod startup;
pub mod state;
pub mod web;
