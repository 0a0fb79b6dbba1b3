//! The Rhai engine: sandbox and limits, module resolution (embedded
//! `stdlib/`, then the script's own folder), and the primitives the stdlib
//! is built on. Evaluating a script yields a [`model::Stack`](crate::model::Stack).

mod ast_index;
mod block_calls;
mod cache;
mod context;
mod convert;
mod declarations;
mod errors;
mod files;
mod handle;
mod imports;
mod lookup;
mod memory;
mod nothing;
mod order;
mod origin;
mod primitives;
mod remote;
mod resolver;
mod sandbox;
mod stacks;
mod switches;
mod teardown;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

pub use cache::EngineCache;
pub use declarations::{
    stdlib_declarations, BlockDecl, Literal, ModuleDecl, OptionDecl, ResultDecl, RuleDecl,
};
pub use files::{read_regular, ReadError};
pub use handle::{Handle, TfExpr};
pub use imports::imported_paths;
pub use memory::{BuildShare, CountingAlloc};
pub use resolver::{stdlib_modules, stdlib_source};
pub use sandbox::{deadline, memory_ceiling, Limits, MAX_TIMEOUT_SECS};

use crate::diagnostics::{Code, Diagnostic, Error, Locus, SourceMap, Target};
use crate::model::{PathSeg, Stack};
use crate::schema::Schemas;

use context::Ctx;
use remote::RemoteStacks;

#[derive(Clone)]
pub struct EvalOptions {
    pub limits: Limits,
    pub schemas: Arc<Schemas>,
    /// When the whole run must end: every stack it reads shares it.
    pub deadline: Instant,
    /// The heap the whole run may grow to, likewise shared.
    pub memory_ceiling: isize,
    /// Who the AWS credentials are, for `aws::caller()` and `aws::expect_account`.
    pub account: crate::aws::AccountSource,
}

/// The result of evaluating one script: the stack it declared (possibly
/// partial when there are errors), every file it read, and its diagnostics.
#[derive(Debug)]
pub struct Evaluation {
    pub stack: Stack,
    pub sources: SourceMap,
    /// Files on disk the result depends on: the script, its modules, other
    /// stacks it reads. `watch` watches exactly these.
    pub deps: Vec<PathBuf>,
    /// Files it looked for and did not find (a module not written yet):
    /// creating one changes the result, so `watch` waits for them too.
    pub missing: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file of `deps` read, as this evaluation saw it.
    pub(crate) read: Vec<(PathBuf, Arc<str>)>,
}

impl Evaluation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Evaluates `script`. Only an unreadable script is an `Err`; everything
/// wrong inside it is a diagnostic of the returned evaluation.
/// The unit tests' set-up: `files` written to a temporary folder, the last
/// one evaluated with the default limits and the embedded schemas.
#[cfg(test)]
pub(crate) fn evaluate_files(
    files: &[(&str, &str)],
    account: crate::aws::AccountSource,
) -> Evaluation {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let limits = Limits::default();
    let opts = EvalOptions {
        limits,
        schemas: Arc::new(Schemas::embedded()),
        deadline: deadline(&limits),
        memory_ceiling: memory_ceiling(&limits),
        account: account.per_run(),
    };
    evaluate(&dir.path().join(files[files.len() - 1].0), &opts).unwrap()
}

pub fn evaluate(script: &Path, opts: &EvalOptions) -> Result<Evaluation, Error> {
    evaluate_reusing(script, opts, &EngineCache::default())
}

/// [`evaluate`], reusing what `cache` holds from earlier evaluations (the
/// stacks a run reads share one; `watch` keeps one for its lifetime).
pub fn evaluate_reusing(
    script: &Path,
    opts: &EvalOptions,
    cache: &EngineCache,
) -> Result<Evaluation, Error> {
    let remotes = RemoteStacks { reuse: cache.clone(), ..RemoteStacks::default() };
    evaluate_in(script, opts, remotes)
}

