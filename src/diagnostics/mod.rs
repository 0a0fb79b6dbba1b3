//! One diagnostic type for the whole program and its rendering with miette.
//!
//! Phases build [`Diagnostic`]s that know *what* went wrong and a [`Locus`]
//! saying *where* in terms of the model (a call site, a key inside a call's
//! map literal). Only rendering turns a locus into a byte span, through the
//! [`SourceMap`] of files the engine loaded.

mod code;
mod diagnostic;
mod error;
mod render;
mod resolve;
mod source_map;
mod suggest;

pub use code::Code;
pub(crate) use diagnostic::diag;
pub use diagnostic::{Diagnostic, Locus, Severity, Target};
pub use error::Error;
pub use render::{printable, render, render_plain, MessageFormat, RenderOptions, MAX_SHOWN};
pub use source_map::{line_col_of, offset_of, SourceMap, STDLIB_PREFIX};
pub use suggest::{closest, did_you_mean};
