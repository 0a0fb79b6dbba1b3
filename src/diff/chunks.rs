//! Parsing only what changed. Parsing HCL is most of what a change summary
//! costs, and an edit changes a few blocks of a file of hundreds, so the
//! blocks whose text is the same on both sides are left out before parsing.
//!
//! Why that is sound: a top-level chunk of text (from a line starting a
//! block to the line `}` closing it) that parses on its own holds whole
//! blocks, and a file whose chunks all parse on their own holds exactly the
//! union of its chunks' blocks. A chunk with the same text on both sides
//! holds the same blocks on both sides. So the chunks left are checked to
//! parse on their own; if one does not (a hand-edited file), the whole file
//! is compared instead, and so is a file with a heredoc, whose lines may
//! look like blocks.

use crate::emit::OutFile;

/// The files to compare, with the text both sides share left out; a file
/// identical on both sides is left out whole.
pub fn unchanged_left_out(old: &[OutFile], new: &[OutFile]) -> (Vec<OutFile>, Vec<OutFile>) {
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for f in old {
        match new.iter().find(|n| n.name == f.name) {
            Some(n) if n.contents == f.contents => {}
            Some(n) if !f.name.ends_with(".json") => match reduce(&f.contents, &n.contents) {
                Some((o, n2)) => {
                    olds.push(OutFile { name: f.name.clone(), contents: o });
                    news.push(OutFile { name: n.name.clone(), contents: n2 });
                }
                None => {
                    olds.push(f.clone());
                    news.push(n.clone());
                }
            },
            Some(n) => {
                olds.push(f.clone());
                news.push(n.clone());
            }
            None => olds.push(f.clone()),
        }
    }
    news.extend(new.iter().filter(|n| !old.iter().any(|o| o.name == n.name)).cloned());
    (olds, news)
}

/// Both texts without their common chunks, or `None` when a chunk left
/// does not parse on its own.
fn reduce(old: &str, new: &str) -> Option<(String, String)> {
    // A heredoc may hold lines that look like whole blocks: never cut around one.
    if old.contains("<<") || new.contains("<<") {
        return None;
    }
    let mut old_chunks = chunks(old);
    let mut new_chunks = chunks(new);
    // Common chunks, as a multiset: each one on the old side cancels one on the new side.
    let mut i = 0;
    while i < old_chunks.len() {
        match new_chunks.iter().position(|n| *n == old_chunks[i]) {
            Some(j) => {
                new_chunks.remove(j);
                old_chunks.remove(i);
            }
            None => i += 1,
        }
    }
    let whole = |cs: &[&str]| cs.iter().all(|c| hcl::parse(c).is_ok());
    if !whole(&old_chunks) || !whole(&new_chunks) {
        return None;
    }
    Some((old_chunks.concat(), new_chunks.concat()))
}

/// Top-level chunks: from a line that starts something to the line `}`
/// (or a one-line `... {}`), newline included. Comments and blank lines
/// between chunks are dropped: they mean nothing to Terraform.
fn chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        let begins = start.is_none();
        if begins && (bare.is_empty() || bare.starts_with('#') || bare.starts_with("//")) {
            at += line.len();
            continue;
        }
        let from = *start.get_or_insert(at);
        at += line.len();
        if bare == "}" || (begins && bare.ends_with("{}")) {
            out.push(&text[from..at]);
            start = None;
        }
    }
    if let Some(from) = start {
        out.push(&text[from..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_blocks() {
        let text = "# header\n\nresource \"a\" \"b\" {\n  x = 1\n}\n\ndata \"c\" \"d\" {}\n\nlocals {\n  y = {\n    z = 2\n  }\n}\n";
        assert_eq!(
            chunks(text),
            [
                "resource \"a\" \"b\" {\n  x = 1\n}\n",
                "data \"c\" \"d\" {}\n",
                "locals {\n  y = {\n    z = 2\n  }\n}\n"
            ]
        );
    }

    #[test]
    fn only_changed_blocks_are_left() {
        let old = "resource \"a\" \"b\" {\n  x = 1\n}\n\nresource \"a\" \"c\" {\n  x = 1\n}\n";
        let new = "resource \"a\" \"b\" {\n  x = 2\n}\n\nresource \"a\" \"c\" {\n  x = 1\n}\n";
        let (o, n) = reduce(old, new).unwrap();
        assert_eq!(o, "resource \"a\" \"b\" {\n  x = 1\n}\n");
        assert_eq!(n, "resource \"a\" \"b\" {\n  x = 2\n}\n");
    }

    /// A heredoc may hold a `}` alone on a line: such files are compared whole.
    #[test]
    fn a_chunk_that_is_not_whole_gives_up() {
        let old = "resource \"a\" \"b\" {\n  p = <<EOT\n{\n}\nEOT\n}\n";
        let new = "resource \"a\" \"b\" {\n  p = <<EOT\n{\n}\nEOT\n  q = 1\n}\n";
        assert_eq!(reduce(old, new), None);
    }

    /// An unbalanced piece of a hand-edited file stays and does not parse
    /// on its own: the whole file is compared.
    #[test]
    fn a_hand_edited_file_is_compared_whole() {
        let old = "resource \"a\" \"b\" {\n  tags = {\n}\n  x = 1\n}\n";
        let new = "resource \"a\" \"b\" {\n  tags = {}\n  x = 1\n}\n";
        assert_eq!(reduce(old, new), None);
    }
}
