//! The change printed three ways: text in the style of `terraform plan`
//! (`+` add, `-` remove, `~` change), JSON for tools, Markdown for a
//! pull-request comment.

use serde_json::{json, Value as J};

use super::{Action, AttrChange, Change, FileChange, Shown, StackChanges};
use crate::diagnostics::printable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
    /// One line per address (the summary after a `run`), rather than one
    /// line per attribute with every attribute of added blocks (`diff`).
    pub compact: bool,
}

/// Values longer than this are cut in text and Markdown.
const MAX_VALUE: usize = 60;
const MAX_VALUE_COMPACT: usize = 30;
/// A first run adds everything: the summary stays a screenful.
const MAX_COMPACT_LINES: usize = 25;
const SENSITIVE: &str = "(sensitive value)";

pub fn render(stacks: &[StackChanges], style: Style) -> String {
    match style.format {
        Format::Text => stacks.iter().map(|s| text(s, style)).collect(),
        Format::Markdown => markdown(stacks),
        Format::Json => {
            let doc = json!({
                "changed": stacks.iter().any(|s| !s.is_empty()),
                "stacks": stacks.iter().map(stack_json).collect::<Vec<_>>(),
            });
            // Serialising a `serde_json::Value` cannot fail.
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
    }
}

/// `2 to add, 1 to change, 0 to remove` (and renames when there are any).
pub fn counts(s: &StackChanges) -> String {
    let mut out = format!(
        "{} to add, {} to change, {} to remove",
        s.count(Action::Add),
        s.count(Action::Change),
        s.count(Action::Remove)
    );
    let renamed = s.count(Action::Rename);
    if renamed > 0 {
        out.push_str(&format!(", {renamed} likely renamed"));
    }
    if !s.skips.is_empty() {
        let n = s.skips.len();
        out.push_str(&format!(", {n} checkov exception{} changed", if n == 1 { "" } else { "s" }));
    }
    out
}

/// The header of a stack's change: what Terraform would see, or that only
/// the files change.
fn headline(s: &StackChanges) -> String {
    if s.only_rewritten() {
        "no change to what Terraform reads, but the files are rewritten".to_owned()
    } else {
        counts(s)
    }
}

/// `files: main.tf rewritten, store.tf new`: shown when files come or go
/// (a block moved to another file), or when nothing else changes.
fn files_line(s: &StackChanges) -> Option<String> {
    let moved = s.files.iter().any(|f| f.action != Action::Change);
    if s.files.is_empty() || !(moved || s.only_rewritten()) {
        return None;
    }
    let word = |f: &FileChange| match f.action {
        Action::Add => "new",
        Action::Remove => "removed",
        _ => "rewritten",
    };
    let each: Vec<String> =
        s.files.iter().map(|f| format!("{} {}", printable(&f.name, false), word(f))).collect();
    Some(format!("  files: {}", each.join(", ")))
}

fn text(s: &StackChanges, style: Style) -> String {
    let name = printable(&s.stack, false);
    if s.is_empty() {
        return format!("{name}: no changes\n");
    }
    let paint = |code: &str, t: String| {
        if style.color {
            format!("\x1b[{code}m{t}\x1b[0m")
        } else {
            t
        }
    };
    let mut out = format!("{name}: {}\n", headline(s));
    let mut body = lines(s, style.compact);
    if style.compact && body.len() > MAX_COMPACT_LINES {
        let more = body.len() - MAX_COMPACT_LINES + 1;
        body.truncate(MAX_COMPACT_LINES - 1);
        body.push(format!("  ... {more} more lines (`tsdsl diff` shows every change)"));
    }
    for line in body {
        let color = match line.trim_start().chars().next() {
            Some('+') => "32",
            Some('-') => "31",
            Some('~') => "33",
            _ => "2",
        };
        out.push_str(&paint(color, line));
        out.push('\n');
    }
    out
}

/// The body of a stack's change, without colour.
fn lines(s: &StackChanges, compact: bool) -> Vec<String> {
    let max = if compact { MAX_VALUE_COMPACT } else { MAX_VALUE };
    let mut out = Vec::new();
    for c in &s.changes {
        let addr = printable(&c.address, false);
        let head = match (c.action, &c.from) {
            (Action::Rename, Some(from)) if c.declared => {
                format!("  ~ {addr} (moved from {})", printable(from, false))
            }
            (Action::Rename, Some(from)) => {
                format!("  ~ {addr} (likely renamed from {})", printable(from, false))
            }
            (Action::Add, _) => format!("  + {addr}"),
            (Action::Remove, _) => format!("  - {addr}"),
            _ => format!("  ~ {addr}"),
        };
        if compact {
            let shown: Vec<String> = match c.action {
                Action::Change | Action::Rename => {
                    c.attrs.iter().map(|a| compact_attr(a, max)).collect()
                }
                _ => Vec::new(),
            };
            out.push(if shown.is_empty() { head } else { format!("{head}: {}", shown.join(", ")) });
        } else {
            out.push(head);
            for a in &c.attrs {
                out.push(format!("      {}", full_attr(a, max)));
            }
        }
        if let Some(line) = moved_line(c) {
            out.push(format!("      # to keep the existing object, add: {line}"));
        }
    }
    for k in &s.skips {
        let sign = if k.action == Action::Remove { '-' } else { '+' };
        out.push(format!(
            "  {sign} #checkov:skip={} (on {})",
            cut(&k.skip, max.max(MAX_VALUE)),
            printable(&k.address, false)
        ));
    }
    out.extend(files_line(s));
    out
}

/// The script line that tells Terraform a block was renamed, not replaced.
pub fn moved_line(c: &Change) -> Option<String> {
    match (c.action, &c.from, c.movable && !c.declared) {
        (Action::Rename, Some(from), true) => Some(format!(
            "moved({}, {});",
            rhai_string(&printable(from, false)),
            rhai_string(&printable(&c.address, false))
        )),
        _ => None,
    }
}

fn rhai_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn compact_attr(a: &AttrChange, max: usize) -> String {
    let path = printable(&a.path, false);
    match (&a.old, &a.new) {
        (Some(o), Some(n)) => {
            let (o, n) = pair(o, n, max);
            format!("{path} {o} -> {n}")
        }
        (None, Some(n)) => format!("+{path} {}", value(n, max)),
        (Some(o), None) => format!("-{path} {}", value(o, max)),
        (None, None) => path,
    }
}

fn full_attr(a: &AttrChange, max: usize) -> String {
    let path = printable(&a.path, false);
    match (&a.old, &a.new) {
        (Some(o), Some(n)) => {
            let (o, n) = pair(o, n, max);
            format!("~ {path} = {o} -> {n}")
        }
        (None, Some(n)) => format!("+ {path} = {}", value(n, max)),
        (Some(o), None) => format!("- {path} = {}", value(o, max)),
        (None, None) => format!("~ {path}"),
    }
}

/// Both sides of a change, each cut to `max` characters around where they
/// first differ: two long values sharing their start (a policy widened at
/// its end) must not show as the same text.
fn pair(old: &Shown, new: &Shown, max: usize) -> (String, String) {
    let (Shown::Code(o), Shown::Code(n)) = (old, new) else {
        return (value(old, max), value(new, max));
    };
    let (o, n): (Vec<char>, Vec<char>) =
        (one_line(o).chars().collect(), one_line(n).chars().collect());
    let first = o.iter().zip(&n).take_while(|(a, b)| a == b).count();
    // Where each side's window starts: from the beginning when the
    // difference shows in the first `max` characters.
    let start = if first + 2 <= max.saturating_sub(1) { 0 } else { first.saturating_sub(max / 3) };
    let window = |c: &[char]| {
        let end = (start + max).min(c.len());
        let mut s: String = c[start.min(end)..end].iter().collect();
        if start > 0 {
            s.insert(0, '…');
        }
        if end < c.len() {
            s.pop();
            s.push('…');
        }
        s
    };
    (window(&o), window(&n))
}

/// A value on one line, cut to `max` characters.
fn value(v: &Shown, max: usize) -> String {
    match v {
        Shown::Sensitive => SENSITIVE.to_owned(),
        Shown::Code(c) => cut(c, max),
    }
}

/// Code on one line, cut to `max` characters.
fn cut(code: &str, max: usize) -> String {
    let one_line = one_line(code);
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// Code as one printable line.
fn one_line(code: &str) -> String {
    printable(code, false).replace('\n', "\\n")
}

fn stack_json(s: &StackChanges) -> J {
    let shown = |v: &Option<Shown>| match v {
        None => J::Null,
        Some(Shown::Sensitive) => J::String(SENSITIVE.into()),
        Some(Shown::Code(c)) => J::String(c.clone()),
    };
    let changes: Vec<J> = s
        .changes
        .iter()
        .map(|c| {
            let attrs: Vec<J> = c
                .attrs
                .iter()
                .map(|a| {
                    let sensitive = matches!(a.old, Some(Shown::Sensitive))
                        || matches!(a.new, Some(Shown::Sensitive));
                    json!({ "path": a.path, "old": shown(&a.old), "new": shown(&a.new), "sensitive": sensitive })
                })
                .collect();
            json!({
                "action": c.action.word(),
                "address": c.address,
                "from": c.from,
                "moved": moved_line(c),
                "declared_move": c.declared,
                "attributes": attrs,
            })
        })
        .collect();
    let skips: Vec<J> = s
        .skips
        .iter()
        .map(|k| json!({ "action": k.action.word(), "address": k.address, "skip": k.skip }))
        .collect();
    let files: Vec<J> = s
        .files
        .iter()
        .map(|f| {
            let action = if f.action == Action::Change { "rewrite" } else { f.action.word() };
            json!({ "action": action, "name": f.name })
        })
        .collect();
    json!({
        "stack": s.stack,
        "add": s.count(Action::Add),
        "change": s.count(Action::Change),
        "remove": s.count(Action::Remove),
        "rename": s.count(Action::Rename),
        "changes": changes,
        "checkov_skips": skips,
        "files": files,
        "only_rewritten": s.only_rewritten(),
    })
}

fn markdown(stacks: &[StackChanges]) -> String {
    let mut out = String::new();
    for s in stacks {
        let name = printable(&s.stack, false).replace('`', "'");
        if s.is_empty() {
            out.push_str(&format!("### `{name}`: no changes\n\n"));
            continue;
        }
        out.push_str(&format!("### `{name}`: {}\n\n", headline(s)));
        // The marker in the first column, where a `diff` block colours it.
        let body = lines(s, false)
            .iter()
            .map(|l| {
                let rest = l.trim_start();
                match rest.chars().next() {
                    Some(m @ ('+' | '-' | '~')) => {
                        let indent = l.len() - rest.len();
                        format!("{m}{}{}", " ".repeat(indent), &rest[1..])
                    }
                    _ => format!(" {l}"),
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        // A fence longer than any run of backticks in the values.
        let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        out.push_str(&format!("{fence}diff\n{body}\n{fence}\n\n"));
    }
    out
}
