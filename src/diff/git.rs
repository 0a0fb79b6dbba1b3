//! The scripts as they were at a git revision, read with git itself
//! (`git ls-tree`, `git cat-file --batch`): no checkout, the work tree is
//! never touched. Every `.rhai` file of the revision is copied into a
//! temporary folder with its path, so imports and sibling stacks
//! (`stack("shared")`) resolve there as they did at that revision.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostics::Error;

/// A revision's scripts in a temporary folder, removed when dropped.
#[derive(Debug)]
pub struct GitTree {
    pub rev: String,
    /// The repository's top folder in the work tree.
    pub root: PathBuf,
    dir: tempfile::TempDir,
}

impl GitTree {
    /// The temporary folder the revision's scripts were copied into.
    pub fn folder(&self) -> &Path {
        self.dir.path()
    }

    /// Where a work-tree path was at the revision, inside the temporary
    /// folder (the path need not exist there).
    pub fn at_rev(&self, path: &Path) -> Result<PathBuf, Error> {
        // The folders resolved, not the script: a script that is a symlink
        // is read at the revision as the revision's symlink says, not as
        // the work tree's points now.
        let abs = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) => {
                let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
                absolute(dir)?.join(name)
            }
            _ => absolute(path)?,
        };
        let rel = abs.strip_prefix(&self.root).map_err(|_| {
            Error::Usage(format!("`{}` is outside the git repository", path.display()))
        })?;
        Ok(self.dir.path().join(rel))
    }
}

/// Reads the revision `rev` of the repository holding `inside`.
pub fn read_revision(inside: &Path, rev: &str) -> Result<GitTree, Error> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(Error::Usage(format!("`{rev}` is not a git revision")));
    }
    let folder = absolute(inside)?;
    let folder = if folder.is_dir() {
        folder
    } else {
        folder.parent().map(Path::to_path_buf).unwrap_or(folder)
    };
    let top = git(&folder, &["rev-parse", "--show-toplevel"])
        .map_err(|e| Error::Usage(format!("`--git` needs a git repository: {e}")))?;
    let root = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let root = root.canonicalize().map_err(|e| Error::io(&root, "open", e))?;
    let spec = format!("{rev}^{{commit}}");
    git(&root, &["rev-parse", "--verify", "--quiet", &spec])
        .map_err(|_| Error::Usage(format!("unknown git revision `{rev}`")))?;
    let listing = git(&root, &["ls-tree", "-r", "-z", "-l", "--full-tree", &spec])
        .map_err(|e| Error::Usage(format!("cannot list `{rev}`: {e}")))?;
    let mut wanted = Vec::new();
    let mut oversized = Vec::new();
    let mut links = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let text = String::from_utf8_lossy(entry);
        let Some((meta, path)) = text.split_once('\t') else { continue };
        let mut meta = meta.split(' ').filter(|m| !m.is_empty());
        let (Some(mode), Some(kind), Some(id)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        let size: u64 = meta.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let plain = mode == "100644" || mode == "100755";
        let safe = Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
        if kind == "blob" && plain && safe && path.ends_with(".rhai") {
            if size > crate::engine::Limits::default().max_file_bytes {
                oversized.push((size, path.to_owned()));
            } else {
                wanted.push((id.to_owned(), path.to_owned()));
            }
        }
        if kind == "blob" && mode == "120000" && safe && path.ends_with(".rhai") {
            links.push((id.to_owned(), path.to_owned()));
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("tsdsl-git-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), "create a temporary folder", e))?;
    let blobs = cat_blobs(&root, wanted.iter().map(|(id, _)| id.as_str()))?;
    for ((_, path), contents) in wanted.iter().zip(blobs) {
        let dest = dir.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
        }
        std::fs::write(&dest, contents).map_err(|e| Error::io(&dest, "write", e))?;
    }
    // A file no build would read is not read from git either (a 1.5 GB blob
    // took 1.5 GB of memory): a sparse file of its size stands for it, which
    // a build that imports it refuses as too large, as it would the file.
    for (size, path) in &oversized {
        let dest = dir.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
        }
        std::fs::File::create(&dest)
            .and_then(|f| f.set_len(*size))
            .map_err(|e| Error::io(&dest, "write", e))?;
    }
    // A script that is a symlink at the revision points where it pointed
    // then. One that leaves the repository (or is absolute) is left out:
    // the revision's own text of it is not in the repository.
    let targets = cat_blobs(&root, links.iter().map(|(id, _)| id.as_str()))?;
    for ((_, path), target) in links.iter().zip(targets) {
        let target = PathBuf::from(String::from_utf8_lossy(&target).into_owned());
        if !stays_inside(Path::new(path), &target) {
            continue;
        }
        let dest = dir.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create", e))?;
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &dest).map_err(|e| Error::io(&dest, "write", e))?;
    }
    Ok(GitTree { rev: rev.to_owned(), root, dir })
}

/// Whether the symlink at `link` (a path inside the repository) to `target`
/// stays inside the repository, read lexically as git stores it.
fn stays_inside(link: &Path, target: &Path) -> bool {
    let mut depth: usize = link.components().count().saturating_sub(1);
    for c in target.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            _ => return false,
        }
    }
    true
}

/// Every blob in one `git cat-file --batch`, in the order asked.
fn cat_blobs<'a>(root: &Path, ids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, Error> {
    let ids: Vec<String> = ids.map(str::to_owned).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let io = |e| Error::io(root, "read the git repository", e);
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(io)?;
    let mut stdin = child.stdin.take().ok_or_else(|| io(std::io::Error::other("no stdin")))?;
    let ask = ids.clone();
    // Written from a thread: git answers while we ask, and both pipes are bounded.
    let writer = std::thread::spawn(move || {
        for id in ask {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let stdout = child.stdout.take().ok_or_else(|| io(std::io::Error::other("no stdout")))?;
    let mut out = BufReader::new(stdout);
    let mut blobs = Vec::with_capacity(ids.len());
    for id in &ids {
        let mut header = String::new();
        out.read_line(&mut header).map_err(io)?;
        let size: usize = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| io(std::io::Error::other(format!("git has no blob {id}"))))?;
        let mut buf = vec![0; size + 1];
        out.read_exact(&mut buf).map_err(io)?;
        buf.pop();
        blobs.push(buf);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(blobs)
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn absolute(p: &Path) -> Result<PathBuf, Error> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::io(p, "resolve", e))?.join(p)
    };
    // Canonicalise the longest existing prefix: the file may not exist.
    let mut existing = abs.as_path();
    let mut tail = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_owned());
                existing = parent;
            }
            _ => return Ok(abs),
        }
    }
    let mut out = existing.canonicalize().map_err(|e| Error::io(existing, "resolve", e))?;
    out.extend(tail.into_iter().rev());
    Ok(out)
}
