//! Rhai errors to diagnostics: walk the chain of calls down to the root
//! cause, label the innermost place the operator wrote, and turn stdlib
//! frames into notes.

use rhai::{Dynamic, EvalAltResult, ParseError, ParseErrorType, Position, Scope};

use crate::diagnostics::{did_you_mean, offset_of, Code, Diagnostic, Locus, SourceMap, Target};
use crate::model::{Origin, Site};

use super::origin::site;

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

/// Raises a diagnostic from a primitive and returns it as the primitive's
/// error, in one line, as Typst's `bail!`; the arguments are those of
/// [`diag!`](crate::diagnostics::diag):
///
/// `bail!(&origin, Code::ScriptWrongType, "{what} must be a map"; help: "write `#{ ... }`")`
macro_rules! bail {
    ($($args:tt)+) => {
        return Err($crate::engine::errors::raise($crate::diagnostics::diag!($($args)+)))
    };
}
pub(crate) use bail;

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
        if let Some(h) = super::lookup::outside_function(text, name) {
            help = Some(h);
        } else if let Some(better) =
            did_you_mean(name, declared_names(text).iter().map(String::as_str))
        {
            help = Some(better);
        }
    }
    if let ParseErrorType::ModuleUndefined(m) = &*err.0 {
        let mut aliases: Vec<String> =
            super::lookup::import_aliases(text).into_iter().map(|(a, _)| a).collect();
        aliases.extend(["global".to_owned(), "tf".to_owned()]);
        if let Some(better) = did_you_mean(m, aliases.iter().map(String::as_str)) {
            help = Some(better);
        }
    }
    // An unclosed bracket is the mistake; where the parser noticed it is
    // only a consequence (rustc labels both).
    if let Some(here) = site(file, err.1) {
        let offset = crate::diagnostics::offset_of(text, here.line, here.col);
        let open = offset.and_then(|o| crate::syntax::FileIndex::new(text).unclosed_delimiter(o));
        if let Some(span) = open {
            let delim = text.get(span.clone()).unwrap_or("(").to_owned();
            let close = match delim.as_str() {
                "(" => ")",
                "[" => "]",
                _ => "}",
            };
            return Diagnostic::error(
                Code::ScriptUnclosedDelimiter,
                format!("this `{delim}` is never closed"),
            )
            .at(Locus::Bytes { file: file.to_owned(), span })
            .label("unclosed")
            .secondary(Locus::Site(here), format!("noticed here: {message}"))
            .help(if message.contains("separate") {
                format!("close it with `{close}`, or add the missing `,`")
            } else {
                format!("close it with `{close}`")
            });
        }
    }
    let d = Diagnostic::error(code, message);
    if let ParseErrorType::FnDuplicatedDefinition(f, _) = &*err.0 {
        let here = site(file, err.1).and_then(|s| offset_of(text, s.line, s.col));
        let name_at =
            |i: usize| Locus::Bytes { file: file.to_owned(), span: i + 3..i + 3 + f.len() };
        let pattern = format!("fn {f}(");
        let first = text.find(&pattern);
        let second = here.and_then(|h| text.get(h..)?.find(&pattern).map(|i| h + i));
        if let (Some(first), Some(second)) = (first, second) {
            if first != second {
                return d
                    .at(name_at(second))
                    .label("defined again here")
                    .secondary(name_at(first), "first defined here")
                    .help_opt(help);
            }
        }
    }
    if let ParseErrorType::DuplicatedProperty(k) = &*err.0 {
        let here = site(file, err.1).and_then(|s| offset_of(text, s.line, s.col));
        let first = here.and_then(|h| {
            let before = text.get(..h)?;
            let is_word = |c: char| c == '_' || c.is_alphanumeric();
            before.rmatch_indices(k.as_str()).map(|(i, _)| i).find(|&i| {
                !before[..i].ends_with(is_word)
                    && before[i + k.len()..].trim_start().starts_with(':')
            })
        });
        if let (Some(i), Some(again)) = (first, site(file, err.1)) {
            let span = i..i + k.len();
            return d
                .at_site(again)
                .label("written again here")
                .secondary(Locus::Bytes { file: file.to_owned(), span }, "first written here")
                .help_opt(help);
        }
    }
    // A missing `,` belongs after the previous item, on its line, not at
    // the next one where the parser noticed.
    let comma = match (&*err.0, site(file, err.1)) {
        (ParseErrorType::MissingToken(tok, _), Some(s)) if tok == "," => {
            offset_of(text, s.line, s.col)
                .and_then(|o| crate::syntax::FileIndex::new(text).token_before(o))
        }
        _ => None,
    };
    if let Some(span) = comma {
        return d
            .at(Locus::Bytes { file: file.to_owned(), span })
            .label("add a `,` after this")
            .help_opt(help);
    }
    // An unknown alias is the token at fault, not the whole `alias::name`.
    let d = match (&*err.0, site(file, err.1)) {
        (ParseErrorType::ModuleUndefined(_), Some(s)) => d.at_site(s),
        _ => d.at_path(&Origin::new(frames), Vec::new(), Target::Call),
    };
    d.label("here").help_opt(help)
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

