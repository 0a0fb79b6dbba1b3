//! Module resolution: the stdlib embedded in the binary first, then `.rhai`
//! files under the script's own folder, and nothing else.

use super::switches::SwitchPoints;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};

type SharedModule = Shared<Module>;

use crate::diagnostics::{did_you_mean, Code, Diagnostic, SourceMap, Target, STDLIB_PREFIX};
use crate::model::Origin;

use super::cache::EngineCache;
use super::errors::{parse_error, raise};
use super::files::{read_inside, ReadError};
use super::origin::site;
use super::stacks::Reads;

static STDLIB: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/stdlib");

/// Every stdlib module path, `aws/network` style, sorted.
pub fn stdlib_modules() -> Vec<String> {
    let mut out = Vec::new();
    collect(&STDLIB, &mut out);
    out.sort();
    out
}

fn collect(dir: &Dir<'_>, out: &mut Vec<String>) {
    for f in dir.files() {
        if let Some(p) = f.path().to_str().and_then(|p| p.strip_suffix(".rhai")) {
            out.push(p.to_owned());
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The text of an embedded stdlib module (`aws/network`).
pub fn stdlib_source(module: &str) -> Option<&'static str> {
    STDLIB.get_file(format!("{module}.rhai")).and_then(|f| f.contents_utf8())
}

/// A module found: its name in diagnostics, its text, its file on disk (none for the stdlib).
type Located = (String, Arc<str>, Option<PathBuf>);

pub(crate) struct Resolver {
    /// The entry script's folder: user modules resolve below it.
    base: PathBuf,
    sources: Rc<RefCell<SourceMap>>,
    /// Files read from disk (with their text) and files looked for and not
    /// found, for `watch`: creating one rebuilds.
    reads: Reads,
    /// Compiled modules, shared with every stack of the run.
    compiled: EngineCache,
    /// Each module is evaluated once per stack, however often it is
    /// imported: a module declaring resources must not declare them twice.
    cache: RefCell<HashMap<String, SharedModule>>,
    /// Modules being evaluated, outermost first: importing one of them again
    /// is a cycle, and Rhai would recurse until the native stack overflows.
    loading: RefCell<Vec<String>>,
    max_depth: usize,
    max_file_bytes: u64,
    /// Where the operator's `switch`es are, for the debugger (`switches.rs`).
    switches: SwitchPoints,
}

impl Resolver {
    pub fn new(
        base: PathBuf,
        sources: Rc<RefCell<SourceMap>>,
        reads: Reads,
        compiled: EngineCache,
    ) -> Self {
        let limits = super::Limits::default();
        Resolver {
            base,
            sources,
            reads,
            compiled,
            cache: RefCell::new(HashMap::new()),
            loading: RefCell::new(Vec::new()),
            max_depth: limits.max_import_depth,
            max_file_bytes: limits.max_file_bytes,
            switches: SwitchPoints::default(),
        }
    }

    pub fn with_switches(mut self, switches: SwitchPoints) -> Self {
        self.switches = switches;
        self
    }

    pub fn with_limits(mut self, limits: &super::Limits) -> Self {
        self.max_depth = limits.max_import_depth;
        self.max_file_bytes = limits.max_file_bytes;
        self
    }

    /// The entry script counts as being evaluated: importing it is a cycle.
    pub fn with_entry(self, script: &Path) -> Self {
        if let Some(file) = script.file_name() {
            self.loading.borrow_mut().push(self.base.join(file).display().to_string());
        }
        self
    }

    /// A cycle or too deep a chain of imports, before `name` is evaluated.
    fn check_chain(&self, name: &str) -> Option<Diagnostic> {
        let loading = self.loading.borrow();
        let short = |n: &str| {
            let n = n.strip_prefix(STDLIB_PREFIX).unwrap_or(n);
            let n = Path::new(n).file_name().and_then(|f| f.to_str()).unwrap_or(n);
            n.strip_suffix(".rhai").unwrap_or(n).to_owned()
        };
        if let Some(at) = loading.iter().position(|m| m == name) {
            let cycle: Vec<String> =
                loading[at..].iter().map(|m| short(m)).chain([short(name)]).collect();
            return Some(
                Diagnostic::error(
                    Code::EngineImportCycle,
                    format!("modules import each other in a circle: {}", cycle.join(" → ")),
                )
                .label("imported here")
                .help("move what both modules need into a third module they both import"),
            );
        }
        (loading.len() > self.max_depth).then(|| {
            Diagnostic::error(
                Code::EngineImportTooDeep,
                format!("modules import modules more than {} levels deep", self.max_depth),
            )
            .label("imported here")
            .help("flatten the chain: import the modules you need from the script itself")
        })
    }

    /// The file a user module path names (the one `locate` reads).
    fn user_file(&self, path: &str) -> PathBuf {
        self.base.join(format!("{}.rhai", path.strip_suffix(".rhai").unwrap_or(path)))
    }

    fn fail(&self, source: Option<&str>, pos: Position, d: Diagnostic) -> Box<EvalAltResult> {
        let origin = Origin::new(site(source.unwrap_or(""), pos).into_iter().collect());
        raise(d.at_path(&origin, Vec::new(), Target::Call))
    }

    /// The module at `path`, if any; `Err` for a path that leaves the folder.
    /// `importer`: the source name of the file that imports (a script named
    /// like a stdlib module may import that module).
    fn locate(&self, path: &str, importer: Option<&str>) -> Result<Option<Located>, String> {
        let rel = Path::new(path);
        let clean = rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if path.is_empty() || !clean || path.contains('\\') {
            return Err(format!("module path `{path}` must stay inside the script's folder"));
        }
        // One name per file: `lib/y`, `./lib/y`, `lib/./y` and `lib//y` are
        // one module, evaluated once (three names made three copies of its
        // blocks, "declared twice").
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(p) => p.to_str(),
                _ => None,
            })
            .collect();
        let joined = parts.join("/");
        let module = joined.strip_suffix(".rhai").unwrap_or(&joined);
        if module.is_empty() {
            return Err(format!("module path `{path}` names no file"));
        }
        let file = self.base.join(format!("{module}.rhai"));
        if let Some(text) = stdlib_source(module) {
            // The stdlib's module wins; a file of the same name beside the
            // script would silently not be the one imported.
            let same = |i: &str| {
                Path::new(i)
                    .canonicalize()
                    .ok()
                    .is_some_and(|i| file.canonicalize().ok() == Some(i))
            };
            if file.symlink_metadata().is_ok() && !importer.is_some_and(same) {
                return Err(format!(
                    "`{module}` is a stdlib module, and `{}` has the same name: the stdlib's would be imported, not yours; rename your file",
                    file.display()
                ));
            }
            return Ok(Some((format!("{STDLIB_PREFIX}{module}.rhai"), Arc::from(text), None)));
        }
        // Only the file's name and the reason: never its content, which may
        // be anything a symlink points at.
        match read_inside(&self.base, &file, self.max_file_bytes) {
            Ok(text) => Ok(Some((file.display().to_string(), Arc::from(text), Some(file)))),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read module `{}`: {e}", file.display())),
        }
    }
}

