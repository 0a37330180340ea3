use mir_domain::framework::Problem;
use mir_domain::validation::FieldErrors;
use mir_store::StoreError;

/// The outcomes of a use-case that are not success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The actor may not do this. The web layer shows a plain "you cannot do this" page.
    #[error("not allowed")]
    Forbidden,
    /// What the person typed has problems; each is shown next to its field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// A framework file has problems; each has its line and column.
    #[error("the file has {} problem(s)", .0.len())]
    InvalidFile(Vec<Problem>),
    /// What was asked for does not exist (or is not visible to the actor).
    #[error("not found")]
    NotFound,
    /// The request clashes with what is stored; the message says how, in plain words.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts in a short time; try again later.
    #[error("too many attempts")]
    RateLimited,
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
    /// Something inside went wrong that nobody asking can put right: stored data that does not
    /// parse, or a value that could not be encoded. Logged with the request id; never shown.
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
