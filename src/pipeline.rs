//! The whole flow for one script: evaluate → check against the schemas →
//! emit → write. The CLI and the tests call these; nothing here prints.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::{Code, Diagnostic, Error, SourceMap};
use crate::emit::{self, OutFile};
use crate::engine::{self, EngineCache, EvalOptions, Limits};
use crate::model::Stack;
use crate::schema::{self, Schemas};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Hcl,
    Json,
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub limits: Limits,
    /// `terraform providers schema -json` files that add or replace providers.
    pub schema_files: Vec<PathBuf>,
    pub format: OutputFormat,
    /// Where `aws::caller()` and `aws::expect_account` learn the account
    /// (offline by default: a library user's build never calls AWS).
    pub account: crate::aws::AccountSource,
    /// Where the output goes (`default_out_dir` when `None`): local module
    /// sources are relative to it.
    pub out_dir: Option<PathBuf>,
}

/// A successful build: the files to write and what they came from.
#[derive(Debug)]
pub struct Build {
    pub stack: Stack,
    pub files: Vec<OutFile>,
    /// Warnings, if any (errors make the build fail).
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
    pub deps: Vec<PathBuf>,
    /// Files looked for and not found (a module not written yet, a
    /// `--schema` file): creating one changes the build.
    pub missing: Vec<PathBuf>,
    pub started: Instant,
    /// The schemas the build checked against (embedded plus `--schema`
    /// files): the change summary masks what they mark sensitive.
    pub schemas: Arc<Schemas>,
}

/// A failed build still knows which files it read, so `watch` can wait for
/// the operator to fix them.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    /// Boxed: a `Failure` travels in `Result`s.
    pub files: Box<Files>,
}

/// The files a build read (`deps`) and those it looked for and did not
/// find (`missing`).
#[derive(Debug, Default)]
pub struct Files {
    pub deps: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { error, files: Box::default() }
    }
}

/// The largest `--schema` file read: the AWS provider's whole schema is
/// about 40 MB.
const MAX_SCHEMA_BYTES: u64 = 256 * 1024 * 1024;

pub fn load_schemas(files: &[PathBuf]) -> Result<Schemas, Error> {
    let texts = files.iter().map(|f| read_schema(f)).collect::<Result<Vec<_>, _>>()?;
    schemas_of(files, &texts)
}

/// A bad `--schema` file is the command line's problem, not the script's;
/// a FIFO or a device is refused before it is opened.
fn read_schema(f: &Path) -> Result<Vec<u8>, Error> {
    engine::read_regular(f, MAX_SCHEMA_BYTES)
        .map_err(|e| Error::io(f, "read the schema file", e.into()))
}

fn schemas_of(files: &[PathBuf], texts: &[Vec<u8>]) -> Result<Schemas, Error> {
    let mut schemas = Schemas::embedded();
    for (f, text) in files.iter().zip(texts) {
        schemas.load_bytes(f, text).map_err(|d| {
            let help: String = d.help.iter().map(|h| format!(" ({h})")).collect();
            Error::Usage(format!("{} [{}]{help}", d.message, d.code))
        })?;
    }
    Ok(schemas)
}

/// What builds reuse from one another: compiled scripts and modules, the
/// stacks read with `stack()`, and the schemas with the types decoded so
/// far. One build makes its own; `watch` keeps one for its lifetime, and
/// everything in it is checked against the files before it is used, so a
/// build with it means exactly what a build without it does.
///
/// Not `Send` (Rhai's compiled scripts are not): the builds using one run
/// on the thread that made it, which needs the native stack a build needs
/// (see [`on_build_stack`]).
#[derive(Default)]
pub struct BuildCache {
    engine: EngineCache,
    /// The schemas, and the `--schema` files (path and hash of the content)
    /// they were made from.
    schemas: RefCell<Option<KeptSchemas>>,
    /// The imports of each script of a watched folder, by its text.
    imports: RefCell<HashMap<PathBuf, Imports>>,
}

/// Schemas, and the `--schema` files (path, hash of the text) they came from.
type KeptSchemas = (Vec<(PathBuf, u64)>, Arc<Schemas>);

/// A script's text and the paths it imports.
type Imports = (String, Rc<Vec<String>>);

