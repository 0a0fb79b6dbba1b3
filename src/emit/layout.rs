//! The body writer: `terraform fmt`'s layout, which hcl-rs's formatter does
//! not produce (it writes a fixed ` = ` and never aligns).
//!
//! fmt (hclwrite `formatCells`) aligns `=` across consecutive lines that
//! carry a whole `key = value`; any other line ends the run: a blank line, a
//! comment, a block header or closing brace, and the first line of a value
//! that spans lines (its brackets don't balance, so fmt does not treat it as
//! an assignment and it is not padded either).

use super::literal::{comment, name, quote};
use super::node::{pad, Node};

/// One entry of a block body, in output order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    Attr(String, Node),
    Block(Block),
    /// A whole comment line, `#` included.
    Comment(String),
    /// A deliberate blank line between groups (collapsed and trimmed).
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub entries: Vec<Entry>,
}

impl Block {
    pub(crate) fn new(ident: impl Into<String>, labels: Vec<String>, entries: Vec<Entry>) -> Self {
        Block { ident: ident.into(), labels, entries }
    }
}

/// A line-level unit after rendering: an attribute whose value text may span
/// lines, or finished text (comment, block) that breaks alignment.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Attr { key: String, value: String },
    Text(String),
    Blank,
}

/// A whole file: entries at the top level, ending with exactly one newline.
pub(crate) fn file(entries: &[Entry]) -> String {
    let mut out = String::new();
    write_entries(&mut out, entries, 0);
    out
}

pub(crate) fn write_entries(out: &mut String, entries: &[Entry], indent: usize) {
    let mut pieces: Vec<Piece> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match e {
            Entry::Attr(k, v) => pieces.push(Piece::Attr { key: name(k), value: v.layout(indent) }),
            Entry::Comment(c) => pieces.push(Piece::Text(comment(c))),
            Entry::Blank => pieces.push(Piece::Blank),
            Entry::Block(b) => {
                // Blocks stand apart from attributes and from each other; a
                // comment right above a block belongs to it.
                let after_comment = i > 0 && matches!(entries[i - 1], Entry::Comment(_));
                if !after_comment {
                    pieces.push(Piece::Blank);
                }
                pieces.push(Piece::Text(block_text(b, indent)));
                pieces.push(Piece::Blank);
            }
        }
    }
    write_pieces(out, &pieces, indent);
}

fn block_text(b: &Block, indent: usize) -> String {
    let mut head = name(&b.ident);
    for l in &b.labels {
        head.push(' ');
        head.push_str(&quote(l));
    }
    if b.entries.iter().all(|e| matches!(e, Entry::Blank)) {
        return format!("{head} {{}}");
    }
    let mut out = format!("{head} {{\n");
    write_entries(&mut out, &b.entries, indent + 2);
    pad(&mut out, indent);
    out.push('}');
    out
}

/// Writes pieces one per line at `indent`, aligning each run of single-line
/// attributes, with blank lines collapsed and trimmed at both ends.
pub(crate) fn write_pieces(out: &mut String, pieces: &[Piece], indent: usize) {
    let pieces = tidy_blanks(pieces);
    let mut i = 0;
    while i < pieces.len() {
        let run_end = pieces[i..]
            .iter()
            .position(|p| !is_single_line_attr(p))
            .map_or(pieces.len(), |n| i + n);
        if run_end > i {
            let width = pieces[i..run_end].iter().map(key_width).max().unwrap_or(0);
            for p in &pieces[i..run_end] {
                if let Piece::Attr { key, value } = p {
                    pad(out, indent);
                    out.push_str(key);
                    pad(out, width - key_width(p) + 1);
                    out.push_str("= ");
                    out.push_str(value);
                    out.push('\n');
                }
            }
            i = run_end;
            continue;
        }
        match pieces[i] {
            Piece::Attr { key, value } => {
                pad(out, indent);
                out.push_str(&format!("{key} = {value}\n"));
            }
            Piece::Text(t) => {
                pad(out, indent);
                out.push_str(t);
                out.push('\n');
            }
            Piece::Blank => out.push('\n'),
        }
        i += 1;
    }
}

