//! Handles and expressions in scripts: `vpc.id` is a checked reference,
//! `subnets[0]` an instance, and either can be interpolated into a string.

use rhai::{Dynamic, Engine, ImmutableString, NativeCallContext, INT};

use crate::diagnostics::{Code, Diagnostic, Target};
use crate::model::{BlockKind, Reference, Step, Value};
use crate::schema::AttrLookup;

use super::super::context::CtxRef;
use super::super::convert::{misplaced_mark, nothing_mark, token_for};
use super::super::errors::bail;
use super::super::handle::{Handle, HandleKind, Instances, TfExpr};
use super::{origin_of, report, Res};

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    engine.register_type_with_name::<Handle>("block_reference");
    engine.register_type_with_name::<TfExpr>("terraform_expression");

    let c = ctx.clone();
    engine.register_indexer_get(
        move |nc: NativeCallContext, h: &mut Handle, attr: ImmutableString| -> Res<Dynamic> {
            attribute(&c, &nc, h, &attr)
        },
    );
    engine.register_indexer_get(|nc: NativeCallContext, h: &mut Handle, i: INT| -> Res<Handle> {
        instance(&nc, h, Step::Index(i))
    });
    engine.register_fn("at", |nc: NativeCallContext, h: &mut Handle, i: INT| {
        instance(&nc, h, Step::Index(i))
    });
    engine.register_fn("at", |nc: NativeCallContext, h: &mut Handle, k: ImmutableString| {
        instance(&nc, h, Step::Key(k.to_string()))
    });
    // `bastion.all().id`: every instance of a `count` resource, `[*]`
    engine.register_fn("all", |nc: NativeCallContext, h: &mut Handle| {
        if let HandleKind::Block { instances: Instances::ForEach(_), .. } = &h.kind {
            bail!(
                &origin_of(&nc),
                Code::ModelInstanceKey,
                "`{}` has `for_each` set: its instances are a map, not a list", h.reference;
                help: "pick one with `.at(\"KEY\")`, or list them with `tf::values(...)`"
            );
        }
        instance(&nc, h, Step::Splat)
    });

    engine.register_indexer_get(
        |nc: NativeCallContext, e: &mut TfExpr, attr: ImmutableString| -> Res<TfExpr> {
            extend(&nc, e, Step::Attr(attr.to_string()))
        },
    );
    engine.register_indexer_get(|nc: NativeCallContext, e: &mut TfExpr, i: INT| -> Res<TfExpr> {
        // A script list counts `[-1]` from the end; Terraform has no such
        // index and refuses it at plan time.
        if i < 0 {
            bail!(
                &origin_of(&nc),
                Code::ScriptNotIndexable,
                "Terraform has no index {i}: a list known only at plan time is indexed from 0";
                label: "negative index";
                help: "for the last item write `tf::element(list, tf::length(list) - 1)`, or `tf::expr(\"...[length(...) - 1]\")`"
            );
        }
        extend(&nc, e, Step::Index(i))
    });

    // Interpolation and `+` leave a token that string conversion turns back
    // into a template part.
    let c = ctx.clone();
    engine.register_fn("to_string", move |e: &mut TfExpr| {
        token_for(&mut c.borrow_mut(), e.0.clone())
    });
    let c = ctx.clone();
    engine.register_fn("to_string", move |h: &mut Handle| {
        token_for(&mut c.borrow_mut(), Value::Ref(h.reference.clone()))
    });
    // `to_debug` as `to_string`: its text was the expression's own
    // (`var.env`), which joined into text became that literal text
    // (a bucket named `shop-var.env`), silently.
    let c = ctx.clone();
    engine
        .register_fn("to_debug", move |e: &mut TfExpr| token_for(&mut c.borrow_mut(), e.0.clone()));
    let c = ctx.clone();
    engine.register_fn("to_debug", move |h: &mut Handle| {
        token_for(&mut c.borrow_mut(), Value::Ref(h.reference.clone()))
    });
    let c = ctx.clone();
    engine.register_fn("+", move |s: ImmutableString, e: TfExpr| {
        format!("{s}{}", token_for(&mut c.borrow_mut(), e.0))
    });
    let c = ctx.clone();
    engine.register_fn("+", move |e: TfExpr, s: ImmutableString| {
        format!("{}{s}", token_for(&mut c.borrow_mut(), e.0))
    });
    engine.register_fn("address", |h: &mut Handle| h.reference.to_string());

    // Likewise a list, a map, a function or a blob: Rhai's own text of it
    // (`[aws_vpc.main.id, "x"]`) is never what a block means.
    engine.register_fn("to_string", |a: &mut rhai::Array| {
        misplaced_mark("list", &shown(&Dynamic::from_array(a.clone())))
    });
    engine.register_fn("to_string", |m: &mut rhai::Map| {
        misplaced_mark("map", &shown(&Dynamic::from_map(m.clone())))
    });
    engine
        .register_fn("to_string", |f: &mut rhai::FnPtr| misplaced_mark("function", &f.to_string()));
    engine.register_fn("to_string", |b: &mut rhai::Blob| misplaced_mark("blob", &format!("{b:?}")));

    // Interpolating nothing leaves a mark that conversion reports, instead
    // of an empty piece of text (`demo--jobs`).
    engine.register_fn("to_string", |_: ()| nothing_mark());
    // Likewise `"text" + ()`, which Rhai would read as `"text"`.
    engine.register_fn("+", |s: ImmutableString, _: ()| format!("{s}{}", nothing_mark()));
    engine.register_fn("+", |_: (), s: ImmutableString| format!("{}{s}", nothing_mark()));
    engine.register_fn("+=", |s: &mut ImmutableString, _: ()| {
        *s = format!("{s}{}", nothing_mark()).into();
    });
}

