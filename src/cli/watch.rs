//! `tsdsl watch`: rebuild on every save of the script or anything it read.
//!
//! We watch the folders holding the last run's dependencies (not the files:
//! editors that save by renaming drop file watches) and keep only events on
//! those files. A broken save prints diagnostics and leaves the last good
//! output in place; only a watcher or I/O failure ends the loop.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::diagnostics::Error;
use crate::pipeline::{build, default_out_dir, write};

use super::args::RunArgs;
use super::config::{build_options, render_options};
use super::report;

const QUIET: Duration = Duration::from_millis(100);
const MAX_BATCH: Duration = Duration::from_millis(500);

pub fn watch(args: &RunArgs) -> Result<(), Error> {
    let script = &args.common.script;
    let dir = args.out.clone().unwrap_or_else(|| default_out_dir(script));
    eprintln!("watching {} / writing to {}", script.display(), dir.display());

    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(script, e))?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        let deps = compile_once(args, &dir)?;
        let files: HashSet<PathBuf> =
            deps.iter().chain(std::iter::once(script)).map(|p| absolute(p)).collect();
        let folders: BTreeSet<PathBuf> =
            files.iter().filter_map(|f| f.parent().map(Path::to_path_buf)).collect();
        for stale in watched.difference(&folders) {
            let _ = watcher.unwatch(stale);
        }
        for new in folders.difference(&watched) {
            watcher.watch(new, RecursiveMode::NonRecursive).map_err(|e| watch_error(new, e))?;
        }
        watched = folders;
        if !wait_for_change(&rx, &files)? {
            return Ok(());
        }
    }
}

/// One build: diagnostics or a summary, and the files it depended on.
fn compile_once(args: &RunArgs, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let opts = build_options(&args.common, Some(args.format));
    let render = render_options(&args.common);
    let stamp = clock();
    match build(&args.common.script, &opts) {
        Ok(built) => {
            report::warnings(&built.diagnostics, &built.sources, render);
            let changes = super::changes::before_write(dir, &built, args, true);
            let written = write(&built.files, dir)?;
            let ms = built.started.elapsed().as_millis();
            let what = if written.changed + written.removed == 0 {
                "unchanged"
            } else {
                "compiled successfully"
            };
            eprintln!(
                "[{stamp}] {what} in {ms} ms: {}",
                report::summary(&built.stack, &dir.display().to_string(), ms)
            );
            changes.print();
            Ok(built.deps)
        }
        Err(failure) => {
            match &failure.error {
                // A vanished or unreadable script is worth waiting for too.
                Error::Script { .. } | Error::Io { .. } => {
                    report::error(&failure.error, render);
                    eprintln!(
                        "[{stamp}] not written: the last good output in {} is kept",
                        dir.display()
                    );
                }
                Error::Usage(_) => return Err(failure.error),
            }
            Ok(failure.deps)
        }
    }
}

/// Blocks until a dependency changes; batches a burst of events (an editor
/// saving several files) into one rebuild. False when the watcher is gone.
fn wait_for_change(
    rx: &Receiver<notify::Result<Event>>,
    files: &HashSet<PathBuf>,
) -> Result<bool, Error> {
    loop {
        let Ok(first) = rx.recv() else { return Ok(false) };
        if !relevant(&first, files) {
            continue;
        }
        let started = Instant::now();
        while started.elapsed() < MAX_BATCH {
            match rx.recv_timeout(QUIET) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(false),
            }
        }
        return Ok(true);
    }
}

fn relevant(event: &notify::Result<Event>, files: &HashSet<PathBuf>) -> bool {
    let Ok(event) = event else { return false };
    if matches!(
        event.kind,
        EventKind::Access(_) | EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    ) {
        return false;
    }
    event.paths.iter().any(|p| files.contains(&absolute(p)))
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    // Canonicalise the folder only: the file itself may be mid-rename.
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)).unwrap_or(abs),
        _ => abs,
    }
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::io(path, "watch", std::io::Error::other(e.to_string()))
}

fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{:02}:{:02}:{:02}", (secs / 3600) % 24, (secs / 60) % 60, secs % 60)
}
