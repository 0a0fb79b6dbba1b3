//! A `()` where Terraform needs a value: never a silent `null`, always a
//! diagnostic at the value that says where the nothing came from when the
//! source tells (an in-place method such as `replace`, an `if` without
//! `else`, `get` of an absent key).

use crate::diagnostics::{Code, Diagnostic, Locus, SourceMap, Target};
use crate::model::Origin;
use crate::syntax::{FileIndex, Part};

use super::errors::arg_locus;

/// Methods that change their receiver in place and return nothing: the
/// usual source of a `()` reaching a block (`let n = s.replace("-", "_")`).
const IN_PLACE_STRING: &[&str] =
    &["replace", "trim", "make_upper", "make_lower", "pad", "truncate", "clear", "crop", "append"];

const IN_PLACE_LIST: &[&str] = &[
    "push",
    "append",
    "insert",
    "sort",
    "reverse",
    "clear",
    "truncate",
    "pad",
    "dedup",
    "chop",
    "retain",
    "mixin",
    "fill_with",
    "shift",
];

/// A `()` that reached a block's argument: reported at the value, saying
/// where it came from when the source tells (an in-place method, an `if`
/// without `else`).
pub(crate) fn nothing(
    ctx: &super::context::Ctx,
    origin: &Origin,
    path: Vec<crate::model::PathSeg>,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    use crate::model::PathSeg;
    let (value_at, file, why) = explain_nothing(&ctx.sources.borrow(), origin, &path);
    let subject = match path.last() {
        Some(PathSeg::Key(k)) => format!("`{k}`"),
        Some(PathSeg::Index(i)) => format!("item {i}"),
        None => "the value".to_owned(),
    };
    let message = format!("{subject} {message}");
    let d = Diagnostic::error(Code::ScriptNothing, message);
    // `output("x", n)`: label `n` itself, not the call.
    let d = match value_at {
        Some(locus) if path.is_empty() => d.at(locus),
        _ => d.at_path(origin, path, Target::Value),
    };
    let d = d.label("nothing here");
    match (why, file) {
        (Some(w), Some(file)) => with_why(d, &file, w),
        _ => d.help_opt(help),
    }
}

/// The reason in the message, the fix as help, the cause as a second label.
fn with_why(d: Diagnostic, file: &str, w: Why) -> Diagnostic {
    let message = format!("{}: {}", d.message, w.why);
    Diagnostic { message, ..d }
        .help(w.fix)
        .secondary(Locus::Bytes { file: file.to_owned(), span: w.at }, "gives nothing")
}

/// Argument `n` of a primitive (a block's type or name) is nothing:
/// labelled at the argument, saying where it came from when it can.
pub(crate) fn nothing_arg(
    sources: &SourceMap,
    origin: &Origin,
    n: usize,
    what: &str,
) -> Diagnostic {
    let d = Diagnostic::error(Code::ScriptNothing, format!("{what} is nothing"));
    match arg_locus(sources, origin, n) {
        Some(locus) => {
            let why = match &locus {
                Locus::Bytes { file, span } => sources
                    .index(file)
                    .and_then(|t| explain_expr(&t, span.clone(), 0))
                    .map(|w| (file.clone(), w)),
                _ => None,
            };
            let d = d.at(locus).label("nothing here");
            match why {
                Some((file, w)) => with_why(d, &file, w),
                None => d.help("a name must be a string"),
            }
        }
        None => d.at_path(origin, Vec::new(), Target::Call).label("given nothing"),
    }
}

/// Where the value that is nothing was written (for a value that is a
/// whole argument, argument 1 of the call), and why it is nothing when
/// its expression tells.
fn explain_nothing(
    sources: &SourceMap,
    origin: &Origin,
    path: &[crate::model::PathSeg],
) -> (Option<Locus>, Option<String>, Option<Why>) {
    for site in origin.frames.iter().rev().filter(|s| SourceMap::is_operator_file(&s.file)) {
        let Some(index) = sources.index(&site.file) else { continue };
        let Some(off) = index.offset(site.line, site.col) else { continue };
        let span = if path.is_empty() {
            index.call_arg(off, 1)
        } else {
            index.find_in_call(off, path, Part::Value).filter(|f| f.complete).map(|f| f.span)
        };
        if let Some(span) = span {
            let locus = Locus::Bytes { file: site.file.clone(), span: span.clone() };
            return (Some(locus), Some(site.file.clone()), explain_expr(&index, span, 0));
        }
    }
    (None, None, None)
}

