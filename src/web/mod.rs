//! HTTP: handlers by area, extractors, errors, CSRF. Every route is listed here.
#![warn(clippy::too_many_lines)]

pub mod account;
pub mod admin;
pub mod answer;
pub mod assets;
pub mod auth;
pub mod cases;
pub mod client_address;
pub mod cookies;
pub mod csrf;
pub mod current_user;
pub mod errors;
pub mod extract;
pub mod forms;
pub mod headers;
pub mod layout;
pub mod metrics;
pub mod queues;
pub mod reports;
pub mod session;
pub mod session_store;
pub mod visit;

use actix_web::web;

use self::errors::AppError;
use crate::services::admin::reasons::Reason;
use crate::services::admin::reference::{Level, Server};

type Routes = Vec<(&'static str, actix_web::Route)>;

/// The router: every route of SPEC §4, in one place.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for (path, route) in page_routes().into_iter().chain(post_routes()) {
        cfg.route(path, route);
    }
}

/// Every page (GET).
fn page_routes() -> Routes {
    let mut routes = vec![
        ("/login", web::get().to(auth::login_form)),
        ("/health", web::get().to(auth::health)),
        ("/metrics", web::get().to(metrics::metrics)),
        ("/static/app.css", web::get().to(assets::app_css)),
        ("/", web::get().to(auth::home)),
        ("/cases/new", web::get().to(cases::intake::new_case_form)),
        ("/cases", web::get().to(cases::list::list)),
        ("/cases/export.csv", web::get().to(cases::list::export)),
        (
            "/cases/waiting",
            web::get().to(cases::waiting::waiting_list),
        ),
        ("/cases/{id}", web::get().to(cases::show::show)),
        ("/tasks", web::get().to(queues::tasks::tasks)),
        (
            "/billing",
            web::get().to(queues::billing::billing_queue_page),
        ),
        ("/account/password", web::get().to(account::password_form)),
        ("/account/sessions", web::get().to(account::sessions)),
        ("/reports", web::get().to(reports::show)),
        ("/reports/{table}", web::get().to(reports::download)),
    ];
    routes.extend(admin_pages());
    routes
}

fn admin_pages() -> Routes {
    use admin::reference::list;
    use admin::{overview, policy, policy_preview, replies, sla, staff};
    vec![
        ("/admin", web::get().to(overview::overview)),
        ("/admin/audit", web::get().to(overview::audit)),
        ("/admin/staff", web::get().to(staff::list)),
        (
            "/admin/staff/{id}/password",
            web::get().to(staff::password_form),
        ),
        (
            "/admin/staff/{id}/depart",
            web::get().to(staff::confirm_departure),
        ),
        ("/admin/servers", web::get().to(list::<Server>)),
        ("/admin/levels", web::get().to(list::<Level>)),
        ("/admin/reasons", web::get().to(list::<Reason>)),
        ("/admin/policy", web::get().to(policy::show)),
        (
            "/admin/policy/preview",
            web::get().to(policy_preview::preview),
        ),
        ("/admin/replies", web::get().to(replies::show)),
        ("/admin/sla", web::get().to(sla::show)),
    ]
}

/// Every form action. Tests that post to all of them (junk input) read
/// `post_paths()`, so a new one cannot be left out.
fn post_routes() -> Routes {
    [
        case_actions,
        queue_actions,
        staff_actions,
        reference_actions,
    ]
    .into_iter()
    .flat_map(|area| area())
    .collect()
}

fn case_actions() -> Routes {
    use cases::show;
    vec![
        ("/login", web::post().to(auth::login)),
        ("/logout", web::post().to(auth::logout)),
        (
            "/account/password",
            web::post().to(account::change_password),
        ),
        (
            "/account/sessions/sign-out-others",
            web::post().to(account::end_other_sessions),
        ),
        ("/cases", web::post().to(cases::intake::submit)),
        ("/cases/{id}/comments", web::post().to(show::add_comment)),
        (
            "/cases/{id}/reply-sent",
            web::post().to(show::mark_reply_sent),
        ),
        ("/cases/{id}/withdraw", web::post().to(show::withdraw)),
    ]
}

fn queue_actions() -> Routes {
    use queues::{billing, tasks};
    vec![
        ("/cases/{id}/refund/issue", web::post().to(billing::issue)),
        ("/cases/{id}/refund/review", web::post().to(billing::review)),
        ("/tasks/{id}/outcome", web::post().to(tasks::record)),
        ("/tasks/{id}/reassign", web::post().to(tasks::reassign)),
    ]
}

fn staff_actions() -> Routes {
    use admin::staff;
    vec![
        ("/admin/staff", web::post().to(staff::add)),
        (
            "/admin/staff/fallback-owner",
            web::post().to(staff::choose_fallback_owner),
        ),
        (
            "/admin/staff/{id}/password",
            web::post().to(staff::reset_password),
        ),
        ("/admin/staff/{id}/unlock", web::post().to(staff::unlock)),
        (
            "/admin/staff/{id}/slack",
            web::post().to(admin::slack_member::save),
        ),
        ("/admin/staff/{id}/depart", web::post().to(staff::depart)),
    ]
}

fn reference_actions() -> Routes {
    use admin::reference::{add, change, retire};
    vec![
        ("/admin/servers", web::post().to(add::<Server>)),
        ("/admin/servers/{id}", web::post().to(change::<Server>)),
        (
            "/admin/servers/{id}/retire",
            web::post().to(retire::<Server>),
        ),
        ("/admin/levels", web::post().to(add::<Level>)),
        ("/admin/levels/{id}/route", web::post().to(change::<Level>)),
        ("/admin/levels/{id}/retire", web::post().to(retire::<Level>)),
        ("/admin/policy", web::post().to(admin::policy::save)),
        ("/admin/replies", web::post().to(admin::replies::save)),
        (
            "/admin/replies/preview",
            web::post().to(admin::replies::preview),
        ),
        (
            "/admin/policy/preview",
            web::post().to(admin::policy_preview::save),
        ),
        ("/admin/sla", web::post().to(admin::sla::save_levels)),
        ("/admin/reasons", web::post().to(add::<Reason>)),
        ("/admin/reasons/{id}", web::post().to(change::<Reason>)),
        (
            "/admin/reasons/{id}/retire",
            web::post().to(retire::<Reason>),
        ),
    ]
}

pub fn post_paths() -> Vec<&'static str> {
    post_routes().into_iter().map(|(path, _)| path).collect()
}

pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
