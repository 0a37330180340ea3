//! Use-cases: what people can do with mir, each checking the policy before touching storage.
//!
//! The web layer calls these with the [`policy::Actor`] making the request; a use-case never
//! trusts that a route checked permission for it.

pub mod accounts;
pub mod audit;
pub mod co_chairs;
pub mod compare;
pub mod demo;
pub mod directory;
pub mod error;
pub mod feedback;
pub mod framework_moves;
pub mod frameworks;
pub mod home;
pub mod jobs;
pub mod kept_forms;
pub mod live;
pub mod mail;
pub mod members;
pub mod organisations;
pub mod partnerships;
pub mod places;
pub mod plans;
pub mod policy;
pub mod rate_limit;
pub mod relay;
pub mod reviews;
pub mod search;
pub mod stories;
pub mod waiting;
pub mod working_groups;

pub use error::AppError;
pub use policy::{Action, Actor};
