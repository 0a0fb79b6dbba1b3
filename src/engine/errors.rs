//! Rhai errors to diagnostics: walk the chain of calls down to the root
//! cause, label the innermost place the operator wrote, and turn stdlib
//! frames into notes.

use rhai::{Dynamic, EvalAltResult, ParseError, ParseErrorType, Position};

use crate::diagnostics::{Diagnostic, Target};
use crate::model::{Origin, Site};

use super::origin::site;
use crate::diagnostics::did_you_mean;

/// A diagnostic travelling through Rhai as an error value, so that a
/// primitive's failure keeps its code and locus instead of becoming a string.
#[derive(Debug, Clone)]
pub(crate) struct Raised(pub Box<Diagnostic>);

pub(crate) fn raise(d: Diagnostic) -> Box<EvalAltResult> {
    RAISED.with(|r| {
        // A caught error in a loop must not pile up: the first ones tell.
        if let Some(all) = r.borrow_mut().as_mut().filter(|a| a.len() < MAX_RECORDED) {
            all.push(d.clone());
        }
    });
    Box::new(EvalAltResult::ErrorRuntime(Dynamic::from(Raised(Box::new(d))), Position::NONE))
}

const MAX_RECORDED: usize = 256;

thread_local! {
    /// Every diagnostic raised by the evaluation running on this thread.
    ///
    /// A script can catch a raised error (`try { stack("x") } catch {}`) and
    /// Rhai gives no hook when it does, so the error is recorded when raised.
    /// `raise` is called from dozens of primitives that hold no shared
    /// context; this one slot, installed and restored by [`Recording`] around
    /// each evaluation (a stack read inside a run gets its own), is the
    /// exception to "no thread-local state in the engine".
    static RAISED: std::cell::RefCell<Option<Vec<Diagnostic>>> =
        const { std::cell::RefCell::new(None) };
}

/// Records what [`raise`] raises until [`Recording::finish`]; nests.
pub(crate) struct Recording {
    outer: Option<Vec<Diagnostic>>,
    done: bool,
}

impl Recording {
    pub fn start() -> Self {
        Recording { outer: RAISED.with(|r| r.borrow_mut().replace(Vec::new())), done: false }
    }

    /// Every diagnostic raised since [`Recording::start`], once each.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.done = true;
        let mut all = RAISED.with(|r| r.replace(self.outer.take())).unwrap_or_default();
        let mut seen: Vec<Diagnostic> = Vec::with_capacity(all.len());
        all.retain(|d| {
            let fresh = !seen.contains(d);
            if fresh {
                seen.push(d.clone());
            }
            fresh
        });
        all
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if !self.done {
            let outer = self.outer.take();
            RAISED.with(|r| r.replace(outer));
        }
    }
}

/// Converts a parse error in `file` (whose text is `text`).
pub(crate) fn parse_error(err: &ParseError, file: &str, text: &str) -> Diagnostic {
    let frames = site(file, err.1).into_iter().collect();
    let (code, message, mut help) = parse_message(&err.0);
    if let ParseErrorType::VariableUndefined(name) = &*err.0 {
        if let Some(better) = did_you_mean(name, declared_names(text).iter().map(String::as_str)) {
            help = Some(better);
        }
    }
    Diagnostic::error(code, message)
        .at_path(&Origin::new(frames), Vec::new(), Target::Call)
        .label("here")
        .help_opt(help)
}

