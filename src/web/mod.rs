//! HTTP: handlers by area, extractors, errors, CSRF. Every route is listed here.

pub mod assets;
pub mod auth;
pub mod cases;
pub mod client_address;
pub mod csrf;
pub mod errors;
pub mod extract;
pub mod forms;
pub mod headers;
pub mod layout;
pub mod queues;
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
        .route("/", web::get().to(auth::home))
        .route("/cases/new", web::get().to(cases::new_case_form))
        .route("/cases", web::post().to(cases::submit))
        .route("/cases", web::get().to(cases::list))
        .route("/cases/{id}", web::get().to(cases::show))
        .route("/cases/{id}/comments", web::post().to(cases::add_comment))
        .route(
            "/cases/{id}/reply-sent",
            web::post().to(cases::mark_reply_sent),
        )
        .route("/cases/{id}/withdraw", web::post().to(cases::withdraw))
        .route("/cases/{id}/refund/issue", web::post().to(queues::issue))
        .route("/cases/{id}/refund/review", web::post().to(queues::review))
        .route("/tasks", web::get().to(queues::tasks))
        .route("/tasks/{id}/outcome", web::post().to(queues::record))
        .route("/billing", web::get().to(queues::billing_queue_page));
}

pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