impl BuildCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The schemas for `files`: the ones kept when the files are the same.
    fn schemas(&self, files: &[PathBuf]) -> Result<Arc<Schemas>, Error> {
        let texts = files.iter().map(|f| read_schema(f)).collect::<Result<Vec<_>, _>>()?;
        let key: Vec<(PathBuf, u64)> = files
            .iter()
            .zip(&texts)
            .map(|(f, t)| {
                let mut h = DefaultHasher::new();
                t.hash(&mut h);
                (f.clone(), h.finish())
            })
            .collect();
        if let Some((k, s)) = &*self.schemas.borrow() {
            if *k == key {
                return Ok(s.clone());
            }
        }
        let schemas = Arc::new(schemas_of(files, &texts)?);
        *self.schemas.borrow_mut() = Some((key, schemas.clone()));
        Ok(schemas)
    }

    /// Drops what belongs to files that no longer exist; `watch` calls it
    /// after each round of rebuilds, so its memory stays flat.
    pub fn sweep(&self) {
        self.engine.sweep();
        self.imports.borrow_mut().retain(|f, _| f.exists());
    }

    /// The literal imports of `file`, whose text is `text`.
    fn imports_of(&self, file: &Path, text: String) -> Rc<Vec<String>> {
        if let Some((t, paths)) = self.imports.borrow().get(file) {
            if *t == text {
                return paths.clone();
            }
        }
        let paths = Rc::new(engine::imported_paths(&text));
        self.imports.borrow_mut().insert(file.to_path_buf(), (text, paths.clone()));
        paths
    }

    /// How many compiled texts and stack results are held (for tests).
    pub fn sizes(&self) -> (usize, usize) {
        self.engine.sizes()
    }
}

/// Native stack for a build. Evaluation recurses natively through Rhai, the
/// modules it imports and the stacks it reads; the limits on those depths
/// are set so that the deepest chain allowed fits well inside this (measured
/// in a debug build, which uses far more stack per level than a release one).
/// Dropping a chain of closures also recurses once per link (see
/// `engine::teardown`): the memory ceiling stops a chain at about 3.5
/// million links, whose drop takes about 700 MB of stack in a release
/// build, so the stack is 1 GiB. Address space only: pages count once
/// touched, and a run that builds no such chain touches a few hundred KB.
pub(crate) const BUILD_STACK_BYTES: usize = 1024 * 1024 * 1024;

/// Evaluates, checks and emits `script`, writing nothing.
///
/// Runs on its own thread, for its stack: see [`BUILD_STACK_BYTES`].
pub fn build(script: &Path, opts: &BuildOptions) -> Result<Build, Failure> {
    on_build_stack(|| build_reusing(script, opts, &BuildCache::new()))?
}

/// [`build`] for a command that exits right after it: the compiled stdlib
/// and scripts are left for the exit to free, as `run` leaves the model.
/// Freeing them one node at a time was 3% of a production run. The cache
/// holds only memory: no file, lock or thread.
pub fn build_then_exit(script: &Path, opts: &BuildOptions) -> Result<Build, Failure> {
    on_build_stack(|| {
        let cache = BuildCache::new();
        let built = build_reusing(script, opts, &cache);
        std::mem::forget(cache);
        built
    })?
}

