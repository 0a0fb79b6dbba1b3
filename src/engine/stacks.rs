//! `stack("shared")`: read another stack of the estate and wire its outputs.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use indexmap::IndexMap;
use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{Code, Diagnostic, Error, Target};
use crate::model::{BlockKind, Meta, Origin, Reference, Resource, Value};

use super::context::CtxRef;
use super::errors::{bail, raise};
use super::files::{inside, ReadError};
use super::handle::{Handle, HandleKind};
use super::primitives::{identifier_arg, origin_of, Res};
use super::remote::{RemoteInfo, RemoteStacks};
use super::{EvalOptions, Evaluation};

type Evaluate = fn(&Path, &EvalOptions, RemoteStacks) -> Result<Evaluation, Error>;
/// The files a run read, and those it looked for and did not find.
pub(crate) type DepLists = (Rc<RefCell<Vec<PathBuf>>>, Rc<RefCell<Vec<PathBuf>>>);

pub(crate) fn register(
    engine: &mut Engine,
    ctx: &CtxRef,
    opts: &EvalOptions,
    deps: DepLists,
    eval: Evaluate,
) {
    let c = ctx.clone();
    let opts = opts.clone();
    engine.register_fn("stack", move |nc: NativeCallContext, name: Dynamic| {
        stack(&c, &nc, &opts, &deps, eval, name)
    });
    let c = ctx.clone();
    engine.register_fn("stack_name", move || c.borrow().stack.name.clone());
}

fn stack(
    ctx: &CtxRef,
    nc: &NativeCallContext,
    opts: &EvalOptions,
    deps: &DepLists,
    eval: Evaluate,
    name: Dynamic,
) -> Res<Handle> {
    let origin = origin_of(nc);
    let name = identifier_arg(&origin, &name, "a stack name")?;
    let remotes = ctx.borrow().remotes.clone();
    if remotes.chain.contains(&name) {
        bail!(
            &origin,
            Code::ModelStackCycle,
            "stacks read each other in a circle: {} → {name}", remotes.chain.join(" → ");
            help: "a stack may read the outputs of stacks it does not feed"
        );
    }
    if remotes.chain.len() >= opts.limits.max_stack_depth {
        bail!(
            &origin,
            Code::ModelStackTooDeep,
            "stacks read stacks more than {} levels deep: {} → {name}",
            opts.limits.max_stack_depth,
            chain_text(&remotes.chain);
            label: "one level too many";
            help: "read the stacks you need from this one directly, not through a chain"
        );
    }
    let sources = ctx.borrow().sources.clone();
    let loaded = load(&remotes, opts, eval, &name, &origin, &sources);
    // The other stack's files are this build's too, read or not found, even
    // when it failed: fixing it is what the operator will save next.
    if let Some((read, absent)) = remotes.files.borrow().get(&name) {
        deps.0.borrow_mut().extend(read.iter().cloned());
        deps.1.borrow_mut().extend(absent.iter().cloned());
    }
    let info = loaded?;
    let Some(backend) = info.backend.clone() else {
        bail!(
            &origin,
            Code::ModelRemoteWithoutBackend,
            "stack `{name}` declares no backend, so its outputs cannot be read";
            help: format!("add `backend(\"s3\", #{{ ... }})` to {name}.rhai")
        );
    };
    let address = format!("block data.terraform_remote_state.{name}");
    if ctx.borrow_mut().declare(address) {
        let mut attrs = IndexMap::new();
        attrs.insert("backend".to_owned(), Value::String(backend.kind.clone()));
        // Secrets in the producer's backend stay there (see `Backend::shareable_config`).
        attrs.insert("config".to_owned(), Value::Map(backend.shareable_config()));
        ctx.borrow_mut().stack.resources.push(Resource {
            kind: BlockKind::Data,
            type_name: "terraform_remote_state".into(),
            name: name.clone(),
            attrs,
            meta: Meta::default(),
            checkov_skips: Vec::new(),
            origin: origin.clone(),
        });
    }
    Ok(Handle {
        kind: HandleKind::Remote { stack: name.clone(), outputs: info.outputs.clone() },
        reference: Reference::new("data").attr("terraform_remote_state").attr(&name),
    })
}

