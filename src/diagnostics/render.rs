//! Rendering diagnostics: miette's graphical report for people, one line
//! each for `--message-format short`, JSON lines for editors and CI.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::resolve::{resolve, Place};
use super::source_map::{line_col_of, SourceMap};
use super::{Diagnostic, Severity};

/// How many diagnostics one run shows before summarising the rest.
pub const MAX_SHOWN: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    #[default]
    Human,
    Short,
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub format: MessageFormat,
    pub color: bool,
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { format: MessageFormat::Human, color: false, width: 100 }
    }
}

/// A diagnostic with its places resolved, ready for any renderer.
struct Resolved<'a> {
    diag: &'a Diagnostic,
    primary: Option<Place>,
    secondary: Vec<(Place, &'a str)>,
}

impl Resolved<'_> {
    fn sort_key(&self) -> (u8, String, usize) {
        match &self.primary {
            Some(p) => (0, p.file.clone(), p.span.start),
            None => (1, String::new(), 0),
        }
    }
}

/// Renders every diagnostic, sorted by file and position, errors and
/// warnings interleaved as they occur in the text, capped at [`MAX_SHOWN`].
pub fn render(diags: &[Diagnostic], sources: &SourceMap, opts: RenderOptions) -> String {
    let mut resolved: Vec<Resolved> = diags
        .iter()
        .map(|d| Resolved {
            diag: d,
            primary: d.primary.as_ref().and_then(|l| resolve(l, sources)),
            secondary: d
                .secondary
                .iter()
                .filter_map(|(l, t)| resolve(l, sources).map(|p| (p, t.as_str())))
                .collect(),
        })
        .collect();
    resolved.sort_by_key(|r| r.sort_key());
    resolved.dedup_by(|a, b| a.diag == b.diag && a.primary == b.primary);
    let hidden = resolved.len().saturating_sub(MAX_SHOWN);
    resolved.truncate(MAX_SHOWN);

    let mut out = String::new();
    for r in &resolved {
        match opts.format {
            MessageFormat::Human => human(&mut out, r, sources, opts),
            MessageFormat::Short => short(&mut out, r, sources),
            MessageFormat::Json => json(&mut out, r, sources),
        }
    }
    if hidden > 0 && opts.format != MessageFormat::Json {
        out.push_str(&format!("... and {hidden} more diagnostics not shown\n"));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if opts.format == MessageFormat::Human && errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        out.push_str(&format!("error: could not build, {errors} error{s}\n"));
    }
    out
}

/// A problem outside any script (bad command line, unreadable file) in the
/// requested format, so that `--message-format json` output stays JSON.
pub fn render_plain(
    format: MessageFormat,
    code: &str,
    message: &str,
    help: Option<&str>,
) -> String {
    match format {
        MessageFormat::Human => {
            let help =
                help.map(|h| format!("\n  help: {}", printable(h, true))).unwrap_or_default();
            format!("error: {}{help}\n", printable(message, true))
        }
        MessageFormat::Short => {
            let help =
                help.map(|h| format!(" (help: {})", printable(h, false))).unwrap_or_default();
            format!("error[{code}]: {}{help}\n", printable(message, false))
        }
        MessageFormat::Json => {
            let v = serde_json::json!({
                "severity": "error",
                "code": code,
                "message": printable(message, false),
                "label": null,
                "help": help.map(|h| printable(h, true)),
                "notes": [],
                "location": null,
            });
            format!("{v}\n")
        }
    }
}

