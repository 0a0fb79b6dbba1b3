//! Terraform's refactoring and assertion language: `moved(from, to)`,
//! `imported(to, id)`, `removed(from, #{ destroy })`, `check(name, #{ data,
//! assert })`, and the `condition` + `error_message` maps that lifecycles,
//! outputs and checks share.
//!
//! `import` is a Rhai keyword, so the primitive is `imported`.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{diag, Code, Diagnostic, Target};
use crate::model::{
    BlockKind, Check, Condition, Ephemeral, Import, Moved, Origin, PathSeg, Reference, Removed,
    Step, Value,
};

use super::super::context::{Ctx, CtxRef};
use super::super::errors::{bail, raise};
use super::super::handle::{Handle, HandleKind, TfExpr};
use super::meta::{provider_ref, refuse_repeated_items};
use super::{check_keys, duplicate, identifier_arg, map_arg, origin_of, value_at, Res};

const IMPORT_KEYS: &[&str] = &["id", "identity", "for_each", "key", "provider"];
const REMOVED_KEYS: &[&str] = &["destroy"];
const CHECK_KEYS: &[&str] = &["data", "assert"];
const CONDITION_KEYS: &[&str] = &["condition", "error_message"];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    let c = ctx.clone();
    engine.register_fn("moved", move |nc: NativeCallContext, from: Dynamic, to: Dynamic| {
        moved(&c, &nc, from, to)
    });
    let c = ctx.clone();
    engine.register_fn("imported", move |nc: NativeCallContext, to: Dynamic, id: Dynamic| {
        imported(&c, &nc, to, id)
    });
    let c = ctx.clone();
    engine.register_fn("removed", move |nc: NativeCallContext, from: Dynamic, o: Dynamic| {
        removed(&c, &nc, from, o)
    });
    let c = ctx.clone();
    engine.register_fn("removed", move |nc: NativeCallContext, from: Dynamic| {
        removed(&c, &nc, from, Dynamic::UNIT)
    });
    for arity in [2, 3] {
        let c = ctx.clone();
        if arity == 3 {
            engine.register_fn(
                "ephemeral",
                move |nc: NativeCallContext, t: Dynamic, n: Dynamic, a: Dynamic| {
                    ephemeral(&c, &nc, t, n, a)
                },
            );
        } else {
            engine.register_fn(
                "ephemeral",
                move |nc: NativeCallContext, t: Dynamic, n: Dynamic| {
                    ephemeral(&c, &nc, t, n, Dynamic::UNIT)
                },
            );
        }
    }
    let c = ctx.clone();
    engine.register_fn("check", move |nc: NativeCallContext, n: Dynamic, o: Dynamic| {
        check(&c, &nc, n, o)
    });
}

/// `tf::self("id")`: the block's own attribute, for postconditions (the
/// other named values, `tf::path_module()`..., are in `tf.rs`).
pub(crate) fn register_tf(m: &mut rhai::Module) {
    let named =
        |root: &str, attr: &str| Dynamic::from(TfExpr(Value::Ref(Reference::new(root).attr(attr))));
    m.set_native_fn("self", move |nc: NativeCallContext, attr: Dynamic| -> Res<Dynamic> {
        let origin = origin_of(&nc);
        let attr = identifier_arg(&origin, &attr, "an attribute name")?;
        Ok(named("self", &attr))
    });
}

/// `ephemeral("random_password", "db", #{ length: 24 })`: returns the
/// expression `ephemeral.random_password.db`, whose attributes are read
/// like any reference (`pw.result`).
fn ephemeral(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    t: Dynamic,
    n: Dynamic,
    a: Dynamic,
) -> Res<TfExpr> {
    let origin = origin_of(nc);
    let type_name = identifier_arg(&origin, &t, "a type")?;
    let name = identifier_arg(&origin, &n, "a block name")?;
    let mut map = map_arg(&origin, &a, "the arguments")?;
    let (meta, attrs) = {
        let c = ctx.borrow();
        let meta = super::meta::take_meta(&c, &origin, &mut map)?;
        (meta, super::values_of(&c, &origin, &map)?)
    };
    let attrs = ctx.borrow_mut().in_written_order(&origin, 2, attrs);
    let e = Ephemeral { type_name, name, attrs, meta, origin: origin.clone() };
    let reference = e.reference();
    if ctx.borrow_mut().declare(format!("ephemeral {reference}")) {
        ctx.borrow_mut().stack.ephemerals.push(e);
    } else {
        duplicate(ctx, &origin, "ephemeral resource", &reference.to_string());
    }
    Ok(TfExpr(Value::Ref(reference)))
}

