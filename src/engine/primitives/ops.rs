//! Expressions built from values: `tf::cond(c, a, b)`, operators on plan-time
//! values (`count.index + 1`, `var.size > 2`), `tf::and`/`tf::or`/`tf::not`,
//! `for` expressions (`tf::for_list`, `tf::for_map`) and splats (`web.all()`).
//! Each returns an expression value, so `tf::expr("...")` text is left for
//! what these cannot say.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Dynamic, Engine, FnPtr, Module, NativeCallContext};

use crate::diagnostics::{diag, Code, Target};
use crate::model::{Op, Origin, PathSeg, Reference, Value};

use super::super::context::CtxRef;
use super::super::errors::raise;
use super::super::handle::{Handle, TfExpr};
use super::{origin_of, value_at, Res};

/// The `tf::` functions of this file and of `language.rs`, for did-you-mean.
pub(crate) const TF_NAMES: &[&str] =
    &["cond", "and", "or", "not", "for_list", "for_map", "dynamic", "self"];

const COMPARISONS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];
const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "%"];

fn expr(v: Value) -> Dynamic {
    Dynamic::from(TfExpr(v))
}

fn op(o: Op) -> Dynamic {
    expr(Value::Op(Box::new(o)))
}

fn wrong(origin: &Origin, path: Vec<PathSeg>, msg: String, help: &str) -> Box<rhai::EvalAltResult> {
    let target = if path.is_empty() { Target::Call } else { Target::Value };
    raise(diag!((origin, path, target), Code::ScriptWrongType, msg; help: help))
}

/// True/false now or at plan time.
fn is_condition(v: &Value) -> bool {
    matches!(v, Value::Bool(_) | Value::Ref(_) | Value::Call { .. } | Value::Expr(_) | Value::Op(_))
}

fn is_number(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_)
            | Value::Float(_)
            | Value::Ref(_)
            | Value::Call { .. }
            | Value::Expr(_)
            | Value::Op(_)
    )
}

/// Operators on expressions (`a > 2`, `count.index + 1`) and `!` on them.
pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    for &name in COMPARISONS.iter().chain(ARITHMETIC) {
        let c = ctx.clone();
        engine.register_fn(name, move |nc: NativeCallContext, a: TfExpr, b: Dynamic| {
            binary(&c, &nc, name, Dynamic::from(a), b)
        });
        let c = ctx.clone();
        engine.register_fn(name, move |nc: NativeCallContext, a: Dynamic, b: TfExpr| {
            binary(&c, &nc, name, a, Dynamic::from(b))
        });
        let c = ctx.clone();
        engine.register_fn(name, move |nc: NativeCallContext, a: TfExpr, b: TfExpr| {
            binary(&c, &nc, name, Dynamic::from(a), Dynamic::from(b))
        });
    }
    engine.register_fn("!", |e: TfExpr| op(Op::Not(e.0)));
    // `azs.names[count.index]`, `web[count.index]`: an index known at plan time
    let c = ctx.clone();
    engine.register_indexer_get(
        move |nc: NativeCallContext, e: &mut TfExpr, k: TfExpr| -> Res<TfExpr> {
            index(&c, &nc, e.0.clone(), k)
        },
    );
    let c = ctx.clone();
    engine.register_indexer_get(
        move |nc: NativeCallContext, h: &mut Handle, k: TfExpr| -> Res<TfExpr> {
            index(&c, &nc, Value::Ref(h.reference.clone()), k)
        },
    );
    engine.register_fn("all", |nc: NativeCallContext, e: &mut TfExpr| -> Res<TfExpr> {
        match &e.0 {
            Value::Ref(r) => Ok(TfExpr(Value::Ref(r.clone().splat()))),
            other => Err(wrong(
                &origin_of(&nc),
                Vec::new(),
                format!("`all()` splats a reference, not a {}", other.kind_name()),
                "use it on a handle or a reference: `web.all().id`",
            )),
        }
    });
}

