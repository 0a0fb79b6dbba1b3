//! Rhai's text functions on text the script cannot read.
//!
//! Text built with a Terraform value (`` `shop-${env}` ``), with nothing
//! (`"shop-" + ()`) or with a list holds a token where the value goes (see
//! `convert.rs`). Rhai's own `to_upper`, `sub_string`, `len`, `==`... would
//! work on the token's characters: `.to_upper()` broke it into garbage in
//! the output, `.to_lower()` left the value as it was, and `len` or `==`
//! decided on it while the script ran, all with exit 0. Each of these
//! functions is replaced here by one that refuses such text and otherwise
//! runs Rhai's own, from an engine that holds Rhai's packages alone.

use std::any::TypeId;
use std::cell::RefCell;
use std::ops::{Range, RangeInclusive};
use std::rc::Rc;

use rhai::{Dynamic, Engine, ImmutableString, NativeCallContext, INT};

use crate::diagnostics::Code;

use super::super::convert::{has_nothing, has_tokens, misplaced};
use super::super::errors::bail;
use super::{origin_of, Res};

/// Every function of Rhai's packages that reads or rewrites text, with its
/// parameter types (a text parameter is `S`). `+`, `+=` and interpolation
/// are not here: joining text keeps its tokens whole.
const FUNCTIONS: &[(&str, &[Ty])] = {
    use Ty::{Char as C, Int as I, Range as R, RangeInclusive as RI, Text as S};
    &[
        ("len", &[S]),
        ("get$len", &[S]),
        ("is_empty", &[S]),
        ("get$is_empty", &[S]),
        ("bytes", &[S]),
        ("get$bytes", &[S]),
        ("to_upper", &[S]),
        ("to_lower", &[S]),
        ("make_upper", &[S]),
        ("make_lower", &[S]),
        ("trim", &[S]),
        ("remove", &[S, S]),
        ("remove", &[S, C]),
        ("truncate", &[S, I]),
        ("pop", &[S]),
        ("pop", &[S, I]),
        ("contains", &[S, S]),
        ("contains", &[S, C]),
        ("starts_with", &[S, S]),
        ("starts_with", &[S, C]),
        ("ends_with", &[S, S]),
        ("ends_with", &[S, C]),
        ("index_of", &[S, S]),
        ("index_of", &[S, S, I]),
        ("index_of", &[S, C]),
        ("index_of", &[S, C, I]),
        ("get", &[S, I]),
        ("set", &[S, I, C]),
        ("sub_string", &[S, I]),
        ("sub_string", &[S, I, I]),
        ("sub_string", &[S, R]),
        ("sub_string", &[S, RI]),
        ("crop", &[S, I]),
        ("crop", &[S, I, I]),
        ("crop", &[S, R]),
        ("crop", &[S, RI]),
        ("replace", &[S, S, S]),
        ("replace", &[S, S, C]),
        ("replace", &[S, C, S]),
        ("replace", &[S, C, C]),
        ("pad", &[S, I, C]),
        ("pad", &[S, I, S]),
        ("max", &[S, S]),
        ("min", &[S, S]),
        ("split", &[S]),
        ("split", &[S, I]),
        ("split", &[S, S]),
        ("split", &[S, S, I]),
        ("split", &[S, C]),
        ("split", &[S, C, I]),
        ("split_rev", &[S, S]),
        ("split_rev", &[S, S, I]),
        ("split_rev", &[S, C]),
        ("split_rev", &[S, C, I]),
        ("to_chars", &[S]),
        ("to_blob", &[S]),
        ("chars", &[S]),
        ("chars", &[S, I]),
        ("chars", &[S, I, I]),
        ("chars", &[S, R]),
        ("chars", &[S, RI]),
        ("parse_int", &[S]),
        ("parse_int", &[S, I]),
        ("parse_float", &[S]),
        ("to_debug", &[S]),
        ("==", &[S, S]),
        ("!=", &[S, S]),
        ("<", &[S, S]),
        ("<=", &[S, S]),
        (">", &[S, S]),
        (">=", &[S, S]),
    ]
};

#[derive(Clone, Copy)]
enum Ty {
    Text,
    Char,
    Int,
    Range,
    RangeInclusive,
}

impl Ty {
    fn id(self) -> TypeId {
        match self {
            Ty::Text => TypeId::of::<ImmutableString>(),
            Ty::Char => TypeId::of::<char>(),
            Ty::Int => TypeId::of::<INT>(),
            Ty::Range => TypeId::of::<Range<INT>>(),
            Ty::RangeInclusive => TypeId::of::<RangeInclusive<INT>>(),
        }
    }
}

