//! Script values to model values. This is where a Rhai map becomes a
//! Terraform object and an interpolated reference becomes a template.

use indexmap::IndexMap;
use rhai::Dynamic;

use crate::diagnostics::Code;
use crate::model::{PathSeg, TemplatePart, Value};

use super::context::Ctx;
use super::handle::{Handle, HandleKind, TfExpr};
use super::primitives::Results;

/// Interpolating an expression into a string (`` `${vpc.id}-x` `` or
/// `"arn:" + role.arn`) leaves a token in the text; converting the string
/// turns the tokens back into a template. A token is
/// `OPEN nonce ':' index CLOSE`: the private-use code points cannot be typed
/// by accident, and the nonce, drawn afresh for each run, keeps an operator
/// string that holds these characters from forging a token. Anything that
/// is not a whole token stays the operator's literal text.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The per-run part of every token: `OPEN` followed by random hex digits.
fn token_head() -> &'static str {
    static HEAD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HEAD.get_or_init(|| {
        // `RandomState` is seeded from the operating system's randomness.
        use std::hash::BuildHasher;
        let n = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        format!("{OPEN}{n:016x}:")
    })
}

/// What interpolating nothing (`()`) leaves in a string, so that
/// `` `${cfg.tier}-jobs` `` with a unit value fails instead of silently
/// reading `-jobs`. Carries the run's nonce, so no operator text forges it.
pub(crate) fn nothing_mark() -> String {
    nothing_mark_str().to_owned()
}

/// The mark, made once per process: every string a block receives is
/// searched for it.
fn nothing_mark_str() -> &'static str {
    static MARK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARK.get_or_init(|| format!("{}nothing{CLOSE}", token_head()))
}

/// What interpolating a list, a map, a function or a blob leaves in a
/// string (`` `ids: ${ids}` ``): Rhai would write its own notation of the
/// value (`[aws_vpc.main.id, "x"]`), references turned to plain text. The
/// mark carries that notation for `print`; a block refuses it.
pub(crate) fn misplaced_mark(kind: &str, shown: &str) -> String {
    format!("{}{kind}:{shown}{CLOSE}", token_head())
}

const MISPLACED: &[&str] = &["list", "map", "function", "blob"];

/// The kind of value a string interpolated that text cannot hold, if any.
pub(crate) fn misplaced(s: &str) -> Option<&'static str> {
    if !has_tokens(s) {
        return None;
    }
    let head = token_head();
    s.match_indices(head).find_map(|(at, _)| misplaced_at(&s[at + head.len()..]).map(|(k, _)| k))
}

/// The kind of a misplaced mark that `after` (the text past a token's head)
/// starts with, and the rest past `kind:`.
fn misplaced_at(after: &str) -> Option<(&'static str, &str)> {
    MISPLACED.iter().find_map(|&k| Some((k, after.strip_prefix(k)?.strip_prefix(':')?)))
}

