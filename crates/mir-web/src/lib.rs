//! The web layer: one route table ([`router`]), thin handlers in `routes/`, cross-cutting
//! middleware in `middleware/` (sessions, CSRF, Easy Read, security headers, error pages,
//! metrics), and compile-checked templates in `templates/`.
//!
//! Handlers never build SQL and templates never query: a handler turns the request into a
//! use-case call (`mir_app`), then the result into a view model rendered by [`page::render`].

pub mod assets;
pub mod cache;
pub mod error;
pub mod form;
pub mod live_events;
pub mod middleware;
pub mod negotiate;
pub mod page;
pub mod params;
mod router;
pub mod routes;
pub mod state;

pub use router::router;
pub use routes::ops::metrics_only as metrics_router;
pub use state::{AppState, Secret, WebConfig};
