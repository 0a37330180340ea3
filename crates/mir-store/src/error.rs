/// What can go wrong in storage. Callers never see a bare `None` standing for a failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Something with the same natural key exists already; the message says what.
    #[error("{0}")]
    AlreadyExists(String),
    #[error("a value stored in the database is not valid: {0}")]
    Corrupt(String),
    /// The operation does not exist for this engine; the message says what to do instead.
    #[error("{0}")]
    Unsupported(&'static str),
}
