//! Rhai errors to diagnostics: walk the chain of calls down to the root
//! cause, label the innermost place the operator wrote, and turn stdlib
//! frames into notes.

use rhai::{Dynamic, EvalAltResult, ParseError, ParseErrorType, Position};

use crate::diagnostics::locate::key_read;
use crate::diagnostics::{offset_of, Diagnostic, Locus, SourceMap, Target};
use crate::model::{Origin, Site};
use rhai::Scope;

use super::origin::site;
use crate::diagnostics::did_you_mean;

/// A diagnostic travelling through Rhai as an error value, so that a
/// primitive's failure keeps its code and locus instead of becoming a string.
#[derive(Debug, Clone)]
pub(crate) struct Raised(pub Box<Diagnostic>);

pub(crate) fn raise(d: Diagnostic) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(Dynamic::from(Raised(Box::new(d))), Position::NONE))
}

/// Converts a parse error in `file` (whose text is `text`).
pub(crate) fn parse_error(err: &ParseError, file: &str, text: &str) -> Diagnostic {
    let frames = site(file, err.1).into_iter().collect();
    let (code, message, mut help) = parse_message(&err.0);
    if let ParseErrorType::VariableUndefined(name) = &*err.0 {
        if let Some(h) = outside_function(text, name) {
            help = Some(h);
        } else if let Some(better) =
            did_you_mean(name, declared_names(text).iter().map(String::as_str))
        {
            help = Some(better);
        }
    }
    if let ParseErrorType::ModuleUndefined(m) = &*err.0 {
        let mut aliases: Vec<String> = import_aliases(text).into_iter().map(|(a, _)| a).collect();
        aliases.extend(["global".to_owned(), "tf".to_owned()]);
        if let Some(better) = did_you_mean(m, aliases.iter().map(String::as_str)) {
            help = Some(better);
        }
    }
    // An unclosed bracket is the mistake; where the parser noticed it is
    // only a consequence (rustc labels both).
    if let Some(here) = site(file, err.1) {
        let offset = crate::diagnostics::offset_of(text, here.line, here.col);
        let open = offset.and_then(|o| crate::diagnostics::locate::unclosed_delimiter(text, o));
        if let Some(span) = open {
            let delim = text.get(span.clone()).unwrap_or("(").to_owned();
            let close = match delim.as_str() {
                "(" => ")",
                "[" => "]",
                _ => "}",
            };
            return Diagnostic::error(
                "tsdsl::script::unclosed_delimiter",
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
                .and_then(|o| crate::diagnostics::locate::token_before(text, o))
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

/// A `fn` reading a name the script declares at its top level: functions
/// do not see the script's variables, so say how to reach it.
fn outside_function(text: &str, name: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let declared_by = words.windows(2).find(|p| p[1] == name && matches!(p[0], "let" | "const"))?;
    Some(if declared_by[0] == "const" {
        format!("a function cannot see the script's constants directly: write `global::{name}`")
    } else {
        format!("a function cannot see the script's variables: pass `{name}` to it as a parameter")
    })
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
            format!(
                "expected `{tok}` {}",
                what.replace("object map literal", "map").replace("array literal", "list")
            ),
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
        P::FnDuplicatedDefinition(f, n) => (
            "tsdsl::script::duplicate_function",
            format!(
                "function `{f}` with {n} parameter{} is defined twice",
                if *n == 1 { "" } else { "s" }
            ),
            Some("rename one of them, or remove it".into()),
        ),
        P::FnDuplicatedParam(f, a) => (
            "tsdsl::script::syntax",
            format!("parameter `{a}` of `{f}` is named twice"),
            Some("give each parameter its own name".into()),
        ),
        P::DuplicatedProperty(k) => (
            "tsdsl::script::duplicate_key",
            format!("key `{k}` is written twice in this map"),
            Some("remove one of them".into()),
        ),
        other => (
            "tsdsl::script::syntax",
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
        if let Some(d) = missing_key(key, &current, *pos, sources, scope) {
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
        if let Some(h) = sources.get(&current).and_then(|t| outside_function(t, name)) {
            help = Some(h);
        }
    }
    if let EvalAltResult::ErrorFunctionNotFound(sig, _) = e {
        let name = sig.split([' ', '(']).next().unwrap_or(sig);
        if let Some((ns, f)) = name.rsplit_once("::") {
            let exported = module_functions(sources, &current, ns);
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

fn describe(e: &EvalAltResult, known: &[String]) -> (&'static str, String, String, Option<String>) {
    use EvalAltResult as E;
    match e {
        E::ErrorFunctionNotFound(sig, _) if is_operator(sig) => {
            let (op, types) = signature(sig);
            let words: Vec<&str> = types.iter().map(|t| type_word(t)).collect();
            let terraform = types.iter().any(|t| matches!(t.as_str(), "Handle" | "Expr"));
            let help = if terraform {
                Some("a Terraform value is only known at plan time: compute with `tf::` functions (`tf::upper(x)`, `tf::expr(\"...\")`), or decide with a plain script value".to_owned())
            } else {
                None
            };
            (
                "tsdsl::script::wrong_type",
                format!("`{op}` cannot be used on {}", words.join(" and ")),
                "wrong type".into(),
                help,
            )
        }
        E::ErrorIndexingType(what, _) => {
            let t = what.split_whitespace().next().unwrap_or("");
            (
                "tsdsl::script::not_indexable",
                format!("{} cannot be indexed with `[...]`", type_word(t)),
                "indexed here".into(),
                (t == "()").then(|| "the value is nothing: check where it was set".to_owned()),
            )
        }
        E::ErrorDotExpr(msg, _) if msg.starts_with("Unknown property '") => {
            let prop = msg.split('\'').nth(1).unwrap_or("");
            let ty = msg.rsplit('\'').nth(1).unwrap_or("");
            (
                "tsdsl::script::unknown_property",
                format!("{} has no property `{prop}`", type_word(ty)),
                "no such property".into(),
                None,
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
            "the script ran past its time limit".into(),
            "still running here".into(),
            Some("look for a loop that never ends (`loop {}`, `while true`); raise the limit with `--timeout` if the script is really that big".into()),
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
            format!("expected {}, found {}", type_word(expected), type_word(found)),
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
            ("tsdsl::script::runtime", operator_terms(&msg.to_lowercase_first()), "here".into(), None)
        }
    }
}

/// `net.vpc_idd`: a key the map does not have, labelled at the key, with
/// did-you-mean over the keys it does have when the map is still known.
fn missing_key(
    key: &str,
    file: &str,
    pos: Position,
    sources: &SourceMap,
    scope: Option<&Scope>,
) -> Option<Diagnostic> {
    let text = sources.get(file)?;
    let offset = offset_of(text, pos.line()? as u32, pos.position().unwrap_or(1) as u32)?;
    let (span, receiver) = key_read(text, offset, key)?;
    let exact_keys = receiver.as_deref().zip(scope).and_then(|(r, s)| keys_of(r, s));
    let exact = exact_keys.is_some();
    // Inside a function the map is gone with its scope: suggest from the
    // keys the file itself reads from the same name.
    let keys = exact_keys.or_else(|| Some(keys_read_from(text, receiver.as_deref()?, key)));
    let what = receiver.as_deref().map_or("this map".to_owned(), |r| format!("`{r}`"));
    let help = match &keys {
        Some(keys) if !exact => did_you_mean(key, keys.iter().map(String::as_str))
            .or_else(|| did_you_mean(key, names_in(text).iter().map(String::as_str))),
        None => did_you_mean(key, names_in(text).iter().map(String::as_str)),
        Some(keys) => did_you_mean(key, keys.iter().map(String::as_str)).or_else(|| {
            Some(if keys.is_empty() {
                format!("{what} is an empty map")
            } else {
                format!(
                    "{what} has: {}",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            })
        }),
    };
    let help = help.unwrap_or_else(|| {
        format!("check the spelling; to read a key that may be absent write `{}.get(\"{key}\")` or test `\"{key}\" in {}`", receiver.as_deref().unwrap_or("map"), receiver.as_deref().unwrap_or("map"))
    });
    Some(
        Diagnostic::error("tsdsl::script::unknown_key", format!("{what} has no key `{key}`"))
            .at(Locus::Bytes { file: file.to_owned(), span })
            .label("no such key")
            .help(help),
    )
}

/// The keys of the map a plain path (`cfg`, `net.subnets`) names in `scope`.
fn keys_of(path: &str, scope: &Scope) -> Option<Vec<String>> {
    let mut parts = path.split('.');
    let mut value: Dynamic = scope.get_value::<Dynamic>(parts.next()?)?;
    for p in parts {
        let next = value.read_lock::<rhai::Map>()?.get(p)?.clone();
        value = next;
    }
    let map = value.read_lock::<rhai::Map>()?;
    Some(map.keys().map(|k| k.to_string()).collect())
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
        "Handle" => "a block reference",
        "Expr" | "TfExpr" => "a Terraform expression",
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
                "Handle" => "block reference",
                "Expr" | "TfExpr" | "Dynamic" => "value",
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
    let d = Diagnostic::error("tsdsl::script::nothing", message);
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
    let d = Diagnostic::error("tsdsl::script::nothing", format!("{what} is nothing"));
    let d = match arg_locus(sources, origin, n) {
        Some(locus) => {
            let why = match &locus {
                Locus::Bytes { file, span } => sources
                    .get(file)
                    .and_then(|t| explain_expr(t, span.clone(), 0))
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
    };
    d
}

/// Where the value that is nothing was written (for a value that is a
/// whole argument, argument 1 of the call), and why it is nothing when
/// its expression tells.
fn explain_nothing(
    sources: &SourceMap,
    origin: &Origin,
    path: &[crate::model::PathSeg],
) -> (Option<Locus>, Option<String>, Option<Why>) {
    use crate::diagnostics::locate::{call_arg, find_in_call};
    for site in origin.frames.iter().rev().filter(|s| SourceMap::is_operator_file(&s.file)) {
        let Some(text) = sources.get(&site.file) else { continue };
        let Some(off) = offset_of(text, site.line, site.col) else { continue };
        let span = if path.is_empty() {
            call_arg(text, off, 1)
        } else {
            find_in_call(text, off, path, Target::Value).filter(|f| f.complete).map(|f| f.span)
        };
        if let Some(span) = span {
            let locus = Locus::Bytes { file: site.file.clone(), span: span.clone() };
            return (Some(locus), Some(site.file.clone()), explain_expr(text, span, 0));
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

fn explain_expr(text: &str, span: std::ops::Range<usize>, hops: u8) -> Option<Why> {
    use crate::diagnostics::locate::binding_of;
    let raw = text.get(span.clone())?;
    let base = span.start + (raw.len() - raw.trim_start().len());
    let expr = raw.trim();
    let is_name = |s: &str| {
        s.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
            && s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
    };
    if hops < 4 && is_name(expr) {
        let bound = binding_of(text, span.start, expr)?;
        return explain_expr(text, bound, hops + 1);
    }
    if let Some(body) = expr.strip_prefix('`') {
        // A template: look at each `${name}` it interpolates.
        for piece in body.split("${").skip(1) {
            let name = piece.split('}').next().unwrap_or("").trim();
            if hops < 4 && is_name(name) {
                if let Some(found) =
                    binding_of(text, span.start, name).and_then(|b| explain_expr(text, b, hops + 1))
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
            why: "`get` gives nothing when the map has no such key".into(),
            fix:
                "check the key's spelling, or give a fallback: `if \"k\" in m { m.k } else { ... }`"
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

/// The exact place of argument `n` of the innermost call the operator wrote.
pub(crate) fn arg_locus(sources: &SourceMap, origin: &Origin, n: usize) -> Option<Locus> {
    let site = origin.frames.iter().rev().find(|s| SourceMap::is_operator_file(&s.file))?;
    let text = sources.get(&site.file)?;
    let off = offset_of(text, site.line, site.col)?;
    let span = crate::diagnostics::locate::call_arg(text, off, n)?;
    Some(Locus::Bytes { file: site.file.clone(), span })
}

/// Aliases a script gives its imports (`import "aws/network" as network`).
fn import_aliases(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in text.split("import").skip(1) {
        let part = part.trim_start();
        let Some(rest) = part.strip_prefix('"') else { continue };
        let Some((path, after)) = rest.split_once('"') else { continue };
        let Some(alias) = after.trim_start().strip_prefix("as") else { continue };
        let alias: String =
            alias.trim_start().chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
        if !alias.is_empty() {
            out.push((alias, path.to_owned()));
        }
    }
    out
}

/// Functions a module exports (every `fn` not marked `private`), read from
/// its text as loaded.
fn module_functions(sources: &SourceMap, importer: &str, alias: &str) -> Vec<String> {
    let Some(text) = sources.get(importer) else { return Vec::new() };
    let Some((_, path)) = import_aliases(text).into_iter().find(|(a, _)| a == alias) else {
        return Vec::new();
    };
    let module = path.strip_suffix(".rhai").unwrap_or(&path).to_owned();
    // The resolver tries the stdlib first, then the importer's folder.
    let stdlib = format!("{}{module}.rhai", crate::diagnostics::STDLIB_PREFIX);
    let local = format!("/{module}.rhai");
    let name = if sources.get(&stdlib).is_some() {
        stdlib
    } else {
        let found = sources
            .names()
            .find(|n| *n != importer && (n.ends_with(&local) || *n == format!("{module}.rhai")));
        let Some(found) = found.map(str::to_owned) else { return Vec::new() };
        found
    };
    let Some(module_text) = sources.get(&name) else { return Vec::new() };
    let mut out = Vec::new();
    for line in module_text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("fn ") {
            let f: String = rest.chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
            if !f.is_empty() {
                out.push(f);
            }
        }
    }
    out
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

/// Keys the file reads from `receiver` elsewhere (`p.cidr`, `p["cidr"]`)
/// or writes into the literal it is bound to: the candidates for a
/// misspelt key when the map itself is no longer at hand.
fn keys_read_from(text: &str, receiver: &str, wrong: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
    for (i, _) in text.match_indices(&format!("{receiver}.")) {
        if text[..i].ends_with(|c: char| is_word(c) || c == '.') {
            continue;
        }
        let rest = &text[i + receiver.len() + 1..];
        let word: String = rest.chars().take_while(|c| is_word(*c)).collect();
        let is_call = rest[word.len()..].trim_start().starts_with('(');
        if !word.is_empty() && word != wrong && !is_call {
            out.push(word);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every name the file reads as a property (`.name`) or writes as a map key
/// (`name:`): the last resort for did-you-mean on a key.
fn names_in(text: &str) -> Vec<String> {
    let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if is_word(bytes[i]) && (i == 0 || !is_word(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            let after_dot = start > 0 && bytes[start - 1] == '.';
            let before_colon = bytes.get(i) == Some(&':') && bytes.get(i + 1) != Some(&':');
            if (after_dot || before_colon) && !word.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(word.clone());
            }
            // An option declaration names its key as text: `name: "cidr"`.
            if word == "name" && before_colon {
                let rest: String = bytes[i + 1..].iter().take(80).collect();
                if let Some(quoted) = rest.trim_start().strip_prefix('"') {
                    let declared: String = quoted.chars().take_while(|c| is_word(*c)).collect();
                    if quoted[declared.len()..].starts_with('"') && !declared.is_empty() {
                        out.push(declared);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    out.sort();
    out.dedup();
    out
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

    #[test]
    fn a_unit_value_is_traced_to_the_call_that_made_it() {
        let src = "let n = \"media-bucket\".replace(\"-\", \"_\");\nf(#{ bucket: n });";
        let at = src.find("n }").unwrap();
        let w = explain_expr(src, at..at + 1, 0).unwrap();
        assert_eq!(w.why, "`replace` changes the string in place and returns nothing");
        assert!(w.fix.contains("variable"), "{}", w.fix);
        assert_eq!(&src[w.at], "replace");
        let src = "let l = [1];\nlet m = l.push(2);\nf(#{ x: `${m}` });";
        let at = src.find("`$").unwrap();
        let w = explain_expr(src, at..src.len() - 4, 0).unwrap();
        assert_eq!(w.why, "`push` changes the list in place and returns nothing");
        assert_eq!(&src[w.at], "push");
        assert!(explain_expr("f(#{ x: y })", 8..9, 0).is_none());
    }

    #[test]
    fn keys_read_elsewhere_are_candidates() {
        let src = "fn f(p) { p.cidr + p.az_count + p.name.len() + q.other }";
        assert_eq!(keys_read_from(src, "p", "cidrr"), vec!["az_count", "cidr", "name"]);
        assert!(names_in("#{ name: \"cidr\", type: \"string\" }").contains(&"cidr".to_owned()));
    }

    #[test]
    fn import_aliases_are_read_from_the_text() {
        let a = import_aliases("import \"aws/network\" as network;\nimport \"shop\" as s;");
        assert_eq!(a, vec![("network".into(), "aws/network".into()), ("s".into(), "shop".into())]);
    }
}
