//! Cross-cutting request handling, applied once in [`crate::router`].

pub mod changes;
pub mod cookies;
pub mod csrf;
pub mod error_pages;
pub mod kept_pages;
pub mod metrics;
pub mod security_headers;
pub mod session;
pub mod sign_in_first;
pub mod view_mode;
