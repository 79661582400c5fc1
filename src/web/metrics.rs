//! `GET /metrics` (SPEC §4): answered to loopback clients, or to the bearer
//! of `RD_METRICS_TOKEN`; and the middleware that counts every request.

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::metrics::CONTENT_TYPE;
use crate::services::metrics::scrape;
use crate::state::AppState;

use super::client_address::client_address;
use super::csrf::constant_time_eq;
use super::errors::AppError;

/// No session is read or made here: a scraper signs in to nothing. A
/// refused caller gets the plain 404 page, which says nothing of figures.
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !may_scrape(&req, state.settings.metrics_token.as_deref()) {
        tracing::info!(address = %client_address(&req), "404: /metrics refused");
        return Err(AppError::NotFound);
    }
    let text = scrape(&state).await?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(text))
}

/// Loopback as the app believes it (a client the trusted proxy forwards is
/// the address it names, not the proxy's), or the token when one is set.
fn may_scrape(req: &HttpRequest, token: Option<&str>) -> bool {
    let on_loopback = client_address(req)
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback());
    on_loopback || token.is_some_and(|token| bears(req, token))
}

/// `Authorization: Bearer <token>`, the token compared in constant time.
fn bears(req: &HttpRequest, token: &str) -> bool {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .is_some_and(|(scheme, given)| {
            scheme.eq_ignore_ascii_case("bearer")
                && constant_time_eq(given.trim().as_bytes(), token.as_bytes())
        })
}

/// Counts every request by route pattern, method and status class, with
/// its latency up to the response's head (a streamed body is not waited for).
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).await;
    let took = started.elapsed();
    if let Some(state) = state {
        let (route, status) = match &result {
            // Read after routing: the pattern comes from the matched resource.
            Ok(response) => (response.request().match_pattern(), response.status()),
            Err(error) => (None, error.as_response_error().status_code()),
        };
        state
            .requests
            .record(route, method.as_str(), status.as_u16(), took);
    }
    result
}
