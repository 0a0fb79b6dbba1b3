//! The body writer: blocks and their entries, written as `terraform fmt`
//! lays them out (the alignment itself is in [`super::lines`]).

use super::lines::{pad, write_pieces, Piece};
use super::literal::{comment, escape_into, name};
use super::node::HclNode;

/// One entry of a block body, in output order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    Attr(String, HclNode),
    Block(HclBlock),
    /// A whole comment line, `#` included.
    Comment(String),
    /// A deliberate blank line between groups (collapsed and trimmed).
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HclBlock {
    pub ident: String,
    pub labels: Vec<String>,
    pub entries: Vec<Entry>,
}

impl HclBlock {
    pub(crate) fn new(ident: impl Into<String>, labels: Vec<String>, entries: Vec<Entry>) -> Self {
        HclBlock { ident: ident.into(), labels, entries }
    }
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

fn block_text(b: &HclBlock, indent: usize) -> String {
    // Sized for a typical block, so the text is not regrown line by line.
    let mut head = String::with_capacity(256);
    head.push_str(&name(&b.ident));
    for l in &b.labels {
        head.push_str(" \"");
        escape_into(&mut head, l);
        head.push('"');
    }
    if b.entries.iter().all(|e| matches!(e, Entry::Blank)) {
        head.push_str(" {}");
        return head;
    }
    let mut out = head;
    out.push_str(" {\n");
    write_entries(&mut out, &b.entries, indent + 2);
    pad(&mut out, indent);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(s: &str) -> HclNode {
        HclNode::Leaf(s.to_owned())
    }
    fn attr(k: &str, v: &str) -> Entry {
        Entry::Attr(k.to_owned(), leaf(v))
    }
    fn map(items: &[(&str, &str)]) -> HclNode {
        HclNode::Map(items.iter().map(|(k, v)| (k.to_string(), leaf(v))).collect())
    }

    #[test]
    fn aligns_a_run_of_single_line_attributes() {
        let text = file(&[Entry::Block(HclBlock::new(
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
        let inner = HclBlock::new("lifecycle", vec![], vec![]);
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
        let m = HclNode::Map(vec![("\"é\"".into(), leaf("1")), ("\"ab\"".into(), leaf("2"))]);
        assert_eq!(m.layout(0), "{\n  \"é\"  = 1\n  \"ab\" = 2\n}");
    }
}
