//! The functions scripts build on. Each file registers one family; every
//! one of them records where it was called from and reports problems at the
//! operator's own line.

mod aws;
mod blocks;
mod cidr_fns;
mod decide;
mod declaration;
mod handles;
mod language;
mod meta;
mod mixed;
mod ops;
mod options;
mod outputs;
mod results;
pub(crate) use results::Results;
mod secrets;
mod settings;
mod shifts;
pub(crate) mod spec;
mod spec_cache;
mod text;
mod tf;
mod variables;

use indexmap::IndexMap;
use rhai::{Dynamic, Engine, EvalAltResult, NativeCallContext};

use crate::diagnostics::{diag, Code, Diagnostic, Target};
use crate::model::{Origin, PathSeg, Value};

use super::context::{Ctx, CtxRef};
use super::convert::{has_nothing, has_tokens, misplaced, misplaced_error, to_value};
use super::errors::{bail, raise};

pub(crate) use aws::register as register_aws;
pub(crate) use ops::TF_NAMES;
pub(crate) use tf::FUNCTIONS as TF_FUNCTIONS;
pub(crate) use tf::SPECIAL as TF_SPECIAL;

pub(crate) type Res<T> = Result<T, Box<EvalAltResult>>;

/// Every primitive name, for did-you-mean on unknown functions.
pub(crate) const NAMES: &[&str] = &[
    "terraform",
    "backend",
    "provider",
    "resource",
    "data",
    "variable",
    "local",
    "output",
    "module",
    "checkov_skip",
    "stack",
    "stack_name",
    "at",
    "options",
    "reject",
    "literal_secret",
    "results",
    "moved",
    "imported",
    "removed",
    "check",
    "ephemeral",
];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    handles::register(engine, ctx);
    settings::register(engine, ctx);
    blocks::register(engine, ctx);
    variables::register(engine, ctx);
    outputs::register(engine, ctx);
    language::register(engine, ctx);
    ops::register(engine, ctx);
    tf::register(engine, ctx);
    options::register(engine, ctx);
    secrets::register(engine, ctx);
    results::register(engine, ctx);
    cidr_fns::register(engine);
    decide::register(engine);
    shifts::register(engine);
    mixed::register(engine);
    text::register(engine, &super::sandbox::standard_package());
}

/// A string argument; a reference where a name is needed is an error.
pub(crate) fn name_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<String> {
    match d.clone().into_immutable_string() {
        Ok(s) if has_nothing(&s) => bail!(
            origin, Code::ScriptNothing, "{what} interpolates nothing";
            label: "built from nothing";
            help: "a value in this text is nothing: check the keys and functions it reads"
        ),
        Ok(s) if misplaced(&s).is_some() => bail!(
            origin, Code::ScriptWrongType, "{what} {}",
            misplaced(&s).map(misplaced_error).map(|e| e.message).unwrap_or_default();
            help: "build names from text and numbers"
        ),
        Ok(s) if !has_tokens(&s) => Ok(s.to_string()),
        Ok(_) => bail!(
            origin, Code::ScriptWrongType, "{what} must be plain text, not a Terraform expression";
            help: "names are fixed when Terraform reads the configuration; build them from script values"
        ),
        Err("()") => {
            bail!(origin, Code::ScriptNothing, "{what} is nothing"; label: "given nothing")
        }
        Err(found) => bail!(
            origin,
            Code::ScriptWrongType,
            "{what} must be a string, found {}",
            super::errors::type_word(found),
        ),
    }
}

/// A Terraform identifier (see `model::is_identifier`).
pub(crate) fn is_identifier(s: &str) -> bool {
    crate::model::is_identifier(s)
}

pub(crate) fn identifier_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<String> {
    let s = name_arg(origin, d, what)?;
    if is_identifier(&s) {
        return Ok(s);
    }
    Err(raise(invalid_name(&s, what).at_path(origin, Vec::new(), Target::Call)))
}

/// `s` is not a valid name for `what`; the caller says where.
pub(crate) fn invalid_name(s: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ModelInvalidName,
        format!("`{}` is not a valid Terraform name for {what}", crate::model::shown(s)),
    )
    .label("invalid name")
    .help(format!(
        "names use letters, digits, `_` and `-`, and start with a letter or `_`: try `{}`",
        crate::model::identifier_fix(s)
    ))
}

/// A map argument (`()` counts as empty).
pub(crate) fn map_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<rhai::Map> {
    if d.is_unit() {
        return Ok(rhai::Map::new());
    }
    d.read_lock::<rhai::Map>().map(|m| m.clone()).ok_or_else(|| {
        raise(diag!(
            origin,
            Code::ScriptWrongType,
            "{what} must be a map `#{{ ... }}`, found {}",
            super::errors::type_word(d.type_name()),
        ))
    })
}

/// Converts a script value, reporting a failure at the exact key inside the
/// call's literal (`prefix` is the path of `d` within the argument).
pub(crate) fn value_at(ctx: &Ctx, origin: &Origin, prefix: &[PathSeg], d: &Dynamic) -> Res<Value> {
    value_within(ctx, origin, || prefix.to_vec(), d)
}

