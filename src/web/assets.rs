//! The stylesheet, embedded in the binary.

use actix_web::HttpResponse;

const APP_CSS: &str = include_str!("../../static/app.css");

pub async fn app_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(APP_CSS)
}
