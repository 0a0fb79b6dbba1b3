//! The output folder itself: a sensible place to write Terraform files, and
//! one writer at a time.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Error};

/// Refuses `/` always, and the home folder or a folder above the script's
/// unless `force`: a slip of `-o` there mixes the stack with everything else.
pub(crate) fn check_place(dir: &Path, script: &Path, force: bool) -> Result<(), Error> {
    let Ok(real) = dir.canonicalize() else { return Ok(()) };
    if real.parent().is_none() {
        return Err(refuse(
            Code::OutputRootFolder,
            format!("refusing to write Terraform files into the root folder `{}`", dir.display()),
            "give the stack a folder of its own with `-o`, e.g. `-o out/production`",
        ));
    }
    if force {
        return Ok(());
    }
    let home = std::env::var_os("HOME").and_then(|h| PathBuf::from(h).canonicalize().ok());
    if home.as_deref() == Some(real.as_path()) {
        return Err(refuse(
            Code::OutputHomeFolder,
            format!("refusing to write Terraform files into the home folder `{}`", dir.display()),
            "give the stack a folder of its own with `-o`, or pass `--force-dir` if you mean it",
        ));
    }
    let script_dir = script
        .canonicalize()
        .ok()
        .and_then(|s| s.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    if script_dir != real && script_dir.starts_with(&real) {
        return Err(refuse(
            Code::OutputFolderAboveScript,
            format!(
                "refusing to write Terraform files into `{}`, a folder above the script's",
                dir.display()
            ),
            "give the stack a folder of its own with `-o`, or pass `--force-dir` if you mean it",
        ));
    }
    Ok(())
}

/// Locks the folder (an advisory `flock` on the folder itself, released when
/// the handle closes, even by a crash), so two runs never interleave there.
/// The handle also serves to `fsync` the folder's entries. On a file system
/// without working locks (some network mounts) we write unlocked rather than
/// not at all, and say so: the second value is the reason.
pub(crate) fn lock(dir: &Path) -> Result<(File, Option<String>), Error> {
    let handle = File::open(dir).map_err(|e| Error::io(dir, "open the output folder", e))?;
    match handle.try_lock() {
        Ok(()) => Ok((handle, None)),
        Err(TryLockError::WouldBlock) => Err(refuse(
            Code::OutputLocked,
            format!("another tsdsl is writing to `{}`", dir.display()),
            "wait for it to finish (a `tsdsl watch` holds its folder while it runs), or write \
             elsewhere with `-o`",
        )),
        Err(TryLockError::Error(e)) => Ok((handle, Some(e.to_string()))),
    }
}

pub(crate) fn refuse(code: Code, message: String, help: &str) -> Error {
    Error::Output(vec![Diagnostic::error(code, message).help(help)])
}