fn binary(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    name: &'static str,
    a: Dynamic,
    b: Dynamic,
) -> Res<Dynamic> {
    if matches!(name, "==" | "!=") && (a.is_unit() || b.is_unit()) {
        let nothing = super::decide::is_nothing(nc, if a.is_unit() { &b } else { &a })?;
        return Ok(Dynamic::from(nothing == (name == "==")));
    }
    let origin = origin_of(nc);
    let c = ctx.borrow();
    let lhs = value_at(&c, &origin, &[], &a)?;
    let rhs = value_at(&c, &origin, &[], &b)?;
    if ARITHMETIC.contains(&name) || !matches!(name, "==" | "!=") {
        for v in [&lhs, &rhs] {
            if let Some(ty) = schema_type(&c, v) {
                return Err(wrong(
                    &origin,
                    Vec::new(),
                    format!(
                        "`{name}` works on numbers, but `{v_text}` is a {ty}",
                        v_text = describe(v)
                    ),
                    "compute text with `tf::` functions (`tf::format(...)`) or interpolation",
                ));
            }
            if !is_number(v) {
                return Err(wrong(
                    &origin,
                    Vec::new(),
                    format!("`{name}` works on numbers, found a {}", v.kind_name()),
                    "to join text, interpolate: `` `${a}-${b}` ``",
                ));
            }
        }
    }
    Ok(op(Op::Binary { op: name, lhs, rhs }))
}

/// `tf::cond`, `tf::and`, `tf::or`, `tf::not`, `tf::for_list`, `tf::for_map`.
pub(crate) fn register_tf(m: &mut Module, ctx: &CtxRef) {
    let c = ctx.clone();
    m.set_native_fn("cond", move |nc: NativeCallContext, cond: Dynamic, a: Dynamic, b: Dynamic| {
        // known now: choose now, as an `if` would
        if let Ok(known) = cond.as_bool() {
            return Ok(if known { a } else { b });
        }
        let origin = origin_of(&nc);
        let c = c.borrow();
        let cond = value_at(&c, &origin, &[PathSeg::Index(0)], &cond)?;
        if !is_condition(&cond) {
            return Err(wrong(
                &origin,
                Vec::new(),
                format!(
                    "the condition of `tf::cond` must be true or false, found a {}",
                    cond.kind_name()
                ),
                "compare something: `tf::cond(env == \"prod\", 3, 1)`",
            ));
        }
        let then = value_at(&c, &origin, &[PathSeg::Index(1)], &a)?;
        let otherwise = value_at(&c, &origin, &[PathSeg::Index(2)], &b)?;
        let shape = |v: &Value| match v {
            Value::List(_) => Some("list"),
            Value::Map(_) => Some("map"),
            Value::String(_)
            | Value::Template(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_) => Some("single value"),
            _ => None,
        };
        if let (Some(x), Some(y)) = (shape(&then), shape(&otherwise)) {
            if x != y {
                return Err(wrong(
                    &origin,
                    Vec::new(),
                    format!(
                        "the two results of `tf::cond` must have one type, found a {x} and a {y}"
                    ),
                    "Terraform needs both branches of a conditional to have the same type",
                ));
            }
        }
        Ok(op(Op::Cond { cond, then, otherwise }))
    });
    for (name, sym) in [("and", "&&"), ("or", "||")] {
        let c = ctx.clone();
        m.set_native_fn(name, move |nc: NativeCallContext, a: Dynamic, b: Dynamic| {
            logical(&c, &nc, sym, &[a, b])
        });
        let c = ctx.clone();
        m.set_native_fn(name, move |nc: NativeCallContext, a: Dynamic, b: Dynamic, d: Dynamic| {
            logical(&c, &nc, sym, &[a, b, d])
        });
    }
    let c = ctx.clone();
    m.set_native_fn("not", move |nc: NativeCallContext, a: Dynamic| {
        if let Ok(b) = a.as_bool() {
            return Ok(Dynamic::from(!b));
        }
        let origin = origin_of(&nc);
        let v = value_at(&c.borrow(), &origin, &[PathSeg::Index(0)], &a)?;
        if !is_condition(&v) {
            return Err(wrong(
                &origin,
                Vec::new(),
                format!("`tf::not` takes true or false, found a {}", v.kind_name()),
                "e.g. `tf::not(var.public)`",
            ));
        }
        Ok(op(Op::Not(v)))
    });
    let depth = Rc::new(Cell::new(0usize));
    let (c, d) = (ctx.clone(), depth.clone());
    m.set_native_fn("for_list", move |nc: NativeCallContext, coll: Dynamic, f: FnPtr| {
        for_expr(&c, &d, &nc, coll, f, None, false)
    });
    let (c, d) = (ctx.clone(), depth.clone());
    m.set_native_fn(
        "for_list",
        move |nc: NativeCallContext, coll: Dynamic, f: FnPtr, keep: FnPtr| {
            for_expr(&c, &d, &nc, coll, f, Some(keep), false)
        },
    );
    let (c, d) = (ctx.clone(), depth.clone());
    m.set_native_fn("for_map", move |nc: NativeCallContext, coll: Dynamic, f: FnPtr| {
        for_expr(&c, &d, &nc, coll, f, None, true)
    });
    let (c, d) = (ctx.clone(), depth.clone());
    m.set_native_fn(
        "for_map",
        move |nc: NativeCallContext, coll: Dynamic, f: FnPtr, keep: FnPtr| {
            for_expr(&c, &d, &nc, coll, f, Some(keep), true)
        },
    );
    let (c, d) = (ctx.clone(), depth);
    m.set_native_fn("dynamic", move |nc: NativeCallContext, coll: Dynamic, f: FnPtr| {
        dynamic(&c, &d, &nc, coll, f)
    });
}

