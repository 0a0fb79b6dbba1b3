//! What a build changes in a stack's Terraform, computed from the files
//! themselves: the files in the output folder (or a build of the same
//! scripts at a git revision) against the files a build would write.
//!
//! Reading files rather than the model keeps the old side honest: it is
//! what Terraform would read today, whatever tsdsl version wrote it.

mod chunks;
mod compare;
mod files;
mod git;
mod parse;
mod render;
mod sensitive;
mod tree;

use std::path::Path;

use crate::diagnostics::Error;
use crate::emit::OutFile;
use crate::schema::Schemas;

pub use compare::compare;
pub use files::{same_markers, FileChange, SkipChange};
pub use git::{read_revision, GitTree};
pub use parse::{parse_files, Snapshot};
pub use render::{counts, moved_line, render, Format, Style};

/// The files tsdsl generated earlier in `dir` (`.tf`/`.tf.json` carrying
/// the generated-by marker); files the operator wrote there
/// are not tsdsl's to change and stay out of the comparison. A missing
/// folder is an empty stack.
pub fn generated_files(dir: &Path) -> Result<Vec<OutFile>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, "list the output folder", e)),
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        let path = entry.path();
        // The same test the writer uses before it replaces or removes a file.
        if let Some(text) =
            crate::output::read_generated(&path).map_err(|e| Error::io(&path, "read", e))?
        {
            files.push(OutFile { name, contents: text });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// One stack's change: every address that differs, sorted by address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackChanges {
    pub stack: String,
    pub changes: Vec<Change>,
    /// checkov exceptions gained or lost (comments, which Terraform does
    /// not read but the security scan does).
    pub skips: Vec<SkipChange>,
    /// Generated files whose bytes differ.
    pub files: Vec<FileChange>,
}

impl StackChanges {
    /// True when `run` would write exactly the files there are: not only
    /// the same Terraform, the same bytes.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.skips.is_empty() && self.files.is_empty()
    }

    /// Only the bytes differ: Terraform reads the same configuration.
    pub fn only_rewritten(&self) -> bool {
        self.changes.is_empty() && self.skips.is_empty() && !self.files.is_empty()
    }

    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// Hides every value that holds one of `secrets` (the text the script
    /// accepted with `literal_secret`), on both sides of its change: the
    /// schema masks only the arguments a provider marks sensitive, and such
    /// a value may flow to a tag, a description or a local.
    pub fn hide_secrets<'s>(&mut self, secrets: impl IntoIterator<Item = &'s str>) {
        let needles: Vec<String> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .flat_map(|s| {
                // As written in HCL or JSON code: quotes and backslashes
                // escaped, and a literal `${` or `%{` doubled so that it is
                // not a template.
                let quoted = serde_json::to_string(s).unwrap_or_default();
                let quoted = quoted.trim_matches('"').to_owned();
                let literal = |t: &str| t.replace("${", "$${").replace("%{", "%%{");
                [literal(s), literal(&quoted), s.to_owned(), quoted]
            })
            .collect();
        if needles.is_empty() {
            return;
        }
        let holds = |v: &Option<Shown>| matches!(v, Some(Shown::Code(code)) if needles.iter().any(|n| code.contains(n.as_str())));
        for attr in self.changes.iter_mut().flat_map(|c| c.attrs.iter_mut()) {
            if holds(&attr.old) || holds(&attr.new) {
                for side in [&mut attr.old, &mut attr.new] {
                    if side.is_some() {
                        *side = Some(Shown::Sensitive);
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Remove,
    Change,
    /// A removed address paired with an added one of the same type.
    Rename,
}

impl Action {
    pub fn word(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Change => "change",
            Action::Rename => "rename",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: Action,
    /// The Terraform address (`aws_vpc.main`, `data.aws_region.current`,
    /// `module.net`, `var.x`, `local.x`, `output.x`, `provider.aws.west`).
    pub address: String,
    /// For a rename, the address it had.
    pub from: Option<String>,
    /// For an add or a remove, every attribute it holds; for a change or a
    /// rename, the attributes that differ.
    pub attrs: Vec<AttrChange>,
    /// The block may move (a resource or a module), so `moved` applies.
    pub movable: bool,
    /// For a rename, the script already says so with `moved`.
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrChange {
    /// `scaling_config[0].max_size`, `tags.Name`.
    pub path: String,
    /// The value as Terraform code, or `None` when absent on that side.
    pub old: Option<Shown>,
    pub new: Option<Shown>,
}

/// A value as it may be shown: its code, or the fact that it is secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Code(String),
    Sensitive,
}

/// The change between the files a stack had and the files a build makes.
/// `whole_blocks`: list every attribute of added and removed blocks too
/// (what `diff` shows; the summary after a run names them only).
pub fn stack_changes(
    stack: &str,
    old: &[OutFile],
    new: &[OutFile],
    schemas: &Schemas,
    whole_blocks: bool,
) -> Result<StackChanges, String> {
    let files = files::file_changes(old, new);
    let skips = if files.is_empty() { Vec::new() } else { files::skip_changes(old, new) };
    let (old, new) = chunks::unchanged_left_out(old, new);
    let old = parse_files(&old)?;
    let new = parse_files(&new)?;
    let changes = compare(&old, &new, schemas, whole_blocks);
    Ok(StackChanges { stack: stack.to_owned(), changes, skips, files })
}

#[cfg(test)]
mod tests;
