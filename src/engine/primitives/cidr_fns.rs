//! `cidr::` functions for subnet layouts computed at evaluation time.

use rhai::{Engine, Module, NativeCallContext, INT};

use crate::diagnostics::{diag, Code};

use super::super::errors::raise;
use super::{origin_of, Res};
use crate::checks::cidr;

fn parsed(nc: &NativeCallContext, s: &str) -> Res<cidr::Cidr> {
    cidr::parse(s).map_err(|m| raise(diag!(&origin_of(nc), Code::StdlibInvalidOption, m)))
}

pub(crate) fn register(engine: &mut Engine) {
    let mut m = Module::new();
    m.set_native_fn(
        "subnet",
        |nc: NativeCallContext, base: &str, newbits: INT, netnum: INT| -> Res<String> {
            let b = parsed(&nc, base)?;
            let bits = u8::try_from(newbits).unwrap_or(u8::MAX);
            let num = u32::try_from(netnum).unwrap_or(u32::MAX);
            cidr::subnet(b, bits, num)
                .map(|c| c.to_string())
                .map_err(|m| raise(diag!(&origin_of(&nc), Code::StdlibInvalidOption, m)))
        },
    );
    m.set_native_fn("contains", |nc: NativeCallContext, outer: &str, inner: &str| -> Res<bool> {
        Ok(parsed(&nc, outer)?.contains(parsed(&nc, inner)?))
    });
    m.set_native_fn("overlaps", |nc: NativeCallContext, a: &str, b: &str| -> Res<bool> {
        Ok(parsed(&nc, a)?.overlaps(parsed(&nc, b)?))
    });
    m.set_native_fn("is_valid", |s: &str| Ok(cidr::parse(s).is_ok()));
    m.set_native_fn("prefix", |nc: NativeCallContext, s: &str| -> Res<INT> {
        Ok(INT::from(parsed(&nc, s)?.prefix))
    });
    engine.register_static_module("cidr", m.into());
}