/// Why a value is nothing: the reason, the fix, and the place in the text
/// that made it (shown as a second label).
struct Why {
    why: String,
    fix: String,
    at: std::ops::Range<usize>,
}

fn explain_expr(index: &FileIndex, span: std::ops::Range<usize>, hops: u8) -> Option<Why> {
    let text = index.text();
    let raw = text.get(span.clone())?;
    let base = span.start + (raw.len() - raw.trim_start().len());
    let expr = raw.trim();
    let is_name = |s: &str| {
        s.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
            && s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
    };
    if hops < 4 && is_name(expr) {
        let bound = index.binding_of(span.start, expr)?;
        return explain_expr(index, bound, hops + 1);
    }
    if let Some(body) = expr.strip_prefix('`') {
        // A template: look at each `${name}` it interpolates.
        for piece in body.split("${").skip(1) {
            let name = piece.split('}').next().unwrap_or("").trim();
            if hops < 4 && is_name(name) {
                if let Some(found) = index
                    .binding_of(span.start, name)
                    .and_then(|b| explain_expr(index, b, hops + 1))
                {
                    return Some(found);
                }
            }
        }
        return None;
    }
    if expr.starts_with("if ") && !expr.contains("else") {
        return Some(Why {
            why: "an `if` without `else` gives nothing when its condition is false".into(),
            fix: "add an `else { ... }` branch, or leave the key out when there is no value".into(),
            at: base..base + 2,
        });
    }
    // `receiver.method(args)` as the last step of the expression.
    let open = matching_open(expr)?;
    let before = &expr[..open];
    let name_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| *c == '_' || c.is_ascii_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let method = &before[name_start..];
    let receiver = before[..name_start].strip_suffix('.')?;
    let at = base + name_start..base + open;
    if method == "get" {
        return Some(Why {
            why: "`get` gives nothing when the map has no such key, or the list or text no \
                  such index"
                .into(),
            fix: "check the key or the index, or give a fallback: `if \"k\" in m { m.k } else \
                  { ... }`, `if i < list.len() { list[i] } else { ... }`"
                .into(),
            at,
        });
    }
    let kind = if IN_PLACE_STRING.contains(&method) && !IN_PLACE_LIST.contains(&method) {
        "the string"
    } else if IN_PLACE_LIST.contains(&method) && !IN_PLACE_STRING.contains(&method) {
        "the list"
    } else if IN_PLACE_STRING.contains(&method) {
        "its receiver"
    } else {
        return None;
    };
    let fix = if is_name(receiver.trim()) {
        format!(
            "call it on its own (`{}.{method}(...);`) and use `{}` afterwards",
            receiver.trim(),
            receiver.trim()
        )
    } else {
        format!("put the value in a variable, call `{method}` on it as a statement, then use the variable")
    };
    Some(Why { why: format!("`{method}` changes {kind} in place and returns nothing"), fix, at })
}

/// Byte index of the `(` matching the `)` that ends `expr`.
fn matching_open(expr: &str) -> Option<usize> {
    if !expr.ends_with(')') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in expr.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_value_is_traced_to_the_call_that_made_it() {
        let src = "let n = \"media-bucket\".replace(\"-\", \"_\");\nf(#{ bucket: n });";
        let at = src.find("n }").unwrap();
        let w = explain_expr(&FileIndex::new(src), at..at + 1, 0).unwrap();
        assert_eq!(w.why, "`replace` changes the string in place and returns nothing");
        assert!(w.fix.contains("variable"), "{}", w.fix);
        assert_eq!(&src[w.at], "replace");
        let src = "let l = [1];\nlet m = l.push(2);\nf(#{ x: `${m}` });";
        let at = src.find("`$").unwrap();
        let w = explain_expr(&FileIndex::new(src), at..src.len() - 4, 0).unwrap();
        assert_eq!(w.why, "`push` changes the list in place and returns nothing");
        assert_eq!(&src[w.at], "push");
        assert!(explain_expr(&FileIndex::new("f(#{ x: y })"), 8..9, 0).is_none());
    }
}
