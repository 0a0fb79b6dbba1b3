//! Rendering diagnostics: miette's graphical report for people, one line
//! each for `--message-format short`, JSON lines for editors and CI.

use std::fmt;

use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::resolve::{resolve, Place};
use super::source_map::{line_col_of, SourceMap};
use super::{Code, Diagnostic, Severity};

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
    code: Code,
    message: &str,
    help: Option<&str>,
) -> String {
    match format {
        MessageFormat::Human => {
            let mut out = format!("error: {}\n", printable(message, true));
            footer(&mut out, help.into_iter().map(|h| ("help", h)), &|m| m.to_owned(), 100);
            out
        }
        MessageFormat::Short => {
            let help =
                help.map(|h| format!(" (help: {})", printable(h, false))).unwrap_or_default();
            format!("error[{code}]: {}{help}\n", printable(message, false))
        }
        MessageFormat::Json => {
            let v = serde_json::json!({
                "severity": "error",
                "code": code.as_str(),
                "message": printable(message, false),
                "label": null,
                "help": help.map(|h| printable(h, true)),
                "helps": help.iter().map(|h| printable(h, true)).collect::<Vec<_>>(),
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
    if !d.help.is_empty() {
        let helps: Vec<String> = d.help.iter().map(|h| printable(h, false)).collect();
        out.push_str(&format!(" (help: {})", helps.join("; ")));
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
        "code": d.code.as_str(),
        "message": printable(&d.message, false),
        "label": d.label.as_deref().map(|l| printable(l, false)),
        // `help` is every fix in one text, for readers written before `helps`.
        "help": (!d.help.is_empty()).then(|| printable(&d.help.join("\n"), true)),
        "helps": d.help.iter().map(|h| printable(h, true)).collect::<Vec<_>>(),
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
            let moved = |s: &Range<usize>| at(s.start)..at(s.end);
            let name = printable(&p.file, false);
            let (mut shown, map) = Excerpt::around(&name, &text, moved(&p.span));
            let label = d.label.as_deref().map(|l| printable(l, false));
            if let Some(span) = map(&moved(&p.span)) {
                let (line, col) = location(p, sources);
                shown.header = Some((
                    span.start,
                    (line as usize).saturating_sub(1),
                    (col as usize).saturating_sub(1),
                ));
                labels.push(LabeledSpan::new_primary_with_span(label, span));
            }
            for (q, text) in &r.secondary {
                if let Some(span) = map(&moved(&q.span)).filter(|_| q.file == p.file) {
                    labels.push(LabeledSpan::new_with_span(Some(printable(text, false)), span));
                }
            }
            source = Some(shown);
        }
    }
    let report = Report {
        code: d.code,
        message: printable(&d.message, false),
        severity: d.severity,
        labels,
        source,
    };
    let theme =
        if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let style = theme.styles.help;
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
    let notes = notes(r, sources);
    let lines = notes.iter().map(|n| ("note", n.as_str()));
    let lines = lines.chain(d.help.iter().map(|h| ("help", h.as_str())));
    let mark = |m: &str| if opts.color { style.style(m).to_string() } else { m.to_owned() };
    footer(out, lines, &mark, opts.width);
}

/// The lines under a report, each marked apart: facts (`note:`) first,
/// then fixes (`help:`), wrapped and indented as miette wraps its own help.
fn footer<'a>(
    out: &mut String,
    lines: impl Iterator<Item = (&'static str, &'a str)>,
    styled: &dyn Fn(&str) -> String,
    width: usize,
) {
    for (kind, text) in lines {
        let mark = format!("  {kind}: ");
        let shown = styled(&mark);
        let indent = " ".repeat(mark.len());
        let opts = textwrap::Options::new(width.saturating_sub(2))
            .initial_indent(&shown)
            .subsequent_indent(&indent)
            // `--account-id` and paths stay whole on their line.
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        out.push_str(&textwrap::fill(&printable(text, true), opts));
        out.push('\n');
    }
}

/// What miette draws: a diagnostic with its source attached.
#[derive(Debug)]
struct Report {
    code: Code,
    message: String,
    severity: Severity,
    labels: Vec<LabeledSpan>,
    source: Option<Excerpt>,
}

/// Lines longer than this are cut around the label when shown (miette draws
/// whole lines: a 20 MB one-line script would be printed whole, several times).
const MAX_SHOWN_LINE: usize = 200;

/// The part of a file a report shows: the whole text when its lines are
/// short, else the label's line and its neighbours, each cut to
/// [`MAX_SHOWN_LINE`], with line and column numbers kept those of the file.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// The file's line number (0-based) of the excerpt's first line.
    first_line: usize,
    /// The label's line, in the file, and how many characters were cut from its start.
    cut: Option<(usize, usize)>,
    /// Where the primary label starts in the excerpt, and its line and
    /// column (0-based) in the file as the other formats give them: miette's
    /// header counts bytes of the text it is shown, which the `…` of a cut
    /// line and the escapes of control characters make longer.
    header: Option<(usize, usize, usize)>,
}

type SpanMap = Box<dyn Fn(&Range<usize>) -> Option<Range<usize>>>;

impl Excerpt {
    fn around(name: &str, text: &str, span: Range<usize>) -> (Excerpt, SpanMap) {
        let start = floor(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let prev_start = if line_start == 0 {
            0
        } else {
            text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1)
        };
        let next_end = if line_end == text.len() {
            line_end
        } else {
            text[line_end + 1..].find('\n').map_or(text.len(), |i| line_end + 1 + i)
        };
        let whole = |name: &str, text: &str| Excerpt {
            name: name.to_owned(),
            text: text.to_owned(),
            first_line: 0,
            cut: None,
            header: None,
        };
        let short = [(prev_start, line_start), (line_start, line_end), (line_end, next_end)]
            .iter()
            .all(|(a, b)| b - a <= MAX_SHOWN_LINE + 1);
        if short {
            return (whole(name, text), Box::new(|s: &Range<usize>| Some(s.clone())));
        }
        let mut out = String::new();
        if prev_start < line_start {
            out.push_str(&cut_line(&text[prev_start..line_start - 1]));
            out.push('\n');
        }
        // The label's line: a window that starts a little before the label.
        let window_start = floor(text, start.saturating_sub(MAX_SHOWN_LINE / 3).max(line_start));
        let window_end = floor(text, (window_start + MAX_SHOWN_LINE).min(line_end));
        let at = out.len();
        let lead = if window_start > line_start { "…" } else { "" };
        out.push_str(lead);
        out.push_str(&text[window_start..window_end]);
        if window_end < line_end {
            out.push('…');
        }
        if line_end < next_end {
            out.push('\n');
            out.push_str(&cut_line(&text[line_end + 1..next_end]));
        }
        let cut_chars = text[line_start..window_start].chars().count();
        let cut_chars = cut_chars.saturating_sub(lead.chars().count());
        let first_line = text[..prev_start].matches('\n').count();
        let label_line = text[..line_start].matches('\n').count();
        let shift = at + lead.len();
        let map = move |s: &Range<usize>| {
            (s.start >= window_start && s.start <= window_end).then(|| {
                let end = s.end.clamp(s.start, window_end);
                s.start - window_start + shift..end - window_start + shift
            })
        };
        let excerpt = Excerpt {
            name: name.to_owned(),
            text: out,
            first_line,
            cut: Some((label_line, cut_chars)),
            header: None,
        };
        (excerpt, Box::new(map))
    }
}

/// `line`, cut to [`MAX_SHOWN_LINE`] bytes (on a character boundary) with `…`.
fn cut_line(line: &str) -> String {
    if line.len() <= MAX_SHOWN_LINE {
        return line.to_owned();
    }
    format!("{}…", &line[..floor(line, MAX_SHOWN_LINE)])
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        if let Some((at, line, column)) = self.header {
            if (before, after) == (0, 0) && span.offset() == at {
                return Ok(Box::new(miette::MietteSpanContents::new_named(
                    self.name.clone(),
                    inner.data(),
                    *inner.span(),
                    line,
                    column,
                    inner.line_count(),
                )));
            }
        }
        let line = inner.line() + self.first_line;
        let column = match self.cut {
            Some((l, cut)) if l == line => inner.column() + cut,
            _ => inner.column(),
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
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

    fn several() -> (Diagnostic, SourceMap) {
        let mut sources = SourceMap::default();
        sources.insert("main.rhai", std::sync::Arc::from("let x = 1;\n"));
        let site = crate::model::Site { file: "main.rhai".to_owned(), line: 1, col: 5 };
        let d = Diagnostic::error(Code::ScriptWrongType, "`x` must be text")
            .at_site(site)
            .label("a number")
            .note("numbers are written without quotes")
            .note("the value comes from line 1")
            .help("write `\"1\"`")
            .help("or convert it with `to_string()`");
        (d, sources)
    }

    #[test]
    fn notes_and_each_help_have_lines_of_their_own() {
        let (d, sources) = several();
        let text = render(&[d], &sources, RenderOptions::default());
        let footer: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  note: ") || l.starts_with("  help: "))
            .collect();
        assert_eq!(
            footer,
            [
                "  note: numbers are written without quotes",
                "  note: the value comes from line 1",
                "  help: write `\"1\"`",
                "  help: or convert it with `to_string()`",
            ],
            "{text}"
        );
    }

    #[test]
    fn json_keeps_help_and_adds_helps_and_notes() {
        let (d, sources) = several();
        let opts = RenderOptions { format: MessageFormat::Json, ..RenderOptions::default() };
        let text = render(&[d], &sources, opts);
        let v: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
        assert_eq!(v["help"], "write `\"1\"`\nor convert it with `to_string()`");
        assert_eq!(
            v["helps"],
            serde_json::json!(["write `\"1\"`", "or convert it with `to_string()`"])
        );
        assert_eq!(
            v["notes"],
            serde_json::json!([
                "numbers are written without quotes",
                "the value comes from line 1"
            ])
        );
        let none = Diagnostic::error(Code::ScriptRuntime, "boom");
        let text = render(&[none], &SourceMap::default(), opts);
        let v: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
        assert_eq!(
            (v["help"].clone(), v["helps"].clone()),
            (serde_json::Value::Null, serde_json::json!([]))
        );
    }

    #[test]
    fn short_puts_every_help_on_the_line() {
        let (d, sources) = several();
        let opts = RenderOptions { format: MessageFormat::Short, ..RenderOptions::default() };
        assert_eq!(
            render(&[d], &sources, opts),
            "main.rhai:1:5: error[tsdsl::script::wrong_type]: `x` must be text \
             (help: write `\"1\"`; or convert it with `to_string()`)\n"
        );
    }

    #[test]
    fn long_footer_lines_wrap_under_their_mark() {
        let d = Diagnostic::error(Code::ScriptRuntime, "boom").help("word ".repeat(40));
        let opts = RenderOptions { width: 60, ..RenderOptions::default() };
        let text = render(&[d], &SourceMap::default(), opts);
        let help: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("  help: "))
            .take_while(|l| l.starts_with("  help: ") || l.starts_with("        "))
            .collect();
        assert!(
            help.len() > 2 && help[1..].iter().all(|l| l.starts_with("        word")),
            "{text}"
        );
        assert!(help.iter().all(|l| l.chars().count() <= 58), "{text}");
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

    /// The header names the place the short and JSON formats name, on a
    /// line cut around the label (the `…`) and after escaped characters.
    #[test]
    fn the_header_counts_characters_of_the_file() {
        let long = format!("let y = \"{}\" + ;\n", "a".repeat(300));
        for (src, col) in [(long.as_str(), 314), ("let y = \"\u{7}\u{7}é\" + ;\n", 17)] {
            let mut sources = SourceMap::default();
            sources.insert("main.rhai", std::sync::Arc::from(src));
            let site = crate::model::Site { file: "main.rhai".to_owned(), line: 1, col };
            let d = Diagnostic::error(Code::ScriptSyntax, "unexpected ';'").at_site(site);
            let text = render(&[d], &sources, RenderOptions::default());
            assert!(text.contains(&format!("[main.rhai:1:{col}]")), "{text}");
        }
    }
}