/// Whether a terminal could act on `c` rather than show it: C0 and C1
/// controls (ESC starts colour and cursor sequences, U+009B is a one-byte
/// CSI), DEL, and the bidirectional overrides that reorder what is shown.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character a terminal would act on written as an escape
/// (`\u{1b}`, and `\n` for a line break unless `keep_lines`): names,
/// messages and paths come from scripts and file names, and what is
/// printed must be exactly what the reader sees.
pub fn printable(s: &str, keep_lines: bool) -> String {
    if !s.chars().any(acts_on_terminal) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_lines => out.push('\n'),
            '\t' if keep_lines => out.push('\t'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts_on_terminal(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Source text made printable with its line breaks kept, and a function that
/// moves a byte offset of the original to the same place in the new text.
fn printable_source(text: &str) -> (String, impl Fn(usize) -> usize) {
    let mut out = String::with_capacity(text.len());
    // (original offset, shift) at each place where the text grew.
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let before = out.len();
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if text[i + 1..].starts_with('\n') => out.push(c),
            c if acts_on_terminal(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
        let grew = out.len() - before - c.len_utf8();
        if grew > 0 {
            let total = shifts.last().map_or(0, |s| s.1) + grew;
            shifts.push((i + c.len_utf8(), total));
        }
    }
    let map = move |offset: usize| {
        let n = shifts.partition_point(|&(at, _)| at <= offset);
        offset + if n == 0 { 0 } else { shifts[n - 1].1 }
    };
    (out, map)
}

fn location(place: &Place, sources: &SourceMap) -> (u32, u32) {
    sources.get(&place.file).map_or((0, 0), |t| line_col_of(t, place.span.start))
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn short(out: &mut String, r: &Resolved, sources: &SourceMap) {
    let d = r.diag;
    let prefix = match &r.primary {
        Some(p) => {
            let (l, c) = location(p, sources);
            format!("{}:{l}:{c}: ", printable(&p.file, false))
        }
        None => String::new(),
    };
    let message = printable(&d.message, false);
    out.push_str(&format!("{prefix}{}[{}]: {message}", severity_word(d.severity), d.code));
    if let Some(h) = &d.help {
        out.push_str(&format!(" (help: {})", printable(h, false)));
    }
    out.push('\n');
}

fn json(out: &mut String, r: &Resolved, sources: &SourceMap) {
    let d = r.diag;
    let place = |p: &Place| {
        let (line, col) = location(p, sources);
        let (end_line, end_col) =
            sources.get(&p.file).map_or((0, 0), |t| line_col_of(t, p.span.end));
        serde_json::json!({ "file": printable(&p.file, false), "line": line, "column": col,
            "end_line": end_line, "end_column": end_col, "start": p.span.start, "end": p.span.end })
    };
    let v = serde_json::json!({
        "severity": severity_word(d.severity),
        "code": d.code,
        "message": printable(&d.message, false),
        "label": d.label.as_deref().map(|l| printable(l, false)),
        "help": d.help.as_deref().map(|h| printable(h, true)),
        "notes": notes(r, sources).iter().map(|n| printable(n, true)).collect::<Vec<_>>(),
        "location": r.primary.as_ref().map(place),
        "related": r.secondary.iter().map(|(p, text)| {
            serde_json::json!({ "label": printable(text, false), "location": place(p) })
        }).collect::<Vec<_>>(),
    });
    out.push_str(&v.to_string());
    out.push('\n');
}

/// Notes shown under a diagnostic: its own, then where inside the stdlib
/// it happened, then secondary places that lie in other files.
fn notes(r: &Resolved, sources: &SourceMap) -> Vec<String> {
    let mut notes = r.diag.notes.clone();
    if let Some(p) = &r.primary {
        for s in &p.inner_stdlib {
            notes.push(format!("raised inside the stdlib at {}:{}:{}", s.file, s.line, s.col));
        }
    }
    for (p, text) in &r.secondary {
        if r.primary.as_ref().map(|q| &q.file) != Some(&p.file) {
            let (l, c) = location(p, sources);
            notes.push(format!("{text}: {}:{l}:{c}", p.file));
        }
    }
    notes
}

fn human(out: &mut String, r: &Resolved, sources: &SourceMap, opts: RenderOptions) {
    let d = r.diag;
    let mut labels = Vec::new();
    let mut source = None;
    if let Some(p) = &r.primary {
        if let Some(text) = sources.get(&p.file) {
            let (text, at) = printable_source(text);
            let span = |s: &std::ops::Range<usize>| at(s.start)..at(s.end);
            source = Some(NamedSource::new(printable(&p.file, false), text));
            let label = d.label.as_deref().map(|l| printable(l, false));
            labels.push(LabeledSpan::new_primary_with_span(label, span(&p.span)));
            for (q, text) in &r.secondary {
                if q.file == p.file {
                    let text = printable(text, false);
                    labels.push(LabeledSpan::new_with_span(Some(text), span(&q.span)));
                }
            }
        }
    }
    let mut help = d.help.as_deref().map(|h| printable(h, true));
    let notes = notes(r, sources);
    if !notes.is_empty() {
        let joined = notes
            .iter()
            .map(|n| format!("note: {}", printable(n, true)))
            .collect::<Vec<_>>()
            .join("\n");
        help = Some(match help {
            Some(h) => format!("{h}\n{joined}"),
            None => joined,
        });
    }
    let report = Report {
        code: d.code.clone(),
        message: printable(&d.message, false),
        severity: d.severity,
        help,
        labels,
        source,
    };
    let theme =
        if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler =
        GraphicalReportHandler::new_themed(theme).with_width(opts.width).with_links(false);
    let mut text = String::new();
    if handler.render_report(&mut text, &report).is_err() {
        text = format!(
            "{}[{}]: {}\n",
            severity_word(d.severity),
            d.code,
            printable(&d.message, false)
        );
    }
    out.push_str(&text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
}

/// What miette draws: a diagnostic with its source attached.
#[derive(Debug)]
struct Report {
    code: String,
    message: String,
    severity: Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<NamedSource<String>>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("a\u{1b}[2Jb", false), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\ny\r\u{9b}\u{202e}", false), "x\\ny\\r\\u{9b}\\u{202e}");
        assert_eq!(printable("x\ny", true), "x\ny");
        assert_eq!(printable("héllo ✓", false), "héllo ✓");
    }

    #[test]
    fn source_offsets_follow_the_escapes() {
        let src = "a\u{1b}b\nc\u{7}d";
        let (text, at) = printable_source(src);
        assert_eq!(text, "a\\u{1b}b\nc\\u{7}d");
        for (i, c) in [(0, 'a'), (2, 'b'), (4, 'c'), (6, 'd')] {
            assert_eq!(text[at(i)..].chars().next(), Some(c), "{i}");
        }
        assert_eq!(at(src.len()), text.len());
    }
}
