//! One diagnostic type for the whole program and its rendering with miette.
//!
//! Phases build [`Diagnostic`]s that know *what* went wrong and a [`Locus`]
//! saying *where* in terms of the model (a call site, a key inside a call's
//! map literal). Only rendering turns a locus into a byte span, through the
//! [`SourceMap`] of files the engine loaded.

mod diagnostic;

pub use diagnostic::{Diagnostic, Locus, Severity, Target};
