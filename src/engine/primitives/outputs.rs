//! `output(name, value)` and `output(name, value, #{ description, sensitive, depends_on })`.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::model::{Output, PathSeg};

use super::super::context::CtxRef;
use super::meta::references;
use super::{check_keys, duplicate, identifier_arg, map_arg, name_arg, origin_of, value_at, Res};

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine
        .register_fn("output", move |nc: NativeCallContext, n: Dynamic, v: Dynamic, o: Dynamic| {
            output(&c, &nc, n, v, o)
        });
    let c = ctx.clone();
    engine.register_fn("output", move |nc: NativeCallContext, n: Dynamic, v: Dynamic| {
        output(&c, &nc, n, v, Dynamic::UNIT)
    });
}

fn output(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, v: Dynamic, o: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "an output name")?;
    let opts = map_arg(&origin, &o, "the output options")?;
    check_keys(&origin, &opts, &["description", "sensitive", "depends_on"], "`output`")?;
    let value = value_at(&ctx.borrow(), &origin, &[], &v)?;
    let description =
        opts.get("description").map(|d| name_arg(&origin, d, "`description`")).transpose()?;
    let sensitive = opts.get("sensitive").map(|s| s.as_bool().unwrap_or(false)).unwrap_or(false);
    let depends_on = match opts.get("depends_on") {
        Some(d) => references(&origin, &[PathSeg::Key("depends_on".into())], d)?,
        None => Vec::new(),
    };
    if ctx.borrow_mut().declare(format!("output {name}")) {
        ctx.borrow_mut().stack.outputs.push(Output {
            name,
            value,
            description,
            sensitive,
            depends_on,
            origin,
        });
    } else {
        duplicate(ctx, &origin, "output", &name);
    }
    Ok(())
}
