//! The values scripts hold: handles on declared blocks and Terraform
//! expressions. Both are opaque; their attributes are references.

use std::rc::Rc;

use crate::model::{BlockKind, Meta, Reference, Value};

/// A declared resource, data source, module call, provider or remote stack.
#[derive(Debug, Clone)]
pub struct Handle {
    pub kind: HandleKind,
    /// The block's own address as a reference (`aws_vpc.main`).
    pub reference: Reference,
}

#[derive(Debug, Clone)]
pub enum HandleKind {
    Block {
        kind: BlockKind,
        type_name: String,
        instances: Instances,
    },
    Module,
    Provider,
    /// Another stack's outputs, read through `terraform_remote_state`.
    Remote {
        stack: String,
        outputs: Rc<Vec<String>>,
    },
}

/// How a block's instances are read: `count` ones by index, `for_each`
/// ones by key (the literal keys, when the script wrote them out).
#[derive(Debug, Clone, PartialEq)]
pub enum Instances {
    Single,
    /// `count`, and how many when the script wrote it.
    Count(Option<i64>),
    ForEach(Option<Rc<Vec<String>>>),
}

impl Instances {
    pub fn of(meta: &Meta) -> Self {
        if let Some(count) = &meta.count {
            return Instances::Count(match count {
                Value::Int(n) => Some(*n),
                _ => None,
            });
        }
        match &meta.for_each {
            None => Instances::Single,
            Some(v) => Instances::ForEach(literal_keys(v).map(Rc::new)),
        }
    }
}

/// `#{ alice: ..., bob: ... }` or `["alice", "bob"]` (made `toset([...])`).
fn literal_keys(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Map(m) => Some(m.keys().cloned().collect()),
        Value::Call { name, args } if name == "toset" => match args.as_slice() {
            [Value::List(items)] => items.iter().map(|i| i.as_str().map(str::to_owned)).collect(),
            _ => None,
        },
        _ => None,
    }
}

impl Handle {
    pub fn block(kind: BlockKind, type_name: &str, reference: Reference, meta: &Meta) -> Self {
        let instances = Instances::of(meta);
        Handle {
            kind: HandleKind::Block { kind, type_name: type_name.to_owned(), instances },
            reference,
        }
    }

    /// What the operator calls this handle in messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            HandleKind::Block { kind: BlockKind::Data, .. } => {
                format!("data source `{}`", self.reference)
            }
            HandleKind::Block { .. } => format!("resource `{}`", self.reference),
            HandleKind::Module => format!("module `{}`", self.reference),
            HandleKind::Provider => format!("provider `{}`", self.reference),
            HandleKind::Remote { stack, .. } => format!("stack `{stack}`"),
        }
    }
}

/// A Terraform expression held by a script: a reference, a function call
/// or raw HCL. Attribute access and indexing extend references.
#[derive(Debug, Clone)]
pub struct TfExpr(pub Value);