fn parse_message(e: &ParseErrorType) -> (Code, String, Option<String>) {
    use ParseErrorType as P;
    match e {
        P::VariableUndefined(name) => (
            Code::ScriptUndefinedVariable,
            format!("variable `{name}` is not defined"),
            Some(format!("declare it first with `let {name} = ...;`, or check its spelling")),
        ),
        P::MissingToken(tok, what) if tok == "," && what.contains("arguments to function call") => {
            let f = what.rsplit(' ').next().unwrap_or("").trim_matches('\'');
            (
                Code::ScriptSyntax,
                format!("the call to `{f}` is not closed"),
                Some("close it with `)`, or separate its arguments with `,`".into()),
            )
        }
        P::MissingToken(tok, what) => (
            Code::ScriptSyntax,
            format!(
                "expected `{tok}` {}",
                what.replace("object map literal", "map").replace("array literal", "list")
            ),
            Some(format!("add the missing `{tok}`")),
        ),
        P::UnexpectedEOF => (
            Code::ScriptSyntax,
            "the script ends in the middle of a statement".into(),
            Some("look for an unclosed `(`, `[`, `{` or `#{`".into()),
        ),
        P::ModuleUndefined(m) => (
            Code::ScriptUndefinedModule,
            format!("module `{m}` is not imported"),
            Some(format!("add `import \"...\" as {m};` at the top of the script")),
        ),
        P::FnDuplicatedDefinition(f, n) => (
            Code::ScriptDuplicateFunction,
            format!(
                "function `{f}` with {n} parameter{} is defined twice",
                if *n == 1 { "" } else { "s" }
            ),
            Some("rename one of them, or remove it".into()),
        ),
        P::FnDuplicatedParam(f, a) => (
            Code::ScriptSyntax,
            format!("parameter `{a}` of `{f}` is named twice"),
            Some("give each parameter its own name".into()),
        ),
        // `#(` or `#[` for a map: `#` only ever opens `#{`.
        P::Reserved(sym) if sym == "#" => (
            Code::ScriptSyntax,
            "`#` must be followed by `{`".into(),
            Some("a map is written `#{ key: value }`".into()),
        ),
        // Never a keyword of Rhai's: `ast_index::refuse_shadowed_primitives`.
        P::Reserved(word) if super::primitives::NAMES.contains(&word.as_str()) => (
            Code::ScriptSyntax,
            format!("`{word}` is a tsdsl primitive: a function of that name would replace it"),
            Some(format!("give the function another name, e.g. `my_{word}`")),
        ),
        P::Reserved(word) => (
            Code::ScriptSyntax,
            format!("`{word}` is reserved by the script language"),
            Some(format!("use another name than `{word}`")),
        ),
        P::DuplicatedProperty(k) => (
            Code::ScriptDuplicateKey,
            format!("key `{k}` is written twice in this map"),
            Some("remove one of them".into()),
        ),
        other => (
            Code::ScriptSyntax,
            operator_terms(&other.to_string().to_lowercase_first())
                .replace("object map literal", "map")
                .replace("array literal", "list"),
            None,
        ),
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
    sources: &SourceMap,
    scope: &Scope,
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
    if let EvalAltResult::ErrorPropertyNotFound(key, pos) = e {
        // Only the entry script's top level still has its variables in `scope`.
        let scope = (frames.is_empty() && current == file).then_some(scope);
        if let Some(d) = super::lookup::missing_key(key, &current, *pos, sources, scope) {
            if SourceMap::is_operator_file(&current) {
                return d;
            }
            // Inside the stdlib: label the operator's call, the stdlib
            // place becomes a note.
            frames.extend(site(&current, *pos));
            return Diagnostic { primary: None, ..d }.at_path(
                &Origin::new(frames),
                Vec::new(),
                Target::Call,
            );
        }
    }
    frames.extend(site(&current, e.position()));
    let (code, message, label, mut help) = describe(e, known_functions);
    if let EvalAltResult::ErrorVariableNotFound(name, _) = e {
        if let Some(h) =
            sources.get(&current).and_then(|t| super::lookup::outside_function(t, name))
        {
            help = Some(h);
        }
    }
    if let EvalAltResult::ErrorFunctionNotFound(sig, _) = e {
        let name = sig.split([' ', '(']).next().unwrap_or(sig);
        if let Some((ns, f)) = name.rsplit_once("::") {
            let exported = super::lookup::module_functions(sources, &current, ns);
            if let Some(better) =
                crate::diagnostics::closest(f, exported.iter().map(String::as_str))
            {
                help = Some(format!("did you mean `{ns}::{better}`?"));
            } else if !exported.is_empty() && !exported.iter().any(|x| x == f) {
                help = Some(format!("`{ns}` has: {}", exported.join(", ")));
            }
        }
    }
    Diagnostic::error(code, message)
        .at_path(&Origin::new(frames), Vec::new(), Target::Call)
        .label(label)
        .help_opt(help)
}

fn describe(e: &EvalAltResult, known: &[String]) -> (Code, String, String, Option<String>) {
    use EvalAltResult as E;
    match e {
        E::ErrorFunctionNotFound(sig, _) if is_operator(sig) => {
            let (op, types) = signature(sig);
            let words: Vec<&str> = types.iter().map(|t| type_word(t)).collect();
            let terraform = types.iter().any(|t| matches!(t.as_str(), "block_reference" | "terraform_expression"));
            let help = if terraform {
                Some("a Terraform value is only known at plan time: compute with `tf::` functions (`tf::upper(x)`, `tf::expr(\"...\")`), or decide with a plain script value".to_owned())
            } else {
                None
            };
            (
                Code::ScriptWrongType,
                format!("`{op}` cannot be used on {}", words.join(" and ")),
                "wrong type".into(),
                help,
            )
        }
        E::ErrorIndexingType(what, _) => {
            let t = what.split_whitespace().next().unwrap_or("");
            (
                Code::ScriptNotIndexable,
                format!("{} cannot be indexed with `[...]`", type_word(t)),
                "indexed here".into(),
                (t == "()").then(|| "the value is nothing: check where it was set".to_owned()),
            )
        }
        E::ErrorDotExpr(msg, _) if msg.starts_with("Unknown property '") => {
            let prop = msg.split('\'').nth(1).unwrap_or("");
            let ty = msg.rsplit('\'').nth(1).unwrap_or("");
            (
                Code::ScriptUnknownProperty,
                format!("{} has no property `{prop}`", type_word(ty)),
                "no such property".into(),
                None,
            )
        }
        // Rhai's own message in the place of a name (`sort` on mixed types).
        E::ErrorFunctionNotFound(sig, _) if sig.starts_with("elements of different types") => (
            Code::ScriptWrongType,
            "the items of this list are of different types: they cannot be sorted".into(),
            "mixed types".into(),
            Some("sort a list of numbers or of strings only, or give `sort` a function that compares two items".into()),
        ),
        // A closure is named `anon$<hash>` inside Rhai: say what it is.
        E::ErrorFunctionNotFound(sig, _) if sig.starts_with("anon$") => {
            let given = signature(sig).1.len();
            (
                Code::ScriptWrongType,
                format!("the function `|...|` given here is called with {given} argument{}, and does not take that many", if given == 1 { "" } else { "s" }),
                "called with other arguments".into(),
                Some("give it as many parameters as it is called with, e.g. `|item| ...` or `|key, item| ...`".into()),
            )
        }
        // `env in #{...}`: a map's keys are text.
        E::ErrorFunctionNotFound(sig, _) if sig.starts_with("contains (map,") => (
            Code::ScriptWrongType,
            format!("`in` a map asks for a key, which is text; found {}", type_word(signature(sig).1.get(1).map(String::as_str).unwrap_or(""))),
            "not a key".into(),
            Some("a value known only at plan time cannot be looked up now: use `tf::contains(tf::keys(m), x)` or `tf::lookup(m, x, default)`".into()),
        ),
        E::ErrorDotExpr(msg, _) if msg.contains("a setter is not registered") => {
            let prop = msg.split('\'').nth(1).unwrap_or("");
            (
                Code::ScriptWrongType,
                format!("`{prop}` cannot be set here: a block's attributes are given when it is declared"),
                "cannot be set".into(),
                Some(format!("pass `{prop}` in the block's arguments, e.g. `resource(\"aws_vpc\", \"main\", #{{ {prop}: ... }})`")),
            )
        }
        E::ErrorFunctionNotFound(sig, _) => {
            let name = sig.split([' ', '(']).next().unwrap_or(sig).to_owned();
            let bare = name.rsplit("::").next().unwrap_or(&name);
            let ns = name.rsplit_once("::").map(|(ns, _)| format!("{ns}::")).unwrap_or_default();
            let help = did_you_mean(bare, known.iter().map(String::as_str)).map(|h| h.replacen('`', &format!("`{ns}"), 1)).or_else(|| {
                known.iter().any(|k| k == bare).then(|| format!("`{bare}` exists, but not for these argument types: `{sig}`"))
            });
            let help = help.map(|h| operator_terms(&h));
            (Code::ScriptUnknownFunction, format!("no function `{name}` takes these arguments"), "unknown function".into(), help)
        }
        E::ErrorVariableNotFound(name, _) => (
            Code::ScriptUndefinedVariable,
            format!("variable `{name}` is not defined"),
            "undefined".into(),
            Some(format!("declare it first with `let {name} = ...;`")),
        ),
        E::ErrorModuleNotFound(path, _) => (
            Code::EngineUnknownModule,
            format!("module `{path}` not found"),
            "imported here".into(),
            Some("stdlib modules are `aws/network`, `aws/eks`...; your own are .rhai files beside the script".into()),
        ),
        E::ErrorTerminated(_, _) => (
            Code::EngineTimeout,
            "the run went past its time limit".into(),
            "still running here".into(),
            Some("the limit covers the whole run, every stack it reads included: look for a loop that never ends (`loop {}`, `while true`); raise it with `--timeout` if the script is really that big".into()),
        ),
        E::ErrorTooManyOperations(_) => (
            Code::EngineTooManyOperations,
            "the script ran too many operations".into(),
            "still running here".into(),
            Some("look for a loop that never ends".into()),
        ),
        E::ErrorStackOverflow(_) => (
            Code::EngineRecursionTooDeep,
            "functions call each other too deeply".into(),
            "this call went too deep".into(),
            Some("look for a function that calls itself without a stopping case".into()),
        ),
        E::ErrorDataTooLarge(what, _) => (
            Code::EngineTooLarge,
            format!("{} is larger than the sandbox allows", what.to_lowercase()),
            "grows too large here".into(),
            Some("strings are limited to 10 MB, arrays and maps to 100,000 items".into()),
        ),
        E::ErrorRuntime(v, _) => (
            Code::ScriptThrown,
            v.to_string(),
            "thrown here".into(),
            None,
        ),
        // a plan-time value where the script needs one now (`if`, `while`)
        E::ErrorMismatchDataType(expected, found, _) if found.ends_with("TfExpr") || found == "terraform_expression" => (
            Code::ScriptPlanTimeValue,
            format!("expected {} now, found a Terraform expression known only at plan time", type_word(expected)),
            "known only when Terraform plans".into(),
            Some("the script decides while it runs, before Terraform knows the value: to choose at plan time write `tf::cond(condition, a, b)`; to pick an item, `tf::element(list, index)`".into()),
        ),
        E::ErrorMismatchDataType(expected, found, _) | E::ErrorMismatchOutputType(expected, found, _) => (
            Code::ScriptWrongType,
            format!("expected {}, found {}", type_word(expected), type_word(found)),
            "wrong type".into(),
            None,
        ),
        E::ErrorPropertyNotFound(p, _) => (
            Code::ScriptUnknownProperty,
            format!("no property `{p}` on this value"),
            "unknown property".into(),
            None,
        ),
        E::ErrorIndexNotFound(i, _) => (
            Code::ScriptUnknownKey,
            format!("no key `{i}` here"),
            "not found".into(),
            None,
        ),
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or("").to_owned();
            let msg = first.split(" (line ").next().unwrap_or(&first).to_owned();
            (Code::ScriptRuntime, operator_terms(&msg.to_lowercase_first()), "here".into(), None)
        }
    }
}

