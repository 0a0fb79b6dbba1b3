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
        Error::Output(diagnostics) => {
            let text = render(diagnostics, &SourceMap::default(), opts);
            // The renderer's closing "could not build" line is about scripts.
            let text = text.strip_suffix('\n').unwrap_or(&text);
            match text.rsplit_once('\n') {
                Some((body, last)) if last.starts_with("error: could not build") => {
                    eprintln!("{body}")
                }
                _ => eprintln!("{text}"),
            }
        }
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

/// Says what opening the output folder repaired after a crashed run, and
/// whether it could be locked.
pub fn recovery(out: &crate::output::OutputDir) {
    let dir = printable(&out.dir().display().to_string(), false);
    if let Some(why) = &out.unlocked {
        eprintln!("warning: cannot lock `{dir}` ({why}): another run into it could interleave");
    }
    if out.finished_interrupted {
        eprintln!("note: finished replacing the output in `{dir}`, which a crash had interrupted");
    }
    if out.cleaned > 0 {
        let n = out.cleaned;
        let s = if n == 1 { "" } else { "s" };
        eprintln!("note: deleted {n} temporary file{s} a crashed run left in `{dir}`");
    }
}