/// Runs `f` on a thread with the native stack a build needs (see
/// [`BUILD_STACK_BYTES`]): [`build_reusing`] must run inside it.
pub fn on_build_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T, Error> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("tsdsl-build".into())
            .stack_size(BUILD_STACK_BYTES)
            .spawn_scoped(scope, f)
            .map_err(|e| Error::Usage(format!("cannot start the build: {e}")))?;
        Ok(worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// [`build`] on this thread, reusing what `cache` holds from earlier builds
/// and keeping what this one computed for the next. Call it inside
/// [`on_build_stack`].
pub fn build_reusing(
    script: &Path,
    opts: &BuildOptions,
    cache: &BuildCache,
) -> Result<Build, Failure> {
    let started = Instant::now();
    // Its share of the memory limit, which builds side by side split.
    let _share = engine::BuildShare::start();
    // One deadline for the whole run: schemas, every stack, checks, emit.
    let deadline = engine::deadline(&opts.limits);
    // The `--schema` files are dependencies too, present or not.
    let (mut deps, mut missing): (Vec<PathBuf>, Vec<PathBuf>) =
        opts.schema_files.iter().cloned().partition(|f| f.exists());
    let failed = |error, deps: &[PathBuf], missing: &[PathBuf]| {
        let deps = std::iter::once(script.to_path_buf()).chain(deps.iter().cloned()).collect();
        Failure { error, files: Box::new(Files { deps, missing: missing.to_vec() }) }
    };
    let schemas = match cache.schemas(&opts.schema_files) {
        Ok(s) => s,
        Err(e) => return Err(failed(e, &deps, &missing)),
    };
    // The memory limit is the run's own, on top of the schemas just loaded.
    let memory_ceiling = engine::memory_ceiling(&opts.limits);
    // One question at most per run, shared with every stack the script reads.
    let account = opts.account.per_run();
    let eval_opts = EvalOptions {
        limits: opts.limits,
        schemas: schemas.clone(),
        deadline,
        memory_ceiling,
        account,
    };
    let ev = match engine::evaluate_reusing(script, &eval_opts, &cache.engine) {
        Ok(ev) => ev,
        Err(e) => return Err(failed(e, &deps, &missing)),
    };
    deps.splice(0..0, ev.deps.iter().cloned());
    missing.extend(ev.missing.iter().cloned());
    let mut diagnostics = ev.diagnostics;
    let mut stack = ev.stack;
    let fail = |mut diagnostics: Vec<Diagnostic>, sources, deps, missing| {
        let reported = diagnostics.iter().any(|d| d.code == TIMEOUT);
        if Instant::now() > deadline && !reported {
            diagnostics.push(timed_out(&opts.limits));
        }
        let error = Error::Script { diagnostics, sources };
        Err(Failure { error, files: Box::new(Files { deps, missing }) })
    };
    if diagnostics.iter().any(Diagnostic::is_error) || Instant::now() > deadline {
        return fail(diagnostics, ev.sources, deps, missing);
    }
    crate::model::complete_required_providers(&mut stack);
    let out_dir = opts.out_dir.clone().unwrap_or_else(|| default_out_dir(script));
    let (mut shaped, found) = schema::check_in(&stack, &schemas, Some(&out_dir));
    diagnostics.extend(crate::checks::aws_names::duplicate_aws_names(&stack));
    schema::drop_empty_tags(&stack, &mut shaped, &schemas);
    crate::model::merge_identical_data(&mut stack, &mut shaped);
    diagnostics.extend(found);
    if diagnostics.iter().any(Diagnostic::is_error) || Instant::now() > deadline {
        return fail(diagnostics, ev.sources, deps, missing);
    }
    let header = format!(
        "Generated by tsdsl from {}; do not edit.",
        crate::output::recorded_path(&out_dir, script)
    );
    let files = match opts.format {
        OutputFormat::Hcl => emit::hcl(&stack, &shaped, &header),
        OutputFormat::Json => emit::json(&stack, &shaped, &header),
    };
    if Instant::now() > deadline {
        return fail(diagnostics, ev.sources, deps, missing);
    }
    let sources = ev.sources;
    Ok(Build { stack, files, diagnostics, sources, deps, missing, started, schemas })
}

const TIMEOUT: Code = Code::EngineTimeout;

/// The run ended past its deadline outside evaluation (checks, emit).
fn timed_out(limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        TIMEOUT,
        format!("the run went past its time limit of {} s", limits.timeout.as_secs()),
    )
    .help("the limit covers evaluation, checks and emitting together; raise it with `--timeout` if the estate is really that big")
}

/// The scripts of a folder, told apart: every `.rhai` file directly in it
/// is a stack, except the modules, the files some script of the folder
/// imports (`import "shop" as shop;` makes `shop.rhai` a module, whoever
/// imports it: a stack or another module). A stdlib path (`aws/eks`) names
/// the stdlib, never a file of the folder, as when the script runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderScripts {
    pub stacks: Vec<PathBuf>,
    pub modules: Vec<PathBuf>,
}

pub fn folder_scripts(dir: &Path) -> Result<FolderScripts, Error> {
    folder_scripts_reusing(dir, &BuildCache::new())
}

/// [`folder_scripts`], reading the imports of a file again only when its
/// text changed since `cache` last saw it.
pub fn folder_scripts_reusing(dir: &Path, cache: &BuildCache) -> Result<FolderScripts, Error> {
    let io = |e| Error::io(dir, "read the folder", e);
    let mut top = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".rhai") && !name.starts_with('.') && path.is_file() {
            top.push(path);
        }
    }
    top.sort();
    // Follow imports from every top-level file, through the modules found.
    let mut modules = std::collections::BTreeSet::new();
    let mut queue = top.clone();
    while let Some(file) = queue.pop() {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        for path in cache.imports_of(&file, text).iter() {
            let module = path.strip_suffix(".rhai").unwrap_or(path);
            let clean = Path::new(module).components().all(|c| matches!(c, Component::Normal(_)));
            if !clean || module.contains('\\') || engine::stdlib_source(module).is_some() {
                continue;
            }
            let target = dir.join(format!("{module}.rhai"));
            if target != file && target.is_file() && modules.insert(target.clone()) {
                queue.push(target);
            }
        }
    }
    let (modules, stacks) = top.into_iter().partition(|f| modules.contains(f));
    Ok(FolderScripts { stacks, modules })
}

/// The folder a script's output goes to unless the operator names one.
pub fn default_out_dir(script: &Path) -> PathBuf {
    let stem = script.file_stem().and_then(|s| s.to_str()).unwrap_or("main");
    Path::new("out").join(stem)
}
