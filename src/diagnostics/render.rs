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
            let help = help.map(|h| format!("\n  help: {h}")).unwrap_or_default();
            format!("error: {message}{help}\n")
        }
        MessageFormat::Short => {
            let help = help.map(|h| format!(" (help: {h})")).unwrap_or_default();
            format!("error[{code}]: {message}{help}\n")
        }
        MessageFormat::Json => {
            let v = serde_json::json!({
                "severity": "error",
                "code": code,
                "message": message,
                "label": null,
                "help": help,
                "notes": [],
                "location": null,
            });
            format!("{v}\n")
        }
    }
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
            format!("{}:{l}:{c}: ", p.file)
        }
        None => String::new(),
    };
    out.push_str(&format!("{prefix}{}[{}]: {}", severity_word(d.severity), d.code, d.message));
    if let Some(h) = &d.help {
        out.push_str(&format!(" (help: {h})"));
    }
    out.push('\n');
}

fn json(out: &mut String, r: &Resolved, sources: &SourceMap) {
    let d = r.diag;
    let place = |p: &Place| {
        let (line, col) = location(p, sources);
        let (end_line, end_col) =
            sources.get(&p.file).map_or((0, 0), |t| line_col_of(t, p.span.end));
        serde_json::json!({ "file": p.file, "line": line, "column": col,
            "end_line": end_line, "end_column": end_col, "start": p.span.start, "end": p.span.end })
    };
    let v = serde_json::json!({
        "severity": severity_word(d.severity),
        "code": d.code,
        "message": d.message,
        "label": d.label,
        "help": d.help,
        "notes": notes(r, sources),
        "location": r.primary.as_ref().map(place),
        "related": r.secondary.iter().map(|(p, text)| {
            serde_json::json!({ "label": text, "location": place(p) })
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
            source = Some(NamedSource::new(&p.file, text.to_string()));
            labels.push(LabeledSpan::new_primary_with_span(d.label.clone(), p.span.clone()));
            for (q, text) in &r.secondary {
                if q.file == p.file {
                    labels.push(LabeledSpan::new_with_span(Some(text.to_string()), q.span.clone()));
                }
            }
        }
    }
    let mut help = d.help.clone();
    let notes = notes(r, sources);
    if !notes.is_empty() {
        let joined = notes.iter().map(|n| format!("note: {n}")).collect::<Vec<_>>().join("\n");
        help = Some(match help {
            Some(h) => format!("{h}\n{joined}"),
            None => joined,
        });
    }
    let report = Report {
        code: d.code.clone(),
        message: d.message.clone(),
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
        text = format!("{}[{}]: {}\n", severity_word(d.severity), d.code, d.message);
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
