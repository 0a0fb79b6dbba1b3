//! The `tf::` namespace: Terraform expressions a script cannot write as
//! plain values. `tf::cidrsubnet(cidr, 8, 1)` and every other Terraform
//! function, `tf::var("x")`, `tf::each_value()`, `tf::path_module()`,
//! `tf::workspace()`, and the escape hatch `tf::expr("...")`, checked to
//! parse here; the names inside it are checked once the whole stack is
//! known (`schema::references`), since Terraform allows forward references.

use rhai::{Dynamic, Engine, Module, NativeCallContext};

use crate::diagnostics::{diag, did_you_mean, Code};
use crate::model::{PathSeg, Reference, Step, Value};

use super::super::context::CtxRef;
use super::super::errors::{bail, raise};
use super::super::handle::TfExpr;
use super::{name_arg, origin_of, value_at, Res};

pub(crate) use crate::schema::functions::FUNCTIONS;

/// `tf::` functions that are not Terraform functions: references and
/// escape hatches, for did-you-mean.
pub(crate) const SPECIAL: &[&str] = &[
    "call",
    "expr",
    "var",
    "local",
    "null",
    "each_key",
    "each_value",
    "count_index",
    "path_module",
    "path_root",
    "path_cwd",
    "workspace",
    "ref",
];

/// Checks that `text` parses as one HCL expression.
pub(crate) fn check_expression(text: &str) -> Result<(), String> {
    match hcl::parse(&format!("x = {text}\n")) {
        Ok(body) if body.attributes().count() == 1 && body.blocks().count() == 0 => Ok(()),
        Ok(_) => Err("it is more than one expression".into()),
        Err(e) => Err(e.to_string().lines().last().unwrap_or("syntax error").trim().to_owned()),
    }
}

fn expr(v: Value) -> Dynamic {
    Dynamic::from(TfExpr(v))
}

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let mut m = Module::new();
    for &name in FUNCTIONS {
        register_function(&mut m, ctx, name);
    }
    let c = ctx.clone();
    m.set_native_fn("call", move |nc: NativeCallContext, name: Dynamic, args: rhai::Array| {
        let origin = origin_of(&nc);
        let name = name_arg(&origin, &name, "a function name")?;
        if !FUNCTIONS.contains(&name.as_str()) {
            bail!(
                &origin, Code::ModelUnknownFunction, "Terraform has no function `{name}`";
                help_opt: did_you_mean(&name, FUNCTIONS.iter().copied())
            );
        }
        call(&c, &nc, &name, &args)
    });
    m.set_native_fn("expr", |nc: NativeCallContext, text: Dynamic| {
        let origin = origin_of(&nc);
        let text = name_arg(&origin, &text, "an expression")?;
        check_expression(&text).map_err(|e| {
            raise(diag!(
                &origin,
                Code::ModelBadExpression,
                "`{text}` is not a valid Terraform expression: {e}";
                label: "passed here"
            ))
        })?;
        Ok(expr(Value::Expr(text)))
    });
    for (fname, root) in [("var", "var"), ("local", "local")] {
        let c = ctx.clone();
        m.set_native_fn(fname, move |nc: NativeCallContext, name: Dynamic| {
            let origin = origin_of(&nc);
            let name = name_arg(&origin, &name, "a name")?;
            let kind = if root == "var" { "variable" } else { "local" };
            let known: Vec<String> = c
                .borrow()
                .declared
                .iter()
                .filter_map(|d| d.strip_prefix(&format!("{kind} ")).map(str::to_owned))
                .collect();
            if !known.contains(&name) {
                bail!(
                    &origin, Code::ModelUndefinedReference, "no {kind} `{name}` is declared";
                    help: did_you_mean(&name, known.iter().map(String::as_str)).unwrap_or_else(|| {
                        format!("declare it before use with `{kind}(\"{name}\", ...)`")
                    })
                );
            }
            Ok(expr(Value::Ref(Reference::new(root).attr(name))))
        });
    }
    // Terraform's `null`, said on purpose: a `()` reaching the output is a
    // mistake, this is not.
    m.set_native_fn("null", || Ok(expr(Value::Null)));
    m.set_native_fn("each_key", || Ok(expr(Value::Ref(Reference::new("each").attr("key")))));
    m.set_native_fn("each_value", || Ok(expr(Value::Ref(Reference::new("each").attr("value")))));
    m.set_native_fn("count_index", || Ok(expr(Value::Ref(Reference::new("count").attr("index")))));
    for (fname, root, attr) in [
        ("path_module", "path", "module"),
        ("path_root", "path", "root"),
        ("path_cwd", "path", "cwd"),
        ("workspace", "terraform", "workspace"),
    ] {
        m.set_native_fn(fname, move || Ok(expr(Value::Ref(Reference::new(root).attr(attr)))));
    }
    super::language::register_tf(&mut m);
    super::ops::register_tf(&mut m, ctx);
    m.set_native_fn("ref", |nc: NativeCallContext, text: Dynamic| {
        let origin = origin_of(&nc);
        let text = name_arg(&origin, &text, "a reference")?;
        parse_reference(&text).map(|r| expr(Value::Ref(r))).ok_or_else(|| {
            raise(diag!(
                &origin, Code::ModelBadExpression, "`{text}` is not a Terraform reference";
                help: "a reference looks like `aws_vpc.main.id` or `var.region`"
            ))
        })
    });
    engine.register_static_module("tf", m.into());
}

