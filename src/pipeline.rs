//! The whole flow for one script: evaluate → check against the schemas →
//! emit → write. The CLI and the tests call these; nothing here prints.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Error, SourceMap};
use crate::emit::{self, OutFile};
use crate::engine::{self, EvalOptions, Limits};
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
    pub started: Instant,
}

/// A failed build still knows which files it read, so `watch` can wait for
/// the operator to fix them.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub deps: Vec<PathBuf>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { error, deps: Vec::new() }
    }
}

/// The largest `--schema` file read: the AWS provider's whole schema is
/// about 40 MB.
const MAX_SCHEMA_BYTES: u64 = 256 * 1024 * 1024;

pub fn load_schemas(files: &[PathBuf]) -> Result<Schemas, Error> {
    let mut schemas = Schemas::embedded();
    for f in files {
        // A bad `--schema` file is the command line's problem, not the script's;
        // a FIFO or a device is refused before it is opened.
        let text = engine::read_regular(f, MAX_SCHEMA_BYTES)
            .map_err(|e| Error::io(f, "read the schema file", e.into()))?;
        schemas.load_bytes(f, &text).map_err(|d| {
            let help = d.help.map(|h| format!(" ({h})")).unwrap_or_default();
            Error::Usage(format!("{} [{}]{help}", d.message, d.code))
        })?;
    }
    Ok(schemas)
}

/// Native stack for a build. Evaluation recurses natively through Rhai, the
/// modules it imports and the stacks it reads; the limits on those depths
/// are set so that the deepest chain allowed fits well inside this (measured
/// in a debug build, which uses far more stack per level than a release one).
const BUILD_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Evaluates, checks and emits `script`, writing nothing.
///
/// Runs on its own thread, for its stack: see [`BUILD_STACK_BYTES`].
pub fn build(script: &Path, opts: &BuildOptions) -> Result<Build, Failure> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("tsdsl-build".into())
            .stack_size(BUILD_STACK_BYTES)
            .spawn_scoped(scope, || build_here(script, opts))
            .map_err(|e| Error::Usage(format!("cannot start the build: {e}")))?;
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn build_here(script: &Path, opts: &BuildOptions) -> Result<Build, Failure> {
    let started = Instant::now();
    // One deadline for the whole run: schemas, every stack, checks, emit.
    let deadline = engine::deadline(&opts.limits);
    let schemas = Rc::new(load_schemas(&opts.schema_files)?);
    // The memory limit is the run's own, on top of the schemas just loaded.
    let memory_ceiling = engine::memory_ceiling(&opts.limits);
    let eval_opts =
        EvalOptions { limits: opts.limits, schemas: schemas.clone(), deadline, memory_ceiling };
    let ev = engine::evaluate(script, &eval_opts)?;
    let deps = ev.deps.clone();
    let mut diagnostics = ev.diagnostics;
    let mut stack = ev.stack;
    let fail = |mut diagnostics: Vec<Diagnostic>, sources| {
        let reported = diagnostics.iter().any(|d| d.code == TIMEOUT);
        if Instant::now() > deadline && !reported {
            diagnostics.push(timed_out(&opts.limits));
        }
        Err(Failure { error: Error::Script { diagnostics, sources }, deps: deps.clone() })
    };
    if diagnostics.iter().any(Diagnostic::is_error) || Instant::now() > deadline {
        return fail(diagnostics, ev.sources);
    }
    crate::model::complete_required_providers(&mut stack);
    let out_dir = opts.out_dir.clone().unwrap_or_else(|| default_out_dir(script));
    let (mut shaped, found) = schema::check_in(&stack, &schemas, Some(&out_dir));
    schema::drop_empty_tags(&stack, &mut shaped, &schemas);
    diagnostics.extend(found);
    if diagnostics.iter().any(Diagnostic::is_error) || Instant::now() > deadline {
        return fail(diagnostics, ev.sources);
    }
    let header = format!("Generated by tsdsl from {}; do not edit.", script.display());
    let files = match opts.format {
        OutputFormat::Hcl => emit::hcl(&stack, &shaped, &header),
        OutputFormat::Json => emit::json(&stack, &shaped, &header),
    };
    if Instant::now() > deadline {
        return fail(diagnostics, ev.sources);
    }
    Ok(Build { stack, files, diagnostics, sources: ev.sources, deps: deps.clone(), started })
}

const TIMEOUT: &str = "tsdsl::engine::timeout";

/// The run ended past its deadline outside evaluation (checks, emit).
fn timed_out(limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        TIMEOUT,
        format!("the run went past its time limit of {} s", limits.timeout.as_secs()),
    )
    .help("the limit covers evaluation, checks and emitting together; raise it with `--timeout` if the estate is really that big")
}

/// The folder a script's output goes to unless the operator names one.
pub fn default_out_dir(script: &Path) -> PathBuf {
    let stem = script.file_stem().and_then(|s| s.to_str()).unwrap_or("main");
    Path::new("out").join(stem)
}