fn bad(
    origin: &Origin,
    path: Vec<PathSeg>,
    target: Target,
    msg: String,
    help: &str,
) -> Box<rhai::EvalAltResult> {
    raise(diag!((origin, path, target), Code::ModelBadAddress, msg; help: help))
}

/// A resource or module address: a handle (`bucket`, `web.at(0)`, a
/// module) or its text (`"aws_s3_bucket.old"`, `"module.net.aws_vpc.this"`,
/// `"aws_instance.web[\"a\"]"`). Data sources are never moved or imported.
fn address_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<Reference> {
    let help = "pass a resource or module handle, or an address such as `\"aws_s3_bucket.logs\"` or `\"module.net.aws_vpc.this\"`";
    if let Some(h) = d.read_lock::<Handle>() {
        return match &h.kind {
            HandleKind::Block { kind: BlockKind::Resource, .. } | HandleKind::Module => {
                Ok(h.reference.clone())
            }
            _ => Err(bad(
                origin,
                Vec::new(),
                Target::Call,
                format!("{what} must be a resource or module, not {}", h.describe()),
                help,
            )),
        };
    }
    if let Some(e) = d.read_lock::<TfExpr>() {
        if let Value::Ref(r) = &e.0 {
            if check_address(r).is_ok() {
                return Ok(r.clone());
            }
        }
    }
    let Ok(text) = d.clone().into_immutable_string() else {
        return Err(bad(
            origin,
            Vec::new(),
            Target::Call,
            format!("{what} must be a resource or module address, found {}", d.type_name()),
            help,
        ));
    };
    let r = parse_address(&text).map_err(|e| {
        bad(
            origin,
            Vec::new(),
            Target::Call,
            format!("`{text}` is not a resource or module address: {e}"),
            help,
        )
    })?;
    check_address(&r).map_err(|e| {
        bad(
            origin,
            Vec::new(),
            Target::Call,
            format!("`{text}` is not a resource or module address: {e}"),
            help,
        )
    })?;
    Ok(r)
}

/// `module.a["x"].aws_vpc.this[0]`: dotted names, each optionally followed
/// by one `[index]` or `["key"]`.
pub(crate) fn parse_address(text: &str) -> Result<Reference, String> {
    let mut chars = text.chars().peekable();
    let mut names: Vec<Step> = Vec::new();
    loop {
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if !super::is_identifier(&name) {
            return Err(if name.is_empty() {
                "a name is missing".into()
            } else {
                format!("`{name}` is not a name")
            });
        }
        names.push(Step::Attr(name));
        if chars.peek() == Some(&'[') {
            chars.next();
            let mut inner = String::new();
            let mut closed = false;
            let mut in_str = false;
            for c in chars.by_ref() {
                if c == '"' {
                    in_str = !in_str;
                }
                if c == ']' && !in_str {
                    closed = true;
                    break;
                }
                inner.push(c);
            }
            if !closed {
                return Err("a `[` is not closed".into());
            }
            let step = if let Some(k) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                if k.contains(['"', '\\', '$', '%']) {
                    return Err(format!(
                        "the key `{k}` needs escaping; use a handle and `.at(...)`"
                    ));
                }
                Step::Key(k.to_owned())
            } else {
                Step::Index(
                    inner
                        .trim()
                        .parse()
                        .map_err(|_| format!("`[{inner}]` is not an index or a quoted key"))?,
                )
            };
            names.push(step);
        }
        match chars.next() {
            None => break,
            Some('.') => continue,
            Some(c) => return Err(format!("unexpected `{c}`")),
        }
    }
    let mut steps = names.into_iter();
    let Some(Step::Attr(root)) = steps.next() else {
        return Err("a name is missing".into());
    };
    Ok(Reference { root, steps: steps.collect() })
}