pub(crate) fn register(engine: &mut Engine, package: &rhai::Shared<rhai::Module>) {
    engine.register_fn("to_json", |nc: NativeCallContext, m: &mut rhai::Map| to_json(&nc, m));
    // Rhai's own functions, reached by name in an engine where nothing
    // replaces them; the run's limits apply to what they build.
    let mut rhai_own = Engine::new_raw();
    rhai_own.register_global_module(package.clone());
    rhai_own.set_max_string_size(engine.max_string_size());
    rhai_own.set_max_array_size(engine.max_array_size());
    rhai_own.set_max_map_size(engine.max_map_size());
    // A call reaches them with that engine's own fresh state, not the run's:
    // copying the run's (its imports, the debugger's frames) on every call
    // cost more than the call.
    let state = Rc::new(RefCell::new(None));
    let keep = state.clone();
    rhai_own.register_fn("state", move |nc: NativeCallContext| {
        *keep.borrow_mut() = Some(nc.global_runtime_state().clone());
    });
    let _ = rhai_own.run("state()");
    let Some(state) = state.borrow_mut().take() else { return };
    let own = Rc::new((rhai_own, state));
    for &(name, params) in FUNCTIONS {
        let types: Vec<TypeId> = params.iter().map(|t| t.id()).collect();
        let own = own.clone();
        engine.register_raw_fn(name, types, move |nc: NativeCallContext, args| -> Res<Dynamic> {
            for arg in args.iter() {
                if let Some(text) = arg.read_lock::<ImmutableString>() {
                    if has_tokens(&text) {
                        return refuse(&nc, name, &text);
                    }
                }
            }
            let text = (name == "parse_float")
                .then(|| args[0].read_lock::<ImmutableString>().map(|s| s.clone()))
                .flatten();
            let (engine, state) = &*own;
            let out = NativeCallContext::new_with_all_fields(
                engine,
                name,
                None,
                state,
                nc.call_position(),
            )
            .call_native_fn_raw(name, true, args)?;
            match text {
                Some(text) => exact_float(&nc, &text, out),
                None => Ok(out),
            }
        });
    }
}

/// `parse_float("9007199254740993")` rounded to ...992, as the literal
/// `9007199254740993.0` would have: refused like the literal.
fn exact_float(nc: &NativeCallContext, text: &str, parsed: Dynamic) -> Res<Dynamic> {
    let digits = text.trim();
    let whole = digits.strip_prefix(['-', '+']).unwrap_or(digits);
    let Ok(f) = parsed.as_float() else { return Ok(parsed) };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(parsed);
    }
    let exact = digits.parse::<i128>().ok().is_some_and(|n| f.abs() < 1e30 && f as i128 == n);
    if exact {
        return Ok(parsed);
    }
    bail!(
        &origin_of(nc),
        Code::ScriptRuntime,
        "`{text}` has no exact decimal value: `parse_float` would give {f:.0}";
        label: "would lose digits";
        help: "decimal numbers hold whole numbers exactly only up to 9007199254740992 (2^53): \
               use `parse_int` for a whole number, or keep the digits as text"
    )
}

/// `map.to_json()`: Rhai wrote a reference as the name of a Rust type and
/// text holding one with its token, both with exit 0.
fn to_json(nc: &NativeCallContext, m: &rhai::Map) -> Res<String> {
    fn plan_time(v: &Dynamic) -> bool {
        if let Some(s) = v.read_lock::<ImmutableString>() {
            return has_tokens(&s);
        }
        if let Some(a) = v.read_lock::<rhai::Array>() {
            return a.iter().any(plan_time);
        }
        if let Some(m) = v.read_lock::<rhai::Map>() {
            return m.values().any(plan_time);
        }
        !(v.is_unit() || v.is_bool() || v.is_int() || v.is_float() || v.is_char())
    }
    if m.values().any(plan_time) {
        bail!(
            &origin_of(nc),
            Code::ScriptPlanTimeValue,
            "`to_json` cannot write a value known only at plan time, or anything but text, \
             numbers, true/false, lists and maps";
            label: "this map holds a Terraform value";
            help: "let Terraform write the JSON: `tf::jsonencode(#{ ... })`"
        )
    }
    Ok(rhai::format_map_as_json(m))
}

fn refuse<T>(nc: &NativeCallContext, name: &str, text: &str) -> Res<T> {
    let name = name.strip_prefix("get$").unwrap_or(name);
    if has_nothing(text) {
        bail!(
            &origin_of(nc),
            Code::ScriptUnsupportedValue,
            "`{name}` works on text that holds nothing (`()`)";
            label: "this text holds nothing";
            help: "nothing was added to this text earlier (`\"a\" + ()`, or `${x}` of an absent \
                   value, such as `get` past the end of a list): give that value a default"
        )
    }
    if let Some(kind) = misplaced(text) {
        bail!(
            &origin_of(nc),
            Code::ScriptWrongType,
            "`{name}` works on text that holds a {kind}";
            label: format!("this text holds a {kind}");
            help: "interpolate text, numbers or references only"
        )
    }
    let verb =
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) { "work on" } else { "compare" };
    bail!(
        &origin_of(nc),
        Code::ScriptPlanTimeValue,
        "`{name}` cannot {verb} text that holds a value known only at plan time";
        label: "this text holds a Terraform value";
        help: "the script runs before Terraform knows the value: do it in Terraform with \
               `tf::upper`, `tf::lower`, `tf::substr`, `tf::replace`, `tf::length`, or choose \
               with `tf::cond`"
    )
}