/// `s` as `print` shows it: a misplaced value as Rhai writes it.
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if misplaced(s).is_none() {
        return s.into();
    }
    let head = token_head();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(head) {
        out.push_str(&rest[..at]);
        let after = &rest[at + head.len()..];
        match misplaced_at(after) {
            Some((_, shown)) => {
                let end = shown.find(CLOSE).unwrap_or(shown.len());
                out.push_str(&shown[..end]);
                rest = shown.get(end + CLOSE.len_utf8()..).unwrap_or("");
            }
            None => {
                out.push_str(head);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The first byte of `OPEN` in UTF-8: a string without it holds no token,
/// and one byte scan tells (most strings are plain names).
const OPEN_BYTE: u8 = 0xEE;

pub(crate) fn token_for(ctx: &mut Ctx, value: Value) -> String {
    ctx.tokens.push(value);
    format!("{}{}{CLOSE}", token_head(), ctx.tokens.len() - 1)
}

#[derive(Debug)]
pub(crate) struct ConvertError {
    pub code: Code,
    pub path: Vec<PathSeg>,
    pub message: String,
    pub help: Option<String>,
    /// The value was nothing (`()`): the caller can tell where it came from.
    pub nothing: bool,
}

pub(crate) fn to_value(ctx: &Ctx, d: &Dynamic) -> Result<Value, ConvertError> {
    convert(ctx, d, 0).map_err(|mut e| {
        // Gathered innermost first while the error went up.
        e.path.reverse();
        e
    })
}

impl ConvertError {
    /// The error came from the value at `seg` of the one being converted:
    /// the path is built only on failure, innermost segment first, so the
    /// success path allocates no path at all.
    fn within(mut self, seg: PathSeg) -> Self {
        self.path.push(seg);
        self
    }
}

/// Counts a value of `bytes` bytes of text into the model's budget.
fn spend(ctx: &Ctx, bytes: usize) -> Result<(), ConvertError> {
    let nodes = ctx.model_nodes.get() + 1;
    let total = ctx.model_bytes.get().saturating_add(bytes);
    ctx.model_nodes.set(nodes);
    ctx.model_bytes.set(total);
    let limits = &ctx.limits;
    if total > limits.max_model_bytes {
        return Err(too_large(format!(
            "the model would hold more than {} of text",
            super::files::bytes(limits.max_model_bytes as u64)
        )));
    }
    if nodes > limits.max_model_nodes {
        return Err(too_large(format!(
            "the model would hold more than {} values",
            limits.max_model_nodes
        )));
    }
    Ok(())
}

fn too_large(message: String) -> ConvertError {
    ConvertError {
        code: Code::EngineModelTooLarge,
        path: Vec::new(),
        nothing: false,
        message,
        help: Some("every copy of a value counts: keep large text in files Terraform reads (`tf::file(...)`), or split the estate into stacks".into()),
    }
}

/// Values, bytes of text and depth of an already converted value (a `tf::`
/// expression or an interpolation copied in). Every value is made by
/// [`convert`], which bounds its depth, so this recursion is bounded too.
fn measure(v: &Value) -> (usize, usize, usize) {
    let sum = |items: &mut dyn Iterator<Item = (usize, usize, usize)>| {
        items.fold((1, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2.max(b.2 + 1)))
    };
    match v {
        Value::String(s) | Value::Expr(s) => (1, s.len(), 0),
        Value::List(items) => sum(&mut items.iter().map(measure)),
        Value::Map(m) => sum(&mut m.iter().map(|(k, v)| {
            let (n, b, d) = measure(v);
            (n, b + k.len(), d)
        })),
        Value::Call { name, args } => {
            let (n, b, d) = sum(&mut args.iter().map(measure));
            (n, b + name.len(), d)
        }
        Value::Template(parts) => sum(&mut parts.iter().map(|p| match p {
            TemplatePart::Literal(s) => (1, s.len(), 0),
            TemplatePart::Interp(v) => measure(v),
        })),
        _ => (1, 0, 0),
    }
}

/// Counts an already converted value into the budget, depth included.
fn admit(ctx: &Ctx, at_depth: usize, v: &Value) -> Result<(), ConvertError> {
    let (nodes, bytes, depth) = measure(v);
    if at_depth + depth > ctx.limits.max_value_depth {
        return Err(too_deep(ctx));
    }
    ctx.model_nodes.set(ctx.model_nodes.get() + nodes.saturating_sub(1));
    spend(ctx, bytes)
}

fn too_deep(ctx: &Ctx) -> ConvertError {
    ConvertError {
        code: Code::EngineTooDeep,
        path: Vec::new(),
        nothing: false,
        message: format!("this value nests more than {} levels deep", ctx.limits.max_value_depth),
        help: Some(
            "Terraform arguments nest a few levels; look for a loop that wraps a value in itself"
                .into(),
        ),
    }
}

/// `d`, `depth` levels inside the value being converted.
fn convert(ctx: &Ctx, d: &Dynamic, depth: usize) -> Result<Value, ConvertError> {
    if depth > ctx.limits.max_value_depth {
        return Err(too_deep(ctx));
    }
    if d.is_unit() {
        return Err(nothing("is nothing"));
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::Int(i));
    }
    if let Ok(f) = d.as_float() {
        if !f.is_finite() {
            return Err(err(format!("`{f}` is not a number Terraform can hold"), None));
        }
        return Ok(Value::Float(f));
    }
    if let Ok(c) = d.as_char() {
        spend(ctx, c.len_utf8())?;
        return Ok(Value::String(c.to_string()));
    }
    if d.is_string() {
        let s = d.clone().into_immutable_string().unwrap_or_default();
        if has_nothing(&s) {
            return Err(nothing("interpolates nothing"));
        }
        if let Some(kind) = misplaced(&s) {
            return Err(misplaced_error(kind));
        }
        if !has_tokens(&s) {
            spend(ctx, s.len())?;
            return Ok(Value::String(s.to_string()));
        }
        let v = string_value(ctx, &s);
        admit(ctx, depth, &v)?;
        return Ok(v);
    }
    // Lists and maps are read in place: cloning each level before walking
    // it made nested maps quadratic in time and memory.
    if let Some(arr) = d.read_lock::<rhai::Array>() {
        spend(ctx, 0)?;
        let mut out = Vec::with_capacity(arr.len());
        for (i, item) in arr.iter().enumerate() {
            out.push(convert(ctx, item, depth + 1).map_err(|e| e.within(PathSeg::Index(i)))?);
        }
        return Ok(Value::List(out));
    }
    // A stdlib block's results are written as the map of them.
    let results = d.read_lock::<Results>().map(|r| r.to_map());
    let lock = if results.is_none() { d.read_lock::<rhai::Map>() } else { None };
    if let Some(map) = results.as_ref().or(lock.as_deref()) {
        spend(ctx, 0)?;
        let mut out = IndexMap::with_capacity(map.len());
        for (k, v) in map.iter() {
            if has_tokens(k) {
                // HCL object keys here are literal names; a reference in
                // one would be written as garbage, so refuse it.
                return Err(err(
                    "a map key cannot hold a Terraform reference".into(),
                    Some("build the map in Terraform instead: `tf::zipmap([key_expr], [value])` or `tf::merge(...)`".into()),
                ));
            }
            spend(ctx, k.len())?;
            let value = convert(ctx, v, depth + 1).map_err(|e| e.within(PathSeg::key(k)))?;
            out.insert(k.to_string(), value);
        }
        if !out.keys().all(|k| k.is_ascii()) {
            one_key_each_to_terraform(&out)?;
        }
        return Ok(Value::Map(out));
    }
    if let Some(e) = d.read_lock::<TfExpr>() {
        admit(ctx, depth, &e.0)?;
        return Ok(e.0.clone());
    }
    if let Some(h) = d.read_lock::<Handle>() {
        return match &h.kind {
            HandleKind::Remote { stack, .. } => Err(err(
                format!("stack `{stack}` itself is not a value"),
                Some(format!("use one of its outputs, e.g. `{stack}.<output name>`")),
            )),
            _ => Ok(Value::Ref(h.reference.clone())),
        };
    }
    let ty = super::errors::type_word(d.type_name());
    Err(err(
        format!("{ty} cannot be written to Terraform"),
        Some("use strings, numbers, booleans, arrays, maps, handles and `tf::` expressions".into()),
    ))
}

/// Terraform reads every string in Unicode normal form C, keys included, so
/// `"e\u0301"` and `"\u00e9"` are two keys here and one there: it would keep
/// one of the values (HCL) or refuse the file (JSON).
fn one_key_each_to_terraform(map: &IndexMap<String, Value>) -> Result<(), ConvertError> {
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let Some((first, again)) = first_nfc_repeat(keys.iter().copied().enumerate()) else {
        return Ok(());
    };
    let (first, k) = (keys[first], keys[again]);
    Err(err(
        format!("keys `{}` and `{}` are the same key to Terraform", escaped(first), escaped(k)),
        Some(format!(
            "Terraform reads text in Unicode normal form C, where both are `{}`: keep one of them",
            nfc(k)
        )),
    )
    .within(PathSeg::key(k)))
}

/// Of `(position, text)` pairs, the first text that repeats an earlier one
/// in Unicode normal form C, as Terraform reads text (map keys, the items
/// of a set): the earlier one's position and its own.
pub(crate) fn first_nfc_repeat<'a>(
    texts: impl IntoIterator<Item = (usize, &'a str)>,
) -> Option<(usize, usize)> {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    let mut seen = std::collections::HashMap::new();
    texts.into_iter().find_map(|(i, t)| seen.insert(nfc.normalize(t), i).map(|first| (first, i)))
}

/// `s` in Unicode normal form C.
pub(crate) fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s)
}