/// Zero or more `module.NAME[key]` then at most one `TYPE.NAME[key]`.
fn check_address(r: &Reference) -> Result<(), String> {
    let mut parts: Vec<Step> = vec![Step::Attr(r.root.clone())];
    parts.extend(r.steps.iter().cloned());
    let mut i = 0;
    while i < parts.len() {
        let Some(Step::Attr(word)) = parts.get(i) else {
            return Err("an instance key must follow a name".into());
        };
        if word == "data" {
            return Err("data sources have no state to move, import or remove".into());
        }
        let Some(Step::Attr(_)) = parts.get(i + 1) else {
            return Err(format!("`{word}` must be followed by a name"));
        };
        let keyed = matches!(parts.get(i + 2), Some(Step::Index(_) | Step::Key(_)));
        let next = i + 2 + usize::from(keyed);
        if word != "module" && next < parts.len() {
            return Err(format!("a resource address ends after its name (`{word}.…`)"));
        }
        if matches!(parts.get(next), Some(Step::Splat))
            || parts.iter().any(|p| matches!(p, Step::Splat))
        {
            return Err("`[*]` names no single object".into());
        }
        // `[-1]` is an operation in HCL, not an index: Terraform refuses it.
        if let Some(Step::Index(n)) = parts.iter().find(|p| matches!(p, Step::Index(n) if *n < 0)) {
            return Err(format!("`[{n}]` is no instance: instances count from 0"));
        }
        i = next;
    }
    Ok(())
}

/// True when the address ends in a resource (not a whole module).
pub(crate) fn is_resource_address(r: &Reference) -> bool {
    let mut words: Vec<&str> = vec![r.root.as_str()];
    words.extend(r.steps.iter().filter_map(|s| match s {
        Step::Attr(a) => Some(a.as_str()),
        _ => None,
    }));
    // module.a.module.b has an even number of words all in pairs led by `module`
    words.chunks(2).last().and_then(|c| c.first()).is_some_and(|w| *w != "module")
}

fn moved(ctx: &CtxRef, nc: &NativeCallContext, from: Dynamic, to: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let from = address_arg(&origin, &from, "`from`")?;
    let to = address_arg(&origin, &to, "`to`")?;
    if is_resource_address(&from) != is_resource_address(&to) {
        return Err(bad(
            &origin,
            Vec::new(),
            Target::Call,
            format!("cannot move `{from}` to `{to}`: one is a resource and the other a module"),
            "move a resource to a resource and a module to a module",
        ));
    }
    if from == to {
        return Err(bad(
            &origin,
            Vec::new(),
            Target::Call,
            format!("`moved` from `{from}` to itself"),
            "`from` is the old address, `to` the new one",
        ));
    }
    // Terraform plans nothing when two moves lead to one address ("Ambiguous
    // move statements"), though `validate` passes.
    let earlier = ctx.borrow().stack.moved.iter().find(|m| m.to == to && m.from != from).cloned();
    if let Some(first) = earlier {
        let d = Diagnostic::error(
            Code::ModelDuplicateName,
            format!("`{to}` is moved to twice: from `{}` and from `{from}`", first.from),
        )
        .at_path(&origin, Vec::new(), Target::Call)
        .label("a second move into it")
        .secondary(crate::diagnostics::Locus::from(&first.origin), "first move into it")
        .help("Terraform moves one address into each resource: keep the move whose object you want, and remove the other (or `removed(...)` it)");
        super::report(ctx, d);
        return Ok(());
    }
    if ctx.borrow_mut().declare(format!("moved {from}")) {
        ctx.borrow_mut().stack.moved.push(Moved { from, to, origin });
    } else {
        duplicate(ctx, &origin, "a move from", &from.to_string());
    }
    Ok(())
}