/// A script value's type in the operator's words, never the engine's.
pub(crate) fn type_word(rhai_name: &str) -> &'static str {
    // Rhai writes a string parameter as `&str | ImmutableString | String`.
    let first = rhai_name.split('|').next().unwrap_or(rhai_name).trim();
    match first.rsplit("::").next().unwrap_or(first) {
        "()" => "nothing",
        "i64" | "i32" | "u64" | "INT" | "f64" | "f32" | "FLOAT" | "int" | "float" | "decimal" => {
            "a number"
        }
        "string" | "ImmutableString" | "String" | "&str" | "str" | "char" => "a string",
        "bool" => "a bool",
        "array" | "Array" | "Vec<Dynamic>" => "a list",
        "map" | "Map" => "a map",
        "Handle" | "block_reference" => "a block reference",
        "TfExpr" | "terraform_expression" => "a Terraform expression",
        "Caller" | "aws_caller" => "the AWS caller",
        "Fn" | "FnPtr" => "a function",
        "range" | "Range<i64>" | "RangeInclusive<i64>" => "a range",
        "timestamp" | "Instant" => "a timestamp",
        "blob" | "Blob" => "a blob",
        _ => "a value of another kind",
    }
}

/// Rewrites engine type names inside a message (`i64`, `()`, `Map`...) in
/// the operator's words: the fallback for messages tsdsl did not write.
pub(crate) fn operator_terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let w = match word.as_str() {
                "i64" | "i32" | "u64" | "f64" | "f32" | "INT" | "FLOAT" => "number",
                "ImmutableString" | "String" | "&str" => "string",
                "Array" | "array" => "list",
                "Map" => "map",
                "Handle" | "block_reference" => "block reference",
                "TfExpr" | "terraform_expression" | "Dynamic" => "value",
                "Caller" | "aws_caller" => "AWS caller",
                other => other,
            };
            out.push_str(w);
            word.clear();
        }
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' || c == '&' {
            word.push(c);
        } else if c == '(' && chars.peek() == Some(&')') {
            flush(&mut word, &mut out);
            chars.next();
            out.push_str("nothing");
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The exact place of argument `n` of the innermost call the operator wrote.
pub(crate) fn arg_locus(sources: &SourceMap, origin: &Origin, n: usize) -> Option<Locus> {
    let site = origin.frames.iter().rev().find(|s| SourceMap::is_operator_file(&s.file))?;
    let index = sources.index(&site.file)?;
    let off = index.offset(site.line, site.col)?;
    let span = index.call_arg(off, n)?;
    Some(Locus::Bytes { file: site.file.clone(), span })
}

/// True for an operator's signature (`- (i64, string)`), not a named function.
fn is_operator(sig: &str) -> bool {
    let name = sig.split(" (").next().unwrap_or(sig);
    !name.is_empty() && !name.chars().any(|c| c.is_alphanumeric() || c == '_')
}

/// `- (i64, string)` into `-` and its argument types.
fn signature(sig: &str) -> (String, Vec<String>) {
    let (name, rest) = sig.split_once(" (").unwrap_or((sig, ""));
    let types = rest
        .trim_end_matches(')')
        .split(',')
        .map(|t| t.trim().trim_start_matches('&').trim_start_matches("mut ").to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    (name.to_owned(), types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_types_in_operator_words() {
        assert_eq!(type_word("()"), "nothing");
        assert_eq!(type_word("i64"), "a number");
        assert_eq!(type_word("&str | ImmutableString | String"), "a string");
        assert_eq!(type_word("rhai::Map"), "a map");
        assert_eq!(
            operator_terms("indexer unavailable: () [i64]"),
            "indexer unavailable: nothing [number]"
        );
        assert_eq!(operator_terms("f (Array, Map)"), "f (list, map)");
    }
}
