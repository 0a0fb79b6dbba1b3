//! The change summary printed after `run` and each `watch` rebuild: per
//! stack, the addresses added, removed and changed (with the attribute
//! paths, old -> new), computed against what the output folder held before
//! the write. Only the call sites live in `run.rs` and `watch.rs`.

use std::io::IsTerminal;
use std::path::Path;

use crate::diagnostics::printable;
use crate::diff::{self, Format, Style};
use crate::pipeline::Build;
use crate::schema::Schemas;

use super::args::{ChangesArg, ColorArg, RunArgs};

/// A summary computed before the write, printed after it succeeded.
#[must_use]
pub struct Pending {
    text: String,
    stdout: bool,
}

impl Pending {
    pub fn print(self) {
        if self.stdout {
            print!("{}", self.text);
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
    Pending { text: summary(dir, built, args, !stdout), stdout }
}

fn summary(dir: &Path, built: &Build, args: &RunArgs, to_stderr: bool) -> String {
    let format = match args.changes {
        ChangesArg::None => return String::new(),
        ChangesArg::Text => Format::Text,
        ChangesArg::Json => Format::Json,
    };
    let old = match diff::generated_files(dir) {
        Ok(files) => files,
        Err(e) => return note(&e.to_string()),
    };
    // The secrets check ran in the build; only changed blocks' types are read here.
    let schemas = Schemas::embedded();
    match diff::stack_changes(&built.stack.name, &old, &built.files, &schemas, false) {
        Ok(changes) => {
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
                return format!("{one}\n");
            }
            let text = diff::render(&[changes], Style { format, color, compact: true });
            // The stack's name is on the summary line just above.
            match text.split_once('\n') {
                Some((head, rest)) => {
                    let head = head.split_once(": ").map_or(head, |(_, counts)| counts);
                    format!("  {head}\n{rest}")
                }
                None => text,
            }
        }
        Err(e) => note(&e),
    }
}

fn note(why: &str) -> String {
    format!(
        "note: no change summary: cannot read the previous output ({})\n",
        printable(why, false)
    )
}
