//! `tsdsl watch`: rebuild on every save of a script or anything it read.
//!
//! `tsdsl watch scripts/staging.rhai` watches one stack; `tsdsl watch
//! scripts/` every stack of the folder (see [`crate::pipeline::folder_scripts`] for which
//! files are stacks and which are modules), each into its own output
//! folder, and a save rebuilds exactly the stacks whose build read the file
//! (a module they import, another stack they read with `stack("shared")`)
//! or looked for it and did not find it (a module not written yet, a
//! `--schema` file).
//!
//! We watch the folders holding those files (not the files: editors that
//! save by renaming drop file watches) and keep only events on the files.
//! A broken save prints diagnostics and leaves the last good output in
//! place; only a watcher or I/O failure ends the loop, and Ctrl-C ends it
//! with exit code 0.
//!
//! A save can be caught half done (an editor that truncates the file, then
//! writes it). So after a burst of events we wait until the files stop
//! changing, and an output that would lose most of its resources is held
//! back until the same result comes from another save (or `--allow-empty`);
//! one that would be empty is never written without `--allow-empty`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::aws::AccountSource;
use crate::builders::Builders;
use crate::diagnostics::{printable, Error, SourceMap};
use crate::emit::OutFile;
use crate::model::Stack;
use crate::output::OutputDir;
use crate::pipeline::{
    default_out_dir, folder_scripts_reusing, on_build_stack, Build, BuildCache, BuildOptions,
    Failure,
};

use super::args::RunArgs;
use super::clock::now_local;
use super::config::{account_source, build_options, render_options};
use super::interrupt;
use super::report;
use super::run::write_options;

const QUIET: Duration = Duration::from_millis(100);
const MAX_BATCH: Duration = Duration::from_millis(500);
/// How often an idle loop looks at the Ctrl-C flag.
const POLL: Duration = Duration::from_millis(100);
/// Files count as saved once their size and mtime hold this long...
const SETTLE: Duration = Duration::from_millis(250);
/// ...or after this, for a file that keeps changing.
const MAX_SETTLE: Duration = Duration::from_secs(2);

type Events = Receiver<notify::Result<Event>>;

/// What is watched: one script, or a folder of them.
enum Target {
    Script(PathBuf),
    Folder(PathBuf),
}

/// One stack being watched and what its last build said.
struct Watched {
    script: PathBuf,
    name: String,
    dir: PathBuf,
    /// Taken when the stack is first seen; `None` if that failed (retried
    /// at its next build).
    out: Option<OutputDir>,
    /// An output kept back because it lost most of the resources.
    held: Option<Vec<OutFile>>,
    /// The last build failed: the next good one says "fixed".
    failed: bool,
    /// Absolute paths of the files its last build read or looked for.
    files: HashSet<PathBuf>,
    /// Those of them it looked for and did not find.
    missing: HashSet<PathBuf>,
}

/// Set (to anything) in the environment, watch prints one line of JSON on
/// stderr after each round of rebuilds: `{"round":N,"stacks":[...],
/// "work_us":N,"cpu_us":N}`, the work done after the debounce (builds,
/// writes, summaries), in wall-clock and in CPU time of the thread doing it
/// (steadier on a busy machine). `bench/watch.sh` reads it.
const STATS_ENV: &str = "TSDSL_WATCH_STATS";

pub fn watch(args: &RunArgs) -> Result<(), Error> {
    // The whole loop runs where builds can run (they need a large native
    // stack), so that what one build computed is reused by the next.
    on_build_stack(|| watch_here(args))?
}

