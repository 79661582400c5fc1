//! HTTP: handlers by area, extractors, errors, CSRF. Every route is listed here.

pub mod assets;
pub mod auth;
pub mod client_address;
pub mod csrf;
pub mod errors;
pub mod extract;
pub mod headers;
pub mod layout;
pub mod session;
pub mod session_store;

use actix_web::web;

use self::errors::AppError;

/// The router: every route of SPEC §4 that exists, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/health", web::get().to(auth::health))
        .route("/static/app.css", web::get().to(assets::app_css))
        .route("/", web::get().to(auth::home));
}

pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
