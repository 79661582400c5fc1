//! The one place where errors become HTTP responses. People see a plain
//! message in the app's layout; the log gets the cause chain.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::services::{FieldErrors, ServiceError};

use super::layout::Layout;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    SignedOut,
    #[error("this page is not part of your role")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the input was refused: {0}")]
    Invalid(FieldErrors),
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    #[error("the form is larger than allowed")]
    BodyTooLarge,
    #[error("the form could not be read: {0}")]
    BadForm(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<ServiceError> for AppError {
    /// A refusal that no form can show again (a page that has no form for
    /// it) still gets its status and its words, never a 500.
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::Conflict(message) => AppError::Conflict(message),
            ServiceError::Invalid(errors) => AppError::Invalid(errors),
            ServiceError::Unexpected(e) => AppError::Unexpected(e),
        }
    }
}

/// How a page shows a refused form action again: its status, a sentence
/// for the top of the page, and the messages beside the fields.
pub struct Shown {
    pub status: StatusCode,
    pub message: Option<String>,
    pub errors: FieldErrors,
}

impl Shown {
    /// The page as first shown: nothing refused.
    pub fn nothing() -> Shown {
        Shown {
            status: StatusCode::OK,
            message: None,
            errors: FieldErrors::default(),
        }
    }

    /// Form errors found while parsing, before any service ran.
    pub fn invalid(errors: FieldErrors) -> Shown {
        Shown {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: errors.whole_form().map(str::to_owned),
            errors,
        }
    }
}

/// The one mapping of a service's refusal to what the person sees: 422 with
/// the form again for invalid input, 409 with what happened meanwhile for a
/// conflict; anything else is an error page.
pub fn shown_again(error: ServiceError) -> Result<Shown, AppError> {
    match error {
        ServiceError::Invalid(errors) => Ok(Shown::invalid(errors)),
        ServiceError::Conflict(message) => Ok(Shown {
            status: StatusCode::CONFLICT,
            message: Some(message),
            errors: FieldErrors::default(),
        }),
        other => Err(other.into()),
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(error).context("rendering a page"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

impl AppError {
    /// The error page's heading and sentence: what happened, in plain words.
    fn in_words(&self) -> (&'static str, std::borrow::Cow<'_, str>) {
        let (heading, message): (&str, &str) = match self {
            AppError::SignedOut => ("Signed out", "Sign in to continue."),
            AppError::Forbidden => (
                "Not part of your role",
                "This page or action belongs to another role. Go back to your start page.",
            ),
            AppError::NotFound => ("Not found", "There is nothing at this address."),
            AppError::Conflict(message) => ("Someone got there first", message),
            AppError::Invalid(errors) => {
                return ("This could not be done", errors.to_string().into());
            }
            AppError::CsrfRejected => (
                "This form has expired",
                "The form was older than your sign-in or did not come from Retention Desk. Go back, reload the page and try again.",
            ),
            AppError::BodyTooLarge => (
                "Too much text",
                "The form was larger than Retention Desk accepts. Shorten the notes and try again.",
            ),
            AppError::BadForm(_) => (
                "The form could not be read",
                "The form had fields this page does not know, or was damaged on the way. Reload the page and try again.",
            ),
            AppError::Unexpected(_) => (
                "Something went wrong",
                "Nothing was changed. Try again; if it keeps happening, tell your admin the time it happened.",
            ),
        };
        (heading, message.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::SignedOut => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadForm(_) => StatusCode::BAD_REQUEST,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignedOut = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        if let AppError::Unexpected(error) = self {
            tracing::error!(error = ?error, "request failed");
        }
        let (heading, message) = self.in_words();
        let status = self.status_code();
        let page = ErrorPage {
            layout: Layout::bare(),
            status: status.as_u16(),
            heading,
            message: &message,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), heading));
        HttpResponse::build(status)
            .content_type(ContentType::html())
            .body(body)
    }
}

/// Renders a page template with a status (200 for pages, 422 for forms with errors).
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(page.render()?))
}

/// `303 See Other` to `location`: the answer to every successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Malformed form bodies (unknown or duplicated fields, bad encoding) are 400.
pub fn form_error_handler(
    error: actix_web::error::UrlencodedError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    match error {
        actix_web::error::UrlencodedError::Overflow { .. } => AppError::BodyTooLarge.into(),
        other => AppError::BadForm(other.to_string()).into(),
    }
}
