//! `tsdsl watch`: rebuild on every save of the script or anything it read.
//!
//! We watch the folders holding the last run's dependencies (not the files:
//! editors that save by renaming drop file watches) and keep only events on
//! those files. A broken save prints diagnostics and leaves the last good
//! output in place; only a watcher or I/O failure ends the loop.
//!
//! A save can be caught half done (an editor that truncates the file, then
//! writes it). So after a burst of events we wait until the files stop
//! changing, and an output that would lose most of its resources is held
//! back until the same result comes from another save (or `--allow-empty`);
//! one that would be empty is never written without `--allow-empty`.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::diagnostics::{printable, Error, SourceMap};
use crate::emit::OutFile;
use crate::output::OutputDir;
use crate::pipeline::{build, default_out_dir};

use super::args::RunArgs;
use super::config::{build_options, render_options};
use super::report;
use super::run::write_options;

const QUIET: Duration = Duration::from_millis(100);
const MAX_BATCH: Duration = Duration::from_millis(500);
/// Files count as saved once their size and mtime hold this long...
const SETTLE: Duration = Duration::from_millis(250);
/// ...or after this, for a file that keeps changing.
const MAX_SETTLE: Duration = Duration::from_secs(2);

pub fn watch(args: &RunArgs) -> Result<(), Error> {
    let script = &args.common.script;
    let dir = args.out.clone().unwrap_or_else(|| default_out_dir(script));
    let shown = |p: &Path| printable(&p.display().to_string(), false);
    eprintln!("watching {} / writing to {}", shown(script), shown(&dir));
    // Held for as long as we watch: a second writer into the folder is refused.
    let mut out = OutputDir::open(&dir, script, write_options(args))?;
    report::recovery(&out);
    let mut held = None;

    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(script, e))?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    // Watched before the first build: a save made while it runs is seen.
    if let Some(folder) = absolute(script).parent() {
        watcher.watch(folder, RecursiveMode::NonRecursive).map_err(|e| watch_error(folder, e))?;
        watched.insert(folder.to_path_buf());
    }
    loop {
        let deps = compile_once(args, &mut out, &mut held)?;
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
        settle(&files);
        // Events of the save we just waited out: the build reads its end.
        // (Left queued, they would rebuild the same text and confirm an
        // output held back without a new save.)
        while rx.try_recv().is_ok() {}
    }
}

/// One build: diagnostics or a summary, and the files it depended on.
/// `held` is an output kept back because it lost most of the resources.
fn compile_once(
    args: &RunArgs,
    out: &mut OutputDir,
    held: &mut Option<Vec<OutFile>>,
) -> Result<Vec<PathBuf>, Error> {
    let mut opts = build_options(&args.common, Some(args.format));
    opts.out_dir = Some(out.dir().to_path_buf());
    let render = render_options(&args.common);
    let stamp = clock();
    let dir = printable(&out.dir().display().to_string(), false);
    let built = match build(&args.common.script, &opts) {
        Ok(built) => built,
        Err(failure) => {
            match &failure.error {
                // A vanished or unreadable script is worth waiting for too.
                Error::Script { .. } | Error::Io { .. } => {
                    report::error(&failure.error, render);
                    eprintln!("[{stamp}] not written: the last good output in {dir} is kept");
                }
                Error::Usage(_) | Error::Output(_) => return Err(failure.error),
            }
            return Ok(failure.deps);
        }
    };
    report::warnings(&built.diagnostics, &built.sources, render);
    if !out.dir().is_dir() {
        // Deleted while we watched: make it again (and lock the new one).
        *out = OutputDir::open(out.dir(), &args.common.script, write_options(args))?;
    }
    let plan = match out.plan(&built.files) {
        Ok(plan) => plan,
        // A file in the way, an output that would be empty: the operator
        // can fix it and save again.
        Err(e @ Error::Output(_)) => {
            report::error(&e, render);
            eprintln!("[{stamp}] not written: the last good output in {dir} is kept");
            return Ok(built.deps);
        }
        Err(e) => return Err(e),
    };
    let confirmed = held.take().is_some_and(|h| h == built.files);
    if let (Some((before, after)), false) = (plan.counts(), args.allow_empty || confirmed) {
        if after * 2 < before {
            eprintln!(
                "[{stamp}] not written: the output would go from {before} to {after} resources,                  data sources and modules (a save caught half done?); the last good output in                  {dir} is kept: save again to write it, or run watch with `--allow-empty`"
            );
            *held = Some(built.files);
            return Ok(built.deps);
        }
    }
    let renamed = plan.renames(out.dir());
    let written = out.apply(plan)?;
    if let Some(d) = renamed {
        report::warnings(&[d], &SourceMap::default(), render);
    }
    let ms = built.started.elapsed().as_millis();
    let what =
        if written.changed + written.removed == 0 { "unchanged" } else { "compiled successfully" };
    eprintln!("[{stamp}] {what} in {ms} ms: {}", report::summary(&built.stack, &dir, ms));
    Ok(built.deps)
}

/// Waits until no watched file changes size or mtime for [`SETTLE`]: an
/// editor that truncates then writes is not read in between.
fn settle(files: &HashSet<PathBuf>) {
    type Stamp = Option<(u64, Option<SystemTime>)>;
    let snapshot = || {
        let mut s: Vec<(&PathBuf, Stamp)> = files
            .iter()
            .map(|f| (f, std::fs::metadata(f).ok().map(|m| (m.len(), m.modified().ok()))))
            .collect();
        s.sort();
        s
    };
    let started = Instant::now();
    let mut last = snapshot();
    while started.elapsed() < MAX_SETTLE {
        std::thread::sleep(SETTLE);
        let now = snapshot();
        if now == last {
            return;
        }
        last = now;
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
