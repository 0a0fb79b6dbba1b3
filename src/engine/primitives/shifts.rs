//! `<<` and `>>` on whole numbers.
//!
//! Rhai's own shifts never fail: `1 << 64` is 0, `3 << 62` drops a bit and
//! turns negative, and a negative amount silently shifts the other way. Its
//! `+`, `*` and `**` refuse an overflow, so a shift that loses bits is refused
//! here the same way, at the operator. Fast operators are off (see
//! `sandbox.rs`), so these replace Rhai's for every script.

use rhai::{Engine, NativeCallContext, INT};

use crate::diagnostics::Code;

use super::super::errors::bail;
use super::{origin_of, Res};

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("<<", |nc: NativeCallContext, x: INT, n: INT| left(&nc, x, n));
    engine.register_fn(">>", |nc: NativeCallContext, x: INT, n: INT| right(&nc, x, n));
    engine.register_fn("<<=", |nc: NativeCallContext, x: &mut INT, n: INT| -> Res<()> {
        *x = left(&nc, *x, n)?;
        Ok(())
    });
    engine.register_fn(">>=", |nc: NativeCallContext, x: &mut INT, n: INT| -> Res<()> {
        *x = right(&nc, *x, n)?;
        Ok(())
    });
}

fn left(nc: &NativeCallContext, x: INT, n: INT) -> Res<INT> {
    let bits = amount(nc, "<<", n)?;
    let shifted = x << bits;
    if shifted >> bits != x {
        bail!(
            &origin_of(nc),
            Code::ScriptRuntime,
            "`{x} << {n}` does not fit in a whole number: the highest bits would be lost";
            label: "overflows";
            help: format!("the largest whole number a script holds is {}", INT::MAX)
        )
    }
    Ok(shifted)
}

fn right(nc: &NativeCallContext, x: INT, n: INT) -> Res<INT> {
    // Every bit shifted out is meant to go: `x >> n` is x divided by 2^n,
    // rounded down, and 63 places already leave only the sign.
    let bits = amount(nc, ">>", n)?;
    Ok(x >> bits)
}

fn amount(nc: &NativeCallContext, op: &str, n: INT) -> Res<u32> {
    match u32::try_from(n) {
        Ok(bits) if bits < INT::BITS => Ok(bits),
        _ => {
            let other = if op == "<<" { ">>" } else { "<<" };
            let help = if n < 0 {
                format!("to shift the other way, write `{other} {}`", n.unsigned_abs())
            } else {
                "a whole number has 64 bits".to_string()
            };
            bail!(
                &origin_of(nc),
                Code::ScriptRuntime,
                "`{op}` shifts by 0 to {} places, not {n}", INT::BITS - 1;
                label: "out of range";
                help: help
            )
        }
    }
}