fn watch_here(args: &RunArgs) -> Result<(), Error> {
    let given = &args.common.script;
    let target =
        if given.is_dir() { Target::Folder(tidy(given)) } else { Target::Script(given.clone()) };
    // A script that is not there is a mistyped name, as for `run`: waiting
    // for it would watch nothing, forever.
    if let Target::Script(script) = &target {
        if let Err(e) = std::fs::metadata(script) {
            return Err(Error::io(script, "read the script", e));
        }
    }
    if !interrupt::install() {
        eprintln!("warning: cannot catch Ctrl-C: it ends watch without cleaning up");
    }
    // Made once: STS's answer is kept across rebuilds (see `--refresh-account`).
    let account = account_source(&args.common, true)?;
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(given, e))?;
    let mut watched_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    // Watched before the first build: a save made while it runs is seen.
    let home = match &target {
        Target::Folder(dir) => absolute_dir(dir),
        Target::Script(script) => {
            absolute(script).parent().map(Path::to_path_buf).unwrap_or_default()
        }
    };
    watcher.watch(&home, RecursiveMode::NonRecursive).map_err(|e| watch_error(&home, e))?;
    watched_dirs.insert(home.clone());
    // And the folder around it: a watch belongs to the folder it was made
    // on, so one deleted and made again (or moved away and back) would
    // otherwise go unseen, every later save with it.
    if let Some(parent) = home.parent() {
        let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
        watched_dirs.insert(parent.to_path_buf());
    }

    // Kept for the whole watch, as are the builders' own: a save of one
    // file recompiles that file only. This one reads the folder's imports.
    let cache = BuildCache::new();
    let mut builders = Builders::new();
    let mut stacks: BTreeMap<PathBuf, Watched> = BTreeMap::new();
    let first = discover(&target, args, &mut stacks, true, &cache)?;
    announce(&target, args, &first);
    let mut pending: BTreeSet<PathBuf> = stacks.keys().cloned().collect();
    let mut looked_again = false;
    let stats = std::env::var_os(STATS_ENV).is_some();
    let mut round = 0u64;
    loop {
        let started = Instant::now();
        let cpu_started = thread_cpu_us();
        let stamp = now_local();
        let keys: Vec<&PathBuf> = pending.iter().filter(|k| stacks.contains_key(*k)).collect();
        let jobs = keys
            .iter()
            .map(|k| (stacks[*k].script.clone(), stack_options(args, &stacks[*k], &account)))
            .collect();
        // Side by side; reported and written one by one, in order.
        builders.build_each(jobs, |i, result| match stacks.get_mut(keys[i]) {
            Some(stack) => finish(args, stack, &stamp, result),
            None => Ok(()),
        })?;
        update_watches(&mut watcher, &mut watched_dirs, &home, &stacks)?;
        cache.sweep();
        builders.sweep();
        if stats {
            round += 1;
            let names: Vec<String> =
                pending.iter().filter_map(|k| stacks.get(k)).map(|s| s.name.clone()).collect();
            let line = serde_json::json!({
                "round": round,
                "stacks": names,
                "work_us": started.elapsed().as_micros() as u64,
                "cpu_us": thread_cpu_us().saturating_sub(cpu_started),
            });
            eprintln!("{line}");
        }
        // A file looked for may have appeared while we built: no event
        // will come for it any more. (Once: a file the build still cannot
        // find waits for its next event.)
        pending = stacks
            .iter()
            .filter(|(_, s)| !looked_again && s.missing.iter().any(|f| f.exists()))
            .map(|(k, _)| k.clone())
            .collect();
        looked_again = !pending.is_empty();
        if looked_again {
            continue;
        }
        let Some(mut changed) = wait_for_change(&rx, &stacks, &target, &home)? else {
            return Ok(());
        };
        // The folder itself came (back) or went: watched again at once, so
        // that no save in it is missed, and every stack is built again.
        let home_again = changed.contains(&home);
        if home_again {
            let _ = watcher.watch(&home, RecursiveMode::NonRecursive);
        }
        let settling: HashSet<PathBuf> = stacks
            .values()
            .filter(|s| home_again || s.files.iter().any(|f| changed.contains(f)))
            .flat_map(|s| s.files.iter().cloned())
            .chain(changed.iter().cloned())
            .collect();
        settle(&settling);
        // Events of the save we just waited out: the build reads its end.
        // (Left queued, they would rebuild the same text and confirm an
        // output held back without a new save.)
        while let Ok(event) = rx.try_recv() {
            changed.extend(relevant(event).unwrap_or_default());
        }
        if let Target::Folder(_) = target {
            if home_again || changed.iter().any(|p| is_top_level_script(p, &home)) {
                // A folder that cannot be read now (deleted, renamed) keeps
                // its stacks until it can.
                match discover(&target, args, &mut stacks, false, &cache) {
                    Ok(found) => pending.extend(found.added),
                    Err(e) => report::error(&e, render_options(&args.common)),
                }
            }
        }
        for (key, stack) in &stacks {
            if home_again || stack.files.iter().any(|f| changed.contains(f)) {
                pending.insert(key.clone());
            }
        }
    }
}

