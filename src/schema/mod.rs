//! The schema phase: checks what a script declared against the providers'
//! schemas and shapes each body into attributes and blocks for `emit`.
//!
//! Schemas come from `schemas/*.json.zst` (made by `tools/gen-schemas`),
//! split per type by `build.rs` and parsed only when a type is first used,
//! so a run pays for the 30 types its script uses, not for all 2,400 of the
//! aws provider. `--schema FILE` adds or replaces providers.

mod binary;
mod builtin;
mod check;
mod dynamic;
mod embedded;
pub mod functions;
mod language;
mod modules;
mod names;
mod references;
mod schemas;
mod secrets;
mod shape;
mod text_refs;
mod tidy;
pub mod type_expr;
pub mod types;
mod value_check;

pub use check::{check, check_in};
pub use schemas::{AttrLookup, SchemaCache, Schemas};
pub use tidy::drop_empty_tags;

#[cfg(test)]
mod tests;
