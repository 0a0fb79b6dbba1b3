//! The command line: clap parses, the library works, this module prints
//! and maps errors to exit codes (0 ok, 1 script errors, 2 usage or I/O,
//! 70 internal errors: defects of tsdsl itself; `diff` uses 3 for "changes").

mod args;
mod changes;
mod clock;
mod config;
mod diff;
mod interrupt;
mod report;
mod run;
mod stdlib;
mod stdout;
mod watch;
mod whoami;

use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;

pub fn main() -> ExitCode {
    // A bug is said as one, in one line, and exits 70 (not Rust's 101 with
    // its own text); files are written atomically, so none is half-written.
    // The hook only keeps what and where: a panic caught on the way (the
    // AWS SDK's, in `aws::lookup`) says nothing.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at =
            info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{what}{at}"));
        }
    }));
    match std::panic::catch_unwind(dispatch) {
        Ok(code) => code,
        Err(_) => {
            let what = LAST_PANIC.lock().ok().and_then(|mut l| l.take()).unwrap_or_default();
            eprintln!("error: internal error: {what}; this is a bug in tsdsl, please report it");
            ExitCode::from(70)
        }
    }
}

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn dispatch() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let args: Vec<String> = std::env::args().collect();
            report::usage(&e, &args);
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let (result, render) = match &cli.command {
        args::Command::Run(a) => (run::run(a), config::render_options(&a.common)),
        args::Command::Check(a) => (run::check(a), config::render_options(a)),
        args::Command::Watch(a) => (watch::watch(a), config::render_options(&a.common)),
        args::Command::Stdlib(a) => (stdlib::stdlib(a), Default::default()),
        args::Command::Diff(a) => match diff::diff(a) {
            Ok(true) => return ExitCode::from(3),
            other => (other.map(|_| ()), config::render_options(&a.common)),
        },
        args::Command::Whoami(a) => (whoami::whoami(a), whoami::render_options(a)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report::error(&e, render);
            ExitCode::from(e.exit_code())
        }
    }
}