/// [`value_at`] with the prefix made only if the conversion fails.
fn value_within(
    ctx: &Ctx,
    origin: &Origin,
    prefix: impl FnOnce() -> Vec<PathSeg>,
    d: &Dynamic,
) -> Res<Value> {
    to_value(ctx, d).map_err(|e| {
        let mut path = prefix();
        path.extend(e.path);
        if e.nothing {
            return raise(super::nothing::nothing(ctx, origin, path, e.message, e.help));
        }
        // "interpolates a list into text" says what, not which value.
        let message = match path.last() {
            _ if !e.message.starts_with("interpolates ") => e.message,
            Some(PathSeg::Key(k)) => format!("`{k}` {}", e.message),
            Some(PathSeg::Index(i)) => format!("item {i} {}", e.message),
            None => format!("the value {}", e.message),
        };
        raise(diag!((origin, path, Target::Value), e.code, message; help_opt: e.help))
    })
}

/// Converts every entry of a map, in key order.
pub(crate) fn values_of(
    ctx: &Ctx,
    origin: &Origin,
    map: &rhai::Map,
) -> Res<IndexMap<String, Value>> {
    let mut out = IndexMap::with_capacity(map.len());
    for (k, v) in map {
        out.insert(k.to_string(), value_within(ctx, origin, || vec![PathSeg::key(k)], v)?);
    }
    Ok(out)
}

/// Records a non-fatal problem; evaluation goes on so that one run reports
/// as much as it can.
pub(crate) fn report(ctx: &CtxRef, d: Diagnostic) {
    ctx.borrow_mut().diagnostics.push(d);
}

/// Records a second declaration of `what` `name` (the first one stays),
/// showing where the first one was.
pub(crate) fn duplicate(ctx: &CtxRef, origin: &Origin, what: &str, name: &str) {
    let first = first_declared(&ctx.borrow().stack, what, name);
    let operators = |o: &Origin| Origin {
        frames: o
            .frames
            .iter()
            .filter(|s| !s.file.starts_with(crate::diagnostics::STDLIB_PREFIX))
            .cloned()
            .collect(),
    };
    let by_stdlib =
        origin.frames.last().is_some_and(|s| s.file.starts_with(crate::diagnostics::STDLIB_PREFIX));
    if let (Some(first), true) = (&first, by_stdlib) {
        let calls = (operators(first), operators(origin));
        if !ctx.borrow_mut().duplicate_calls.insert(calls) {
            return;
        }
    }
    let help = if by_stdlib {
        "the stdlib block names what it makes after its options, and both calls give the same \
         Terraform name (`/`, `.` and `-` all become `_` in one): give the calls names that \
         differ in letters or digits"
    } else {
        "give each one its own name"
    };
    // `stack("shared")` takes this name itself; the operator may not know it.
    let help = match name.strip_prefix("data.terraform_remote_state.") {
        Some(stack) => format!(
            "`stack(\"{stack}\")` declares `{name}` itself, for the backend of {stack}.rhai: \
             remove the other `data(\"terraform_remote_state\", \"{stack}\", ...)` or give it another name"
        ),
        None => help.to_owned(),
    };
    let mut d =
        Diagnostic::error(Code::ModelDuplicateName, format!("{what} `{name}` is declared twice"))
            .at_path(origin, Vec::new(), Target::Call)
            .label("declared again here")
            .help(help);
    if let Some(first) = first {
        d = d.secondary(crate::diagnostics::Locus::from(&first), "first declared here");
    }
    report(ctx, d);
}

fn first_declared(stack: &crate::model::Stack, what: &str, name: &str) -> Option<Origin> {
    let origin = match what {
        "resource" | "data source" => {
            stack.resources.iter().find(|r| r.address() == name).map(|r| &r.origin)
        }
        "module" => stack.modules.iter().find(|m| m.name == name).map(|m| &m.origin),
        "provider" => stack.providers.iter().find(|p| p.address() == name).map(|p| &p.origin),
        "variable" => stack.variables.iter().find(|v| v.name == name).map(|v| &v.origin),
        "local" => stack.locals.iter().find(|l| l.name == name).map(|l| &l.origin),
        "output" => stack.outputs.iter().find(|o| o.name == name).map(|o| &o.origin),
        _ => None,
    };
    origin.cloned()
}

/// Rejects keys outside `allowed` with did-you-mean, at the key itself.
pub(crate) fn check_keys(
    origin: &Origin,
    map: &rhai::Map,
    allowed: &[&str],
    what: &str,
) -> Res<()> {
    check_keys_at(origin, &[], map, allowed, what)
}

/// [`check_keys`] for a map nested at `at` in the call's argument.
pub(crate) fn check_keys_at(
    origin: &Origin,
    at: &[PathSeg],
    map: &rhai::Map,
    allowed: &[&str],
    what: &str,
) -> Res<()> {
    for k in map.keys() {
        if !allowed.contains(&k.as_str()) {
            let help = crate::diagnostics::did_you_mean(k, allowed.iter().copied())
                .unwrap_or_else(|| format!("{what} takes: {}", allowed.join(", ")));
            let mut path = at.to_vec();
            path.push(PathSeg::Key(k.to_string()));
            bail!(
                (origin, path, Target::Key),
                Code::ScriptUnknownOption,
                "unknown option `{k}` for {what}";
                label: "unknown option";
                help: help
            );
        }
    }
    Ok(())
}

pub(crate) fn origin_of(nc: &NativeCallContext) -> Origin {
    super::origin::origin(nc)
}
