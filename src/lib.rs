//! tsdsl: Rhai scripts evaluated into typed, Terraform-valid HCL.
//!
//! One direction of flow: script → [`engine`] → [`model`] → [`schema`]
//! (checks) → [`emit`]. [`diagnostics`] is the one error type every phase
//! reports with; [`checks`] holds the pure value checks (CIDR math, naming
//! rules, catalogs) the engine and the schema phase share; [`docs`] renders
//! the stdlib reference; [`cli`] is the thin clap front end.

pub mod aws;
pub mod builders;
pub mod checks;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod engine;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod schema;
pub mod syntax;
