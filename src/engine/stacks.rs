//! `stack("shared")`: read another stack of the estate and wire its outputs.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use indexmap::IndexMap;
use rhai::{Dynamic, Engine, NativeCallContext};

use crate::diagnostics::{Code, Diagnostic, Error, Target};
use crate::model::{Backend, BlockKind, Meta, Origin, Reference, Resource, Value};

use super::cache::StackEntry;
use super::context::CtxRef;
use super::errors::{bail, raise};
use super::files::{inside, read_inside, ReadError};
use super::handle::{Handle, HandleKind};
use super::primitives::{identifier_arg, origin_of, Res};
use super::remote::{RemoteInfo, RemoteStacks, StackFiles};
use super::{EvalOptions, Evaluation};

type Evaluate = fn(&Path, &EvalOptions, RemoteStacks) -> Result<Evaluation, Error>;

/// The files an evaluation read (and their text), and those it looked for
/// and did not find; the module resolver and `stack()` add to them.
#[derive(Clone, Default)]
pub(crate) struct Reads {
    pub deps: Rc<RefCell<Vec<PathBuf>>>,
    pub missing: Rc<RefCell<Vec<PathBuf>>>,
    pub read: Rc<RefCell<Vec<Read>>>,
}

/// A file read, with its text as it was read.
pub(crate) type Read = (PathBuf, Arc<str>);

