//! The use-cases' integration tests: one binary, a module per capability, each against a real
//! database (SQLite, and PostgreSQL when `MIR_TEST_POSTGRES_URL` is set).

mod jobs;
mod outbox;
