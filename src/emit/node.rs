//! A value ready to be laid out: leaves are finished single-line HCL text,
//! and only the shapes whose line breaks we decide (lists, maps, calls,
//! parentheses) stay structured.

use super::lines::{pad, write_pieces, Piece};

/// Past this many characters a list or call written on one line is broken
/// one item per line. Counted on the value alone, so the choice does not
/// move when a longer attribute name joins the alignment run.
pub(crate) const MAX_INLINE: usize = 80;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HclNode {
    /// Single-line HCL text: literal, traversal, template, operation,
    /// conditional, `for` expression.
    Leaf(String),
    List(Vec<HclNode>),
    /// Keys are finished HCL text (bare or quoted).
    Map(Vec<(String, HclNode)>),
    Call {
        name: String,
        args: Vec<HclNode>,
        expand_final: bool,
    },
    Paren(Box<HclNode>),
}

impl HclNode {
    /// The value on one line, as it appears inside templates and operations.
    pub(crate) fn compact(&self) -> String {
        match self {
            HclNode::Leaf(s) => s.clone(),
            HclNode::List(items) => {
                format!("[{}]", items.iter().map(HclNode::compact).collect::<Vec<_>>().join(", "))
            }
            HclNode::Map(items) if items.is_empty() => "{}".to_owned(),
            HclNode::Map(items) => {
                let inner: Vec<String> =
                    items.iter().map(|(k, v)| format!("{k} = {}", v.compact())).collect();
                format!("{{ {} }}", inner.join(", "))
            }
            HclNode::Call { name, args, expand_final } => {
                let args: Vec<String> = args.iter().map(HclNode::compact).collect();
                let dots = if *expand_final { "..." } else { "" };
                format!("{name}({}{dots})", args.join(", "))
            }
            HclNode::Paren(inner) => format!("({})", inner.compact()),
        }
    }

    /// The value as it follows `key = ` on a line indented by `indent`
    /// spaces: continuation lines carry their own indentation and the closing
    /// bracket lines up with the line that opened it.
    pub(crate) fn layout(&self, indent: usize) -> String {
        match self {
            HclNode::Leaf(s) => s.clone(),
            HclNode::List(items) if items.is_empty() => "[]".to_owned(),
            HclNode::List(items) => {
                let inner: Vec<String> = items.iter().map(|i| i.layout(indent + 2)).collect();
                let flat = items.iter().zip(&inner).all(|(i, s)| i.stays_inline(s));
                let compact = self.compact();
                if flat && compact.len() <= MAX_INLINE {
                    return compact;
                }
                let mut out = String::from("[\n");
                for s in inner {
                    push_line(&mut out, indent + 2, &format!("{s},"));
                }
                pad(&mut out, indent);
                out.push(']');
                out
            }
            HclNode::Map(items) if items.is_empty() => "{}".to_owned(),
            HclNode::Map(items) => {
                let pieces: Vec<Piece> = items
                    .iter()
                    .map(|(k, v)| Piece::Attr { key: k.clone(), value: v.layout(indent + 2) })
                    .collect();
                let mut out = String::from("{\n");
                write_pieces(&mut out, &pieces, indent + 2);
                pad(&mut out, indent);
                out.push('}');
                out
            }
            HclNode::Call { name, args, expand_final } => {
                call_layout(name, args, *expand_final, indent)
            }
            HclNode::Paren(inner) => format!("({})", inner.layout(indent)),
        }
    }

    /// Whether this item, laid out as `text`, may sit inside a one-line list
    /// or call. Maps never do: Terraform's style writes them one key per line.
    fn stays_inline(&self, text: &str) -> bool {
        !text.contains('\n') && !matches!(self, HclNode::Map(items) if !items.is_empty())
    }
}

