//! Standard output that may be closed: `tsdsl diff scripts/ | head -1`.
//! `print!` would panic on the closed pipe, after the files were written,
//! and turn a run that did its work into a crash. A reader gone is not an
//! error of the run: what was left to print is dropped, and the exit code
//! says what the run did.

use std::io::Write;

pub(crate) fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("warning: cannot write to standard output: {e}");
        }
    }
}

pub(crate) fn println(text: &str) {
    print(&format!("{text}\n"));
}
