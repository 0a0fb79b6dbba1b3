//! The parts of the Terraform language that are not blocks with a schema:
//! refactoring blocks (`moved`, `import`, `removed`), `check` blocks and the
//! custom conditions shared by lifecycles, outputs and checks.

use indexmap::IndexMap;

use super::{Meta, Origin, Reference, Value};

/// `condition` + `error_message`, as in `precondition`, `postcondition`
/// and a check's `assert`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub condition: Value,
    /// A string or a template: Terraform evaluates it when the condition fails.
    pub error_message: Value,
}

/// `moved { from = ..., to = ... }`: a renamed address keeps its state.
#[derive(Debug, Clone)]
pub struct Moved {
    pub from: Reference,
    pub to: Reference,
    pub origin: Origin,
}

/// `import { to = ..., id = ... }`: adopt an existing object.
#[derive(Debug, Clone)]
pub struct Import {
    pub to: Reference,
    /// The instance key of `to` when it is an expression (`each.key`).
    pub to_key: Option<Value>,
    pub id: Option<Value>,
    pub identity: Option<IndexMap<String, Value>>,
    pub for_each: Option<Value>,
    /// `aws.us_east_1`
    pub provider: Option<Reference>,
    pub origin: Origin,
}

/// `removed { from = ... lifecycle { destroy = ... } }`: stop managing an
/// object, destroying it or not.
#[derive(Debug, Clone)]
pub struct Removed {
    pub from: Reference,
    pub destroy: Option<bool>,
    pub origin: Origin,
}

/// `check "NAME" { data ... assert { ... } }`.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    /// Addresses (`data.http.site`) of the data sources scoped to this check;
    /// they are declared like any data source and emitted inside the check.
    pub data: Vec<String>,
    pub asserts: Vec<Condition>,
    pub origin: Origin,
}

/// `ephemeral "TYPE" "NAME" { ... }`: a value opened for one plan or apply
/// (a secret, a token) and never written to state or plan.
#[derive(Debug, Clone)]
pub struct Ephemeral {
    pub type_name: String,
    pub name: String,
    pub attrs: IndexMap<String, Value>,
    pub meta: Meta,
    pub origin: Origin,
}

impl Ephemeral {
    /// `ephemeral.random_password.db`
    pub fn reference(&self) -> Reference {
        Reference::new("ephemeral").attr(&self.type_name).attr(&self.name)
    }
}
