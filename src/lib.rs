//! tsdsl: Rhai scripts evaluated into typed, Terraform-valid HCL.
//!
//! One direction of flow: script → [`engine`] → [`model`] → [`schema`]
//! (checks) → [`emit`]. [`diagnostics`] is the one error type every phase
//! reports with; [`cli`] is the thin clap front end.

pub mod aws;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod engine;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod schema;
