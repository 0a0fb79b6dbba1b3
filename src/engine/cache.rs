//! What evaluations reuse: the compiled scripts and modules (by name and
//! text), shared by every stack one run evaluates, and the facts of stacks
//! read with `stack()` (by the text of every file they read), which a
//! `watch` session keeps from one rebuild to the next.
//!
//! Only compiled ASTs are shared, never evaluated modules: a module's
//! top-level code may call primitives (`resource(...)`), and those must
//! register in the stack that imports it, once per stack.
//!
//! Not `Send`: Rhai's AST is not. A session's builds run on one thread
//! (see `pipeline::on_build_stack`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use rhai::{Engine, ParseError, AST};

use crate::schema::Schemas;
use crate::syntax::Layout;

use super::remote::{RemoteInfo, StackFiles};

/// The handle a build passes to every stack it evaluates; clones share.
#[derive(Clone, Default)]
pub struct EngineCache {
    inner: Rc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// By name in diagnostics (`@stdlib/aws/eks.rhai`, `scripts/shop.rhai`):
    /// the text compiled and its AST. One text per name: an edit replaces it.
    compiled: RefCell<HashMap<String, Compiled>>,
    /// By stack file and the chain of stacks reading it.
    stacks: RefCell<HashMap<StackKey, Rc<StackEntry>>>,
}

/// A stack's file and the chain of stacks reading it (outermost first).
type StackKey = (PathBuf, Vec<String>);

struct Compiled {
    text: Arc<str>,
    /// The file it was read from; none for the stdlib.
    file: Option<PathBuf>,
    ast: Rc<AST>,
    /// Its key-order layout, read from the AST (see `ast_index`).
    layout: Arc<Layout>,
}

/// What a reader of a stack learnt from evaluating it, and everything that
/// evaluation depended on: reused only while all of that is unchanged.
pub(crate) struct StackEntry {
    pub info: Rc<RemoteInfo>,
    pub files: StackFiles,
    /// The schemas it was checked against (the same object, not equal ones).
    pub schemas: Arc<Schemas>,
    /// `{:?}` of the limits it ran under.
    pub limits: String,
    /// `{:?}` of the account answer it saw, if it asked.
    pub account: Option<String>,
}

impl std::fmt::Debug for EngineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineCache")
            .field("compiled", &self.inner.compiled.borrow().len())
            .field("stacks", &self.inner.stacks.borrow().len())
            .finish()
    }
}

impl EngineCache {
    /// The AST of `text`, named `name` (its source for positions), and its
    /// layout, compiled once per text (by `ast_index::compile`, the one
    /// place a script or module is parsed). The caller gives the layout to
    /// its run's `SourceMap::set_layout`.
    pub(crate) fn compile(
        &self,
        engine: &Engine,
        name: &str,
        text: &Arc<str>,
        file: Option<PathBuf>,
    ) -> Result<(Rc<AST>, Arc<Layout>), ParseError> {
        if let Some(c) = self.inner.compiled.borrow().get(name) {
            if Arc::ptr_eq(&c.text, text) || *c.text == **text {
                return Ok((c.ast.clone(), c.layout.clone()));
            }
        }
        let (mut ast, layout) = super::ast_index::compile(engine, text)?;
        if !name.starts_with(crate::diagnostics::STDLIB_PREFIX) {
            super::ast_index::refuse_shadowed_primitives(&ast, text)?;
            super::ast_index::refuse_literal_interpolation(&ast, text)?;
        }
        ast.set_source(name);
        let ast = Rc::new(ast);
        let entry = Compiled { text: text.clone(), file, ast: ast.clone(), layout: layout.clone() };
        self.inner.compiled.borrow_mut().insert(name.to_owned(), entry);
        Ok((ast, layout))
    }

    pub(crate) fn stack(&self, file: &Path, chain: &[String]) -> Option<Rc<StackEntry>> {
        self.inner.stacks.borrow().get(&(file.to_path_buf(), chain.to_vec())).cloned()
    }

    pub(crate) fn keep_stack(&self, file: PathBuf, chain: Vec<String>, entry: StackEntry) {
        self.inner.stacks.borrow_mut().insert((file, chain), Rc::new(entry));
    }

    pub(crate) fn forget_stack(&self, file: &Path, chain: &[String]) {
        self.inner.stacks.borrow_mut().remove(&(file.to_path_buf(), chain.to_vec()));
    }

    /// Drops what belongs to files that are gone, so a long session holds
    /// only what its folder holds now (an edited file's old text is
    /// dropped as soon as the new one is compiled).
    pub fn sweep(&self) {
        self.inner.compiled.borrow_mut().retain(|_, c| c.file.as_ref().is_none_or(|f| f.exists()));
        self.inner.stacks.borrow_mut().retain(|(file, _), _| file.exists());
    }

    /// How many compiled texts and stack results are held (for tests).
    pub fn sizes(&self) -> (usize, usize) {
        (self.inner.compiled.borrow().len(), self.inner.stacks.borrow().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_compiled_once_and_an_edit_replaces_it() {
        let engine = Engine::new_raw();
        let cache = EngineCache::default();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.rhai");
        std::fs::write(&file, "").unwrap();
        let one: Arc<str> = Arc::from("let x = 1;");
        let (a, _) = cache.compile(&engine, "m.rhai", &one, Some(file.clone())).unwrap();
        // The same text read again (another Arc): the same AST.
        let b = cache.compile(&engine, "m.rhai", &Arc::from("let x = 1;"), Some(file.clone()));
        assert!(Rc::ptr_eq(&a, &b.unwrap().0));
        assert_eq!(a.source(), Some("m.rhai"));
        let c = cache.compile(&engine, "m.rhai", &Arc::from("let x = 2;"), Some(file.clone()));
        assert!(!Rc::ptr_eq(&a, &c.unwrap().0));
        cache.compile(&engine, "@stdlib/u.rhai", &Arc::from("1"), None).unwrap();
        assert_eq!(cache.sizes(), (2, 0), "one text per name");
        // A text that does not parse is not kept.
        assert!(cache.compile(&engine, "bad.rhai", &Arc::from("let = ;"), None).is_err());
        assert_eq!(cache.sizes(), (2, 0));
        std::fs::remove_file(&file).unwrap();
        cache.sweep();
        assert_eq!(cache.sizes(), (1, 0), "the stdlib stays, the deleted file goes");
    }
}