/// `s` with every character past ASCII escaped as a script writes it
/// (`\u00e9`), so that two keys that look alike can be told apart.
fn escaped(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0..=0x7f => c.to_string(),
            n @ 0x80..=0xffff => format!("\\u{n:04x}"),
            n => format!("\\U{n:08x}"),
        })
        .collect()
}

fn err(message: String, help: Option<String>) -> ConvertError {
    ConvertError {
        code: Code::ScriptUnsupportedValue,
        path: Vec::new(),
        message,
        help,
        nothing: false,
    }
}

pub(crate) fn misplaced_error(kind: &str) -> ConvertError {
    let help = match kind {
        "list" => "join the items: `tf::join(\", \", list)`, or interpolate one item: `${list[0]}`",
        "map" => {
            "interpolate one value (`${m.key}`), or write the map as JSON: `tf::jsonencode(m)`"
        }
        _ => "interpolate text, numbers or references only",
    };
    ConvertError {
        code: Code::ScriptWrongType,
        path: Vec::new(),
        message: format!("interpolates a {kind} into text"),
        help: Some(help.into()),
        nothing: false,
    }
}

/// A `()` where Terraform needs a value: a mistake, never a silent `null`.
fn nothing(what: &str) -> ConvertError {
    ConvertError {
        code: Code::ScriptUnsupportedValue,
        path: Vec::new(),
        message: what.to_owned(),
        help: Some("leave the key out to leave an argument unset, or write `tf::null()` for Terraform's `null`".into()),
        nothing: true,
    }
}