/// CPU time this thread has used, in microseconds (0 if unknown).
fn thread_cpu_us() -> u64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec to write to; the clock id is a constant.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } != 0 {
        return 0;
    }
    t.tv_sec as u64 * 1_000_000 + t.tv_nsec as u64 / 1_000
}

/// Stacks added and dropped by one look at the folder, and its modules.
#[derive(Default)]
struct Discovered {
    added: Vec<PathBuf>,
    modules: Vec<PathBuf>,
}

/// Brings `stacks` in line with the target's stacks. At start (`first`),
/// an output folder that cannot be taken ends the watch; later the stack
/// reports it at its build.
fn discover(
    target: &Target,
    args: &RunArgs,
    stacks: &mut BTreeMap<PathBuf, Watched>,
    first: bool,
    cache: &BuildCache,
) -> Result<Discovered, Error> {
    let (scripts, modules) = match target {
        Target::Script(s) => (vec![s.clone()], Vec::new()),
        Target::Folder(dir) => {
            let found = folder_scripts_reusing(dir, cache)?;
            (found.stacks, found.modules)
        }
    };
    let mut seen = Discovered { modules, ..Discovered::default() };
    let stamp = now_local();
    let keep: HashSet<&PathBuf> = scripts.iter().collect();
    stacks.retain(|script, s| {
        let stays = keep.contains(script);
        if !stays {
            let why =
                if seen.modules.contains(script) { "imported as a module" } else { "deleted" };
            eprintln!(
                "[{stamp}] {}: no longer a stack ({why}): {} is left as it is",
                printable(&s.name, false),
                shown(&s.dir)
            );
        }
        stays
    });
    for script in scripts {
        if stacks.contains_key(&script) {
            continue;
        }
        let dir = match (target, &args.out) {
            (Target::Script(_), Some(out)) => out.clone(),
            (Target::Folder(_), Some(out)) => out.join(stem(&script)),
            (_, None) => default_out_dir(&script),
        };
        // Held for as long as we watch: a second writer into the folder is refused.
        let out = match OutputDir::open(&dir, &script, write_options(args)) {
            Ok(out) => {
                report::recovery(&out);
                Some(out)
            }
            Err(e) if first => return Err(e),
            Err(_) => None,
        };
        let files = HashSet::from([absolute(&script)]);
        let name = stem(&script);
        let (held, failed, missing) = (None, false, HashSet::new());
        let w = Watched { script: script.clone(), name, dir, out, held, failed, files, missing };
        stacks.insert(script.clone(), w);
        seen.added.push(script);
    }
    Ok(seen)
}

fn announce(target: &Target, args: &RunArgs, found: &Discovered) {
    match target {
        Target::Script(script) => {
            let dir = args.out.clone().unwrap_or_else(|| default_out_dir(script));
            eprintln!("watching {} / writing to {}", shown(script), shown(&dir));
        }
        Target::Folder(dir) => {
            let names = |v: &[PathBuf]| v.iter().map(|p| stem(p)).collect::<Vec<_>>().join(", ");
            let modules = if found.modules.is_empty() {
                String::new()
            } else {
                format!("; modules: {}", names(&found.modules))
            };
            let out = match &args.out {
                Some(o) => o.join("<stack>"),
                None => default_out_dir(Path::new("<stack>")),
            };
            let stacks = match names(&found.added) {
                n if n.is_empty() => "no stacks yet".to_owned(),
                n => format!("stacks: {}", printable(&n, false)),
            };
            eprintln!("watching {} ({stacks}{modules}) / writing to {}", shown(dir), shown(&out));
        }
    }
}

/// One build of one stack: diagnostics, then one status line.
/// What a build of `stack` is given.
fn stack_options(args: &RunArgs, stack: &Watched, account: &AccountSource) -> BuildOptions {
    let mut opts = build_options(&args.common, Some(args.format), account.clone());
    opts.out_dir = Some(stack.dir.clone());
    opts
}