fn logical(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    sym: &'static str,
    args: &[Dynamic],
) -> Res<Dynamic> {
    let origin = origin_of(nc);
    let c = ctx.borrow();
    let mut out: Option<Value> = None;
    for (i, a) in args.iter().enumerate() {
        let v = value_at(&c, &origin, &[PathSeg::Index(i)], a)?;
        if !is_condition(&v) {
            return Err(wrong(
                &origin,
                Vec::new(),
                format!(
                    "`tf::{}` takes true or false values, found a {}",
                    if sym == "&&" { "and" } else { "or" },
                    v.kind_name()
                ),
                "compare something first: `env == \"prod\"`",
            ));
        }
        out = Some(match out {
            None => v,
            Some(lhs) => Value::Op(Box::new(Op::Binary { op: sym, lhs, rhs: v })),
        });
    }
    Ok(expr(out.unwrap_or(Value::Bool(sym == "&&"))))
}

/// Calls the script's closure with the `for` variables as references, so its
/// body becomes the expression Terraform evaluates for each element.
#[allow(clippy::too_many_arguments)]
fn for_expr(
    ctx: &CtxRef,
    depth: &Rc<Cell<usize>>,
    nc: &NativeCallContext,
    coll: Dynamic,
    f: FnPtr,
    keep: Option<FnPtr>,
    to_map: bool,
) -> Res<Dynamic> {
    let origin = origin_of(nc);
    let collection = value_at(&ctx.borrow(), &origin, &[PathSeg::Index(0)], &coll)?;
    if !collection.is_dynamic() && !matches!(collection, Value::List(_) | Value::Map(_)) {
        return Err(wrong(
            &origin,
            Vec::new(),
            format!(
                "a `for` expression runs over a list or a map, found a {}",
                collection.kind_name()
            ),
            "pass a list, a map or a plan-time collection such as a variable",
        ));
    }
    let level = depth.get();
    let suffix = if level == 0 { String::new() } else { level.to_string() };
    let (key_var, value_var) = (format!("key{suffix}"), format!("item{suffix}"));
    let var = |n: &str| Dynamic::from(TfExpr(Value::Ref(Reference::new(n))));
    depth.set(level + 1);
    // `|item| ...` gets the element; `|key, item| ...` the key (or index) too
    let call = |g: &FnPtr| -> (Res<Dynamic>, bool) {
        match g.call_within_context::<Dynamic>(nc, (var(&value_var),)) {
            Err(e) if is_arity_miss(&e, g) => {
                (g.call_within_context::<Dynamic>(nc, (var(&key_var), var(&value_var))), true)
            }
            other => (other, false),
        }
    };
    let (body, with_key) = call(&f);
    let keep = keep.map(|k| call(&k).0);
    depth.set(level);
    let body = body?;
    let c = ctx.borrow();
    let (key, value) = if to_map {
        let pair = body.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_default();
        let [k, v] = pair.as_slice() else {
            return Err(wrong(
                &origin,
                Vec::new(),
                "the function of `tf::for_map` must return `[key, value]`".into(),
                "e.g. `tf::for_map(var.users, |k, u| [u.name, u.role])`",
            ));
        };
        (Some(value_at(&c, &origin, &[], k)?), value_at(&c, &origin, &[], v)?)
    } else {
        (None, value_at(&c, &origin, &[], &body)?)
    };
    let cond = match keep {
        Some(k) => {
            let v = value_at(&c, &origin, &[], &k?)?;
            if !is_condition(&v) {
                return Err(wrong(
                    &origin,
                    Vec::new(),
                    format!(
                        "the filter of a `for` expression must return true or false, found a {}",
                        v.kind_name()
                    ),
                    "e.g. `|k, s| s.public`",
                ));
            }
            Some(v)
        }
        None => None,
    };
    Ok(op(Op::For {
        key_var: with_key.then_some(key_var),
        value_var,
        collection,
        key,
        value,
        cond,
    }))
}

