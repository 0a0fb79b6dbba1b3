//! Arithmetic and comparisons between a whole number and a decimal one.
//!
//! Rhai turns the whole number into a 64-bit float first, and a float holds
//! whole numbers exactly only up to 2^53: `9007199254740993 * 1.0` silently
//! became 9007199254740992, and `9007199254740993 == 9007199254740992.0`
//! was true. The literal `9007199254740993.0` is refused as inexact
//! (`ast_index`); the same loss through arithmetic is refused here, at the
//! operator, and comparisons are answered exactly. Fast operators are off
//! (see `sandbox.rs`), so these replace Rhai's for every script.

use std::cmp::Ordering;

use rhai::{Engine, NativeCallContext, FLOAT, INT};

use crate::diagnostics::Code;

use super::super::errors::bail;
use super::{origin_of, Res};

const ARITHMETIC: [&str; 6] = ["+", "-", "*", "/", "%", "**"];
const COMPARISONS: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];

/// 2^63, exact as a float: whole numbers are at least -2^63 and below it.
const TWO_POW_63: FLOAT = 9_223_372_036_854_775_808.0;

pub(crate) fn register(engine: &mut Engine) {
    for op in ARITHMETIC {
        engine.register_fn(op, move |nc: NativeCallContext, x: INT, y: FLOAT| -> Res<FLOAT> {
            Ok(apply(op, exact(&nc, op, x)?, y))
        });
        engine.register_fn(op, move |nc: NativeCallContext, x: FLOAT, y: INT| -> Res<FLOAT> {
            Ok(apply(op, x, exact(&nc, op, y)?))
        });
    }
    // The same conversions written out: `n.to_float()` rounded past 2^53,
    // and Rhai's `to_int` let 2^63 itself through (its bound, `INT::MAX`
    // as a float, is 2^63), saturating to 2^63 - 1.
    engine.register_fn("to_float", |nc: NativeCallContext, n: INT| exact(&nc, "to_float", n));
    engine.register_fn("to_int", |nc: NativeCallContext, f: FLOAT| -> Res<INT> {
        let t = f.trunc();
        if (-TWO_POW_63..TWO_POW_63).contains(&t) {
            return Ok(t as INT);
        }
        bail!(
            &origin_of(&nc),
            Code::ScriptRuntime,
            "`{f}` is no whole number tsdsl holds: `to_int` works from -2^63 to 2^63 - 1";
            label: "out of range";
            help: "keep the value within the range of whole numbers"
        )
    });
    for op in COMPARISONS {
        engine.register_fn(op, move |x: INT, y: FLOAT| holds(op, compare(x, y)));
        engine.register_fn(op, move |x: FLOAT, y: INT| {
            holds(op, compare(y, x).map(Ordering::reverse))
        });
    }
}

fn apply(op: &str, x: FLOAT, y: FLOAT) -> FLOAT {
    match op {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        "/" => x / y,
        "%" => x % y,
        _ => x.powf(y),
    }
}

/// `n` as a float, refused when the float would be another number.
fn exact(nc: &NativeCallContext, op: &str, n: INT) -> Res<FLOAT> {
    let f = n as FLOAT;
    // A float at or above 2^63 is no whole number a script holds.
    if f < TWO_POW_63 && f as INT == n {
        return Ok(f);
    }
    bail!(
        &origin_of(nc),
        Code::ScriptRuntime,
        "`{n}` has no exact decimal value: `{op}` with a decimal number would use {f:.0} instead";
        label: "would lose digits";
        help: "decimal numbers hold whole numbers exactly only up to 9007199254740992 (2^53): keep \
               this arithmetic in whole numbers, or write the number as text if its digits are \
               an identifier"
    )
}

/// How whole `n` compares with `f`, exactly; `None` when `f` is NaN.
fn compare(n: INT, f: FLOAT) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // Both bounds are powers of two, so exact as floats.
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    Some(
        n.cmp(&(whole as INT))
            .then_with(|| 0.0.partial_cmp(&(f - whole)).unwrap_or(Ordering::Equal)),
    )
}

fn holds(op: &str, order: Option<Ordering>) -> bool {
    match (op, order) {
        ("!=", None) => true,
        (_, None) => false,
        ("==", Some(o)) => o.is_eq(),
        ("!=", Some(o)) => o.is_ne(),
        ("<", Some(o)) => o.is_lt(),
        ("<=", Some(o)) => o.is_le(),
        (">", Some(o)) => o.is_gt(),
        (_, Some(o)) => o.is_ge(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_exact_past_two_to_the_53() {
        let big = 9_007_199_254_740_993;
        assert_eq!(compare(big, 9_007_199_254_740_992.0), Some(Ordering::Greater));
        assert_eq!(compare(3, 3.0), Some(Ordering::Equal));
        assert_eq!(compare(3, 3.5), Some(Ordering::Less));
        assert_eq!(compare(-3, -3.5), Some(Ordering::Greater));
        assert_eq!(compare(INT::MAX, 9_223_372_036_854_775_808.0), Some(Ordering::Less));
        assert_eq!(compare(INT::MIN, -9_223_372_036_854_775_808.0), Some(Ordering::Equal));
        assert_eq!(compare(0, FLOAT::NAN), None);
        assert!(holds("!=", None) && !holds("==", None) && !holds("<", None));
    }
}
