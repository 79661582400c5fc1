//! How a form action answers: a `303 See Other` when it went through, or
//! the page again with the refusal (see `errors::shown_again`).

use std::future::Future;

use actix_web::HttpResponse;

use crate::services::{FieldErrors, ServiceError};

use super::errors::{AppError, Shown, shown_again};
use super::session::TypedSession;

/// `done` turns the service's answer into the response (usually a 303);
/// a refusal goes to `show_again`, which renders the page with it.
pub async fn answer<T, Page>(
    result: Result<T, ServiceError>,
    done: impl FnOnce(T) -> HttpResponse,
    show_again: impl FnOnce(Shown) -> Page,
) -> Result<HttpResponse, AppError>
where
    Page: Future<Output = Result<HttpResponse, AppError>>,
{
    match result {
        Ok(value) => Ok(done(value)),
        Err(error) => show_again(shown_again(error)?).await,
    }
}

/// The admin screens' answer: a 303 back to `list` with `notice` as the
/// next page's flash message, or the page again with the refusal.
pub async fn with_flash<T, Page>(
    session: &TypedSession,
    result: Result<T, ServiceError>,
    notice: impl FnOnce(T) -> String,
    list: &str,
    show_again: impl FnOnce(Shown) -> Page,
) -> Result<HttpResponse, AppError>
where
    Page: Future<Output = Result<HttpResponse, AppError>>,
{
    let done = |value| {
        session.set_flash(&notice(value));
        super::errors::see_other(list)
    };
    answer(result, done, show_again).await
}

/// Runs `service` on what the form parsed into; a form that did not parse
/// is refused with its field errors, the way the service refuses.
pub async fn run_parsed<T, V, Done>(
    parsed: Result<T, FieldErrors>,
    service: impl FnOnce(T) -> Done,
) -> Result<V, ServiceError>
where
    Done: Future<Output = Result<V, ServiceError>>,
{
    match parsed {
        Ok(input) => service(input).await,
        Err(errors) => Err(errors.into()),
    }
}