fn imported(ctx: &CtxRef, nc: &NativeCallContext, to: Dynamic, id: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let to = address_arg(&origin, &to, "`to`")?;
    if !is_resource_address(&to) {
        return Err(bad(
            &origin,
            Vec::new(),
            Target::Call,
            format!("`{to}` is a module; `imported` takes a resource"),
            "import each resource of the module by its own address",
        ));
    }
    let c = ctx.borrow();
    let mut import = Import {
        to,
        to_key: None,
        id: None,
        identity: None,
        for_each: None,
        provider: None,
        origin: origin.clone(),
    };
    match id.read_lock::<rhai::Map>().map(|m| m.clone()) {
        None => import.id = Some(id_value(&c, &origin, &[], &id)?),
        Some(opts) => {
            check_keys(&origin, &opts, IMPORT_KEYS, "`imported`")?;
            if let Some(v) = opts.get("id") {
                import.id = Some(id_value(&c, &origin, &[PathSeg::key("id")], v)?);
            }
            if let Some(v) = opts.get("identity") {
                let m = map_arg(&origin, v, "`identity`")?;
                let mut identity = indexmap::IndexMap::new();
                for (k, v) in &m {
                    let path = [PathSeg::key("identity"), PathSeg::key(k)];
                    identity.insert(k.to_string(), value_at(&c, &origin, &path, v)?);
                }
                import.identity = Some(identity);
            }
            if let Some(v) = opts.get("for_each") {
                let v = value_at(&c, &origin, &[PathSeg::key("for_each")], v)?;
                refuse_repeated_items(&origin, &v)?;
                import.for_each = Some(match v {
                    Value::List(_) => Value::Call { name: "toset".into(), args: vec![v] },
                    other => other,
                });
            }
            if let Some(v) = opts.get("key") {
                import.to_key = Some(value_at(&c, &origin, &[PathSeg::key("key")], v)?);
            }
            if let Some(v) = opts.get("provider") {
                import.provider = Some(provider_ref(&origin, v)?);
            }
        }
    }
    let missing = |msg: &str, help: &str| bail!(&origin, Code::ModelMissingArgument, msg.to_owned(); help: help.to_owned());
    match (&import.id, &import.identity) {
        (None, None) => {
            return missing(
                "`imported` needs an `id` or an `identity`",
                "e.g. `imported(bucket, \"my-bucket\")`",
            )
        }
        (Some(_), Some(_)) => {
            return missing(
                "`imported` takes an `id` or an `identity`, not both",
                "keep one of them",
            )
        }
        _ => {}
    }
    if import.for_each.is_some() != import.to_key.is_some() {
        return missing(
            "`for_each` and `key` go together in `imported`",
            "e.g. `#{ for_each: ids, key: tf::each_key(), id: tf::each_value() }`",
        );
    }
    if import.to_key.is_some()
        && matches!(import.to.steps.last(), Some(Step::Index(_) | Step::Key(_)))
    {
        return missing(
            "`to` already names one instance; `key` would add a second key",
            "pass the resource itself as `to`",
        );
    }
    drop(c);
    let address = match &import.to_key {
        Some(_) => format!("{}[each]", import.to),
        None => import.to.to_string(),
    };
    if ctx.borrow_mut().declare(format!("import {address}")) {
        ctx.borrow_mut().stack.imports.push(import);
    } else {
        duplicate(ctx, &origin, "an import into", &address);
    }
    Ok(())
}

/// An import id: text known when Terraform plans (a literal or an expression).
fn id_value(ctx: &Ctx, origin: &Origin, path: &[PathSeg], d: &Dynamic) -> Res<Value> {
    let v = value_at(ctx, origin, path, d)?;
    match &v {
        Value::String(s) if s.is_empty() => {}
        Value::String(_)
        | Value::Template(_)
        | Value::Ref(_)
        | Value::Call { .. }
        | Value::Expr(_)
        | Value::Op(_) => return Ok(v),
        _ => {}
    }
    bail!(
        (origin, path.to_vec(), if path.is_empty() { Target::Call } else { Target::Value }),
        Code::ScriptWrongType,
        "an import `id` must be non-empty text, found {}", v.kind_name();
        help: "the id is what the provider's docs name under \"Import\", e.g. a bucket name"
    )
}