/// The closure was called with the wrong number of arguments (not a failure
/// inside its body).
fn is_arity_miss(e: &rhai::EvalAltResult, f: &FnPtr) -> bool {
    matches!(e, rhai::EvalAltResult::ErrorFunctionNotFound(sig, _) if sig.starts_with(f.fn_name()))
}

/// `tf::dynamic(var.rules, |rule| #{ from_port: rule.port, ... })`: one
/// nested block per element, written as a `dynamic` block. The closure gets
/// the element (`iterator.value`), or the key and the element.
fn dynamic(
    ctx: &CtxRef,
    depth: &Rc<Cell<usize>>,
    nc: &NativeCallContext,
    coll: Dynamic,
    f: FnPtr,
) -> Res<Dynamic> {
    let origin = origin_of(nc);
    let collection = value_at(&ctx.borrow(), &origin, &[PathSeg::Index(0)], &coll)?;
    if !collection.is_dynamic() && !matches!(collection, Value::List(_) | Value::Map(_)) {
        return Err(wrong(
            &origin,
            Vec::new(),
            format!("`tf::dynamic` runs over a list or a map, found a {}", collection.kind_name()),
            "pass a list, a map or a plan-time collection such as a variable",
        ));
    }
    let level = depth.get();
    let iterator = if level == 0 { "item".to_owned() } else { format!("item{level}") };
    let field = |n: &str| Dynamic::from(TfExpr(Value::Ref(Reference::new(&iterator).attr(n))));
    depth.set(level + 1);
    let body = match f.call_within_context::<Dynamic>(nc, (field("value"),)) {
        Err(e) if is_arity_miss(&e, &f) => {
            f.call_within_context::<Dynamic>(nc, (field("key"), field("value")))
        }
        other => other,
    };
    depth.set(level);
    let body = body?;
    let Some(map) = body.read_lock::<rhai::Map>().map(|m| m.clone()) else {
        return Err(wrong(
            &origin,
            Vec::new(),
            format!(
                "the function of `tf::dynamic` must return a block's arguments as a map, found {}",
                super::super::errors::type_word(body.type_name())
            ),
            "e.g. `tf::dynamic(var.ports, |p| #{ from_port: p, to_port: p, protocol: \"tcp\" })`",
        ));
    };
    let c = ctx.borrow();
    let mut content = indexmap::IndexMap::new();
    for (k, v) in &map {
        content.insert(k.to_string(), value_at(&c, &origin, &[], v)?);
    }
    Ok(op(Op::Dynamic { for_each: collection, iterator, content }))
}

