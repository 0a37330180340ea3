//! Statement frameworks as data: the model, and the TOML file format that carries it
//! (documented in `docs/framework-format.md`).
//!
//! A framework version has metadata, a progress scale, themes, and statements. "I" statements
//! say what good support is like for a person; "We" statements say what organisations commit
//! to. Everything else in mir hangs off statement codes.

mod format;
mod model;

pub use format::{
    MAX_PROBLEMS, Problem, export_toml, parse_toml, parse_toml_draft, parse_toml_with_pictures,
};
pub use model::{
    CrossRef, Crosswalk, CrosswalkItem, EasyReadGap, Framework, FrameworkMeta, Marker, Picture,
    ScaleLevel, Statement, StatementKind, StatementMove, Theme, VersionMapping,
};

#[cfg(test)]
mod tests;
