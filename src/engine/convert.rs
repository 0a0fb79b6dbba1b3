//! Script values to model values. This is where a Rhai map becomes a
//! Terraform object and an interpolated reference becomes a template.

use indexmap::IndexMap;
use rhai::Dynamic;

use crate::model::{PathSeg, TemplatePart, Value};

use super::context::Ctx;
use super::handle::{Handle, HandleKind, TfExpr};
use super::primitives::Results;

/// Interpolating an expression into a string (`` `${vpc.id}-x` `` or
/// `"arn:" + role.arn`) leaves this token in the text; converting the string
/// turns the tokens back into a template. Private-use code points cannot be
/// typed by accident.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

pub(crate) fn token_for(ctx: &mut Ctx, value: Value) -> String {
    ctx.tokens.push(value);
    format!("{OPEN}{}{CLOSE}", ctx.tokens.len() - 1)
}

#[derive(Debug)]
pub(crate) struct ConvertError {
    pub path: Vec<PathSeg>,
    pub message: String,
    pub help: Option<String>,
}

pub(crate) fn to_value(ctx: &Ctx, d: &Dynamic) -> Result<Value, ConvertError> {
    let mut path = Vec::new();
    convert(ctx, d, &mut path)
}

fn convert(ctx: &Ctx, d: &Dynamic, path: &mut Vec<PathSeg>) -> Result<Value, ConvertError> {
    if d.is_unit() {
        return Ok(Value::Null);
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
    let ty = d.type_name();
    Err(err(
        path,
        format!("a value of type `{ty}` cannot be written to Terraform"),
        Some("use strings, numbers, booleans, arrays, maps, handles and `tf::` expressions".into()),
    ))
}

fn err(path: &[PathSeg], message: String, help: Option<String>) -> ConvertError {
    ConvertError { path: path.to_vec(), message, help }
}

/// A plain string, or a template when it carries interpolation tokens.
pub(crate) fn string_value(ctx: &Ctx, s: &str) -> Value {
    if !s.contains(OPEN) {
        return Value::String(s.to_owned());
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        let token = after[..end].parse::<usize>().ok().and_then(|n| ctx.tokens.get(n));
        let Some(value) = token else { break };
        if start > 0 {
            parts.push(TemplatePart::Literal(rest[..start].to_owned()));
        }
        parts.push(TemplatePart::Interp(value.clone()));
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest.to_owned()));
    }
    match parts.as_slice() {
        // `${x}` alone is x itself, as Terraform reads it.
        [TemplatePart::Interp(v)] => v.clone(),
        _ => Value::Template(parts),
    }
}

/// True when a string holds interpolated expressions (not a plain name).
pub(crate) fn has_tokens(s: &str) -> bool {
    s.contains(OPEN)
}
