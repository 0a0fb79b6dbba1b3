//! The change summary printed after `run` and each `watch` rebuild: per
//! stack, the addresses added, removed and changed (with the attribute
//! paths, old -> new), computed against what the output folder held before
//! the write. Only the call sites live in `run.rs` and `watch.rs`.

use super::stdout;
use std::io::IsTerminal;
use std::path::Path;

use crate::diagnostics::printable;
use crate::diff::{self, Format, Style};
use crate::pipeline::Build;

use super::args::{ChangesArg, ColorArg, RunArgs};

/// A summary computed before the write, printed after it succeeded.
#[must_use]
pub struct Pending {
    text: String,
    stdout: bool,
    /// `(from, to)` of the renames the summary already offers a `moved(...)`
    /// line for: the write's rename warning leaves them out, so that one
    /// rename is told once.
    moves: Vec<(String, String)>,
}

impl Pending {
    pub fn moves(&self) -> &[(String, String)] {
        &self.moves
    }

    pub fn print(self) {
        if self.stdout {
            stdout::print(&self.text);
        } else {
            eprint!("{}", self.text);
        }
    }
}

/// What writing `built` into `dir` will change (nothing when `--changes
/// none`). `watch` prints text on stderr beside its status lines; JSON
/// always goes to stdout, for tools.
pub fn before_write(dir: &Path, built: &Build, args: &RunArgs, watching: bool) -> Pending {
    let stdout = !watching || matches!(args.changes, ChangesArg::Json);
    let (text, moves) = summary(dir, built, args, !stdout);
    Pending { text, stdout, moves }
}

fn summary(
    dir: &Path,
    built: &Build,
    args: &RunArgs,
    to_stderr: bool,
) -> (String, Vec<(String, String)>) {
    let format = match args.changes {
        ChangesArg::None => return (String::new(), Vec::new()),
        ChangesArg::Text => Format::Text,
        ChangesArg::Json => Format::Json,
    };
    let old = match diff::generated_files(dir) {
        Ok(files) => files,
        Err(e) => return (note(&e.to_string(), format, &built.stack.name), Vec::new()),
    };
    // The build's own schemas, `--schema` files included, so that what they
    // mark sensitive is masked too.
    match diff::stack_changes(&built.stack.name, &old, &built.files, &built.schemas, false) {
        Ok(mut changes) => {
            changes.hide_secrets(built.stack.accepted_secrets.iter().map(|s| s.value.as_str()));
            let moves = changes
                .changes
                .iter()
                .filter(|c| diff::moved_line(c).is_some())
                .filter_map(|c| Some((c.from.clone()?, c.address.clone())))
                .collect();
            let terminal = if to_stderr {
                std::io::stderr().is_terminal()
            } else {
                std::io::stdout().is_terminal()
            };
            let color = match args.common.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => std::env::var_os("NO_COLOR").is_none() && terminal,
            };
            if format == Format::Json {
                // One line per build, so that a tool can follow `watch` line by line.
                let text = diff::render(
                    std::slice::from_ref(&changes),
                    Style { format, color: false, compact: true },
                );
                let one: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                return (format!("{one}\n"), moves);
            }
            let text = diff::render(&[changes], Style { format, color, compact: true });
            // The stack's name is on the summary line just above.
            let text = match text.split_once('\n') {
                Some((head, rest)) => {
                    let head = head.split_once(": ").map_or(head, |(_, counts)| counts);
                    format!("  {head}\n{rest}")
                }
                None => text,
            };
            (text, moves)
        }
        Err(e) => (note(&e, format, &built.stack.name), Vec::new()),
    }
}

/// Why there is no summary; with `--changes json`, a JSON line as every
/// other line there is.
fn note(why: &str, format: Format, stack: &str) -> String {
    if format == Format::Json {
        let note = format!("no change summary: cannot read the previous output ({why})");
        return format!("{}\n", serde_json::json!({ "stack": stack, "note": note }));
    }
    format!(
        "note: no change summary: cannot read the previous output ({})\n",
        printable(why, false)
    )
}
