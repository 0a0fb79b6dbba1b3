use crate::model::{Origin, PathSeg, Site};

use super::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Which token of a located argument a label points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The key of a map entry: `instance_clas` in `#{ instance_clas: "db.t3.micro" }`.
    Key,
    /// The value of a map entry or list item.
    Value,
    /// The whole call (its name token).
    Call,
}

/// Where a diagnostic points, in model terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locus {
    /// The token at this exact site.
    Site(Site),
    /// A key or value inside the literal arguments of a call. `origin` is the
    /// call chain; rendering searches the innermost call the operator wrote
    /// for `path` and falls back to that call when the value was built
    /// elsewhere.
    InCall { origin: Origin, path: Vec<PathSeg>, target: Target },
    /// An exact byte range of a file, when the engine already knows it (the
    /// `tier` inside `` `${cfg.tier}` ``).
    Bytes { file: String, span: std::ops::Range<usize> },
}

/// The call itself (its name token) as a place: `bail!(&origin, ...)`.
impl From<&Origin> for Locus {
    fn from(origin: &Origin) -> Self {
        Locus::InCall { origin: origin.clone(), path: Vec::new(), target: Target::Call }
    }
}

/// A key or value inside the call's arguments: `(&origin, path, Target::Value)`.
impl From<(&Origin, Vec<PathSeg>, Target)> for Locus {
    fn from((origin, path, target): (&Origin, Vec<PathSeg>, Target)) -> Self {
        Locus::InCall { origin: origin.clone(), path, target }
    }
}

impl From<Site> for Locus {
    fn from(site: Site) -> Self {
        Locus::Site(site)
    }
}

/// A diagnostic in one line, as Typst's `error!`: the place (anything that
/// converts into a [`Locus`]: `&origin` for the call, `(&origin, path,
/// target)` for a key or value in its arguments), the code, the message
/// (a format string and its arguments, or any text), then `; name: value`
/// for each further builder call (`label`, `help`, `help_opt`, `note`):
///
/// `diag!(&origin, Code::ModelInstanceKey, "no `{key}` in `{name}`"; label: "no such instance")`
macro_rules! diag {
    ($at:expr, $code:expr, $fmt:literal $(, $arg:expr)* $(; $key:ident: $val:expr)* $(,)?) => {
        $crate::diagnostics::Diagnostic::error($code, format!($fmt $(, $arg)*))
            .at($crate::diagnostics::Locus::from($at))
            $(.$key($val))*
    };
    ($at:expr, $code:expr, $msg:expr $(; $key:ident: $val:expr)* $(,)?) => {
        $crate::diagnostics::Diagnostic::error($code, $msg)
            .at($crate::diagnostics::Locus::from($at))
            $(.$key($val))*
    };
}
pub(crate) use diag;

/// One problem, built in a chain:
/// `Diagnostic::error(Code::SchemaUnknownAttribute, "...").at(locus).help("...")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, documented code: `tsdsl::<phase>::<what>`.
    pub code: Code,
    /// Lowercase, no final period, names in backticks.
    pub message: String,
    pub primary: Option<Locus>,
    /// Text of the primary label ("unknown attribute", "expected a string").
    pub label: Option<String>,
    /// Further places worth showing (the declaration a value violated...).
    pub secondary: Vec<(Locus, String)>,
    /// Free-standing facts, such as where inside the stdlib it happened:
    /// shown as `note:` lines, apart from the fixes.
    pub notes: Vec<String>,
    /// What to do about it, one fix per entry: shown as `help:` lines.
    pub help: Vec<String>,
}

impl Diagnostic {
    /// The same diagnostic with every file name starting with `from` named
    /// with `to` instead (see [`SourceMap::renamed`](super::SourceMap::renamed)).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        let name = |f: &mut String| {
            if let Some(rest) = f.strip_prefix(from) {
                *f = format!("{to}{rest}");
            }
        };
        let locus = |l: &mut Locus| match l {
            Locus::Site(s) => name(&mut s.file),
            Locus::InCall { origin, .. } => {
                origin.frames.iter_mut().for_each(|s| name(&mut s.file))
            }
            Locus::Bytes { file, .. } => name(file),
        };
        if let Some(l) = self.primary.as_mut() {
            locus(l);
        }
        self.secondary.iter_mut().for_each(|(l, _)| locus(l));
        self
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn at(mut self, locus: Locus) -> Self {
        self.primary = Some(locus);
        self
    }

    pub fn at_site(self, site: Site) -> Self {
        self.at(Locus::Site(site))
    }

    /// Point at a key or value inside the arguments of the call `origin`.
    pub fn at_path(self, origin: &Origin, path: Vec<PathSeg>, target: Target) -> Self {
        self.at(Locus::InCall { origin: origin.clone(), path, target })
    }

    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = Some(text.into());
        self
    }

    pub fn secondary(mut self, locus: Locus, text: impl Into<String>) -> Self {
        self.secondary.push((locus, text.into()));
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// Adds a fix; a diagnostic may carry several.
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help.push(text.into());
        self
    }

    /// Adds a fix when there is one (a did-you-mean that found a name).
    pub fn help_opt(mut self, text: Option<String>) -> Self {
        self.help.extend(text);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
