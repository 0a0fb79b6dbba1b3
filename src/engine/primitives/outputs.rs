//! `output(name, value)` and `output(name, value, #{ description, sensitive, depends_on })`.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::model::{Output, PathSeg};

use crate::diagnostics::{Code, Target};

use super::super::context::CtxRef;
use super::super::errors::bail;
use super::language::conditions;
use super::meta::references;
use super::{check_keys, duplicate, identifier_arg, map_arg, name_arg, origin_of, value_at, Res};

const OUTPUT_KEYS: &[&str] =
    &["description", "sensitive", "depends_on", "precondition", "ephemeral"];

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
    check_keys(&origin, &opts, OUTPUT_KEYS, "`output`")?;
    if let Some(e) = opts.get("ephemeral") {
        if e.as_bool().unwrap_or(true) {
            bail!(
                (&origin, vec![PathSeg::key("ephemeral")], Target::Key),
                Code::ModelEphemeralRootOutput,
                "a stack's outputs cannot be ephemeral";
                label: "not allowed in a root module";
                help: "Terraform keeps ephemeral outputs to child modules; a tsdsl stack is a root module, so drop `ephemeral` (and output no ephemeral value)"
            );
        }
    }
    let preconditions = match opts.get("precondition") {
        Some(p) => conditions(
            &ctx.borrow(),
            &origin,
            &[PathSeg::key("precondition")],
            p,
            "a precondition",
        )?,
        None => Vec::new(),
    };
    let value = value_at(&ctx.borrow(), &origin, &[], &v)?;
    let description =
        opts.get("description").map(|d| name_arg(&origin, d, "`description`")).transpose()?;
    // Anything but true or false refused: read as "not sensitive", a typo
    // (`sensitive: "yes"`) would print the value in every plan.
    let sensitive = match opts.get("sensitive").map(Dynamic::as_bool) {
        None => false,
        Some(Ok(b)) => b,
        Some(Err(found)) => bail!(
            (&origin, vec![PathSeg::key("sensitive")], Target::Value),
            Code::ScriptWrongType,
            "`sensitive` must be true or false, found {}",
            super::super::errors::type_word(found);
            label: "not true or false";
            help: "write `sensitive: true`"
        ),
    };
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
            ephemeral: false,
            depends_on,
            preconditions,
            origin,
        });
    } else {
        duplicate(ctx, &origin, "output", &name);
    }
    Ok(())
}