/// Names a script binds (`let x`, `const x`, `import ... as x`, `for x in`,
/// function parameters): the candidates for a misspelt variable.
fn declared_names(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for pair in words.windows(2) {
        if matches!(pair[0], "let" | "const" | "as" | "for") {
            out.push(pair[1].to_owned());
        }
    }
    for (i, _) in text.match_indices("fn ") {
        if let Some(params) =
            text[i..].split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(p, _)| p)
        {
            out.extend(params.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn parse_message(e: &ParseErrorType) -> (&'static str, String, Option<String>) {
    use ParseErrorType as P;
    match e {
        P::VariableUndefined(name) => (
            "tsdsl::script::undefined_variable",
            format!("variable `{name}` is not defined"),
            Some(format!("declare it first with `let {name} = ...;`, or check its spelling")),
        ),
        P::MissingToken(tok, what) if tok == "," && what.contains("arguments to function call") => {
            let f = what.rsplit(' ').next().unwrap_or("").trim_matches('\'');
            (
                "tsdsl::script::syntax",
                format!("the call to `{f}` is not closed"),
                Some("close it with `)`, or separate its arguments with `,`".into()),
            )
        }
        P::MissingToken(tok, what) => (
            "tsdsl::script::syntax",
            format!("expected `{tok}` {what}"),
            Some(format!("add the missing `{tok}`")),
        ),
        P::UnexpectedEOF => (
            "tsdsl::script::syntax",
            "the script ends in the middle of a statement".into(),
            Some("look for an unclosed `(`, `[`, `{` or `#{`".into()),
        ),
        P::ModuleUndefined(m) => (
            "tsdsl::script::undefined_module",
            format!("module `{m}` is not imported"),
            Some(format!("add `import \"...\" as {m};` at the top of the script")),
        ),
        other => ("tsdsl::script::syntax", other.to_string().to_lowercase_first(), None),
    }
}

trait LowerFirst {
    fn to_lowercase_first(&self) -> String;
}

impl LowerFirst for String {
    fn to_lowercase_first(&self) -> String {
        let mut c = self.chars();
        match c.next() {
            Some(f) if c.clone().next().is_some_and(|n| n.is_lowercase()) => {
                f.to_lowercase().chain(c).collect()
            }
            _ => self.clone(),
        }
    }
}

/// Converts a run-time error raised while evaluating `file`.
/// `known_functions` feeds did-you-mean for unknown function calls.
pub(crate) fn eval_error(
    err: &EvalAltResult,
    file: &str,
    known_functions: &[String],
) -> Diagnostic {
    let mut frames: Vec<Site> = Vec::new();
    let mut current = file.to_owned();
    let mut e = err;
    loop {
        match e {
            EvalAltResult::ErrorInFunctionCall(_, src, inner, pos) => {
                frames.extend(site(&current, *pos));
                if !src.is_empty() {
                    current = src.clone();
                }
                e = inner;
            }
            EvalAltResult::ErrorInModule(path, inner, pos) => {
                frames.extend(site(&current, *pos));
                if !path.is_empty() {
                    current = path.clone();
                }
                e = inner;
            }
            _ => break,
        }
    }
    if let EvalAltResult::ErrorRuntime(v, _) = e {
        if let Some(r) = v.read_lock::<Raised>() {
            return (*r.0).clone();
        }
    }
    // A limit the host enforces between operations: placed where it stopped.
    if let EvalAltResult::ErrorTerminated(v, pos) = e {
        if let Some(r) = v.read_lock::<Raised>() {
            frames.extend(site(&current, *pos));
            return (*r.0).clone().at_path(&Origin::new(frames), Vec::new(), Target::Call);
        }
    }
    if let EvalAltResult::ErrorParsing(p, pos) = e {
        frames.extend(site(&current, *pos));
        let (code, message, help) = parse_message(p);
        return Diagnostic::error(code, message)
            .at_path(&Origin::new(frames), Vec::new(), Target::Call)
            .help_opt(help);
    }
    frames.extend(site(&current, e.position()));
    let (code, message, label, help) = describe(e, known_functions);
    Diagnostic::error(code, message)
        .at_path(&Origin::new(frames), Vec::new(), Target::Call)
        .label(label)
        .help_opt(help)
}

fn describe(e: &EvalAltResult, known: &[String]) -> (&'static str, String, String, Option<String>) {
    use EvalAltResult as E;
    match e {
        E::ErrorFunctionNotFound(sig, _) => {
            let name = sig.split([' ', '(']).next().unwrap_or(sig).to_owned();
            let bare = name.rsplit("::").next().unwrap_or(&name);
            let ns = name.rsplit_once("::").map(|(ns, _)| format!("{ns}::")).unwrap_or_default();
            let help = did_you_mean(bare, known.iter().map(String::as_str)).map(|h| h.replacen('`', &format!("`{ns}"), 1)).or_else(|| {
                known.iter().any(|k| k == bare).then(|| format!("`{bare}` exists, but not for these argument types: `{sig}`"))
            });
            ("tsdsl::script::unknown_function", format!("no function `{name}` takes these arguments"), "unknown function".into(), help)
        }
        E::ErrorVariableNotFound(name, _) => (
            "tsdsl::script::undefined_variable",
            format!("variable `{name}` is not defined"),
            "undefined".into(),
            Some(format!("declare it first with `let {name} = ...;`")),
        ),
        E::ErrorModuleNotFound(path, _) => (
            "tsdsl::engine::unknown_module",
            format!("module `{path}` not found"),
            "imported here".into(),
            Some("stdlib modules are `aws/network`, `aws/eks`...; your own are .rhai files beside the script".into()),
        ),
        E::ErrorTerminated(_, _) => (
            "tsdsl::engine::timeout",
            "the run went past its time limit".into(),
            "still running here".into(),
            Some("the limit covers the whole run, every stack it reads included: look for a loop that never ends (`loop {}`, `while true`); raise it with `--timeout` if the script is really that big".into()),
        ),
        E::ErrorTooManyOperations(_) => (
            "tsdsl::engine::too_many_operations",
            "the script ran too many operations".into(),
            "still running here".into(),
            Some("look for a loop that never ends".into()),
        ),
        E::ErrorStackOverflow(_) => (
            "tsdsl::engine::recursion_too_deep",
            "functions call each other too deeply".into(),
            "this call went too deep".into(),
            Some("look for a function that calls itself without a stopping case".into()),
        ),
        E::ErrorDataTooLarge(what, _) => (
            "tsdsl::engine::too_large",
            format!("{} is larger than the sandbox allows", what.to_lowercase()),
            "grows too large here".into(),
            Some("strings are limited to 10 MB, arrays and maps to 100,000 items".into()),
        ),
        E::ErrorRuntime(v, _) => (
            "tsdsl::script::thrown",
            v.to_string(),
            "thrown here".into(),
            None,
        ),
        E::ErrorMismatchDataType(expected, found, _) | E::ErrorMismatchOutputType(expected, found, _) => (
            "tsdsl::script::wrong_type",
            format!("expected {expected}, found {found}"),
            "wrong type".into(),
            None,
        ),
        E::ErrorPropertyNotFound(p, _) => (
            "tsdsl::script::unknown_property",
            format!("no property `{p}` on this value"),
            "unknown property".into(),
            None,
        ),
        E::ErrorIndexNotFound(i, _) => (
            "tsdsl::script::unknown_key",
            format!("no key `{i}` here"),
            "not found".into(),
            None,
        ),
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or("").to_owned();
            let msg = first.split(" (line ").next().unwrap_or(&first).to_owned();
            ("tsdsl::script::runtime", msg.to_lowercase_first(), "here".into(), None)
        }
    }
}
