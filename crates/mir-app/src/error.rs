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
    #[error(transparent)]
    Store(#[from] StoreError),
}
