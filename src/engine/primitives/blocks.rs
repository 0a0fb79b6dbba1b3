//! `resource`, `data`, `module`, `provider`, `checkov_skip`.

use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{diag, Code, Diagnostic, Target};
use crate::model::{BlockKind, ModuleCall, PathSeg, Provider, Reference, Resource, Value};

use super::super::context::CtxRef;
use super::super::errors::{bail, raise};
use super::super::handle::{Handle, HandleKind};
use super::super::nothing::nothing_arg;
use super::meta::take_meta;
use super::{duplicate, identifier_arg, map_arg, name_arg, origin_of, report, values_of, Res};
use crate::checks;

pub(crate) fn register(engine: &mut Engine, ctx: &CtxRef) {
    for (fname, kind) in [("resource", BlockKind::Resource), ("data", BlockKind::Data)] {
        let c = ctx.clone();
        engine.register_fn(
            fname,
            move |nc: NativeCallContext, t: Dynamic, n: Dynamic, attrs: Dynamic| {
                block(&c, &nc, kind, t, n, attrs)
            },
        );
        let c = ctx.clone();
        engine.register_fn(fname, move |nc: NativeCallContext, t: Dynamic, n: Dynamic| {
            block(&c, &nc, kind, t, n, Dynamic::UNIT)
        });
    }
    let c = ctx.clone();
    engine.register_fn("module", move |nc: NativeCallContext, n: Dynamic, args: Dynamic| {
        module(&c, &nc, n, args)
    });
    let c = ctx.clone();
    engine.register_fn("provider", move |nc: NativeCallContext, n: Dynamic, cfg: Dynamic| {
        provider(&c, &nc, n, cfg)
    });
    let c = ctx.clone();
    engine.register_fn("provider", move |nc: NativeCallContext, n: Dynamic| {
        provider(&c, &nc, n, Dynamic::UNIT)
    });
    let c = ctx.clone();
    engine.register_fn(
        "checkov_skip",
        move |nc: NativeCallContext, h: Handle, id: Dynamic, reason: Dynamic| {
            checkov_skip(&c, &nc, h, id, reason)
        },
    );
}

/// A data source is read, never created or destroyed: of `lifecycle`,
/// Terraform takes only its conditions.
fn data_lifecycle(origin: &crate::model::Origin, meta: &crate::model::Meta) -> Res<()> {
    let Some(l) = &meta.lifecycle else { return Ok(()) };
    let managed = [
        ("create_before_destroy", l.create_before_destroy.is_some()),
        ("prevent_destroy", l.prevent_destroy.is_some()),
        ("ignore_changes", !l.ignore_changes.is_empty()),
        ("replace_triggered_by", !l.replace_triggered_by.is_empty()),
    ];
    if let Some((key, _)) = managed.iter().find(|(_, set)| *set) {
        bail!(
            (origin, vec![PathSeg::key("lifecycle"), PathSeg::key(key)], Target::Key),
            Code::ModelBadMetaArgument,
            "`{key}` is for resources: a data source is read, not created or destroyed";
            label: "not for a data source";
            help: "a data source's `lifecycle` takes `precondition` and `postcondition` only"
        );
    }
    Ok(())
}

fn block(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    kind: BlockKind,
    t: Dynamic,
    n: Dynamic,
    attrs: Dynamic,
) -> Res<Handle> {
    let origin = origin_of(nc);
    for (i, arg, what) in [(0, &t, "the block type"), (1, &n, "the block name")] {
        if arg.is_unit() {
            let sources = ctx.borrow().sources.clone();
            return Err(raise(nothing_arg(&sources.borrow(), &origin, i, what)));
        }
    }
    let type_name = identifier_arg(&origin, &t, "a type")?;
    let name = identifier_arg(&origin, &n, "a block name")?;
    let mut map = map_arg(&origin, &attrs, "the arguments")?;
    let (meta, attrs) = {
        let c = ctx.borrow();
        let meta = take_meta(&c, &origin, &mut map)?;
        (meta, values_of(&c, &origin, &map)?)
    };
    if kind == BlockKind::Data {
        data_lifecycle(&origin, &meta)?;
    }
    let attrs = ctx.borrow_mut().in_written_order(&origin, 2, attrs);
    check_catalogs(ctx, &origin, &type_name, &attrs);
    let resource =
        Resource { kind, type_name, name, attrs, meta, checkov_skips: Vec::new(), origin };
    let handle = Handle::block(kind, &resource.type_name, resource.reference(), &resource.meta);
    let address = resource.address();
    let fresh = ctx.borrow_mut().declare(format!("block {address}"));
    if fresh {
        ctx.borrow_mut().stack.resources.push(resource);
    } else {
        duplicate(
            ctx,
            &resource.origin,
            if kind == BlockKind::Data { "data source" } else { "resource" },
            &address,
        );
    }
    Ok(handle)
}

