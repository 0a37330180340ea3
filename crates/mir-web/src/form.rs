//! One way to answer a form.
//!
//! A form handler hands the use-case's result to [`answer`], which sorts it into
//! [`Outcome::Done`] or [`Outcome::Rejected`]; every other error becomes its error page through
//! `WebError`. A rejection carries its status (422 when what was typed has mistakes, 409 when
//! it clashes with what is stored) and the problems to show next to their fields and in the
//! error summary, so a handler has two arms to write and cannot forget a third: it shows the
//! form again, with what was typed, under `rejection.status`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mir_app::AppError;
use mir_domain::framework::Problem;
use mir_domain::validation::FieldErrors;

use crate::error::WebError;
use crate::middleware::session::Session;

/// What became of a form.
#[must_use]
pub enum Outcome<T> {
    /// The use-case did it; `T` is what it returned.
    Done(T),
    /// Show the form again, with these problems, under this status.
    Rejected(Rejection),
}

/// Why a form is shown again.
#[derive(Debug)]
pub struct Rejection {
    /// 422 for mistakes in what was typed; 409 when it clashes with what is stored.
    pub status: StatusCode,
    /// Each problem, by the field it belongs to.
    pub errors: FieldErrors,
    /// A framework file's problems, each with its line and column (uploads only).
    pub file_problems: Vec<Problem>,
}

impl Rejection {
    /// Whether what was asked clashes with what is stored (a closed review, a changed draft),
    /// rather than being mistyped.
    pub fn is_conflict(&self) -> bool {
        self.status == StatusCode::CONFLICT
    }

    /// The first message, for pages that show one line rather than a form.
    pub fn message(&self) -> String {
        self.errors
            .iter()
            .next()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }
}

/// Sorts a use-case's result. A conflict's message is shown next to `conflict_field` (the
/// form's first field, or the button it is about).
pub fn answer<T>(
    result: Result<T, AppError>,
    conflict_field: &'static str,
) -> Result<Outcome<T>, WebError> {
    let rejected = |status, errors| {
        Ok(Outcome::Rejected(Rejection {
            status,
            errors,
            file_problems: Vec::new(),
        }))
    };
    match result {
        Ok(value) => Ok(Outcome::Done(value)),
        Err(AppError::Invalid(errors)) => rejected(StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict(message)) => {
            let mut errors = FieldErrors::new();
            errors.add(conflict_field, message);
            rejected(StatusCode::CONFLICT, errors)
        }
        Err(AppError::InvalidFile(problems)) => Ok(Outcome::Rejected(Rejection {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: FieldErrors::new(),
            file_problems: problems,
        })),
        Err(other) => Err(other.into()),
    }
}

/// Done: a one-time message for the next page, and on to it (303, so a reload does not send
/// the form again).
pub fn saved(session: &Session, message: impl Into<String>, to: &str) -> Response {
    session.set_flash(message);
    Redirect::to(to).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(error: AppError) -> Rejection {
        match answer::<()>(Err(error), "title") {
            Ok(Outcome::Rejected(r)) => r,
            Ok(Outcome::Done(())) => panic!("an error is never done"),
            Err(e) => panic!("expected a rejection, got {e}"),
        }
    }

    #[test]
    fn mistakes_are_422_and_clashes_409_by_their_field() {
        let mut errors = FieldErrors::new();
        errors.add("title", "Enter a title");
        let r = rejection(AppError::Invalid(errors));
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!r.is_conflict());
        assert_eq!(r.message(), "Enter a title");

        let r = rejection(AppError::Conflict("The review is closed".into()));
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.is_conflict());
        let first = r.errors.iter().next().expect("one error");
        assert_eq!(first.field, "title");
        assert_eq!(first.message, "The review is closed");
    }

    #[test]
    fn other_errors_are_error_pages() {
        assert!(matches!(
            answer::<()>(Err(AppError::Forbidden), "title"),
            Err(WebError::Forbidden)
        ));
        assert!(matches!(answer(Ok(7), "title"), Ok(Outcome::Done(7))));
    }
}
