use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

use crate::syntax::{FileIndex, Layout};

/// Every file the engine read during one run, under the name the engine gave
/// it (`scripts/prod.rhai`, `@stdlib/aws/network.rhai`). Diagnostics are
/// rendered against these texts, so a label always shows the code that ran.
#[derive(Clone, Default)]
pub struct SourceMap {
    files: IndexMap<String, File>,
}

#[derive(Clone)]
struct File {
    text: Arc<str>,
    /// The file's syntax index, built on first use and kept for the run:
    /// the engine asks it for every block's key order, diagnostics for
    /// every label, and the file is lexed once.
    index: OnceLock<Arc<FileIndex>>,
}

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.files.iter().map(|(k, v)| (k, &v.text))).finish()
    }
}

/// Prefix of the names of modules embedded in the binary.
pub const STDLIB_PREFIX: &str = "@stdlib/";

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Every file whose name starts with `from` named with `to` instead (a
    /// revision's scripts read from a temporary folder, named `REV:path`).
    pub fn renamed(self, from: &str, to: &str) -> Self {
        let files = self
            .files
            .into_iter()
            .map(|(name, f)| match name.strip_prefix(from) {
                Some(rest) => (format!("{to}{rest}"), f),
                None => (name, f),
            })
            .collect();
        SourceMap { files }
    }

    pub fn insert(&mut self, name: impl Into<String>, text: Arc<str>) {
        self.files.insert(name.into(), File { text, index: OnceLock::new() });
    }

    /// The syntax index of a file: with the layout the engine read from
    /// its AST when it compiled it, else (a file that did not parse) one
    /// that only lexes, on first use.
    pub fn index(&self, name: &str) -> Option<Arc<FileIndex>> {
        let file = self.files.get(name)?;
        Some(file.index.get_or_init(|| Arc::new(FileIndex::new(file.text.clone()))).clone())
    }

    /// Gives an inserted file the layout the engine read from its AST
    /// (shared: whoever keeps the AST across runs keeps its layout with it
    /// and sets it again after each `insert`).
    pub fn set_layout(&mut self, name: &str, layout: Arc<Layout>) {
        if let Some(file) = self.files.get_mut(name) {
            let index = FileIndex::with_layout(file.text.clone(), layout);
            file.index = OnceLock::from(Arc::new(index));
        }
    }

    /// The layout of every compiled file, in the order they were read:
    /// where a map built away from its literal finds the order its keys
    /// were written in.
    pub fn layouts(&self) -> impl Iterator<Item = &Layout> + Clone {
        self.files.values().filter_map(|f| f.index.get()?.layout())
    }

    pub fn get(&self, name: &str) -> Option<&Arc<str>> {
        self.files.get(name).map(|f| &f.text)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// An operator file is one they wrote and can open: anything but the
    /// embedded stdlib. Labels go there; stdlib frames become notes.
    pub fn is_operator_file(name: &str) -> bool {
        !name.starts_with(STDLIB_PREFIX)
    }
}

/// Byte offset of a 1-based line and column (columns count characters, as
/// Rhai's positions do). `None` when the position lies outside the text.
pub fn offset_of(text: &str, line: u32, col: u32) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let line_text = text.get(start..)?.split('\n').next().unwrap_or("");
    let col = col.max(1) as usize - 1;
    match line_text.char_indices().nth(col) {
        Some((i, _)) => Some(start + i),
        None if col == line_text.chars().count() => Some(start + line_text.len()),
        None => None,
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col_of(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip() {
        let t = "ab\ncdé f\n";
        assert_eq!(offset_of(t, 1, 1), Some(0));
        assert_eq!(offset_of(t, 2, 1), Some(3));
        assert_eq!(offset_of(t, 2, 5), Some(8));
        assert_eq!(line_col_of(t, 8), (2, 5));
        assert_eq!(offset_of(t, 9, 1), None);
    }
}
