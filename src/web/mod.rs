//! HTTP: handlers by area, extractors, errors, CSRF. Every route is listed here.

pub mod admin;
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
        .route("/admin", web::get().to(admin::overview::overview))
        .route("/admin/audit", web::get().to(admin::overview::audit))
        .route("/admin/staff", web::get().to(admin::staff::list))
        .route("/admin/staff", web::post().to(admin::staff::add))
        .route(
            "/admin/staff/fallback-owner",
            web::post().to(admin::staff::choose_fallback_owner),
        )
        .route(
            "/admin/staff/{id}/password",
            web::get().to(admin::staff::password_form),
        )
        .route(
            "/admin/staff/{id}/password",
            web::post().to(admin::staff::reset_password),
        )
        .route(
            "/admin/staff/{id}/unlock",
            web::post().to(admin::staff::unlock),
        )
        .route(
            "/admin/staff/{id}/depart",
            web::get().to(admin::staff::confirm_departure),
        )
        .route(
            "/admin/staff/{id}/depart",
            web::post().to(admin::staff::depart),
        )
        .route("/admin/servers", web::get().to(admin::servers::list))
        .route("/admin/servers", web::post().to(admin::servers::add))
        .route(
            "/admin/servers/{id}",
            web::post().to(admin::servers::update),
        )
        .route(
            "/admin/servers/{id}/retire",
            web::post().to(admin::servers::retire),
        )
        .route("/admin/levels", web::get().to(admin::levels::list))
        .route("/admin/levels", web::post().to(admin::levels::add))
        .route(
            "/admin/levels/{id}/route",
            web::post().to(admin::levels::change_route),
        )
        .route(
            "/admin/levels/{id}/retire",
            web::post().to(admin::levels::retire),
        )
        .route("/admin/policy", web::get().to(admin::policy::show))
        .route("/admin/policy", web::post().to(admin::policy::save))
        .route("/cases/new", web::get().to(cases::new_case_form))
        .route("/cases", web::post().to(cases::submit))
        .route("/cases", web::get().to(cases::list))
        .route("/cases/export.csv", web::get().to(cases::export))
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
