//! The web layer's integration tests: one binary (so the suite links once), a module per
//! capability. Each drives the real router in-process with its own database; `both_engines!`
//! runs a test on SQLite and, when `MIR_TEST_POSTGRES_URL` is set, on PostgreSQL. The one
//! exception is `../queries.rs`, which counts every query in its process, so runs alone.

#[macro_use]
mod support;

mod accounts;
mod admin;
mod easy_read;
mod find;
mod form_properties;
mod hostile;
mod http;
mod live;
mod members;
mod near;
mod partnerships;
mod plans;
mod reviews;
mod roles;
mod safeguards;
mod sign_up;
mod waiting;
