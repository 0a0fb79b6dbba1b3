//! Everything the CLI prints about a build, in one place.

use crate::diagnostics::{printable, render, Error, RenderOptions, SourceMap};
use crate::model::Stack;

pub fn summary(stack: &Stack, dest: &str, ms: u128) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    // The stack's name and the folder come from file names: shown, not obeyed.
    format!(
        "{}: {}, {}, {}, {} -> {} ({ms} ms)",
        printable(&stack.name, false),
        plural(stack.resource_count(), "resource"),
        plural(stack.data_count(), "data source"),
        plural(stack.variables.len(), "variable"),
        plural(stack.outputs.len(), "output"),
        printable(dest, false),
    )
}

/// Prints an error on stderr the way its kind wants.
pub fn error(err: &Error, opts: RenderOptions) {
    match err {
        Error::Script { diagnostics, sources } => eprint!("{}", render(diagnostics, sources, opts)),
        other => eprintln!("error: {}", printable(&other.to_string(), true)),
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
