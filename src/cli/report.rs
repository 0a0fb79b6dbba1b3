//! Everything the CLI prints about a build, in one place.

use crate::diagnostics::{
    printable, render, render_plain, Code, Error, MessageFormat, RenderOptions, SourceMap,
};
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
        Error::Output(diagnostics) | Error::Setup(diagnostics) => {
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
        other => eprint!("{}", render_plain(opts.format, other.code(), &other.to_string(), None)),
    }
}

/// A command line clap refused. When the (unparsed) arguments ask for a
/// machine format, the refusal comes out in it too.
pub fn usage(err: &clap::Error, args: &[String]) {
    let format = requested_format(args);
    if format == MessageFormat::Human {
        let _ = err.print();
        return;
    }
    let text = err.render().to_string();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    let first = lines.next().unwrap_or("invalid command line");
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    // "the following required arguments were not provided:" lists them below.
    while let Some(more) = lines.next_if(|l| l.starts_with("  ")) {
        message.push(' ');
        message.push_str(more.trim());
    }
    let help = lines
        .map(str::trim)
        .find(|l| l.starts_with("Usage:") || l.starts_with("tip:"))
        .map(str::to_owned);
    eprint!("{}", render_plain(format, Code::CliUsage, &message, help.as_deref()));
}

/// `--message-format X` or `--message-format=X`, read from raw arguments.
fn requested_format(args: &[String]) -> MessageFormat {
    let mut value = None;
    for (i, a) in args.iter().enumerate() {
        if a == "--message-format" {
            value = args.get(i + 1).cloned();
        } else if let Some(v) = a.strip_prefix("--message-format=") {
            value = Some(v.to_owned());
        }
    }
    match value.as_deref() {
        Some("json") => MessageFormat::Json,
        Some("short") => MessageFormat::Short,
        _ => MessageFormat::Human,
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