fn describe(v: &Value) -> String {
    match v {
        Value::Ref(r) => r.to_string(),
        Value::Call { name, .. } => format!("{name}(...)"),
        Value::Expr(e) => e.clone(),
        other => other.kind_name().to_owned(),
    }
}

/// `vpc.id`: a reference, checked against the type's schema so that a typo
/// fails at the operator's line instead of at `terraform plan`.
fn attribute(ctx: &CtxRef, nc: &NativeCallContext, h: &Handle, attr: &str) -> Res<Dynamic> {
    let reference = h.reference.clone().attr(attr);
    match &h.kind {
        HandleKind::Block { kind, type_name, instances } => {
            let base = if *kind == BlockKind::Data { 2 } else { 1 };
            let picked = h.reference.steps.len() > base;
            if !picked && *instances != Instances::Single {
                let what =
                    if matches!(instances, Instances::Count(_)) { "count" } else { "for_each" };
                let pick = if matches!(instances, Instances::Count(_)) {
                    format!("`[0].{attr}` for one, `.all().{attr}` for the list of all")
                } else {
                    format!("`.at(\"KEY\").{attr}`")
                };
                report(
                    ctx,
                    Diagnostic::error(
                        Code::ModelInstanceKey,
                        format!(
                            "`{}` has `{what}` set: `{attr}` is read on one instance",
                            h.reference
                        ),
                    )
                    .at_path(&origin_of(nc), Vec::new(), Target::Call)
                    .label("which instance?")
                    .help(format!("pick one: {pick}")),
                );
            }
            let lookup = ctx.borrow().schemas.lookup_attribute(*kind, type_name, attr);
            if let AttrLookup::Unknown { suggestion } = lookup {
                report(
                    ctx,
                    Diagnostic::error(
                        Code::ModelUnknownReference,
                        format!("{} `{type_name}` has no attribute `{attr}`", kind.noun()),
                    )
                    .at_path(&origin_of(nc), Vec::new(), Target::Call)
                    .label(format!("not an attribute of `{type_name}`"))
                    .help_opt(suggestion.map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
        HandleKind::Remote { stack, outputs } => {
            if !outputs.iter().any(|o| o == attr) {
                let help = crate::diagnostics::did_you_mean(attr, outputs.iter().map(String::as_str)).unwrap_or_else(|| {
                    format!("`{stack}` exports {}; add `output(\"{attr}\", ...)` to {stack}.rhai to export it", outputs.join(", "))
                });
                bail!(
                    &origin_of(nc),
                    Code::ModelUnknownStackOutput,
                    "stack `{stack}` does not export `{attr}`";
                    label: "not an output of that stack";
                    help: help
                );
            }
            let r = Reference::new("data")
                .attr("terraform_remote_state")
                .attr(stack)
                .attr("outputs")
                .attr(attr);
            return Ok(Dynamic::from(TfExpr(Value::Ref(r))));
        }
        HandleKind::Module | HandleKind::Provider => {}
    }
    Ok(Dynamic::from(TfExpr(Value::Ref(reference))))
}

fn instance(nc: &NativeCallContext, h: &Handle, step: Step) -> Res<Handle> {
    if let HandleKind::Block { instances, .. } = &h.kind {
        if let Some((msg, help)) = wrong_key(h, instances, &step) {
            bail!(
                &origin_of(nc), Code::ModelInstanceKey, msg;
                label: "no such instance";
                help_opt: help
            );
        }
    }
    if !matches!(h.kind, HandleKind::Block { .. } | HandleKind::Module) {
        bail!(
            &origin_of(nc),
            Code::ScriptNotIndexable,
            "{} has no instances to index",
            h.describe()
        );
    }
    let mut out = h.clone();
    out.reference.steps.push(step);
    Ok(out)
}

/// Why `step` cannot pick an instance of `h`, and the fix.
fn wrong_key(h: &Handle, instances: &Instances, step: &Step) -> Option<(String, Option<String>)> {
    let r = &h.reference;
    let picked = r.steps.iter().any(|s| matches!(s, Step::Index(_) | Step::Key(_) | Step::Splat));
    if picked {
        return Some((format!("`{r}` is already one instance"), None));
    }
    match (instances, step) {
        (Instances::Single, Step::Index(_) | Step::Key(_)) => Some((
            format!("`{r}` has no `count` or `for_each`: it has no instances to pick"),
            Some("read its attributes directly, e.g. `.id`".to_owned()),
        )),
        (Instances::Count(_), Step::Index(i)) if *i < 0 => Some((
            format!(
                "`{r}` has `count` set: its instances are numbered from 0, `[{i}]` is none of them"
            ),
            Some("Terraform has no index from the end: write the number, e.g. `[0]`".to_owned()),
        )),
        (Instances::Count(Some(n)), Step::Index(i)) if *i >= *n => Some((
            format!("`{r}` has `count` = {n}: `[{i}]` is not one of its instances"),
            Some(match n {
                0 => "it has no instances".to_owned(),
                _ => format!("pick one of `[0]` to `[{}]`", n - 1),
            }),
        )),
        (Instances::Count(_), Step::Key(k)) => Some((
            format!("`{r}` has `count` set: its instances are numbered, not keyed by `{k:?}`"),
            Some("pick one by number, e.g. `[0]`".to_owned()),
        )),
        (Instances::ForEach(_), Step::Index(i)) => Some((
            format!(
                "`{r}` has `for_each` set: its instances are keyed by name, not numbered (`{i}`)"
            ),
            Some("pick one by its key, e.g. `.at(\"KEY\")`".to_owned()),
        )),
        (Instances::ForEach(Some(keys)), Step::Key(k)) if !keys.contains(k) => Some((
            format!("`{r}` has no instance `{k:?}`"),
            crate::diagnostics::did_you_mean(k, keys.iter().map(String::as_str)).or_else(|| {
                Some(format!(
                    "its keys: {}",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ))
            }),
        )),
        _ => None,
    }
}

fn extend(nc: &NativeCallContext, e: &TfExpr, step: Step) -> Res<TfExpr> {
    match &e.0 {
        Value::Ref(r) => {
            let mut r = r.clone();
            r.steps.push(step);
            Ok(TfExpr(Value::Ref(r)))
        }
        // a conditional, a call...: `(a ? b : c).id`, `f(x)[0]`
        other if other.is_dynamic() => {
            let key = match step {
                Step::Attr(a) | Step::Key(a) => Value::String(a),
                Step::Index(i) => Value::Int(i),
                Step::Splat => {
                    bail!(
                        &origin_of(nc),
                        Code::ScriptNotIndexable,
                        "`all()` splats a reference only"
                    );
                }
            };
            Ok(TfExpr(Value::Op(Box::new(crate::model::Op::Index { of: other.clone(), key }))))
        }
        other => bail!(
            &origin_of(nc),
            Code::ScriptNotIndexable,
            "cannot take an attribute of a {}",
            other.kind_name();
            help: "wrap the whole expression with `tf::expr(\"...\")` instead"
        ),
    }
}

/// A value as a message shows it: references by their Terraform address.
pub(crate) fn shown(v: &Dynamic) -> String {
    if let Some(e) = v.read_lock::<TfExpr>() {
        return describe(&e.0);
    }
    if let Some(h) = v.read_lock::<Handle>() {
        return h.reference.to_string();
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return format!("[{}]", a.iter().map(shown).collect::<Vec<_>>().join(", "));
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {}", shown(v))).collect();
        return format!("#{{{}}}", items.join(", "));
    }
    if let Some(s) = v.read_lock::<ImmutableString>() {
        return format!("{:?}", s.as_str());
    }
    v.to_string()
}