fn call_layout(name: &str, args: &[HclNode], expand_final: bool, indent: usize) -> String {
    let dots = if expand_final { "..." } else { "" };
    let inline: Vec<String> = args.iter().map(|a| a.layout(indent)).collect();
    let flat = args.iter().zip(&inline).all(|(a, s)| a.stays_inline(s));
    let compact =
        HclNode::Call { name: name.to_owned(), args: args.to_vec(), expand_final }.compact();
    if flat && compact.len() <= MAX_INLINE {
        return compact;
    }
    // `merge(local.tags, {` … `})`: when only the last argument spans lines,
    // it hugs the call, the layout Terraform's own docs use.
    if let Some((last, init)) = args.split_last() {
        let init_flat = init.iter().all(|a| a.stays_inline(&a.layout(indent)));
        let head: Vec<String> = init.iter().map(HclNode::compact).collect();
        let head = head.join(", ");
        let last_text = inline.last().cloned().unwrap_or_default();
        let last_breaks = !last.stays_inline(&last_text);
        if init_flat && last_breaks && head.len() + name.len() <= MAX_INLINE {
            let sep = if head.is_empty() { "" } else { ", " };
            return format!("{name}({head}{sep}{last_text}{dots})");
        }
    }
    let mut out = format!("{name}(\n");
    let n = args.len();
    for (i, a) in args.iter().enumerate() {
        let text = a.layout(indent + 2);
        // A trailing comma after `...` is a syntax error; elsewhere it keeps
        // diffs to one line.
        let tail = if i + 1 == n && expand_final { "..." } else { "," };
        push_line(&mut out, indent + 2, &format!("{text}{tail}"));
    }
    pad(&mut out, indent);
    out.push(')');
    out
}

fn push_line(out: &mut String, indent: usize, text: &str) {
    pad(out, indent);
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(s: &str) -> HclNode {
        HclNode::Leaf(s.to_owned())
    }

    #[test]
    fn short_scalar_lists_stay_inline() {
        let l = HclNode::List(vec![leaf("\"a\""), leaf("\"b\"")]);
        assert_eq!(l.layout(2), "[\"a\", \"b\"]");
        assert_eq!(HclNode::List(vec![]).layout(2), "[]");
    }

    #[test]
    fn long_lists_break_one_per_line() {
        let items = (0..10).map(|i| leaf(&format!("\"subnet-000000000{i}\""))).collect();
        let text = HclNode::List(items).layout(2);
        assert!(text.starts_with("[\n    \"subnet-0000000000\",\n"), "{text}");
        assert!(text.ends_with(",\n  ]"), "{text}");
    }

    #[test]
    fn lists_of_maps_always_break() {
        let m = HclNode::Map(vec![("a".into(), leaf("1"))]);
        let text = HclNode::List(vec![m]).layout(0);
        assert_eq!(text, "[\n  {\n    a = 1\n  },\n]");
    }

    #[test]
    fn map_items_align() {
        let m = HclNode::Map(vec![("a".into(), leaf("1")), ("bbb".into(), leaf("2"))]);
        assert_eq!(m.layout(2), "{\n    a   = 1\n    bbb = 2\n  }");
        assert_eq!(m.compact(), "{ a = 1, bbb = 2 }");
    }

    #[test]
    fn calls_hug_a_final_map() {
        let m = HclNode::Map(vec![("Name".into(), leaf("\"x\""))]);
        let c = HclNode::Call {
            name: "merge".into(),
            args: vec![leaf("local.tags"), m],
            expand_final: false,
        };
        assert_eq!(c.layout(2), "merge(local.tags, {\n    Name = \"x\"\n  })");
    }

    #[test]
    fn calls_break_when_two_args_span_lines() {
        let m = HclNode::Map(vec![("a".into(), leaf("1"))]);
        let c =
            HclNode::Call { name: "merge".into(), args: vec![m.clone(), m], expand_final: true };
        assert_eq!(c.layout(0), "merge(\n  {\n    a = 1\n  },\n  {\n    a = 1\n  }...\n)");
    }
}