fn removed(ctx: &CtxRef, nc: &NativeCallContext, from: Dynamic, o: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let from = address_arg(&origin, &from, "`from`")?;
    if from.steps.iter().any(|s| matches!(s, Step::Index(_) | Step::Key(_))) {
        return Err(bad(
            &origin,
            Vec::new(),
            Target::Call,
            format!("`removed` takes a whole resource or module, not the instance `{from}`"),
            "drop the instance key; to remove one instance, change `count` or `for_each`",
        ));
    }
    let opts = map_arg(&origin, &o, "the `removed` options")?;
    check_keys(&origin, &opts, REMOVED_KEYS, "`removed`")?;
    let destroy = match opts.get("destroy") {
        Some(v) => Some(v.as_bool().map_err(|_| {
            raise(diag!(
                (&origin, vec![PathSeg::key("destroy")], Target::Value),
                Code::ScriptWrongType,
                "`destroy` must be true or false";
                help: "`false` forgets the object and leaves it running; `true` destroys it"
            ))
        })?),
        None => None,
    };
    if ctx.borrow_mut().declare(format!("removed {from}")) {
        ctx.borrow_mut().stack.removed.push(Removed { from, destroy, origin });
    } else {
        duplicate(ctx, &origin, "`removed` of", &from.to_string());
    }
    Ok(())
}

fn check(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, o: Dynamic) -> Res<()> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "a check name")?;
    let opts = map_arg(&origin, &o, "the check")?;
    check_keys(&origin, &opts, CHECK_KEYS, "`check`")?;
    let mut data = Vec::new();
    if let Some(d) = opts.get("data") {
        let items =
            d.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_else(|| vec![d.clone()]);
        for (i, item) in items.iter().enumerate() {
            let mut path = vec![PathSeg::key("data")];
            if d.is_array() {
                path.push(PathSeg::Index(i));
            }
            let handle = item.read_lock::<Handle>().map(|h| h.clone());
            match handle {
                Some(h)
                    if matches!(h.kind, HandleKind::Block { kind: BlockKind::Data, .. })
                        && h.reference.steps.len() == 2 =>
                {
                    data.push(h.reference.object_address());
                }
                _ => {
                    bail!(
                        (&origin, path, Target::Value),
                        Code::ScriptWrongType,
                        "a check's `data` lists data sources";
                        help: "pass the value returned by `data(...)`; the check then owns that data source"
                    );
                }
            }
        }
    }
    let asserts = match opts.get("assert") {
        Some(a) => conditions(&ctx.borrow(), &origin, &[PathSeg::key("assert")], a, "an assert")?,
        None => Vec::new(),
    };
    if asserts.is_empty() {
        bail!(
            &origin, Code::ModelMissingArgument, "check `{name}` needs at least one `assert`";
            help: "e.g. `assert: #{ condition: tf::expr(\"...\"), error_message: \"...\" }`"
        );
    }
    let mut c = ctx.borrow_mut();
    for address in &data {
        if !c.declare(format!("scoped {address}")) {
            drop(c);
            bail!(
                (&origin, vec![PathSeg::key("data")], Target::Value),
                Code::ModelDuplicateName,
                "data source `{address}` belongs to another check already";
                help: "declare one data source per check"
            );
        }
    }
    if c.declare(format!("check {name}")) {
        c.stack.checks.push(Check { name, data, asserts, origin });
    } else {
        drop(c);
        duplicate(ctx, &origin, "check", &name);
    }
    Ok(())
}