impl ModuleResolver for Resolver {
    /// [`Self::resolve`], then the importer's debugger learns the `switch`es
    /// of what it imported (and of what that imported in turn).
    fn resolve_raw(
        &self,
        engine: &Engine,
        global: &mut rhai::GlobalRuntimeState,
        _: &mut Scope,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        let module = self.resolve(engine, global.source(), path, pos);
        self.switches.sync(global);
        module
    }

    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        let found = self.locate(path, source).map_err(|msg| {
            let help = if msg.contains("is a stdlib module") {
                "give your module another name (`my_k8s.rhai`) and import it by that name"
            } else {
                "a module is a .rhai file under the script's folder, read through links that stay inside it"
            };
            self.fail(
                source,
                pos,
                Diagnostic::error(Code::EngineBadModulePath, msg).label("imported here").help(help),
            )
        })?;
        let Some((name, text, file)) = found else {
            self.reads.missing.borrow_mut().push(self.user_file(path));
            let stdlib = stdlib_modules();
            // The operator's own modules beside the script are candidates too.
            let mut modules = stdlib.clone();
            if let Ok(dir) = std::fs::read_dir(&self.base) {
                let mut own: Vec<String> = dir
                    .filter_map(|e| {
                        let p = e.ok()?.path();
                        (p.extension()? == "rhai").then_some(())?;
                        p.file_stem()?.to_str().map(str::to_owned)
                    })
                    .collect();
                own.sort();
                modules.extend(own);
            }
            // `import "rds"` means `aws/rds`: also compare the last segment.
            let by_name = || {
                let last = |m: &String| m.rsplit('/').next().map(str::to_owned);
                let names: Vec<String> = modules.iter().filter_map(last).collect();
                let best = crate::diagnostics::closest(path, names.iter().map(String::as_str))
                    .or_else(|| names.iter().find(|n| n.as_str() == path).map(String::as_str))?;
                let m = modules.iter().find(|m| last(m).as_deref() == Some(best))?;
                Some(format!("did you mean `{m}`?"))
            };
            let help = did_you_mean(path, modules.iter().map(String::as_str))
                .or_else(by_name)
                .unwrap_or_else(|| {
                    format!(
                        "stdlib modules: {}; your own modules are .rhai files under `{}`",
                        stdlib.join(", "),
                        self.base.display()
                    )
                });
            return Err(self.fail(
                source,
                pos,
                Diagnostic::error(Code::EngineUnknownModule, format!("module `{path}` not found"))
                    .label("imported here")
                    .help(help),
            ));
        };
        if let Some(d) = self.check_chain(&name) {
            return Err(self.fail(source, pos, d));
        }
        if let Some(m) = self.cache.borrow().get(&name) {
            return Ok(m.clone());
        }
        self.sources.borrow_mut().insert(&name, text.clone());
        if let Some(f) = &file {
            self.reads.deps.borrow_mut().push(f.clone());
            self.reads.read.borrow_mut().push((f.clone(), text.clone()));
        }
        let (ast, layout) = self
            .compiled
            .compile(engine, &name, &text, file)
            .map_err(|e| raise(parse_error(&e, &name, &text)))?;
        self.switches.add(&name, &layout);
        self.sources.borrow_mut().set_layout(&name, layout);
        self.loading.borrow_mut().push(name.clone());
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine);
        self.loading.borrow_mut().pop();
        let module =
            module.map_err(|e| Box::new(EvalAltResult::ErrorInModule(name.clone(), e, pos)))?;
        let shared: SharedModule = module.into();
        self.cache.borrow_mut().insert(name, shared.clone());
        Ok(shared)
    }
}