/// A plain string, or a template when it carries interpolation tokens.
pub(crate) fn string_value(ctx: &Ctx, s: &str) -> Value {
    string_with_tokens(s, token_head(), &ctx.tokens)
}

fn string_with_tokens(s: &str, head: &str, tokens: &[Value]) -> Value {
    if !s.contains(head) {
        return Value::String(s.to_owned());
    }
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = s;
    while let Some(start) = rest.find(head) {
        let after = &rest[start + head.len()..];
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let token = after[..digits].parse::<usize>().ok().and_then(|n| tokens.get(n));
        match token {
            Some(value) if after[digits..].starts_with(CLOSE) => {
                literal.push_str(&rest[..start]);
                if !literal.is_empty() {
                    parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(TemplatePart::Interp(value.clone()));
                rest = &after[digits + CLOSE.len_utf8()..];
            }
            // Not a whole token (cut by the script, say): the text as it is.
            _ => {
                literal.push_str(&rest[..start + head.len()]);
                rest = after;
            }
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(TemplatePart::Literal(literal));
    }
    match parts.as_slice() {
        // `${x}` alone is x itself, as Terraform reads it.
        [TemplatePart::Interp(v)] => v.clone(),
        [TemplatePart::Literal(l)] => Value::String(l.clone()),
        _ => Value::Template(parts),
    }
}

/// True when a string holds interpolated expressions (not a plain name).
pub(crate) fn has_tokens(s: &str) -> bool {
    s.as_bytes().contains(&OPEN_BYTE) && s.contains(token_head())
}

/// The text of a string with each token replaced by `placeholder`: what of
/// it is known now, for the checks that judge partly known text
/// ([`crate::checks::PARTIAL`]).
pub(crate) fn known_text(s: &str, placeholder: char) -> String {
    let head = token_head();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(head) {
        out.push_str(&rest[..i]);
        let after = &rest[i + head.len()..];
        match after.find(CLOSE) {
            Some(j) => {
                out.push(placeholder);
                rest = &after[j + CLOSE.len_utf8()..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// True when a string interpolated nothing.
pub(crate) fn has_nothing(s: &str) -> bool {
    s.as_bytes().contains(&OPEN_BYTE) && s.contains(nothing_mark_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Reference;

    #[test]
    fn only_whole_tokens_of_this_run_interpolate() {
        let head = "\u{E000}abc:";
        let tokens = vec![Value::Ref(Reference::new("var").attr("a"))];
        let t = |s: &str| string_with_tokens(s, head, &tokens);
        let var_a = || TemplatePart::Interp(tokens[0].clone());
        let lit = |s: &str| TemplatePart::Literal(s.to_owned());
        assert_eq!(t("\u{E000}abc:0\u{E001}"), tokens[0]);
        assert_eq!(t("x-\u{E000}abc:0\u{E001}"), Value::Template(vec![lit("x-"), var_a()]));
        // A forged token (no nonce), a cut one and an unknown index stay text,
        // and a real token after them is still found.
        for junk in ["\u{E000}0\u{E001}", "\u{E000}abc:0", "\u{E000}abc:9\u{E001}", "\u{E001}"] {
            assert_eq!(t(junk), Value::String(junk.to_owned()));
            let s = format!("{junk}\u{E000}abc:0\u{E001}");
            assert_eq!(t(&s), Value::Template(vec![lit(junk), var_a()]), "{junk:?}");
        }
    }
}
