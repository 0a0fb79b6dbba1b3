//! `variable(...)` and `local(...)`: both return the expression that reads them.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{diag, Code, Target};
use crate::model::{Local, Origin, PathSeg, Reference, Validation, Value, Variable};

use super::super::context::CtxRef;
use super::super::errors::{bail, raise};
use super::super::handle::TfExpr;
use super::{
    check_keys, duplicate, identifier_arg, map_arg, name_arg, origin_of, report, value_at, Res,
};
use crate::schema::type_expr;

/// Names Terraform keeps for itself in a `variable` block's label.
const RESERVED: &[&str] =
    &["count", "source", "version", "providers", "for_each", "lifecycle", "depends_on", "locals"];

const VARIABLE_KEYS: &[&str] =
    &["type", "default", "description", "sensitive", "ephemeral", "nullable", "validation"];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine.register_fn("variable", move |nc: NativeCallContext, n: Dynamic, o: Dynamic| {
        variable(&c, &nc, n, o)
    });
    let c = ctx.clone();
    engine.register_fn("variable", move |nc: NativeCallContext, n: Dynamic| {
        variable(&c, &nc, n, Dynamic::UNIT)
    });
    let c = ctx.clone();
    engine.register_fn("local", move |nc: NativeCallContext, n: Dynamic, v: Dynamic| {
        local(&c, &nc, n, v)
    });
}

fn variable(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, o: Dynamic) -> Res<TfExpr> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "a variable name")?;
    let map = map_arg(&origin, &o, "the variable options")?;
    check_keys(&origin, &map, VARIABLE_KEYS, "`variable`")?;
    let c = ctx.borrow();
    if RESERVED.contains(&name.as_str()) {
        bail!(
            &origin,
            Code::ModelReservedName,
            "`{name}` is reserved by Terraform and cannot name a variable";
            label: "reserved name";
            help: format!("choose another name, such as `{name}_value` or `instance_{name}`")
        );
    }
    let (type_expr, ty) = match map.get("type") {
        Some(t) => {
            let t = name_arg(&origin, t, "`type`")?;
            let ty = type_expr::parse(&t).map_err(|e| {
                raise(diag!(
                    (&origin, vec![PathSeg::key("type")], Target::Value),
                    Code::ModelBadType,
                    e.message;
                    label: "not a type";
                    help_opt: e.help
                ))
            })?;
            (Some(t), Some(ty))
        }
        None => (None, None),
    };
    let text = |k: &str| -> Res<Option<String>> {
        map.get(k).map(|v| name_arg(&origin, v, &format!("`{k}`"))).transpose()
    };
    let flag = |k: &str| -> Res<Option<bool>> {
        map.get(k)
            .map(|v| {
                v.as_bool().map_err(|_| {
                    raise(diag!(
                        (&origin, vec![PathSeg::key(k)], Target::Value),
                        Code::ScriptWrongType,
                        "`{k}` must be true or false",
                    ))
                })
            })
            .transpose()
    };
    let default = map
        .get("default")
        .map(|d| value_at(&c, &origin, &[PathSeg::key("default")], d))
        .transpose()?;
    let mut bad_default = Vec::new();
    if let (Some(ty), Some(d)) = (&ty, &default) {
        let mut misfits = Vec::new();
        type_expr::check(ty, d, &mut vec![PathSeg::key("default")], &mut misfits);
        for m in misfits {
            let target = if m.at_key { Target::Key } else { Target::Value };
            bad_default.push(diag!(
                (&origin, m.path, target),
                Code::ModelBadDefault,
                "the default of variable `{name}` does not fit its type `{ty}`: {}",
                m.message;
                label: "does not fit the type";
                help_opt: m.help
            ));
        }
    }
    let validations = match map.get("validation") {
        Some(v) => validations(&origin, v, &c)?,
        None => Vec::new(),
    };
    let nullable = flag("nullable")?;
    if nullable == Some(false) && matches!(default, Some(Value::Null)) {
        bail!(
            (&origin, vec![PathSeg::key("default")], Target::Value),
            Code::ModelBadDefault,
            "variable `{name}` is not nullable, so its default cannot be null";
            label: "null";
            help: "give a real default, leave `default` out to make the variable required, or drop `nullable: false`"
        );
    }
    let variable = Variable {
        name: name.clone(),
        type_expr,
        default,
        description: text("description")?,
        sensitive: flag("sensitive")?.unwrap_or(false),
        ephemeral: flag("ephemeral")?.unwrap_or(false),
        nullable,
        validations,
        origin: origin.clone(),
    };
    drop(c);
    for d in bad_default {
        report(ctx, d);
    }
    if ctx.borrow_mut().declare(format!("variable {name}")) {
        ctx.borrow_mut().stack.variables.push(variable);
    } else {
        duplicate(ctx, &origin, "variable", &name);
    }
    Ok(TfExpr(Value::Ref(Reference::new("var").attr(name))))
}

/// `validation: #{ condition: tf::expr("..."), error_message: "..." }` or a list of them.
fn validations(
    origin: &Origin,
    v: &Dynamic,
    ctx: &super::super::context::Ctx,
) -> Res<Vec<Validation>> {
    let items = v.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_else(|| vec![v.clone()]);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = if v.is_array() {
            vec![PathSeg::key("validation"), PathSeg::Index(i)]
        } else {
            vec![PathSeg::key("validation")]
        };
        let m = map_arg(origin, item, "a validation")?;
        check_keys(origin, &m, &["condition", "error_message"], "a validation")?;
        let (Some(cond), Some(msg)) = (m.get("condition"), m.get("error_message")) else {
            bail!(
                (origin, path, Target::Value),
                Code::ModelMissingArgument,
                "a validation needs `condition` and `error_message`",
            );
        };
        let mut cpath = path.clone();
        cpath.push(PathSeg::key("condition"));
        let condition = value_at(ctx, origin, &cpath, cond)?;
        super::language::refuse_known_condition(origin, &cpath, &condition)?;
        out.push(Validation {
            condition,
            error_message: name_arg(origin, msg, "`error_message`")?,
        });
    }
    Ok(out)
}

fn local(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, v: Dynamic) -> Res<TfExpr> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "a local name")?;
    let value = value_at(&ctx.borrow(), &origin, &[], &v)?;
    if ctx.borrow_mut().declare(format!("local {name}")) {
        ctx.borrow_mut().stack.locals.push(Local { name: name.clone(), value, origin });
    } else {
        duplicate(ctx, &origin, "local", &name);
    }
    Ok(TfExpr(Value::Ref(Reference::new("local").attr(name))))
}
