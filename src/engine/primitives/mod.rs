//! The functions scripts build on. Each file registers one family; every
//! one of them records where it was called from and reports problems at the
//! operator's own line.

mod blocks;
mod cidr_fns;
mod declaration;
mod handles;
mod meta;
mod options;
mod outputs;
mod results;
pub(crate) use results::Results;
mod settings;
pub(crate) mod spec;
mod tf;
mod variables;

use indexmap::IndexMap;
use rhai::{Dynamic, Engine, EvalAltResult, NativeCallContext};

use crate::diagnostics::{Diagnostic, Target};
use crate::model::{Origin, PathSeg, Value};

use super::context::{Ctx, CtxRef};
use super::convert::{has_tokens, to_value};
use super::errors::raise;

pub(crate) use tf::FUNCTIONS as TF_FUNCTIONS;

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
    "results",
];

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    handles::register(engine, ctx);
    settings::register(engine, ctx);
    blocks::register(engine, ctx);
    variables::register(engine, ctx);
    outputs::register(engine, ctx);
    tf::register(engine, ctx);
    options::register(engine, ctx);
    results::register(engine, ctx);
    cidr_fns::register(engine);
}

/// A string argument; a reference where a name is needed is an error.
pub(crate) fn name_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<String> {
    match d.clone().into_immutable_string() {
        Ok(s) if !has_tokens(&s) => Ok(s.to_string()),
        Ok(_) => Err(raise(
            Diagnostic::error("tsdsl::script::wrong_type", format!("{what} must be plain text, not a Terraform expression"))
                .at_path(origin, Vec::new(), Target::Call)
                .help("names are fixed when Terraform reads the configuration; build them from script values"),
        )),
        Err(found) => Err(raise(
            Diagnostic::error("tsdsl::script::wrong_type", format!("{what} must be a string, found {found}"))
                .at_path(origin, Vec::new(), Target::Call),
        )),
    }
}

/// A Terraform identifier: letters, digits, `_` and `-`, not starting with a
/// digit or `-`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub(crate) fn identifier_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<String> {
    let s = name_arg(origin, d, what)?;
    if is_identifier(&s) {
        return Ok(s);
    }
    let fixed: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        format!("_{fixed}")
    } else {
        fixed
    };
    Err(raise(
        Diagnostic::error(
            "tsdsl::model::invalid_name",
            format!("`{s}` is not a valid Terraform name for {what}"),
        )
        .at_path(origin, Vec::new(), Target::Call)
        .label("invalid name")
        .help(format!(
            "names use letters, digits, `_` and `-`, and start with a letter or `_`: try `{fixed}`"
        )),
    ))
}

/// A map argument (`()` counts as empty).
pub(crate) fn map_arg(origin: &Origin, d: &Dynamic, what: &str) -> Res<rhai::Map> {
    if d.is_unit() {
        return Ok(rhai::Map::new());
    }
    d.read_lock::<rhai::Map>().map(|m| m.clone()).ok_or_else(|| {
        raise(
            Diagnostic::error(
                "tsdsl::script::wrong_type",
                format!("{what} must be a map `#{{ ... }}`, found {}", d.type_name()),
            )
            .at_path(origin, Vec::new(), Target::Call),
        )
    })
}

/// Converts a script value, reporting a failure at the exact key inside the
/// call's literal (`prefix` is the path of `d` within the argument).
pub(crate) fn value_at(ctx: &Ctx, origin: &Origin, prefix: &[PathSeg], d: &Dynamic) -> Res<Value> {
    to_value(ctx, d).map_err(|e| {
        let mut path = prefix.to_vec();
        path.extend(e.path);
        raise(
            Diagnostic::error("tsdsl::script::unsupported_value", e.message)
                .at_path(origin, path, Target::Value)
                .help_opt(e.help),
        )
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
        out.insert(k.to_string(), value_at(ctx, origin, &[PathSeg::Key(k.to_string())], v)?);
    }
    Ok(out)
}

/// Records a non-fatal problem; evaluation goes on so that one run reports
/// as much as it can.
pub(crate) fn report(ctx: &CtxRef, d: Diagnostic) {
    ctx.borrow_mut().diagnostics.push(d);
}

/// Records a second declaration of `what` `name` (the first one stays).
pub(crate) fn duplicate(ctx: &CtxRef, origin: &Origin, what: &str, name: &str) {
    report(
        ctx,
        Diagnostic::error(
            "tsdsl::model::duplicate_name",
            format!("{what} `{name}` is declared twice"),
        )
        .at_path(origin, Vec::new(), Target::Call)
        .label("declared again here")
        .help("give each one its own name"),
    );
}

/// Rejects keys outside `allowed` with did-you-mean, at the key itself.
pub(crate) fn check_keys(
    origin: &Origin,
    map: &rhai::Map,
    allowed: &[&str],
    what: &str,
) -> Res<()> {
    for k in map.keys() {
        if !allowed.contains(&k.as_str()) {
            let help = crate::diagnostics::did_you_mean(k, allowed.iter().copied())
                .unwrap_or_else(|| format!("{what} takes: {}", allowed.join(", ")));
            return Err(raise(
                Diagnostic::error(
                    "tsdsl::script::unknown_option",
                    format!("unknown option `{k}` for {what}"),
                )
                .at_path(origin, vec![PathSeg::Key(k.to_string())], Target::Key)
                .label("unknown option")
                .help(help),
            ));
        }
    }
    Ok(())
}

pub(crate) fn origin_of(nc: &NativeCallContext) -> Origin {
    super::origin::origin(nc)
}