fn load(
    remotes: &RemoteStacks,
    opts: &EvalOptions,
    eval: Evaluate,
    name: &str,
    origin: &Origin,
    sources: &RefCell<crate::diagnostics::SourceMap>,
) -> Res<Rc<RemoteInfo>> {
    if let Some(cached) = remotes.cache.borrow().get(name) {
        return cached.clone().map_err(|d| failed(name, origin, &d));
    }
    let file = remotes.base.join(format!("{name}.rhai"));
    // A symlink must not pull in a script from elsewhere; the refusal names
    // the file only, never what it holds.
    if let Err(e @ (ReadError::Outside { .. } | ReadError::NotAFile { .. })) =
        inside(&remotes.base, &file)
    {
        bail!(
            origin,
            Code::ModelUnknownStack,
            "cannot read stack `{name}` from `{}`: {e}", file.display();
            help: "a stack is a .rhai script beside this one"
        );
    }
    let evaluated = eval(&file, opts, remotes.clone());
    let files = match &evaluated {
        Ok(ev) => (ev.deps.clone(), ev.missing.clone()),
        Err(_) if !file.exists() => (Vec::new(), vec![file.clone()]),
        Err(_) => (vec![file.clone()], Vec::new()),
    };
    remotes.files.borrow_mut().insert(name.to_owned(), files);
    let result = match evaluated {
        Err(Error::Io { source, .. }) => {
            let stacks = sibling_stacks(&remotes.base);
            let help = crate::diagnostics::did_you_mean(name, stacks.iter().map(String::as_str))
                .unwrap_or_else(|| "a stack is a .rhai script beside this one".into());
            let message = if source.kind() == std::io::ErrorKind::NotFound {
                format!("no stack `{name}`: `{}` does not exist", file.display())
            } else {
                format!("cannot read stack `{name}` from `{}`: {source}", file.display())
            };
            let d = Diagnostic::error(Code::ModelUnknownStack, message)
                .at_path(origin, Vec::new(), Target::Call)
                .label("no such stack")
                .help(help);
            // Label the name itself, not the call.
            let d = match super::errors::arg_locus(&sources.borrow(), origin, 0) {
                Some(locus) => d.at(locus),
                None => d,
            };
            return Err(raise(d));
        }
        Err(other) => {
            bail!(origin, Code::ModelUnknownStack, other.to_string());
        }
        Ok(ev) if ev.has_errors() => Err(ev.diagnostics),
        Ok(ev) => Ok(Rc::new(RemoteInfo {
            backend: ev.stack.terraform.backend.clone(),
            outputs: Rc::new(ev.stack.outputs.iter().map(|o| o.name.clone()).collect()),
        })),
    };
    remotes.cache.borrow_mut().insert(name.to_owned(), result.clone());
    result.map_err(|d| failed(name, origin, &d))
}

/// The stacks beside this one: `.rhai` files in the script's folder.
fn sibling_stacks(base: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(base) else { return Vec::new() };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "rhai").then(|| p.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names
}

const HAS_ERRORS: Code = Code::ModelStackHasErrors;

fn failed(name: &str, origin: &Origin, inner: &[Diagnostic]) -> Box<rhai::EvalAltResult> {
    let mut d = Diagnostic::error(
        HAS_ERRORS,
        format!("stack `{name}` has errors, so its outputs are unknown"),
    )
    .at_path(origin, Vec::new(), Target::Call)
    .help(format!("run `tsdsl check {name}.rhai` to see them"));
    // Through a chain of stacks, the notes name the cause, not each link.
    let mut causes = Vec::new();
    for i in inner.iter().filter(|d| d.is_error()) {
        if i.code == HAS_ERRORS {
            causes.extend(i.notes.iter().cloned());
        } else {
            causes.push(format!("{}: {}", i.code, i.message));
        }
    }
    for c in causes.into_iter().take(3) {
        d = d.note(c);
    }
    raise(d)
}

/// `a → b`: the stacks being read, outermost first; long chains elided.
fn chain_text(chain: &[String]) -> String {
    match chain {
        [first, .., last] if chain.len() > 4 => format!("{first} → … → {last}"),
        _ => chain.join(" → "),
    }
}
