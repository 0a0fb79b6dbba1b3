//! Writing the generated files: all of them or none, never someone else's.
//!
//! The output folder also holds what tsdsl did not write (`.terraform/`,
//! `.terraform.lock.hcl`, tfvars, hand-written `.tf` files); those stay as
//! they are. Of the files tsdsl generated, a crash or a full disk leaves
//! either all the old ones or all the new ones, at the latest once the next
//! tsdsl command into the folder has started ([`journal`]). One writer at a
//! time holds the folder ([`folder::lock`]). A file is replaced or removed
//! only if its first line says tsdsl generated it from this very script
//! ([`owner`]).

mod addresses;
mod folder;
mod journal;
mod owner;
pub use owner::recorded_path;

/// The longest file name Linux and macOS file systems take, in bytes.
const MAX_FILE_NAME: usize = 255;

pub(crate) use owner::read_generated;
mod renames;
mod steps;

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Error};
use crate::emit::OutFile;
use addresses::Address;
use folder::refuse;
use owner::Found;
use steps::Steps;

/// What the operator allows beyond the safe default.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Let an output become empty (every generated file removed).
    pub allow_empty: bool,
    /// Let the output go to the home folder or a folder above the script's.
    pub force_dir: bool,
}

/// What a write did, for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The output folder, checked, locked against other writers and cleared of
/// what an interrupted run left, for as long as this value lives.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    script: PathBuf,
    opts: WriteOptions,
    /// The folder's own handle: holds the lock and `fsync`s its entries.
    folder: File,
    steps: Steps,
    /// Opening finished a write that a crash had interrupted.
    pub finished_interrupted: bool,
    /// Temporary files of crashed runs that opening deleted.
    pub cleaned: usize,
    /// Why the folder could not be locked, if it could not.
    pub unlocked: Option<String>,
}

impl OutputDir {
    /// Creates the folder if needed, then as [`OutputDir::open_existing`].
    pub fn open(dir: &Path, script: &Path, opts: WriteOptions) -> Result<OutputDir, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the output folder", e))?;
        Self::lock(dir, script, opts)
    }

    /// Opens the folder if it exists (`None` if not: a run that fails then
    /// leaves nothing behind): refuses `/`, the home folder and folders above
    /// the script's (the last two unless forced), takes the lock, finishes
    /// an interrupted write and deletes stale temporary files.
    pub fn open_existing(
        dir: &Path,
        script: &Path,
        opts: WriteOptions,
    ) -> Result<Option<OutputDir>, Error> {
        if !dir.is_dir() {
            return Ok(None);
        }
        Self::lock(dir, script, opts).map(Some)
    }

    fn lock(dir: &Path, script: &Path, opts: WriteOptions) -> Result<OutputDir, Error> {
        folder::check_place(dir, script, opts.force_dir)?;
        let (folder, unlocked) = folder::lock(dir)?;
        let mut steps = Steps::from_env();
        let finished_interrupted = finish_pending(dir, &folder, &mut steps)?;
        let cleaned =
            journal::clean(dir).map_err(|e| Error::io(dir, "clean up the output folder", e))?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            script: script.to_path_buf(),
            opts,
            folder,
            steps,
            finished_interrupted,
            cleaned,
            unlocked,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Compares `files` with what the folder holds and decides what to
    /// replace, keep and remove. Refuses (all reasons at once) when a file
    /// in the way is not tsdsl's, when another script's output shares the
    /// folder, or when the output would become empty without
    /// [`WriteOptions::allow_empty`]. Writes nothing.
    pub fn plan<'f>(&mut self, files: &'f [OutFile]) -> Result<Plan<'f>, Error> {
        // A name the file system refuses would fail half way through the
        // renames, after the journal's commit: refused before anything moves.
        if let Some(f) = files.iter().find(|f| f.name.len() > MAX_FILE_NAME) {
            let shown: String = f.name.chars().take(40).collect();
            return Err(refuse(
                Code::OutputFileNameTooLong,
                format!(
                    "the output file `{shown}...` would have a name of {} bytes, more than the {MAX_FILE_NAME} a file name holds",
                    f.name.len()
                ),
                "an output file is named after the module whose calls made its blocks: give that \
                 module a shorter file name",
            ));
        }
        // A write of ours that failed half way (watch goes on after one).
        finish_pending(&self.dir, &self.folder, &mut self.steps)?;
        let mine = generated_by(&self.dir, &self.script, files)?;
        if files.is_empty() && !mine.is_empty() && !self.opts.allow_empty {
            let n = mine.len();
            return Err(refuse(
                Code::OutputWouldBeEmpty,
                format!(
                    "the script declares nothing: writing it would remove the {n} file{} tsdsl \
                     generated in `{}`",
                    if n == 1 { "" } else { "s" },
                    self.dir.display()
                ),
                "pass `--allow-empty` if the output should really be empty",
            ));
        }
        let writes: Vec<&OutFile> =
            files.iter().filter(|f| mine.get(&f.name) != Some(&f.contents)).collect();
        let removes: Vec<String> =
            mine.keys().filter(|n| !files.iter().any(|f| &f.name == *n)).cloned().collect();
        // The new output's addresses are read only when asked for: a first
        // run has no previous address that could have been renamed.
        let before = if writes.is_empty() && removes.is_empty() {
            None
        } else {
            all(mine.iter().map(|(n, t)| addresses::of_file(n, t)))
        };
        let unchanged = files.len() - writes.len();
        Ok(Plan { files, writes, unchanged, removes, before, after: OnceCell::new() })
    }

    /// Replaces the generated files as one (see [`journal`]).
    pub fn apply(&mut self, plan: Plan) -> Result<Written, Error> {
        let written = Written {
            changed: plan.writes.len(),
            unchanged: plan.unchanged,
            removed: plan.removes.len(),
        };
        if plan.is_noop() {
            return Ok(written);
        }
        let dir = self.dir.clone();
        let mut staged = Vec::new();
        for f in &plan.writes {
            let tmp = journal::stage(&dir, f.contents.as_bytes(), &mut self.steps)
                .map_err(|e| not_written(&dir.join(&f.name), &dir, &e))?;
            staged.push((tmp, f.name.clone()));
        }
        let replace = staged
            .iter()
            .map(|(t, n)| {
                let tmp = t.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
                (tmp, n.clone())
            })
            .collect();
        let j = journal::Journal { replace, remove: plan.removes };
        // Kept from here on: once the journal is committed it needs them.
        for (t, _) in &mut staged {
            t.disable_cleanup(true);
        }
        if let Err(e) = journal::commit(&dir, &self.folder, &j, &mut self.steps) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t.path());
            }
            return Err(not_written(&dir.join(journal::JOURNAL), &dir, &e));
        }
        drop(staged);
        journal::apply(&dir, &self.folder, &j, &mut self.steps)
            .map_err(|e| unfinished(&dir, &e))?;
        Ok(written)
    }
}

