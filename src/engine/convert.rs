//! Script values to model values. This is where a Rhai map becomes a
//! Terraform object and an interpolated reference becomes a template.

use indexmap::IndexMap;
use rhai::Dynamic;

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
    format!("{}nothing{CLOSE}", token_head())
}

pub(crate) fn token_for(ctx: &mut Ctx, value: Value) -> String {
    ctx.tokens.push(value);
    format!("{}{}{CLOSE}", token_head(), ctx.tokens.len() - 1)
}

#[derive(Debug)]
pub(crate) struct ConvertError {
    pub path: Vec<PathSeg>,
    pub message: String,
    pub help: Option<String>,
    /// The value was nothing (`()`): the caller can tell where it came from.
    pub nothing: bool,
}

pub(crate) fn to_value(ctx: &Ctx, d: &Dynamic) -> Result<Value, ConvertError> {
    let mut path = Vec::new();
    convert(ctx, d, &mut path)
}

fn convert(ctx: &Ctx, d: &Dynamic, path: &mut Vec<PathSeg>) -> Result<Value, ConvertError> {
    if d.is_unit() {
        return Err(nothing(path, "is nothing"));
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::Int(i));
    }
    if let Ok(f) = d.as_float() {
        if !f.is_finite() {
            return Err(err(path, format!("`{f}` is not a number Terraform can hold"), None));
        }
        return Ok(Value::Float(f));
    }
    if let Ok(c) = d.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if d.is_string() {
        let s = d.clone().into_immutable_string().unwrap_or_default();
        if has_nothing(&s) {
            return Err(nothing(path, "interpolates nothing"));
        }
        return Ok(string_value(ctx, &s));
    }
    if d.is_array() {
        let arr = d.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_default();
        let mut out = Vec::with_capacity(arr.len());
        for (i, item) in arr.iter().enumerate() {
            path.push(PathSeg::Index(i));
            out.push(convert(ctx, item, path)?);
            path.pop();
        }
        return Ok(Value::List(out));
    }
    // A stdlib block's results are written as the map of them.
    let results = d.read_lock::<Results>().map(|r| r.to_map());
    if d.is_map() || results.is_some() {
        let map =
            results.or_else(|| d.read_lock::<rhai::Map>().map(|m| m.clone())).unwrap_or_default();
        let mut out = IndexMap::with_capacity(map.len());
        for (k, v) in map.iter() {
            if has_tokens(k) {
                // HCL object keys here are literal names; a reference in
                // one would be written as garbage, so refuse it.
                return Err(err(
                    path,
                    "a map key cannot hold a Terraform reference".into(),
                    Some("build the map in Terraform instead: `tf::zipmap([key_expr], [value])` or `tf::merge(...)`".into()),
                ));
            }
            path.push(PathSeg::Key(k.to_string()));
            out.insert(k.to_string(), convert(ctx, v, path)?);
            path.pop();
        }
        return Ok(Value::Map(out));
    }
    if let Some(e) = d.read_lock::<TfExpr>() {
        return Ok(e.0.clone());
    }
    if let Some(h) = d.read_lock::<Handle>() {
        return match &h.kind {
            HandleKind::Remote { stack, .. } => Err(err(
                path,
                format!("stack `{stack}` itself is not a value"),
                Some(format!("use one of its outputs, e.g. `{stack}.<output name>`")),
            )),
            _ => Ok(Value::Ref(h.reference.clone())),
        };
    }
    let ty = super::errors::type_word(d.type_name());
    Err(err(
        path,
        format!("{ty} cannot be written to Terraform"),
        Some("use strings, numbers, booleans, arrays, maps, handles and `tf::` expressions".into()),
    ))
}

fn err(path: &[PathSeg], message: String, help: Option<String>) -> ConvertError {
    ConvertError { path: path.to_vec(), message, help, nothing: false }
}

/// A `()` where Terraform needs a value: a mistake, never a silent `null`.
fn nothing(path: &[PathSeg], what: &str) -> ConvertError {
    ConvertError {
        path: path.to_vec(),
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
    s.contains(token_head())
}

/// True when a string interpolated nothing.
pub(crate) fn has_nothing(s: &str) -> bool {
    s.contains(&nothing_mark())
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