/// `tf::<function>(args...)` for 0 to 4 arguments.
fn register_function(m: &mut Module, ctx: &CtxRef, name: &'static str) {
    let c = ctx.clone();
    m.set_native_fn(name, move |nc: NativeCallContext| call(&c, &nc, name, &[]));
    let c = ctx.clone();
    m.set_native_fn(name, move |nc: NativeCallContext, a: Dynamic| call(&c, &nc, name, &[a]));
    let c = ctx.clone();
    m.set_native_fn(name, move |nc: NativeCallContext, a: Dynamic, b: Dynamic| {
        call(&c, &nc, name, &[a, b])
    });
    let c = ctx.clone();
    m.set_native_fn(name, move |nc: NativeCallContext, a: Dynamic, b: Dynamic, d: Dynamic| {
        call(&c, &nc, name, &[a, b, d])
    });
    let c = ctx.clone();
    m.set_native_fn(
        name,
        move |nc: NativeCallContext, a: Dynamic, b: Dynamic, d: Dynamic, e: Dynamic| {
            call(&c, &nc, name, &[a, b, d, e])
        },
    );
}

fn call(ctx: &CtxRef, nc: &NativeCallContext, name: &str, args: &[Dynamic]) -> Res<Dynamic> {
    let origin = origin_of(nc);
    if let Some(why) = crate::schema::functions::arity_problem(name, args.len()) {
        bail!(&origin, Code::ModelBadExpression, "{why}"; label: "called here");
    }
    let c = ctx.borrow();
    let args = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let v = value_at(&c, &origin, &[PathSeg::Index(i)], a)?;
            Ok(c.value_in_written_order(&origin, i, v))
        })
        .collect::<Res<Vec<_>>>()?;
    let mut args = args;
    // `tf::convert(v, "list(string)")`: the type is written as a type, not a string
    if let (true, Some(Value::String(t))) = (name == "convert", args.get(1)) {
        let t = t.clone();
        crate::schema::type_expr::parse(&t)
            .map_err(|e| raise(diag!(&origin, Code::ModelBadType, e.message; help_opt: e.help)))?;
        args[1] = Value::Expr(t);
    }
    Ok(expr(Value::Call { name: name.to_owned(), args }))
}

/// `aws_vpc.main.id`, `aws_subnet.x[0].id`, `var.region`.
pub(crate) fn parse_reference(text: &str) -> Option<Reference> {
    let mut parts = text.split('.');
    let root = parts.next().filter(|r| super::is_identifier(r))?;
    let mut r = Reference::new(root);
    for part in parts {
        let (name, rest) = part.split_once('[').map_or((part, None), |(n, rest)| (n, Some(rest)));
        if !super::is_identifier(name) {
            return None;
        }
        r.steps.push(Step::Attr(name.to_owned()));
        if let Some(rest) = rest {
            let idx = rest.strip_suffix(']')?;
            r.steps.push(match idx {
                "*" => Step::Splat,
                n => Step::Index(n.parse().ok()?),
            });
        }
    }
    Some(r)
}
