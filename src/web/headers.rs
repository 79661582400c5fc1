//! Security headers on every response (SPEC §7). Handlers' errors arrive here
//! already rendered; our own middleware answers refusals as responses, not
//! errors, so they get the headers too.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::state::AppState;

const HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
];

/// HTTPS only, for a year, once cookies are marked secure (`RD_COOKIE_SECURE`).
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let secure = req
        .app_data::<actix_web::web::Data<AppState>>()
        .is_some_and(|state| state.settings.cookie_secure);
    // The middlewares further in answer their refusals as responses (the
    // CSRF check, the body limit) and the session store reads a failed
    // lookup as no session, so what comes back here is a response.
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    if secure {
        headers.insert(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static(HSTS),
        );
    }
    for (name, value) in HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    // Pages show customer data; only the stylesheet sets its own caching.
    if !headers.contains_key("cache-control") {
        headers.insert(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}
