//! Everything the CLI prints about a build, in one place.

use crate::diagnostics::{render, Error, RenderOptions, SourceMap};
use crate::model::Stack;

pub fn summary(stack: &Stack, dest: &str, ms: u128) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {}, {}, {}, {} -> {dest} ({ms} ms)",
        stack.name,
        plural(stack.resource_count(), "resource"),
        plural(stack.data_count(), "data source"),
        plural(stack.variables.len(), "variable"),
        plural(stack.outputs.len(), "output"),
    )
}

/// Prints an error on stderr the way its kind wants.
pub fn error(err: &Error, opts: RenderOptions) {
    match err {
        Error::Script { diagnostics, sources } => eprint!("{}", render(diagnostics, sources, opts)),
        other => eprintln!("error: {other}"),
    }
}

pub fn warnings(
    diags: &[crate::diagnostics::Diagnostic],
    sources: &SourceMap,
    opts: RenderOptions,
) {
    if !diags.is_empty() {
        eprint!("{}", render(diags, sources, opts));
    }
}
