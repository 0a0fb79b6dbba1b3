//! `results(global::X, #{ ... })`: what a block returns, checked against
//! the `results` its declaration lists, and handed back as a read-only
//! value whose fields are looked up by name. `db.endpoint` reads a result;
//! `db.endpiont` is an error at that token with did-you-mean over the
//! declared results, never a silent `null` in the output.

use rhai::{Array, Dynamic, Engine, Map, NativeCallContext};

use crate::diagnostics::{did_you_mean, Code, Diagnostic, Locus};

use super::super::context::CtxRef;
use super::super::errors::{bail, raise};
use super::super::handle::{Handle, TfExpr};
use super::options::{declaration_error, found_word};
use super::spec::ResultSpec;
use super::{origin_of, Res};

/// The results of one call of a block, in declaration order.
#[derive(Debug, Clone)]
pub(crate) struct Results {
    pub block: String,
    pub values: Vec<(String, Dynamic)>,
}

impl Results {
    fn get(&self, name: &str) -> Option<&Dynamic> {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The results as a plain map (what `to_map()` and Terraform see).
    pub(crate) fn to_map(&self) -> Map {
        self.values.iter().map(|(k, v)| (k.as_str().into(), v.clone())).collect()
    }
}

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    engine.register_type_with_name::<Results>("results");
    let c = ctx.clone();
    engine.register_fn("results", move |nc: NativeCallContext, spec: Map, values: Dynamic| {
        results(&c, &nc, &spec, &values)
    });
    engine.register_indexer_get(
        |nc: NativeCallContext, r: &mut Results, name: &str| -> Res<Dynamic> { read(&nc, r, name) },
    );
    engine.register_indexer_set(
        |nc: NativeCallContext, r: &mut Results, name: &str, v: Dynamic| -> Res<()> {
            // `db.replicas.map(...)` reads the property, calls the method and
            // writes the (unchanged) value back: that write is no change.
            let unchanged = r.get(name).is_some_and(|cur| same_value(cur, &v));
            if unchanged {
                return Ok(());
            }
            bail!(
                &origin_of(&nc),
                Code::StdlibReadOnlyResult,
                "the results of `{}` are read-only: `{name}` cannot be set", r.block;
                label: "set here";
                help: "copy them into a map of your own first: `let m = x.to_map(); m.name = ...;`"
            )
        },
    );
    engine.register_fn("contains", |r: &mut Results, name: &str| r.get(name).is_some());
    engine.register_fn("keys", |r: &mut Results| -> Array {
        r.values.iter().map(|(k, _)| Dynamic::from(k.clone())).collect()
    });
    engine.register_fn("to_map", |r: &mut Results| r.to_map());
    engine.register_fn("to_string", |r: &mut Results| Dynamic::from(r.to_map()).to_string());
    engine.register_fn("to_debug", |r: &mut Results| format!("{:?}", Dynamic::from(r.to_map())));
}

/// Structural equality of script values, handles and expressions included.
fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return x.len() == y.len()
            && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| same_value(p, q)));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Handle>(), b.read_lock::<Handle>()) {
        return x.reference == y.reference;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<TfExpr>(), b.read_lock::<TfExpr>()) {
        return x.0 == y.0;
    }
    a.type_name() == b.type_name() && a.to_string() == b.to_string()
}

fn read(nc: &NativeCallContext, r: &Results, name: &str) -> Res<Dynamic> {
    if let Some(v) = r.get(name) {
        return Ok(v.clone());
    }
    let names: Vec<&str> = r.values.iter().map(|(k, _)| k.as_str()).collect();
    let help = did_you_mean(name, names.iter().copied())
        .unwrap_or_else(|| format!("`{}` returns: {}", r.block, names.join(", ")));
    bail!(
        &origin_of(nc), Code::StdlibUnknownResult, "`{}` returns no result `{name}`", r.block;
        label: "not a result of this block";
        help: help
    )
}

fn results(ctx: &CtxRef, nc: &NativeCallContext, spec: &Map, values: &Dynamic) -> Res<Results> {
    let origin = origin_of(nc);
    let parsed = super::spec_cache::parse(spec, "this block")
        .map_err(|e| raise(declaration_error(ctx, &origin, spec, &e)))?;
    let block = parsed.block.clone();
    // A mistake here is the block's own (stdlib or an operator's module):
    // it is reported at the `results(...)` call, where the block returns.
    let here = match origin.innermost() {
        Some(site) => Locus::Site(site.clone()),
        None => Locus::from(&origin),
    };
    let bug = |message: String, help: String| {
        raise(
            Diagnostic::error(Code::StdlibWrongResults, message)
                .at(here.clone())
                .label("returned here")
                .help(help),
        )
    };
    let Some(declared) = &parsed.results else {
        return Err(bug(
            format!("`{block}` returns results but its declaration lists none"),
            "add `results: [#{ name: \"...\", type: \"...\", doc: \"...\" }, ...]` to the declaration"
                .into(),
        ));
    };
    let Some(given) = values.read_lock::<Map>().map(|m| m.clone()) else {
        return Err(bug(
            format!(
                "`results` of `{block}` takes a map `#{{ ... }}`, found {}",
                found_word(values)
            ),
            "return `results(global::X, #{ name: value, ... })`".into(),
        ));
    };
    let names: Vec<&str> = declared.iter().map(|r| r.name.as_str()).collect();
    for k in given.keys() {
        if !names.contains(&k.as_str()) {
            let help = did_you_mean(k, names.iter().copied()).unwrap_or_else(|| {
                format!("declare it in `results`, or drop it ({})", names.join(", "))
            });
            return Err(bug(
                format!("`{block}` returns `{k}`, which its declaration does not list"),
                help,
            ));
        }
    }
    let mut out = Vec::with_capacity(declared.len());
    for ResultSpec { name, ty, .. } in declared {
        let Some(v) = given.get(name.as_str()) else {
            return Err(bug(
                format!("`{block}` declares the result `{name}` but does not return it"),
                format!("return `{name}: ...`, or drop it from `results`"),
            ));
        };
        if !v.is_unit() && !ty.accepts(v) {
            return Err(bug(
                format!(
                    "result `{name}` of `{block}` is declared {}, but the block returns {}",
                    ty.words(),
                    found_word(v)
                ),
                "fix the value or the declared `type`".into(),
            ));
        }
        out.push((name.clone(), v.clone()));
    }
    Ok(Results { block, values: out })
}
