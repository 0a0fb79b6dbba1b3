//! The Rhai engine: sandbox and limits, module resolution (embedded
//! `stdlib/`, then the script's own folder), and the primitives the stdlib
//! is built on. Evaluating a script yields a [`model::Stack`](crate::model::Stack).

mod checks;
mod context;
mod convert;
mod docs;
mod errors;
mod handle;
mod lookup;
mod nothing;
mod order;
mod origin;
mod primitives;
mod remote;
mod resolver;
mod sandbox;
mod stacks;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

pub use docs::stdlib_reference;
pub use handle::{Handle, TfExpr};
pub use resolver::{stdlib_modules, stdlib_source};
pub use sandbox::Limits;

use crate::diagnostics::{Diagnostic, Error, SourceMap};
use crate::model::Stack;
use crate::schema::Schemas;

use context::Ctx;
use remote::RemoteStacks;

#[derive(Clone)]
pub struct EvalOptions {
    pub limits: Limits,
    pub schemas: Rc<Schemas>,
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
    pub diagnostics: Vec<Diagnostic>,
}

impl Evaluation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Evaluates `script`. Only an unreadable script is an `Err`; everything
/// wrong inside it is a diagnostic of the returned evaluation.
pub fn evaluate(script: &Path, opts: &EvalOptions) -> Result<Evaluation, Error> {
    evaluate_in(script, opts, RemoteStacks::default())
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
    let text =
        std::fs::read_to_string(script).map_err(|e| Error::io(script, "read the script", e))?;
    let name = display_name(script);
    let stack_name = script.file_stem().and_then(|s| s.to_str()).unwrap_or("main").to_owned();
    let base = script.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
    remotes.base = base.clone();
    remotes.chain.push(stack_name.clone());

    let sources = Rc::new(RefCell::new(SourceMap::new()));
    sources.borrow_mut().insert(&name, Arc::from(text.as_str()));
    let deps = Rc::new(RefCell::new(vec![script.to_path_buf()]));

    let ctx = Rc::new(RefCell::new(Ctx::new(
        &stack_name,
        opts.schemas.clone(),
        remotes,
        sources.clone(),
    )));
    let mut engine = sandbox::engine(&opts.limits);
    // Primitives read the entry script's name from the tag to place frames.
    engine.set_default_tag(rhai::Dynamic::from(name.clone()));
    let print_ctx = ctx.clone();
    engine.on_print(move |s| eprintln!("[{}] {}", print_ctx.borrow().stack.name, s));
    engine.on_debug(|s, src, pos| {
        eprintln!("[debug] {}:{}: {s}", src.unwrap_or(""), pos.line().unwrap_or(0))
    });
    primitives::register(&mut engine, &ctx);
    stacks::register(&mut engine, &ctx, opts, deps.clone(), evaluate_in);
    engine.set_module_resolver(resolver::Resolver::new(base, sources.clone(), deps.clone()));

    let mut diagnostics = Vec::new();
    match engine.compile(&text) {
        Err(e) => diagnostics.push(errors::parse_error(&e, &name, &text)),
        Ok(mut ast) => {
            ast.set_source(name.as_str());
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
        }
    }
    drop(engine);
    let ctx = Rc::try_unwrap(ctx)
        .map(RefCell::into_inner)
        .map_err(|_| Error::Usage("internal: evaluation state still shared".into()))?;
    let mut all = ctx.diagnostics;
    all.extend(diagnostics);
    let sources = sources.borrow().clone();
    let deps = deps.borrow().clone();
    Ok(Evaluation { stack: ctx.stack, sources, deps, diagnostics: all })
}
