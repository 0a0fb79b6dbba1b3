use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diagnostics::{Code, Diagnostic, SourceMap};
use crate::model::{Backend, Origin, Stack, Value};
use crate::schema::Schemas;
use crate::syntax::FileIndex;

use super::order::Written;
use super::remote::RemoteStacks;
use super::sandbox::Limits;

/// What one evaluation builds up. Primitives reach it through a shared
/// handle captured by their closures; nothing global, so two evaluations
/// (watch mode, a remote stack) never see each other's state.
pub(crate) struct Ctx {
    pub stack: Stack,
    /// Problems that do not stop evaluation (a duplicate name, an unknown
    /// attribute on a handle): reported together at the end.
    pub diagnostics: Vec<Diagnostic>,
    /// Values embedded in strings by interpolation, by token number.
    pub tokens: Vec<Value>,
    /// `resource aws_vpc.main`, `variable region`...: names already taken.
    pub declared: HashSet<String>,
    pub schemas: Arc<Schemas>,
    pub remotes: RemoteStacks,
    /// Every file read so far, shared with the module resolver.
    pub sources: Rc<RefCell<SourceMap>>,
    pub limits: Limits,
    /// What conversion has put into the model so far: bytes of text and
    /// values. Counted as values are converted, so the limit stops the line
    /// that crosses it, long before the memory is spent.
    pub model_bytes: Cell<usize>,
    pub model_nodes: Cell<usize>,
    /// `aws::expect_account(...)`: the aws providers get `allowed_account_ids`.
    pub expected_accounts: Option<ExpectedAccounts>,
    /// The account `aws::caller()` answered here, and the first call.
    pub caller_answered: Option<(String, Origin)>,
    /// The `name` each stdlib block call was given, for the output's groups.
    pub block_names: Vec<super::block_calls::NamedCall>,
    /// Pairs of the operator's calls already reported as declaring one
    /// name twice: a stdlib block that collides collides on every block it
    /// makes, and one report says it.
    pub duplicate_calls: HashSet<(Origin, Origin)>,
    /// The stacks `stack(...)` read, with their backend and the first call:
    /// a second read of one is the same handle, but a hand-written data
    /// source of that name is not, and the backends are compared at the end.
    pub stacks_read: IndexMap<String, (Backend, Origin)>,
}

/// The accounts a stack may be applied to, and the call that said so.
pub(crate) struct ExpectedAccounts {
    pub ids: Vec<String>,
    pub origin: Origin,
}

pub(crate) type CtxRef = Rc<RefCell<Ctx>>;

impl Ctx {
    pub fn new(
        stack_name: &str,
        schemas: Arc<Schemas>,
        remotes: RemoteStacks,
        sources: Rc<RefCell<SourceMap>>,
    ) -> Self {
        Ctx {
            stack: Stack::new(stack_name),
            diagnostics: Vec::new(),
            tokens: Vec::new(),
            declared: HashSet::new(),
            schemas,
            remotes,
            sources,
            limits: Limits::default(),
            model_bytes: Cell::new(0),
            model_nodes: Cell::new(0),
            expected_accounts: None,
            caller_answered: None,
            block_names: Vec::new(),
            duplicate_calls: HashSet::new(),
            stacks_read: IndexMap::new(),
        }
    }

    /// The operator's key order for argument `arg` of the call `origin`,
    /// applied to `map` (see `order.rs`).
    pub fn in_written_order(
        &self,
        origin: &Origin,
        arg: usize,
        map: IndexMap<String, Value>,
    ) -> IndexMap<String, Value> {
        let sources = self.sources.borrow();
        let own = origin.innermost().and_then(|s| sources.index(&s.file));
        let written =
            Written { own: own.as_deref().and_then(FileIndex::layout), all: sources.layouts() };
        written.map(map, &written.of_arg(origin, arg))
    }

    /// [`Ctx::in_written_order`] for any value: a function's argument.
    pub fn value_in_written_order(&self, origin: &Origin, arg: usize, value: Value) -> Value {
        let sources = self.sources.borrow();
        let own = origin.innermost().and_then(|s| sources.index(&s.file));
        let written =
            Written { own: own.as_deref().and_then(FileIndex::layout), all: sources.layouts() };
        written.value(value, &written.of_arg(origin, arg))
    }

    /// A diagnostic when the script has declared more blocks than allowed.
    pub fn over_budget(&self, limits: &Limits) -> Option<Diagnostic> {
        let n = self.declared.len();
        (n > limits.max_blocks).then(|| {
            Diagnostic::error(
                Code::EngineTooManyBlocks,
                format!("the script declares more than {} blocks", limits.max_blocks),
            )
            .label("the limit is crossed here")
            .help("one stack this large is hard to plan and review: split it into stacks that read each other with `stack()`")
        })
    }

    /// Records `key` as declared; false when it already was.
    pub fn declare(&mut self, key: String) -> bool {
        self.declared.insert(key)
    }
}
