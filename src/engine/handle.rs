//! The values scripts hold: handles on declared blocks and Terraform
//! expressions. Both are opaque; their attributes are references.

use std::rc::Rc;

use crate::model::{BlockKind, Reference, Value};

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
    },
    Module,
    Provider,
    /// Another stack's outputs, read through `terraform_remote_state`.
    Remote {
        stack: String,
        outputs: Rc<Vec<String>>,
    },
}

impl Handle {
    pub fn block(kind: BlockKind, type_name: &str, reference: Reference) -> Self {
        Handle { kind: HandleKind::Block { kind, type_name: type_name.to_owned() }, reference }
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