/// Reports a build of `stack` and writes it: its status line, its change
/// summary, or its error with the last good output kept.
fn finish(
    args: &RunArgs,
    stack: &mut Watched,
    stamp: &str,
    result: Result<Build, Failure>,
) -> Result<(), Error> {
    let render = render_options(&args.common);
    let name = printable(&stack.name, false);
    let dir = shown(&stack.dir);
    // Only where there is one: an output folder never written has none.
    let kept = if stack.dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        format!("the last good output in {dir} is kept")
    } else {
        format!("nothing written to {dir}")
    };
    let built = match result {
        Ok(built) => built,
        Err(failure) => {
            report::error(&failure.error, render);
            eprintln!("[{stamp}] {name}: error, {kept}");
            stack.failed = true;
            stack.record(&failure.files.deps, &failure.files.missing);
            return Ok(());
        }
    };
    stack.record(&built.deps, &built.missing);
    report::warnings(&built.diagnostics, &built.sources, render);
    let out = match stack.out.as_mut() {
        // Deleted while we watched: make it again (and lock the new one).
        Some(out) if out.dir().is_dir() => out,
        _ => match OutputDir::open(&stack.dir, &stack.script, write_options(args)) {
            Ok(out) => stack.out.insert(out),
            Err(e) => {
                report::error(&e, render);
                eprintln!("[{stamp}] {name}: error, {kept}");
                stack.failed = true;
                return Ok(());
            }
        },
    };
    let plan = match out.plan(&built.files) {
        Ok(plan) => plan,
        // A file in the way, an output that would be empty: the operator
        // can fix it and save again.
        Err(e @ Error::Output(_)) => {
            report::error(&e, render);
            eprintln!("[{stamp}] {name}: not written, {kept}");
            stack.failed = true;
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let confirmed = stack.held.take().is_some_and(|h| h == built.files);
    if let (Some((before, after)), false) = (plan.counts(), args.allow_empty || confirmed) {
        if after * 2 < before {
            eprintln!(
                "[{stamp}] {name}: not written: the output would go from {before} to {after} \
                 resources, data sources and modules (a save caught half done?); {kept}: save \
                 again to write it, or run watch with `--allow-empty`"
            );
            stack.held = Some(built.files);
            return Ok(());
        }
    }
    let changes = super::changes::before_write(out.dir(), &built, args, true);
    let renamed = plan.renames(out.dir(), &built.stack.moved_from(), changes.moves());
    let written = out.apply(plan)?;
    if let Some(d) = renamed {
        report::warnings(&[d], &SourceMap::default(), render);
    }
    let ms = built.started.elapsed().as_millis();
    let what = match (std::mem::take(&mut stack.failed), written.changed + written.removed) {
        (true, 0) => "fixed, unchanged",
        (true, _) => "fixed, written",
        (false, 0) => "unchanged",
        (false, _) => "written",
    };
    eprintln!("[{stamp}] {name}: {what} in {ms} ms: {}", counts(&built.stack));
    // What the save added, removed and changed, under its status line.
    changes.print();
    Ok(())
}

fn counts(stack: &Stack) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}, {}",
        plural(stack.resource_count(), "resource"),
        plural(stack.data_count(), "data source"),
        plural(stack.variables.len(), "variable"),
        plural(stack.outputs.len(), "output"),
    )
}

/// Watches the folders of every stack's files (for a file whose folder is
/// missing too, the nearest folder that exists), and only those.
fn update_watches(
    watcher: &mut RecommendedWatcher,
    watched: &mut BTreeSet<PathBuf>,
    home: &Path,
    stacks: &BTreeMap<PathBuf, Watched>,
) -> Result<(), Error> {
    let mut folders: BTreeSet<PathBuf> = BTreeSet::from([home.to_path_buf()]);
    // Watched for `home` itself (see `watch_here`), at best: a folder we may
    // not watch does not end the watch.
    let around = home.parent().map(Path::to_path_buf);
    folders.extend(around.clone());
    for file in stacks.values().flat_map(|s| s.files.iter()) {
        if let Some((dir, _)) = trigger(file) {
            folders.insert(dir);
        }
    }
    for stale in watched.difference(&folders) {
        let _ = watcher.unwatch(stale);
    }
    // Every folder again, not only new ones: a folder deleted and made
    // again lost its watch with its old inode.
    for dir in &folders {
        if let Err(e) = watcher.watch(dir, RecursiveMode::NonRecursive) {
            // Deleted since we looked: its parent is watched instead at
            // the next build.
            if dir.is_dir() && Some(dir) != around.as_ref() {
                return Err(watch_error(dir, e));
            }
        }
    }
    *watched = folders;
    Ok(())
}

