//! Reading the operator's files safely: only regular files (a FIFO or
//! `/dev/zero` would be read forever), never more than a cap, and, for
//! modules and stacks, only when the real path (symlinks resolved) stays
//! inside the script's folder.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file was not read. `Io` keeps the system's error (not found...).
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// A FIFO, socket, device or folder: `what` names it.
    NotAFile {
        what: &'static str,
    },
    TooLarge {
        size: u64,
        max: u64,
    },
    /// The real path leaves the script's folder (through a symlink).
    Outside {
        real: PathBuf,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotAFile { what } => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge { size, max } => {
                write!(
                    f,
                    "it is {} long, more than the {} a file may be",
                    bytes(*size),
                    bytes(*max)
                )
            }
            ReadError::Outside { .. } => {
                write!(f, "it leads outside the script's folder (through a symbolic link)")
            }
        }
    }
}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => io::Error::new(io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

pub(crate) fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / (1 << 10) as f64),
        n => format!("{n} bytes"),
    }
}

/// The text of `path` when it is a regular file of at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    // `metadata` follows symlinks and, unlike `open`, never blocks on a FIFO.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    check_kind(&meta)?;
    let file = File::open(path).map_err(ReadError::Io)?;
    // The file opened may not be the one examined (a swap in between).
    let meta = file.metadata().map_err(ReadError::Io)?;
    check_kind(&meta)?;
    if meta.len() > max {
        return Err(ReadError::TooLarge { size: meta.len(), max });
    }
    let mut out = Vec::with_capacity(meta.len() as usize);
    // A file growing while read is capped all the same.
    file.take(max + 1).read_to_end(&mut out).map_err(ReadError::Io)?;
    if out.len() as u64 > max {
        return Err(ReadError::TooLarge { size: out.len() as u64, max });
    }
    Ok(out)
}

/// [`read_regular`] as UTF-8 text. A leading byte-order mark (what some
/// Windows editors write for "UTF-8 with BOM") becomes a space: Rhai would
/// refuse it as an invisible character, and one character for one keeps
/// every line and column where the operator sees it.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    let raw = read_regular(path, max)?;
    let mut text = String::from_utf8(raw).map_err(|_| {
        ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
    })?;
    if text.starts_with('\u{feff}') {
        text.replace_range(..'\u{feff}'.len_utf8(), " ");
    }
    Ok(text)
}

/// [`read_text`] of `path` only when its real path lies under `base`'s.
pub fn read_inside(base: &Path, path: &Path, max: u64) -> Result<String, ReadError> {
    read_text(&inside(base, path)?, max)
}

/// The real path of `path`, when it lies under `base`'s real path.
pub fn inside(base: &Path, path: &Path) -> Result<PathBuf, ReadError> {
    let real = path.canonicalize().map_err(ReadError::Io)?;
    let root = base.canonicalize().map_err(ReadError::Io)?;
    if !real.starts_with(&root) {
        return Err(ReadError::Outside { real });
    }
    Ok(real)
}

fn check_kind(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let what = if meta.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(ReadError::NotAFile { what })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_a_space() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.rhai");
        std::fs::write(&path, "\u{feff}let x = 1;\n").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), " let x = 1;\n");
    }

    #[test]
    fn refuses_devices_and_oversized_files() {
        let e = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(matches!(e, ReadError::NotAFile { what: "a device" }), "{e:?}");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.rhai");
        std::fs::write(&f, "x".repeat(11)).unwrap();
        assert!(matches!(read_regular(&f, 10), Err(ReadError::TooLarge { size: 11, max: 10 })));
        assert_eq!(read_regular(&f, 11).unwrap().len(), 11);
    }

    #[test]
    fn refuses_a_symlink_out_of_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let base = outer.path().join("scripts");
        std::fs::create_dir(&base).unwrap();
        std::fs::write(outer.path().join("secret"), "key").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret"), base.join("s.rhai")).unwrap();
        let e = read_inside(&base, &base.join("s.rhai"), 100).unwrap_err();
        assert!(matches!(e, ReadError::Outside { .. }), "{e:?}");
        std::fs::write(base.join("ok.rhai"), "1").unwrap();
        assert_eq!(read_inside(&base, &base.join("ok.rhai"), 100).unwrap(), "1");
    }
}