/// How diagnostics name a script: the path as the operator gave it.
fn display_name(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

fn evaluate_in(
    script: &Path,
    opts: &EvalOptions,
    mut remotes: RemoteStacks,
) -> Result<Evaluation, Error> {
    let text = files::read_text(script, opts.limits.max_file_bytes)
        .map_err(|e| Error::io(script, "read the script", e.into()))?;
    let name = display_name(script);
    let stack_name = script.file_stem().and_then(|s| s.to_str()).unwrap_or("main").to_owned();
    let base = script.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
    remotes.base = base.clone();
    remotes.chain.push(stack_name.clone());

    let text: Arc<str> = Arc::from(text);
    let sources = Rc::new(RefCell::new(SourceMap::new()));
    sources.borrow_mut().insert(&name, text.clone());
    let reads = stacks::Reads::default();
    reads.deps.borrow_mut().push(script.to_path_buf());
    reads.read.borrow_mut().push((script.to_path_buf(), text.clone()));
    let compiled = remotes.reuse.clone();

    let ctx = Rc::new(RefCell::new(Ctx::new(
        &stack_name,
        opts.schemas.clone(),
        remotes,
        sources.clone(),
    )));
    ctx.borrow_mut().limits = opts.limits;
    let budget_ctx = ctx.clone();
    let limits = opts.limits;
    let mut engine =
        sandbox::engine_until(&opts.limits, opts.deadline, opts.memory_ceiling, move |_| {
            // A loop declaring blocks stops at the first one over the limit.
            let c = budget_ctx.try_borrow().ok()?;
            c.over_budget(&limits).map(|d| rhai::Dynamic::from(errors::Raised(Box::new(d))))
        });
    // Primitives read the entry script's name from the tag to place frames.
    engine.set_default_tag(rhai::Dynamic::from(name.clone()));
    let print_ctx = ctx.clone();
    engine.on_print(move |s| {
        eprintln!("[{}] {}", print_ctx.borrow().stack.name, convert::printable(s))
    });
    engine.on_debug(|s, src, pos| {
        eprintln!("[debug] {}:{}: {s}", src.unwrap_or(""), pos.line().unwrap_or(0))
    });
    primitives::register(&mut engine, &ctx);
    primitives::register_aws(&mut engine, &ctx, opts.account.clone());
    stacks::register(&mut engine, &ctx, opts, reads.clone(), evaluate_in);
    let switch_points = switches::SwitchPoints::default();
    switch_points.install(&mut engine);
    engine.set_module_resolver(
        resolver::Resolver::new(base, sources.clone(), reads.clone(), compiled.clone())
            .with_limits(&opts.limits)
            .with_entry(script)
            .with_switches(switch_points.clone()),
    );

    let recording = errors::Recording::start();
    let mut diagnostics = Vec::new();
    match compiled.compile(&engine, &name, &text, Some(script.to_path_buf())) {
        Err(e) => diagnostics.push(errors::parse_error(&e, &name, &text)),
        Ok((ast, layout)) => {
            switch_points.add(&name, &layout);
            sources.borrow_mut().set_layout(&name, layout);
            let mut known: Vec<String> = primitives::NAMES.iter().map(|s| s.to_string()).collect();
            known.extend(ast.iter_functions().map(|f| f.name.to_string()));
            known.extend(primitives::TF_FUNCTIONS.iter().map(|s| s.to_string()));
            known.extend(primitives::TF_NAMES.iter().map(|s| s.to_string()));
            known.extend(primitives::TF_SPECIAL.iter().map(|s| s.to_string()));
            let mut scope = rhai::Scope::new();
            if let Err(e) = engine.run_ast_with_scope(&mut scope, &ast) {
                let sources = sources.borrow();
                diagnostics.push(errors::eval_error(&e, &name, &known, &sources, &scope));
            }
            teardown::dismantle(scope.into_iter().map(|(_, value, _)| value));
        }
    }
    // Raised errors the script caught (`try { ... } catch {}`) still count:
    // they say the model is not what the script meant.
    for d in recording.finish() {
        if !diagnostics.contains(&d) {
            diagnostics.push(d);
        }
    }
    drop(engine);
    let ctx = Rc::try_unwrap(ctx)
        .map(RefCell::into_inner)
        .map_err(|_| Error::Internal("evaluation state still shared".into()))?;
    let mut all = ctx.diagnostics;
    let mut stack = ctx.stack;
    block_calls::assign(&mut stack, &name, &ctx.block_names, &sources.borrow());
    if let Some(expected) = &ctx.expected_accounts {
        all.extend(allow_accounts(&mut stack, expected));
    }
    all.extend(reads_own_state(&stack, &ctx.stacks_read));
    all.extend(diagnostics);
    let sources = sources.borrow().clone();
    let deps = reads.deps.take();
    let missing = reads.missing.take();
    let read = reads.read.take();
    Ok(Evaluation { stack, sources, deps, missing, diagnostics: all, read })
}

/// A stack whose backend is the state of a stack it reads would take that
/// stack's resources over: applying it plans to destroy all it does not
/// declare itself.
fn reads_own_state(
    stack: &Stack,
    read: &indexmap::IndexMap<String, (crate::model::Backend, crate::model::Origin)>,
) -> Vec<Diagnostic> {
    let Some(own) = &stack.terraform.backend else { return Vec::new() };
    read.iter()
        .filter(|(_, (theirs, _))| stacks::same_state(own, theirs))
        .map(|(name, (_, origin))| {
            let what = if own.kind == "local" { "path" } else { "key" };
            Diagnostic::error(
                Code::ModelReadsOwnState,
                format!(
                    "stack `{}` keeps its state where stack `{name}` does, and reads it here",
                    stack.name
                ),
            )
            .at_path(origin, Vec::new(), Target::Call)
            .label(format!("the state of `{name}` is this stack's own"))
            .secondary(Locus::from(&own.origin), "this stack's backend")
            .note(format!(
                "applying `{}` would plan to destroy everything `{name}` manages",
                stack.name
            ))
            .help(format!(
                "give this stack's backend its own `{what}` (e.g. `{}`)",
                if what == "path" {
                    format!("/srv/tfstate/{}.tfstate", stack.name)
                } else {
                    format!("{}/terraform.tfstate", stack.name)
                }
            ))
        })
        .collect()
}

/// `aws::expect_account`'s accounts on every aws provider, so Terraform
/// refuses the others too; a provider that says otherwise is an error.
fn allow_accounts(stack: &mut Stack, expected: &context::ExpectedAccounts) -> Vec<Diagnostic> {
    crate::model::allow_accounts(stack, &expected.ids, &expected.origin)
        .into_iter()
        .map(|(origin, setting)| {
            Diagnostic::error(
                Code::AwsConflictingAccounts,
                format!("this aws provider sets `{setting}`, and `aws::expect_account` sets `allowed_account_ids`"),
            )
            .at_path(&origin, vec![PathSeg::key(&setting)], Target::Key)
            .secondary(Locus::from(&expected.origin), "the stack's accounts")
            .help(format!("remove `{setting}` from the provider: `aws::expect_account` gives every aws provider the accounts"))
        })
        .collect()
}