/// The folder to watch for `file`, and the path in it whose events count:
/// `file` itself, or the first missing folder on the way to it.
fn trigger(file: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut path = file;
    loop {
        let dir = path.parent()?;
        if dir.is_dir() {
            return Some((dir.to_path_buf(), path.to_path_buf()));
        }
        path = dir;
    }
}

/// Blocks until a file some stack depends on changes (or, for a folder, a
/// script appears in it, or `home` itself comes or goes); batches a burst of events (an editor saving
/// several files) into one rebuild. Returns the paths that changed, `None`
/// on Ctrl-C.
fn wait_for_change(
    rx: &Events,
    stacks: &BTreeMap<PathBuf, Watched>,
    target: &Target,
    home: &Path,
) -> Result<Option<HashSet<PathBuf>>, Error> {
    let mut triggers: HashSet<PathBuf> = HashSet::new();
    for file in stacks.values().flat_map(|s| s.files.iter()) {
        triggers.insert(file.clone());
        if let Some((_, t)) = trigger(file) {
            triggers.insert(t);
        }
    }
    let folder = matches!(target, Target::Folder(_));
    let counts =
        |p: &PathBuf| triggers.contains(p) || p == home || (folder && is_top_level_script(p, home));
    let mut changed = HashSet::new();
    loop {
        if interrupt::interrupted() {
            return Ok(None);
        }
        let event = match rx.recv_timeout(POLL) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Err(watcher_gone()),
        };
        let Some(paths) = relevant(event) else { continue };
        if !paths.iter().any(counts) {
            continue;
        }
        changed.extend(paths);
        let started = Instant::now();
        while started.elapsed() < MAX_BATCH {
            match rx.recv_timeout(QUIET) {
                Ok(event) => changed.extend(relevant(event).unwrap_or_default()),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Err(watcher_gone()),
            }
        }
        return Ok(Some(changed));
    }
}

/// The absolute paths an event is about, if it can change a file's content.
/// A watcher error is reported (the watch goes on: the next save of the
/// file may still be seen).
fn relevant(event: notify::Result<Event>) -> Option<Vec<PathBuf>> {
    let event = match event {
        Ok(event) => event,
        Err(e) => {
            let paths: Vec<String> = e.paths.iter().map(|p| shown(p)).collect();
            let on =
                if paths.is_empty() { String::new() } else { format!(" ({})", paths.join(", ")) };
            eprintln!(
                "[{}] warning: the file watcher reported an error{on}: {}",
                now_local(),
                printable(&e.to_string(), true)
            );
            return None;
        }
    };
    if matches!(
        event.kind,
        EventKind::Access(_) | EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    ) {
        return None;
    }
    Some(event.paths.iter().map(|p| absolute(p)).collect())
}

/// Waits until no file of `files` changes size or mtime for [`SETTLE`]: an
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

fn is_top_level_script(path: &Path, home: &Path) -> bool {
    path.parent() == Some(home) && path.extension().is_some_and(|e| e == "rhai")
}

impl Watched {
    /// What the last build read and looked for: the next watch set.
    fn record(&mut self, deps: &[PathBuf], missing: &[PathBuf]) {
        self.missing = missing.iter().map(|p| absolute(p)).collect();
        let read: Vec<PathBuf> =
            std::iter::once(&self.script).chain(deps).map(|p| absolute(p)).collect();
        // A file that is a symlink is saved through its target: the target
        // (in its own folder, maybe outside this one) is watched too.
        let targets: Vec<PathBuf> = read
            .iter()
            .filter(|p| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()))
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        self.files = read.into_iter().chain(targets).chain(self.missing.iter().cloned()).collect();
    }
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

fn absolute_dir(dir: &Path) -> PathBuf {
    dir.canonicalize().unwrap_or_else(|_| absolute(dir))
}

/// The folder as the operator wrote it, without a leading `./`, so a
/// stack's files record the same script as `tsdsl run scripts/x.rhai`.
fn tidy(dir: &Path) -> PathBuf {
    let rest: PathBuf = dir.components().skip_while(|c| matches!(c, Component::CurDir)).collect();
    if rest.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        rest
    }
}

fn stem(script: &Path) -> String {
    script.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn shown(p: &Path) -> String {
    printable(&p.display().to_string(), false)
}

fn watcher_gone() -> Error {
    Error::Usage("the file watcher stopped: no more saves can be seen".into())
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::io(path, "watch", std::io::Error::other(e.to_string()))
}