pub(crate) fn register(
    engine: &mut Engine,
    ctx: &CtxRef,
    opts: &EvalOptions,
    deps: Reads,
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
    deps: &Reads,
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
    if let Some(files) = remotes.files.borrow().get(&name) {
        deps.deps.borrow_mut().extend(files.deps.iter().cloned());
        deps.missing.borrow_mut().extend(files.missing.iter().cloned());
        deps.read.borrow_mut().extend(files.read.iter().cloned());
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
    let first_read = !ctx.borrow().stacks_read.contains_key(&name);
    if first_read {
        relative_local_state(&name, &backend, &origin)?;
        ctx.borrow_mut().stacks_read.insert(name.clone(), (backend.clone(), origin.clone()));
    }
    let address = format!("block data.terraform_remote_state.{name}");
    let fresh = first_read && ctx.borrow_mut().declare(address);
    if first_read && !fresh {
        // The script's own data source of that name would silently stand in
        // for the stack's state (the other order is refused the same way).
        super::primitives::duplicate(
            ctx,
            &origin,
            "data source",
            &format!("data.terraform_remote_state.{name}"),
        );
    }
    if fresh {
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
        let mut c = ctx.borrow_mut();
        let sensitive = info.sensitive.iter().map(|o| (name.clone(), o.clone()));
        c.stack.sensitive_remote_outputs.extend(sensitive);
        let types = info.types.iter().map(|(o, t)| (name.clone(), o.clone(), t.clone()));
        c.stack.remote_output_types.extend(types);
    }
    Ok(Handle {
        kind: HandleKind::Remote { stack: name.clone(), outputs: info.outputs.clone() },
        reference: Reference::new("data").attr("terraform_remote_state").attr(&name),
    })
}

/// A `local` backend's relative `path` (the default is `terraform.tfstate`)
/// is relative to the folder Terraform runs the stack in, and read from the
/// reader's folder it names the reader's own state; where the other stack's
/// folder is, tsdsl cannot know (`-o` sets it per run).
fn relative_local_state(name: &str, backend: &Backend, origin: &Origin) -> Res<()> {
    if backend.kind != "local" {
        return Ok(());
    }
    let path = match backend.config.get("path") {
        None => "terraform.tfstate",
        Some(Value::String(p)) if !Path::new(p).is_absolute() => p.as_str(),
        Some(_) => return Ok(()),
    };
    bail!(
        origin,
        Code::ModelRelativeLocalState,
        "stack `{name}` keeps its state in the local file `{path}`, relative to the folder Terraform runs it in, so this stack cannot read it";
        label: "would read this stack's own state";
        help: format!(
            "give the local backend in {name}.rhai an absolute `path` (e.g. `backend(\"local\", #{{ path: \"/srv/tfstate/{name}.tfstate\" }})`), or keep its state in a shared backend such as `s3`"
        )
    );
}

/// Whether two backends name the same state: the same bucket and key (S3),
/// the same file (local), the same settings (any other backend).
pub(crate) fn same_state(a: &Backend, b: &Backend) -> bool {
    if a.kind != b.kind {
        return false;
    }
    let get = |bk: &Backend, k: &str| bk.config.get(k).cloned();
    match a.kind.as_str() {
        "s3" => {
            get(a, "bucket").is_some()
                && get(a, "bucket") == get(b, "bucket")
                && get(a, "key") == get(b, "key")
        }
        "local" => {
            let path = |bk: &Backend| {
                get(bk, "path").unwrap_or_else(|| Value::String("terraform.tfstate".into()))
            };
            path(a) == path(b)
        }
        _ => a.config == b.config,
    }
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
    if let Some(entry) = reusable(remotes, opts, &file) {
        remotes.files.borrow_mut().insert(name.to_owned(), entry.files.clone());
        remotes.cache.borrow_mut().insert(name.to_owned(), Ok(entry.info.clone()));
        return Ok(entry.info.clone());
    }
    // Whether the stack asked who the account is, and what it was told:
    // reusing its result needs the same answer.
    let asked: Arc<Mutex<Option<String>>> = Arc::default();
    let mut nested = opts.clone();
    nested.account = {
        let (inner, asked) = (opts.account.clone(), asked.clone());
        crate::aws::AccountSource::from_fn(move || {
            let answer = inner.lookup();
            *asked.lock().unwrap_or_else(PoisonError::into_inner) = Some(format!("{answer:?}"));
            answer
        })
    };
    let evaluated = eval(&file, &nested, remotes.clone());
    let files = match &evaluated {
        Ok(ev) => {
            StackFiles { deps: ev.deps.clone(), missing: ev.missing.clone(), read: ev.read.clone() }
        }
        Err(_) if !file.exists() => {
            StackFiles { missing: vec![file.clone()], ..Default::default() }
        }
        Err(_) => StackFiles { deps: vec![file.clone()], ..Default::default() },
    };
    remotes.files.borrow_mut().insert(name.to_owned(), files.clone());
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
        Ok(ev) => {
            let info = Rc::new(RemoteInfo {
                backend: ev.stack.terraform.backend.clone(),
                outputs: Rc::new(ev.stack.outputs.iter().map(|o| o.name.clone()).collect()),
                sensitive: ev
                    .stack
                    .outputs
                    .iter()
                    .filter(|o| o.sensitive)
                    .map(|o| o.name.clone())
                    .collect(),
                types: ev
                    .stack
                    .outputs
                    .iter()
                    .filter_map(|o| Some((o.name.clone(), o.value.kind_not_number()?.to_owned())))
                    .collect(),
            });
            // Kept only when every file it depends on was read whole, so
            // that the next run can tell whether any of them changed.
            if files.deps.iter().all(|d| files.read.iter().any(|(p, _)| p == d)) {
                let account = asked.lock().unwrap_or_else(PoisonError::into_inner).take();
                let entry = StackEntry {
                    info: info.clone(),
                    files,
                    schemas: opts.schemas.clone(),
                    limits: format!("{:?}", opts.limits),
                    account,
                };
                remotes.reuse.keep_stack(file, remotes.chain.clone(), entry);
            }
            Ok(info)
        }
    };
    remotes.cache.borrow_mut().insert(name.to_owned(), result.clone());
    result.map_err(|d| failed(name, origin, &d))
}

/// What an earlier evaluation of `file` (read through the same chain of
/// stacks) learnt, if nothing it depended on has changed since: every file
/// it read has the same text (read the same way, inside the folder), every
/// file it did not find is still missing, and the schemas, limits and
/// account answer are the same. A failed evaluation is never kept.
fn reusable(remotes: &RemoteStacks, opts: &EvalOptions, file: &Path) -> Option<Rc<StackEntry>> {
    let entry = remotes.reuse.stack(file, &remotes.chain)?;
    let max = opts.limits.max_file_bytes;
    let same = Arc::ptr_eq(&entry.schemas, &opts.schemas)
        && entry.limits == format!("{:?}", opts.limits)
        && entry.files.missing.iter().all(|m| !m.exists())
        && entry.files.read.iter().all(|(path, text)| {
            read_inside(&remotes.base, path, max).is_ok_and(|now| now.as_str() == &**text)
        })
        && entry.account.as_ref().is_none_or(|a| *a == format!("{:?}", opts.account.lookup()));
    if !same {
        remotes.reuse.forget_stack(file, &remotes.chain);
        return None;
    }
    Some(entry)
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