/// What a write will do, decided before anything is written.
#[derive(Debug)]
pub struct Plan<'f> {
    writes: Vec<&'f OutFile>,
    unchanged: usize,
    removes: Vec<String>,
    /// The whole new output, of which `writes` is the part that changes.
    files: &'f [OutFile],
    /// Addresses of the previous output; `None` when nothing changes or a
    /// file could not be read back.
    before: Option<Vec<Address>>,
    /// Those of the new output, read from `files` on first use.
    after: OnceCell<Option<Vec<Address>>>,
}

impl Plan<'_> {
    /// Nothing to replace or remove.
    pub fn is_noop(&self) -> bool {
        self.writes.is_empty() && self.removes.is_empty()
    }

    /// How many resources, data sources and modules the previous and the
    /// new output declare, when something changes.
    pub fn counts(&self) -> Option<(usize, usize)> {
        let before = self.before.as_ref()?.len();
        Some((before, self.after()?.len()))
    }

    fn after(&self) -> Option<&Vec<Address>> {
        self.after
            .get_or_init(|| {
                self.before.as_ref()?;
                all(self.files.iter().map(|f| addresses::of_file(&f.name, &f.contents)))
            })
            .as_ref()
    }

    /// A warning for addresses that look renamed, with the `moved(...)`
    /// lines that keep their objects. `moved_from` are the old addresses the
    /// script already moves: those are no surprise. `told` are `(from, to)`
    /// pairs the operator is already shown a `moved` line for.
    pub fn renames(
        &self,
        dir: &Path,
        moved_from: &[String],
        told: &[(String, String)],
    ) -> Option<Diagnostic> {
        let before = self.before.as_ref()?;
        // Nothing was there before (a first run): nothing can have been renamed.
        if before.is_empty() {
            return None;
        }
        // Sets, not lists: a rename of 10,000 blocks compared each pair with
        // every line told (5 s).
        let moved_from: HashSet<&str> = moved_from.iter().map(String::as_str).collect();
        let told: HashSet<(&str, &str)> =
            told.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
        let before: Vec<Address> = before
            .iter()
            .filter(|a| !moved_from.contains(a.to_string().as_str()))
            .cloned()
            .collect();
        let mut pairs = renames::likely(&before, self.after()?);
        pairs.retain(|(from, to)| {
            !told.contains(&(from.to_string().as_str(), to.to_string().as_str()))
        });
        renames::warning(&pairs, dir)
    }
}