/// Instance types, DB classes and node types of raw blocks, against the
/// catalogs the stdlib uses. Only literal strings: a reference is known at
/// plan time.
fn check_catalogs(
    ctx: &CtxRef,
    origin: &crate::model::Origin,
    type_name: &str,
    attrs: &indexmap::IndexMap<String, Value>,
) {
    for (attr, check) in checks::raw::for_type(type_name) {
        let literals: Vec<(Vec<PathSeg>, &str)> = match attrs.get(attr) {
            Some(Value::String(s)) => vec![(vec![PathSeg::Key(attr.to_owned())], s.as_str())],
            Some(Value::List(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(s) => {
                        Some((vec![PathSeg::Key(attr.to_owned()), PathSeg::Index(i)], s.as_str()))
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (path, value) in literals {
            if let Err(f) = check(value) {
                report(
                    ctx,
                    Diagnostic::error(Code::ModelUnknownInstanceType, f.message)
                        .at_path(origin, path, Target::Value)
                        .label("not in the catalog")
                        .help_opt(f.suggestion.map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
    }
}

fn module(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, args: Dynamic) -> Res<Handle> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "a module name")?;
    let mut map = map_arg(&origin, &args, "the module arguments")?;
    let c = ctx.borrow();
    let source = map.remove("source").ok_or_else(|| {
        raise(diag!(
            &origin, Code::ModelMissingArgument, "module `{name}` needs a `source`";
            help: "e.g. `source: \"./modules/vpc\"` or a registry address"
        ))
    })?;
    let source = name_arg(&origin, &source, "`source`")?;
    let version = match map.remove("version") {
        Some(v) => {
            let path = [PathSeg::key("version")];
            let version = name_arg(&origin, &v, "`version`")?;
            // Terraform takes `version` for registry modules only.
            if source.starts_with("./") || source.starts_with("../") {
                bail!(
                    (&origin, path.to_vec(), Target::Key),
                    Code::ModelBadExpression,
                    "module `{name}` comes from the local folder `{source}`, which has no versions";
                    help: "leave `version` out: it applies only to modules from a registry"
                )
            }
            super::settings::constraint(&origin, &path, &version)?;
            Some(version)
        }
        None => None,
    };
    // Terraform reserves `lifecycle` in a module block and gives it no
    // meaning: writing it would promise a protection that does not exist.
    if map.contains_key("lifecycle") {
        bail!(
            (&origin, vec![PathSeg::key("lifecycle")], Target::Key),
            Code::ModelBadMetaArgument,
            "module `{name}` cannot take a `lifecycle`: Terraform has no lifecycle for module calls";
            label: "not for a module";
            help: "set `lifecycle` (`prevent_destroy`, `ignore_changes`...) on the module's own resources instead"
        );
    }
    let meta = take_meta(&c, &origin, &mut map)?;
    let inputs = values_of(&c, &origin, &map)?;
    drop(c);
    let inputs = ctx.borrow_mut().in_written_order(&origin, 1, inputs);
    let reference = Reference::new("module").attr(&name);
    if !ctx.borrow_mut().declare(format!("module {name}")) {
        duplicate(ctx, &origin, "module", &name);
    } else {
        ctx.borrow_mut().stack.modules.push(ModuleCall {
            name,
            source,
            version,
            inputs,
            meta,
            origin,
        });
    }
    Ok(Handle { kind: HandleKind::Module, reference })
}

fn provider(ctx: &CtxRef, nc: &NativeCallContext, n: Dynamic, cfg: Dynamic) -> Res<Handle> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &n, "a provider name")?;
    let mut map = map_arg(&origin, &cfg, "the provider configuration")?;
    let alias = match map.remove("alias") {
        Some(a) => {
            let a = name_arg(&origin, &a, "a provider alias")?;
            if !super::is_identifier(&a) {
                let at = vec![crate::model::PathSeg::key("alias")];
                return Err(raise(super::invalid_name(&a, "a provider alias").at_path(
                    &origin,
                    at,
                    Target::Value,
                )));
            }
            Some(a)
        }
        None => None,
    };
    let config = values_of(&ctx.borrow(), &origin, &map)?;
    let config = ctx.borrow_mut().in_written_order(&origin, 1, config);
    let p = Provider { name: name.clone(), alias, config, origin: origin.clone() };
    let address = p.address();
    let reference = match &p.alias {
        Some(a) => Reference::new(&name).attr(a),
        None => Reference::new(&name),
    };
    if !ctx.borrow_mut().declare(format!("provider {address}")) {
        duplicate(ctx, &origin, "provider", &address);
    } else {
        ctx.borrow_mut().stack.providers.push(p);
    }
    Ok(Handle { kind: HandleKind::Provider, reference })
}

/// `checkov_skip(bucket, "CKV_AWS_144", "replication is not wanted for logs")`:
/// a stated, reasoned exception, written into the block for checkov to read.
fn checkov_skip(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    h: Handle,
    id: Dynamic,
    reason: Dynamic,
) -> Res<()> {
    let origin = origin_of(nc);
    let id = name_arg(&origin, &id, "a checkov check id")?;
    let reason = name_arg(&origin, &reason, "the reason")?;
    let well_formed =
        id.starts_with("CKV") && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    // The reason is written as a comment line: no line break, no control character.
    if !well_formed || reason.trim().is_empty() || reason.chars().any(char::is_control) {
        bail!(
            &origin,
            Code::ModelBadCheckovSkip,
            "`checkov_skip` needs a check id like `CKV_AWS_18` and a one-line reason, got `{id}`";
            help: "say why the check does not apply, e.g. checkov_skip(bucket, \"CKV_AWS_144\", \"single-region shop\")"
        );
    }
    let address = h.reference.object_address();
    let mut c = ctx.borrow_mut();
    let Some(r) = c.stack.resources.iter_mut().find(|r| r.address() == address) else {
        drop(c);
        bail!(
            &origin,
            Code::ModelBadCheckovSkip,
            "{} is not a resource of this stack",
            h.describe()
        );
    };
    if !r.checkov_skips.iter().any(|(i, _)| *i == id) {
        r.checkov_skips.push((id, reason));
    }
    Ok(())
}