fn index(_ctx: &CtxRef, nc: &NativeCallContext, of: Value, key: TfExpr) -> Res<TfExpr> {
    if !key.0.is_dynamic() {
        return Err(wrong(
            &origin_of(nc),
            Vec::new(),
            format!(
                "an index must be a number, a key or an expression, found a {}",
                key.0.kind_name()
            ),
            "e.g. `azs.names[tf::count_index()]`",
        ));
    }
    Ok(TfExpr(Value::Op(Box::new(Op::Index { of, key: key.0 }))))
}

fn describe(v: &Value) -> String {
    match v {
        Value::Ref(r) => r.to_string(),
        other => other.kind_name().to_owned(),
    }
}

/// What a variable, a local or another stack's output holds, when the
/// script knows it and it is not a number: a variable's declared type
/// (`list(string)`), or the kind of the value a local or the other stack's
/// output has (`string`, `bool`, `list`, `map`).
pub(super) fn declared_type(
    ctx: &super::super::context::Ctx,
    r: &crate::model::Reference,
) -> Option<String> {
    use crate::model::Step;
    match (r.root.as_str(), r.steps.as_slice()) {
        ("var", [Step::Attr(name)]) => {
            let v = ctx.stack.variables.iter().find(|v| &v.name == name)?;
            let t = v.type_expr.as_deref()?.trim();
            (t != "number" && t != "any").then(|| t.to_owned())
        }
        ("local", [Step::Attr(name)]) => {
            let l = ctx.stack.locals.iter().rev().find(|l| &l.name == name)?;
            l.value.kind_not_number().map(str::to_owned)
        }
        // `stack("shared").port`, by the value it has there.
        ("data", [Step::Attr(t), Step::Attr(from), Step::Attr(o), Step::Attr(name)])
            if t == "terraform_remote_state" && o == "outputs" =>
        {
            let types = &ctx.stack.remote_output_types;
            types.iter().find(|(s, n, _)| s == from && n == name).map(|t| t.2.clone())
        }
        _ => None,
    }
}

/// The schema type of a resource or data attribute read by `v`, when it is
/// known and not a number (`aws_vpc.m.id` is a string), or the
/// [`declared_type`] of a variable, local or other stack's output.
fn schema_type(ctx: &super::super::context::Ctx, v: &Value) -> Option<String> {
    use crate::model::{BlockKind, Step};
    use crate::schema::types::AttrType;
    let Value::Ref(r) = v else { return None };
    let names = |steps: &[Step]| -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Attr(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    };
    // A variable's declared type, a local's value: `local.port + 1` with
    // `port = "80"` was written as arithmetic (Terraform: 81), and text +
    // text was refused only by Terraform.
    if let Some(t) = declared_type(ctx, r) {
        return Some(t);
    }
    let (kind, type_name, rest) = match r.root.as_str() {
        "var" | "local" | "path" | "terraform" | "count" | "each" | "self" | "module"
        | "ephemeral" => return None,
        "data" => {
            let n = names(&r.steps);
            (BlockKind::Data, n.first()?.clone(), n.get(2..)?.to_vec())
        }
        root => (BlockKind::Resource, root.to_owned(), names(&r.steps).get(1..)?.to_vec()),
    };
    let [attr] = rest.as_slice() else { return None };
    let block = ctx.schemas.block(kind, &type_name)?;
    let ty = &block.attributes.get(attr)?.ty;
    (!matches!(ty, AttrType::Number | AttrType::Dynamic)).then(|| ty.to_string())
}
