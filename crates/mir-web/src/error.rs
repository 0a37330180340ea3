//! The web layer's errors and how they reach people.
//!
//! Policy: a handler returns a [`WebError`]; its response carries only a status and an
//! [`ErrorReason`]. The `error_pages` middleware turns every error status that no template
//! rendered into a friendly page in the visitor's view mode. Internal detail goes to the log,
//! with the request id that the 500 page shows; it never reaches the page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mir_app::AppError;
use mir_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("page not found")]
    NotFound,
    #[error("request could not be understood")]
    BadRequest,
    #[error("what was sent has mistakes")]
    Unprocessable,
    #[error("not allowed")]
    Forbidden,
    #[error("request body too large")]
    TooLarge,
    #[error("too many attempts")]
    RateLimited,
    #[error("form token missing or wrong")]
    CsrfRejected,
    /// The request was understood but cannot be done as things stand (a closed review, a
    /// draft that changed). The message is ours, in plain words, never request text.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(Internal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
}

/// Why a request failed inside the server, for the log (never shown on a page).
#[derive(Debug, thiserror::Error)]
pub enum Internal {
    /// A handler asked for what a middleware layer provides, and the layer is not installed:
    /// a mistake in `router.rs`.
    #[error("the {0} middleware is not installed")]
    MissingLayer(&'static str),
    /// A value could not be encoded (a session, a kept form).
    #[error("encoding {what}: {detail}")]
    Encoding { what: &'static str, detail: String },
    #[error(transparent)]
    Mail(#[from] mir_app::mail::MailError),
    /// A use-case's own internal failure (stored data that does not parse).
    #[error("use-case: {0}")]
    UseCase(String),
}

/// What went wrong inside, for the log only (never shown on a page).
#[derive(Debug, Clone)]
pub struct ErrorDetail(pub String);

/// Why a response is an error, for the error page to explain. Set as a response extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    NotFound,
    MethodNotAllowed,
    BadRequest,
    Forbidden,
    CsrfRejected,
    TooLarge,
    TooManyRequests,
    Unavailable,
    Internal,
    Conflict,
}

impl ErrorReason {
    pub fn from_status(status: StatusCode) -> ErrorReason {
        match status {
            StatusCode::NOT_FOUND => ErrorReason::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorReason::MethodNotAllowed,
            StatusCode::FORBIDDEN => ErrorReason::Forbidden,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorReason::TooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorReason::TooManyRequests,
            StatusCode::CONFLICT => ErrorReason::Conflict,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => {
                ErrorReason::Unavailable
            }
            s if s.is_client_error() => ErrorReason::BadRequest,
            _ => ErrorReason::Internal,
        }
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Forbidden => WebError::Forbidden,
            AppError::Store(e) => WebError::Store(e),
            // Handlers show field errors on their form; reaching here means one did not.
            AppError::NotFound => WebError::NotFound,
            AppError::RateLimited => WebError::RateLimited,
            AppError::Mail(e) => WebError::Internal(Internal::Mail(e)),
            AppError::Internal(e) => WebError::Internal(Internal::UseCase(e)),
            // A form handler shows these next to their fields; one that does not still answers
            // "could not understand that" (422), never a server error.
            AppError::Invalid(_) | AppError::InvalidFile(_) => WebError::Unprocessable,
            AppError::Conflict(message) => WebError::Conflict(message),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, reason) = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, ErrorReason::NotFound),
            WebError::BadRequest => (StatusCode::BAD_REQUEST, ErrorReason::BadRequest),
            WebError::Unprocessable => (StatusCode::UNPROCESSABLE_ENTITY, ErrorReason::BadRequest),
            WebError::Forbidden => (StatusCode::FORBIDDEN, ErrorReason::Forbidden),
            WebError::CsrfRejected => (StatusCode::FORBIDDEN, ErrorReason::CsrfRejected),
            WebError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorReason::TooLarge),
            WebError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, ErrorReason::TooManyRequests),
            WebError::Conflict(_) => (StatusCode::CONFLICT, ErrorReason::Conflict),
            WebError::Internal(_) | WebError::Store(_) | WebError::Template(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorReason::Internal)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(reason);
        if reason == ErrorReason::Internal {
            // Logged by the `error_pages` middleware, with the request id and route.
            response
                .extensions_mut()
                .insert(ErrorDetail(self.to_string()));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mir_domain::validation::FieldErrors;

    fn status_of(error: AppError) -> StatusCode {
        WebError::from(error).into_response().status()
    }

    #[test]
    fn every_use_case_error_has_a_deliberate_status() {
        assert_eq!(status_of(AppError::Forbidden), StatusCode::FORBIDDEN);
        assert_eq!(status_of(AppError::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            status_of(AppError::RateLimited),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status_of(AppError::Conflict("closed".into())),
            StatusCode::CONFLICT
        );
        // A handler that forgot to show field errors by their fields: still not a server error.
        assert_eq!(
            status_of(AppError::Invalid(FieldErrors::new())),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(AppError::InvalidFile(Vec::new())),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(AppError::Internal("a snapshot that does not parse".into())),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