/// `#{ condition, error_message }` or a list of them (`path` is where `d`
/// sits in the call's arguments).
pub(crate) fn conditions(
    ctx: &Ctx,
    origin: &Origin,
    path: &[PathSeg],
    d: &Dynamic,
    what: &str,
) -> Res<Vec<Condition>> {
    let items = d.read_lock::<rhai::Array>().map(|a| a.clone()).unwrap_or_else(|| vec![d.clone()]);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut here = path.to_vec();
        if d.is_array() {
            here.push(PathSeg::Index(i));
        }
        let Some(m) = item.read_lock::<rhai::Map>().map(|m| m.clone()) else {
            bail!(
                (origin, here, Target::Value),
                Code::ScriptWrongType,
                "{what} must be a map `#{{ condition, error_message }}`",
            );
        };
        for k in m.keys() {
            if !CONDITION_KEYS.contains(&k.as_str()) {
                let mut p = here.clone();
                p.push(PathSeg::key(k));
                bail!(
                    (origin, p, Target::Key),
                    Code::ScriptUnknownOption,
                    "unknown option `{k}` for {what}";
                    label: "unknown option";
                    help: crate::diagnostics::did_you_mean(k, CONDITION_KEYS.iter().copied())
                        .unwrap_or_else(|| "it takes `condition` and `error_message`".into())
                );
            }
        }
        let (Some(cond), Some(msg)) = (m.get("condition"), m.get("error_message")) else {
            bail!(
                (origin, here, Target::Value),
                Code::ModelMissingArgument,
                "{what} needs `condition` and `error_message`",
            );
        };
        let mut cpath = here.clone();
        cpath.push(PathSeg::key("condition"));
        let condition = value_at(ctx, origin, &cpath, cond)?;
        if !matches!(
            condition,
            Value::Bool(_) | Value::Ref(_) | Value::Call { .. } | Value::Expr(_) | Value::Op(_)
        ) {
            bail!(
                (origin, cpath, Target::Value),
                Code::ScriptWrongType,
                "a `condition` must be true or false, found {}", condition.kind_name();
                label: "not a condition";
                help: "write the test as an expression, e.g. `tf::expr(\"length(var.azs) >= 2\")` or `tf::cond(...)`"
            );
        }
        refuse_known_condition(origin, &cpath, &condition)?;
        let mut mpath = here.clone();
        mpath.push(PathSeg::key("error_message"));
        let error_message = value_at(ctx, origin, &mpath, msg)?;
        let ok = match &error_message {
            Value::String(s) => !s.trim().is_empty(),
            Value::Template(_)
            | Value::Ref(_)
            | Value::Call { .. }
            | Value::Expr(_)
            | Value::Op(_) => true,
            _ => false,
        };
        if !ok {
            bail!(
                (origin, mpath, Target::Value),
                Code::ScriptWrongType,
                "`error_message` must be non-empty text";
                help: "say what is wrong and how to fix it"
            );
        }
        out.push(Condition { condition, error_message });
    }
    Ok(out)
}

/// A condition the script already knows (`true`, or `env != ""` with `env`
/// a script string) is written as a constant, which Terraform refuses: a
/// condition must refer to something only Terraform knows.
pub(crate) fn refuse_known_condition(origin: &Origin, path: &[PathSeg], c: &Value) -> Res<()> {
    if let Value::Bool(b) = c {
        bail!(
            (origin, path.to_vec(), Target::Value),
            Code::ModelBadExpression,
            "this condition is already `{b}` while the script runs: Terraform refuses a condition that refers to nothing";
            label: "known now";
            help: "test values the script knows with `if` and `throw`; a Terraform condition must read a variable, a resource or a data source, e.g. `tf::expr(\"length(var.azs) >= 2\")`"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses_with_modules_and_keys() {
        let r = parse_address("module.net[\"a\"].aws_vpc.this[0]").unwrap();
        assert_eq!(r.to_string(), "module.net[\"a\"].aws_vpc.this[0]");
        assert!(check_address(&r).is_ok());
        assert!(is_resource_address(&r));
        let m = parse_address("module.net").unwrap();
        assert!(check_address(&m).is_ok());
        assert!(!is_resource_address(&m));
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "aws_vpc",
            "aws_vpc.a.id",
            "data.aws_ami.x",
            "aws_vpc.a[*]",
            "aws_vpc.a[x]",
            "aws_vpc.a[0",
            "1x.y",
            "a..b",
        ] {
            let ok = parse_address(bad).and_then(|r| check_address(&r));
            assert!(ok.is_err(), "{bad} accepted");
        }
    }
}
