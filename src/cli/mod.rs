//! The command line: clap parses, the library works, this module prints
//! and maps errors to exit codes (0 ok, 1 script errors, 2 usage or I/O).

mod args;
mod changes;
mod clock;
mod config;
mod diff;
mod interrupt;
mod report;
mod run;
mod stdlib;
mod watch;
mod whoami;

use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;

pub fn main() -> ExitCode {
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
        args::Command::Whoami(a) => (whoami::whoami(a), Default::default()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report::error(&e, render);
            ExitCode::from(e.exit_code())
        }
    }
}
