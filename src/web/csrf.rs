//! The synchronizer CSRF token, checked on every POST before any handler runs.
//!
//! The token travels as the form field `csrf_token`; the middleware takes it
//! out of the body so form structs can refuse unknown fields.

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::StreamExt;

use super::cookies::login_token;
use super::errors::AppError;
use super::session::TypedSession;
use super::session_store::STAFF_ID_KEY;
use crate::state::AppState;

pub const FIELD: &str = "csrf_token";

/// Largest form body accepted; SPEC §3 allows refusing larger ones with 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Set on a signed-out POST whose token did not match: the sign-in form is
/// shown again with a fresh token; every other handler sends the person to sign in.
#[derive(Clone, Copy, Debug)]
pub struct CsrfFailed;

/// The request's body, or the refusal: over [`BODY_LIMIT`], or broken off.
async fn read_capped(req: &mut ServiceRequest) -> Result<BytesMut, AppError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadForm(e.to_string()))?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(AppError::BodyTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Signed in: the session's token. Signed out: the sign-in form's token
/// from its signed cookie (no session exists to hold one).
fn expected_token(req: &ServiceRequest, signed_in: bool) -> Option<String> {
    if signed_in {
        return TypedSession::expected_csrf_token(&req.get_session());
    }
    let state = req.app_data::<actix_web::web::Data<AppState>>()?;
    login_token(
        req.request(),
        &state.cookie_key,
        state.settings.cookie_secure,
    )
}

pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method() != Method::POST {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let staff_id = req.get_session().get::<i32>(STAFF_ID_KEY).ok().flatten();
    let expected = expected_token(&req, staff_id.is_some());

    let body = match read_capped(&mut req).await {
        Ok(body) => body,
        Err(refusal) => return Ok(refuse(req, refusal)),
    };
    let (token, rest) = take_token(&body);
    req.set_payload(actix_web::dev::Payload::from(rest));

    let valid = matches!((&expected, &token), (Some(e), Some(t)) if constant_time_eq(e.as_bytes(), t.as_bytes()));
    if !valid {
        if let Some(staff_id) = staff_id {
            let address = super::client_address::client_address(req.request());
            tracing::warn!(
                staff_id,
                address = %address,
                path = %req.path(),
                "403: POST refused, CSRF token missing or wrong"
            );
            return Ok(refuse(req, AppError::CsrfRejected));
        }
        req.extensions_mut().insert(CsrfFailed);
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn refuse<B>(req: ServiceRequest, error: AppError) -> ServiceResponse<EitherBody<B>> {
    req.into_response(error.error_response())
        .map_into_right_body()
}

/// Splits the `csrf_token` field out of a urlencoded body, leaving the rest as sent.
fn take_token(body: &[u8]) -> (Option<String>, Bytes) {
    let mut token = None;
    let mut rest: Vec<u8> = Vec::with_capacity(body.len());
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let key = parts.next().unwrap_or_default();
        if key == FIELD.as_bytes() {
            if token.is_none() {
                let value = parts.next().unwrap_or_default();
                token =
                    serde_urlencoded::from_bytes::<Vec<(String, String)>>(&[b"t=", value].concat())
                        .ok()
                        .and_then(|mut v| v.pop())
                        .map(|(_, v)| v);
            }
            continue;
        }
        if !rest.is_empty() {
            rest.push(b'&');
        }
        rest.extend_from_slice(pair);
    }
    (token, Bytes::from(rest))
}

/// Equal bytes, in a time that does not depend on where they differ.
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_taken_out_and_the_rest_kept() {
        let (token, rest) = take_token(b"a=1&csrf_token=abc%2B&b=x+y");
        assert_eq!(token.as_deref(), Some("abc+"));
        assert_eq!(&rest[..], b"a=1&b=x+y");
    }

    #[test]
    fn missing_token_is_none() {
        let (token, rest) = take_token(b"a=1");
        assert_eq!(token, None);
        assert_eq!(&rest[..], b"a=1");
    }

    #[test]
    fn comparison_needs_equal_tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