/// A heredoc counts as one line: its body is a single token to hclwrite, so
/// fmt aligns `key = <<EOT` with its neighbours and the run goes on after it.
fn is_single_line_attr(p: &&Piece) -> bool {
    matches!(p, Piece::Attr { value, .. } if !value.contains('\n') || value.starts_with("<<"))
}

/// hclwrite measures the key in columns, so a multi-byte character counts once.
fn key_width(p: &&Piece) -> usize {
    match p {
        Piece::Attr { key, .. } => key.chars().count(),
        _ => 0,
    }
}

fn tidy_blanks(pieces: &[Piece]) -> Vec<&Piece> {
    let mut out: Vec<&Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        let blank = matches!(p, Piece::Blank);
        let prev_blank = out.last().is_none_or(|q| matches!(q, Piece::Blank));
        if blank && prev_blank {
            continue;
        }
        out.push(p);
    }
    while out.last().is_some_and(|q| matches!(q, Piece::Blank)) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(s: &str) -> Node {
        Node::Leaf(s.to_owned())
    }
    fn attr(k: &str, v: &str) -> Entry {
        Entry::Attr(k.to_owned(), leaf(v))
    }
    fn map(items: &[(&str, &str)]) -> Node {
        Node::Map(items.iter().map(|(k, v)| (k.to_string(), leaf(v))).collect())
    }

    #[test]
    fn aligns_a_run_of_single_line_attributes() {
        let text = file(&[Entry::Block(Block::new(
            "resource",
            vec!["aws_vpc".into(), "main".into()],
            vec![attr("cidr_block", "\"10.0.0.0/16\""), attr("enable_dns", "true"), attr("x", "1")],
        ))]);
        assert_eq!(
            text,
            "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  enable_dns = true\n  x          = 1\n}\n"
        );
    }

    #[test]
    fn blank_lines_comments_and_multi_line_values_end_runs() {
        let entries = vec![
            Entry::Comment("#checkov:skip=CKV_AWS_1:ok".into()),
            attr("a", "1"),
            attr("bbbb", "2"),
            Entry::Attr("tags".into(), map(&[("Name", "\"x\"")])),
            attr("cc", "3"),
            attr("d", "4"),
            Entry::Blank,
            Entry::Blank,
            attr("eeeee", "5"),
            Entry::Comment("# note".into()),
            attr("f", "6"),
        ];
        let mut out = String::new();
        write_entries(&mut out, &entries, 0);
        assert_eq!(
            out,
            "#checkov:skip=CKV_AWS_1:ok\na    = 1\nbbbb = 2\ntags = {\n  Name = \"x\"\n}\ncc = 3\nd  = 4\n\neeeee = 5\n# note\nf = 6\n"
        );
    }

    #[test]
    fn blocks_are_set_apart_and_empty_blocks_close_inline() {
        let inner = Block::new("lifecycle", vec![], vec![]);
        let entries =
            vec![attr("a", "1"), Entry::Block(inner.clone()), Entry::Block(inner), attr("b", "2")];
        let mut out = String::new();
        write_entries(&mut out, &entries, 2);
        assert_eq!(out, "  a = 1\n\n  lifecycle {}\n\n  lifecycle {}\n\n  b = 2\n");
    }

    #[test]
    fn blank_lines_are_trimmed_and_collapsed() {
        let mut out = String::new();
        write_entries(&mut out, &[Entry::Blank, attr("a", "1"), Entry::Blank, Entry::Blank], 0);
        assert_eq!(out, "a = 1\n");
    }

    #[test]
    fn heredocs_stay_in_the_alignment_run() {
        let entries = vec![attr("a", "1"), attr("heredoc", "<<EOT\nx\nEOT"), attr("bb", "2")];
        let mut out = String::new();
        write_entries(&mut out, &entries, 0);
        assert_eq!(out, "a       = 1\nheredoc = <<EOT\nx\nEOT\nbb      = 2\n");
    }

    #[test]
    fn alignment_counts_characters_not_bytes() {
        let m = Node::Map(vec![("\"é\"".into(), leaf("1")), ("\"ab\"".into(), leaf("2"))]);
        assert_eq!(m.layout(0), "{\n  \"é\"  = 1\n  \"ab\" = 2\n}");
    }
}
