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

use super::errors::AppError;
use super::session::TypedSession;
use super::session_store::STAFF_ID_KEY;

pub const FIELD: &str = "csrf_token";

/// Largest form body accepted; SPEC §3 allows refusing larger ones with 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Set on a signed-out POST whose token did not match: the sign-in form is
/// shown again with a fresh token; every other handler sends the person to sign in.
#[derive(Clone, Copy, Debug)]
pub struct CsrfFailed;

/// The request's body, or `None` when it is over [`BODY_LIMIT`].
async fn read_capped(req: &mut ServiceRequest) -> Result<Option<BytesMut>, Error> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method() != Method::POST {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let session = req.get_session();
    let staff_id = session.get::<i32>(STAFF_ID_KEY).ok().flatten();
    let expected = TypedSession::expected_csrf_token(&session);

    let Some(body) = read_capped(&mut req).await? else {
        return Ok(refuse(req, AppError::BodyTooLarge));
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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
