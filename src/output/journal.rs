//! Replacing several files as one: a redo journal.
//!
//! Every new file is first written and `fsync`ed under a temporary name.
//! Then `.tsdsl-journal` is written (itself through a temporary file and a
//! rename, so it exists whole or not at all): it lists the renames and the
//! removals that turn the old output into the new one. Its rename is the
//! commit point. The renames and removals follow, then the journal goes.
//!
//! A crash before the commit leaves the old files and some temporary files,
//! which the next run deletes; a crash after it leaves a journal, which the
//! next run (any `run` or `watch` into the folder) carries out before doing
//! anything else. Either way the generated files end up entirely old or
//! entirely new. Renaming within one folder needs no free space, so a full
//! disk can only fail the part before the commit.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::owner::{is_config_name, is_generated};
use super::steps::Steps;

pub(crate) const JOURNAL: &str = ".tsdsl-journal";
pub(crate) const TEMP_PREFIX: &str = ".tsdsl-tmp-";
/// Everything tsdsl leaves in a folder starts so (older versions named
/// their temporary files `.tsdsl-XXXXXX`).
const OURS_PREFIX: &str = ".tsdsl-";

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Journal {
    /// `(temporary name, final name)` pairs.
    pub replace: Vec<(String, String)>,
    /// Generated files the new output no longer has.
    pub remove: Vec<String>,
}

/// Writes `contents` to a new temporary file in `dir` and flushes it to disk.
/// The file is deleted again if anything fails before it is kept.
pub(crate) fn stage(
    dir: &Path,
    contents: &[u8],
    steps: &mut Steps,
) -> io::Result<tempfile::NamedTempFile> {
    steps.next("create a temporary file")?;
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX);
    // The mode a plain `File::create` gets (0644 under umask 022); tempfile
    // would make it 0600, which the rename would carry into the output.
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = b.tempfile_in(dir)?;
    steps.next("write a temporary file")?;
    tmp.write_all(contents)?;
    steps.next("flush a temporary file")?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Makes the journal durable: from here on the new output is the output.
/// An error means no journal is in place (so the caller may delete the
/// temporary files it names).
pub(crate) fn commit(dir: &Path, folder: &File, j: &Journal, steps: &mut Steps) -> io::Result<()> {
    let text = serde_json::to_vec(j).map_err(io::Error::other)?;
    let tmp = stage(dir, &text, steps)?;
    steps.next("commit the journal")?;
    tmp.persist(dir.join(JOURNAL)).map_err(|e| e.error)?;
    let flushed = steps.next("flush the folder").and_then(|()| folder.sync_all());
    match flushed {
        Ok(()) => Ok(()),
        // Not known to be durable: take it back. If even that fails, the
        // journal stands and the write goes on as committed.
        Err(e) => match std::fs::remove_file(dir.join(JOURNAL)) {
            Ok(()) => Err(e),
            Err(_) => Ok(()),
        },
    }
}

/// Carries out a committed journal, then deletes it. Safe to repeat: a
/// rename whose temporary file is gone was already done.
pub(crate) fn apply(dir: &Path, folder: &File, j: &Journal, steps: &mut Steps) -> io::Result<()> {
    for (tmp, name) in &j.replace {
        let from = dir.join(tmp);
        if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
            steps.next("rename a file into place")?;
            std::fs::rename(&from, dir.join(name))?;
        }
    }
    for name in &j.remove {
        let path = dir.join(name);
        // Only ever a generated file, whatever the journal says.
        if is_generated(&path) {
            steps.next("remove a stale file")?;
            std::fs::remove_file(&path)?;
        }
    }
    steps.next("flush the folder")?;
    folder.sync_all()?;
    steps.next("remove the journal")?;
    std::fs::remove_file(dir.join(JOURNAL))?;
    // Best effort: should the removal not reach the disk, the journal comes
    // back after a power cut and carrying it out again changes nothing.
    let _ = steps.next("flush the folder").and_then(|()| folder.sync_all());
    Ok(())
}

/// A journal lists file names: a few KB.
const MAX_JOURNAL: u64 = 16 * 1024 * 1024;

/// The journal an interrupted run left, if any. One that does not read as
/// ours (edited, or committed to a repository by someone) is an error: we
/// neither trust nor silently drop it.
pub(crate) fn pending(dir: &Path) -> Result<Option<Journal>, String> {
    let path = dir.join(JOURNAL);
    // Never opened unless a plain file: a FIFO of that name would hold the
    // run forever at the open.
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if !meta.is_file() => return Err("it is not a regular file".into()),
        Ok(meta) if meta.len() > MAX_JOURNAL => {
            return Err("it is far larger than a journal".into())
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    }
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let j: Journal = serde_json::from_slice(&text).map_err(|e| e.to_string())?;
    let plain = |n: &str| {
        let mut c = Path::new(n).components();
        matches!((c.next(), c.next()), (Some(Component::Normal(_)), None))
    };
    for (tmp, name) in &j.replace {
        if !plain(tmp) || !tmp.starts_with(TEMP_PREFIX) || !plain(name) || !is_config_name(name) {
            return Err(format!("it renames `{tmp}` to `{name}`, which tsdsl never does"));
        }
    }
    if let Some(bad) = j.remove.iter().find(|n| !plain(n) || !is_config_name(n)) {
        return Err(format!("it removes `{bad}`, which tsdsl never does"));
    }
    // A rename still to do replaces a file tsdsl wrote, or none.
    for (tmp, name) in &j.replace {
        let target = dir.join(name);
        if dir.join(tmp).exists() && target.exists() && !is_generated(&target) {
            return Err(format!("it replaces `{name}`, which tsdsl did not write"));
        }
    }
    Ok(Some(j))
}

/// Deletes what crashed runs left behind: temporary files, never the
/// journal (carry it out first).
pub(crate) fn clean(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(OURS_PREFIX) && name != JOURNAL && !entry.file_type()?.is_dir() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}