/// The addresses of several files, if every one of them could be read.
fn all(per_file: impl Iterator<Item = Option<Vec<Address>>>) -> Option<Vec<Address>> {
    per_file.collect::<Option<Vec<_>>>().map(|v| v.concat())
}

/// The names of the files in `dir` that tsdsl generated (from any script),
/// read no further than their marker: what `diff` tells the format by.
pub fn generated_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| owner::is_config_name(n) && owner::is_generated(&dir.join(n)))
        .collect();
    names.sort();
    names
}

/// The files of `dir` that `script` generated (name and text), for the
/// writer to replace and for `diff` to compare with. Refused, all reasons at
/// once, when another script's output shares the folder or a file `files`
/// would replace is not tsdsl's: what `run` refuses, `diff` must not call
/// "no changes".
pub fn generated_by(
    dir: &Path,
    script: &Path,
    files: &[OutFile],
) -> Result<BTreeMap<String, String>, Error> {
    // The script as the new files record it: an old file recording the
    // very same text is ours, however the marker's format evolves.
    let current = files.first().and_then(|f| owner::recorded_script(&f.name, &f.contents));
    let mut names = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(dir, "list the output folder", e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, "list the output folder", e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if owner::is_config_name(&name) {
            names.push(name);
        }
    }
    names.sort();
    let mut mine = BTreeMap::new();
    let mut refusals = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let found = owner::classify(&path, script, current.as_deref())
            .map_err(|e| Error::io(&path, "read", e))?;
        match found {
            Found::Mine(text) => {
                mine.insert(name, text);
            }
            Found::Other(recorded) => refusals.push(other_script(dir, script, &path, &recorded)),
            Found::Foreign if files.iter().any(|f| f.name == name) => {
                refusals.push(not_generated(&path, dir));
            }
            Found::Foreign => {}
        }
    }
    if !refusals.is_empty() {
        return Err(Error::Output(refusals));
    }
    Ok(mine)
}

fn other_script(dir: &Path, script: &Path, path: &Path, recorded: &str) -> Diagnostic {
    let recorded = &owner::shown_from_here(dir, recorded);
    Diagnostic::error(
        Code::OutputOtherScript,
        format!(
            "`{}` was generated from `{recorded}`, not from `{}`",
            path.display(),
            script.display()
        ),
    )
    .help(format!(
        "give each script its own output folder with `-o`; if `{recorded}` became this \
         script, delete its files from `{}` first",
        dir.display()
    ))
}

fn not_generated(path: &Path, dir: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::OutputNotGenerated,
        format!("refusing to replace `{}`: tsdsl did not write it", path.display()),
    )
    .help(format!(
        "its first line is not `# Generated by tsdsl from ...`; move it out of `{}` or rename \
         it (tsdsl leaves other names alone), or write the stack elsewhere with `-o`",
        dir.display()
    ))
}

/// Carries out the journal an interrupted write left, if any; true if
/// there was one.
fn finish_pending(dir: &Path, folder: &File, steps: &mut Steps) -> Result<bool, Error> {
    match journal::pending(dir) {
        Ok(None) => Ok(false),
        Ok(Some(j)) => {
            journal::apply(dir, folder, &j, steps).map_err(|e| unfinished(dir, &e))?;
            Ok(true)
        }
        Err(why) => Err(refuse(
            Code::OutputBadJournal,
            format!(
                "`{}` is not a journal tsdsl wrote: {why}",
                dir.join(journal::JOURNAL).display()
            ),
            "if no tsdsl run into this folder was interrupted, delete the file",
        )),
    }
}

/// A failure before the commit: nothing was replaced.
fn not_written(path: &Path, dir: &Path, e: &std::io::Error) -> Error {
    Error::Output(vec![Diagnostic::error(
        Code::OutputNotWritten,
        format!("cannot write `{}`: {}", path.display(), plain(e)),
    )
    .help(format!("nothing was replaced: the previous output in `{}` is intact", dir.display()))])
}

/// An I/O error without the temporary file's name that `tempfile` adds.
fn plain(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((head, _)) => head.to_owned(),
        None => text,
    }
}

fn unfinished(dir: &Path, e: &std::io::Error) -> Error {
    Error::Output(vec![Diagnostic::error(
        Code::OutputUnfinished,
        format!("the new output in `{}` is only partly in place: {}", dir.display(), plain(e)),
    )
    .help("the rest is recorded in `.tsdsl-journal`: the next `tsdsl run` or `tsdsl watch` into this folder finishes it")])
}
