//! Other stacks of the same estate: `let shared = stack("shared");` reads
//! `shared.rhai` beside the script, learns its backend and its outputs, and
//! wires a `terraform_remote_state` data source to them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::model::Backend;

/// What a script may know of another stack.
#[derive(Debug, Clone)]
pub(crate) struct RemoteInfo {
    pub backend: Option<Backend>,
    pub outputs: Rc<Vec<String>>,
    /// The names of its outputs declared `sensitive: true`.
    pub sensitive: Vec<String>,
    /// Its outputs whose value is known not to be a number, with the type.
    pub types: Vec<(String, String)>,
}

/// What reading one stack gave: its facts, or the diagnostics that stopped it.
pub(crate) type Loaded = Result<Rc<RemoteInfo>, Vec<Diagnostic>>;

/// The files a stack's evaluation read, and those it did not find.
#[derive(Debug, Clone, Default)]
pub(crate) struct StackFiles {
    pub deps: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
    /// The text of each file read, as the evaluation saw it.
    pub read: Vec<(PathBuf, Arc<str>)>,
}

/// Stacks read so far in this run, and the chain being read (to refuse cycles).
#[derive(Debug, Clone, Default)]
pub(crate) struct RemoteStacks {
    pub base: PathBuf,
    pub chain: Vec<String>,
    pub cache: Rc<RefCell<HashMap<String, Loaded>>>,
    /// Per stack read: the files it read and those it did not find (`watch`
    /// rebuilds a reader when they change).
    pub files: Rc<RefCell<HashMap<String, StackFiles>>>,
    /// What the whole run (or `watch` session) reuses.
    pub reuse: super::cache::EngineCache,
}
