//! Lines of a body with `terraform fmt`'s alignment, which hcl-rs's
//! formatter does not produce (it writes a fixed ` = ` and never aligns).
//! A leaf of the emitter: both blocks ([`super::layout`]) and map values
//! ([`super::node`]) write their entries through it.
//!
//! fmt (hclwrite `formatCells`) aligns `=` across consecutive lines that
//! carry a whole `key = value`; any other line ends the run: a blank line, a
//! comment, a block header or closing brace, and the first line of a value
//! that spans lines (its brackets don't balance, so fmt does not treat it as
//! an assignment and it is not padded either).

/// A line-level unit after rendering: an attribute whose value text may span
/// lines, or finished text (comment, block) that breaks alignment.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Attr { key: String, value: String },
    Text(String),
    Blank,
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

pub(crate) fn pad(out: &mut String, indent: usize) {
    const SPACES: &str = "                                ";
    let mut left = indent;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}
