//! The domain of Making it Real: the nouns, their rules and validation.
//!
//! This crate does no I/O and is not async, so every rule here is tested by plain unit tests.
//! Types are parsed at the edge (`parse` functions return a type or a list of field errors), so
//! the rest of the system only ever sees valid values.

pub mod areas;
pub mod dates;
pub mod feedback;
pub mod framework;
pub mod live;
pub mod organisation;
pub mod person;
pub mod places;
pub mod plan;
pub mod review;
pub mod validation;
