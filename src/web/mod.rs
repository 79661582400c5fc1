//! HTTP: handlers by area, extractors, errors, CSRF. Every route is listed here.

pub mod admin;
pub mod answer;
pub mod assets;
pub mod auth;
pub mod cases;
pub mod client_address;
pub mod csrf;
pub mod current_user;
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
use crate::services::admin::reference::{Level, Server};

/// The router: every route of SPEC §4, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(auth::login_form))
        .route("/health", web::get().to(auth::health))
        .route("/static/app.css", web::get().to(assets::app_css))
        .route("/", web::get().to(auth::home))
        .route("/cases/new", web::get().to(cases::intake::new_case_form))
        .route("/cases", web::get().to(cases::list::list))
        .route("/cases/export.csv", web::get().to(cases::list::export))
        .route("/cases/{id}", web::get().to(cases::show::show))
        .route("/tasks", web::get().to(queues::tasks::tasks))
        .route(
            "/billing",
            web::get().to(queues::billing::billing_queue_page),
        )
        .route("/admin", web::get().to(admin::overview::overview))
        .route("/admin/audit", web::get().to(admin::overview::audit))
        .route("/admin/staff", web::get().to(admin::staff::list))
        .route(
            "/admin/staff/{id}/password",
            web::get().to(admin::staff::password_form),
        )
        .route(
            "/admin/staff/{id}/depart",
            web::get().to(admin::staff::confirm_departure),
        )
        .route(
            "/admin/servers",
            web::get().to(admin::reference::list::<Server>),
        )
        .route(
            "/admin/levels",
            web::get().to(admin::reference::list::<Level>),
        )
        .route("/admin/policy", web::get().to(admin::policy::show));
    for (path, route) in post_routes() {
        cfg.route(path, route);
    }
}

/// Every form action. Tests that post to all of them (junk input) read
/// `post_paths()`, so a new one cannot be left out.
fn post_routes() -> Vec<(&'static str, actix_web::Route)> {
    vec![
        ("/login", web::post().to(auth::login)),
        ("/logout", web::post().to(auth::logout)),
        ("/cases", web::post().to(cases::intake::submit)),
        (
            "/cases/{id}/comments",
            web::post().to(cases::show::add_comment),
        ),
        (
            "/cases/{id}/reply-sent",
            web::post().to(cases::show::mark_reply_sent),
        ),
        (
            "/cases/{id}/withdraw",
            web::post().to(cases::show::withdraw),
        ),
        (
            "/cases/{id}/refund/issue",
            web::post().to(queues::billing::issue),
        ),
        (
            "/cases/{id}/refund/review",
            web::post().to(queues::billing::review),
        ),
        ("/tasks/{id}/outcome", web::post().to(queues::tasks::record)),
        (
            "/tasks/{id}/reassign",
            web::post().to(queues::tasks::reassign),
        ),
        ("/admin/staff", web::post().to(admin::staff::add)),
        (
            "/admin/staff/fallback-owner",
            web::post().to(admin::staff::choose_fallback_owner),
        ),
        (
            "/admin/staff/{id}/password",
            web::post().to(admin::staff::reset_password),
        ),
        (
            "/admin/staff/{id}/unlock",
            web::post().to(admin::staff::unlock),
        ),
        (
            "/admin/staff/{id}/depart",
            web::post().to(admin::staff::depart),
        ),
        ("/admin/servers", web::post().to(admin::servers::add)),
        (
            "/admin/servers/{id}",
            web::post().to(admin::servers::update),
        ),
        (
            "/admin/servers/{id}/retire",
            web::post().to(admin::reference::retire::<Server>),
        ),
        ("/admin/levels", web::post().to(admin::levels::add)),
        (
            "/admin/levels/{id}/route",
            web::post().to(admin::levels::change_route),
        ),
        (
            "/admin/levels/{id}/retire",
            web::post().to(admin::reference::retire::<Level>),
        ),
        ("/admin/policy", web::post().to(admin::policy::save)),
    ]
}

pub fn post_paths() -> Vec<&'static str> {
    post_routes().into_iter().map(|(path, _)| path).collect()
}

pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
