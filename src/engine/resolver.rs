//! Module resolution: the stdlib embedded in the binary first, then `.rhai`
//! files under the script's own folder, and nothing else.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};

type SharedModule = Shared<Module>;

use crate::diagnostics::{did_you_mean, Diagnostic, SourceMap, Target, STDLIB_PREFIX};
use crate::model::Origin;

use super::errors::{parse_error, raise};
use super::origin::site;

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
    /// Files read from disk, for `watch`.
    deps: Rc<RefCell<Vec<PathBuf>>>,
    /// Each module is evaluated once per run, however often it is imported:
    /// a module declaring resources must not declare them twice.
    cache: RefCell<HashMap<String, SharedModule>>,
}

impl Resolver {
    pub fn new(
        base: PathBuf,
        sources: Rc<RefCell<SourceMap>>,
        deps: Rc<RefCell<Vec<PathBuf>>>,
    ) -> Self {
        Resolver { base, sources, deps, cache: RefCell::new(HashMap::new()) }
    }

    fn fail(&self, source: Option<&str>, pos: Position, d: Diagnostic) -> Box<EvalAltResult> {
        let origin = Origin::new(site(source.unwrap_or(""), pos).into_iter().collect());
        raise(d.at_path(&origin, Vec::new(), Target::Call))
    }

    /// The module at `path`, if any; `Err` for a path that leaves the folder.
    fn locate(&self, path: &str) -> Result<Option<Located>, String> {
        let rel = Path::new(path);
        let clean = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if path.is_empty() || !clean || path.contains('\\') {
            return Err(format!("module path `{path}` must stay inside the script's folder"));
        }
        let module = path.strip_suffix(".rhai").unwrap_or(path);
        if let Some(text) = stdlib_source(module) {
            return Ok(Some((format!("{STDLIB_PREFIX}{module}.rhai"), Arc::from(text), None)));
        }
        let file = self.base.join(format!("{module}.rhai"));
        match std::fs::read_to_string(&file) {
            Ok(text) => Ok(Some((file.display().to_string(), Arc::from(text), Some(file)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read `{}`: {e}", file.display())),
        }
    }
}

impl ModuleResolver for Resolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        let found = self.locate(path).map_err(|msg| {
            self.fail(
                source,
                pos,
                Diagnostic::error("tsdsl::engine::bad_module_path", msg).label("imported here"),
            )
        })?;
        let Some((name, text, file)) = found else {
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
                Diagnostic::error(
                    "tsdsl::engine::unknown_module",
                    format!("module `{path}` not found"),
                )
                .label("imported here")
                .help(help),
            ));
        };
        if let Some(m) = self.cache.borrow().get(&name) {
            return Ok(m.clone());
        }
        self.sources.borrow_mut().insert(&name, text.clone());
        if let Some(f) = file {
            self.deps.borrow_mut().push(f);
        }
        let mut ast = engine.compile(&*text).map_err(|e| raise(parse_error(&e, &name, &text)))?;
        ast.set_source(name.as_str());
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| Box::new(EvalAltResult::ErrorInModule(name.clone(), e, pos)))?;
        let shared: SharedModule = module.into();
        self.cache.borrow_mut().insert(name, shared.clone());
        Ok(shared)
    }
}
