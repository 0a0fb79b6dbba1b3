use indexmap::IndexMap;

use super::{
    AcceptedSecret, BlockCall, Check, Condition, Ephemeral, Import, Moved, Origin, Reference,
    Removed, Value,
};

/// Everything one script declared: it becomes one Terraform root module
/// (one output folder).
#[derive(Debug, Clone, Default)]
pub struct Stack {
    pub name: String,
    pub terraform: Terraform,
    pub providers: Vec<Provider>,
    pub variables: Vec<Variable>,
    pub locals: Vec<Local>,
    /// Managed resources and data sources, in declaration order.
    pub resources: Vec<Resource>,
    pub modules: Vec<ModuleCall>,
    pub outputs: Vec<Output>,
    pub moved: Vec<Moved>,
    pub imports: Vec<Import>,
    pub removed: Vec<Removed>,
    pub checks: Vec<Check>,
    /// `ephemeral` resources, in declaration order.
    pub ephemerals: Vec<Ephemeral>,
    /// Literals the script accepted where a secret goes (`literal_secret`).
    pub accepted_secrets: Vec<AcceptedSecret>,
    /// The operator's call that made each resource, data source and local
    /// (`local.NAME`), by address; what the output files are grouped by.
    /// One missing here goes into `main.tf`.
    pub block_calls: std::collections::BTreeMap<String, BlockCall>,
    /// `(stack, output)` for each sensitive output of the stacks this one
    /// reads (`stack("shared")`): Terraform keeps them sensitive here too.
    pub sensitive_remote_outputs: Vec<(String, String)>,
    /// `(stack, output, type)` for the outputs of the stacks this one reads
    /// whose value is text, a bool, a list or a map: not a number, whatever
    /// arithmetic a script writes on them.
    pub remote_output_types: Vec<(String, String, String)>,
}

/// The `terraform { ... }` block.
#[derive(Debug, Clone, Default)]
pub struct Terraform {
    pub required_version: Option<String>,
    /// Local name (`aws`) to its requirement, in declaration order.
    pub required_providers: IndexMap<String, ProviderRequirement>,
    pub backend: Option<Backend>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRequirement {
    /// `hashicorp/aws`
    pub source: String,
    /// `~> 6.0`
    pub version: Option<String>,
}

/// `backend "s3" { ... }`: the arguments are plain values (Terraform allows
/// no references there).
#[derive(Debug, Clone)]
pub struct Backend {
    pub kind: String,
    pub config: IndexMap<String, Value>,
    pub origin: Origin,
}

/// A `provider "aws" { ... }` block; its arguments are shaped by the
/// provider's schema like a resource body.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub alias: Option<String>,
    pub config: IndexMap<String, Value>,
    pub origin: Origin,
}

impl Provider {
    /// `aws` or `aws.us_east_1`: what a resource's `provider` meta-argument names.
    pub fn address(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Resource,
    Data,
    Provider,
}

impl BlockKind {
    /// The word an operator reads: "resource type", "data source"...
    pub fn noun(self) -> &'static str {
        match self {
            BlockKind::Resource => "resource type",
            BlockKind::Data => "data source",
            BlockKind::Provider => "provider",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// `Resource` or `Data`.
    pub kind: BlockKind,
    /// `aws_vpc`
    pub type_name: String,
    /// `main`
    pub name: String,
    /// The arguments exactly as the script gave them; the schema phase turns
    /// them into a shaped body.
    pub attrs: IndexMap<String, Value>,
    pub meta: Meta,
    /// `(check id, reason)` pairs the script gave to silence a checkov check;
    /// emitted as `#checkov:skip=ID:reason` comments inside the block.
    pub checkov_skips: Vec<(String, String)>,
    pub origin: Origin,
}

impl Resource {
    /// `aws_vpc.main` or `data.aws_ami.al2`.
    pub fn address(&self) -> String {
        match self.kind {
            BlockKind::Data => format!("data.{}.{}", self.type_name, self.name),
            _ => format!("{}.{}", self.type_name, self.name),
        }
    }

    /// The reference to this block itself, to which attributes are appended.
    pub fn reference(&self) -> Reference {
        match self.kind {
            BlockKind::Data => Reference::new("data").attr(&self.type_name).attr(&self.name),
            _ => Reference::new(&self.type_name).attr(&self.name),
        }
    }
}

/// Terraform's meta-arguments, common to resources, data sources and modules.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub count: Option<Value>,
    pub for_each: Option<Value>,
    pub depends_on: Vec<Reference>,
    /// `aws.us_east_1`
    pub provider: Option<Reference>,
    pub lifecycle: Option<Lifecycle>,
}

#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    pub create_before_destroy: Option<bool>,
    pub prevent_destroy: Option<bool>,
    /// Attribute names, emitted as bare traversals (`ignore_changes = [tags]`);
    /// `["all"]` is emitted as the keyword `all`.
    pub ignore_changes: Vec<String>,
    pub replace_triggered_by: Vec<Reference>,
    pub preconditions: Vec<Condition>,
    /// May read the block's own attributes through `self`.
    pub postconditions: Vec<Condition>,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    /// An HCL type expression (`string`, `list(string)`, `object({...})`),
    /// checked to parse when declared.
    pub type_expr: Option<String>,
    pub default: Option<Value>,
    pub description: Option<String>,
    pub sensitive: bool,
    /// Available during plan and apply only, never stored in state or plan.
    pub ephemeral: bool,
    pub nullable: Option<bool>,
    pub validations: Vec<Validation>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Validation {
    pub condition: Value,
    pub error_message: String,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub value: Value,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub version: Option<String>,
    pub inputs: IndexMap<String, Value>,
    pub meta: Meta,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: Value,
    pub description: Option<String>,
    pub sensitive: bool,
    pub ephemeral: bool,
    pub depends_on: Vec<Reference>,
    pub preconditions: Vec<Condition>,
    pub origin: Origin,
}

impl Stack {
    pub fn new(name: impl Into<String>) -> Self {
        Stack { name: name.into(), ..Stack::default() }
    }

    /// The old addresses the script's `moved(...)` blocks move away from.
    pub fn moved_from(&self) -> Vec<String> {
        self.moved.iter().map(|m| m.from.to_string()).collect()
    }

    pub fn resource_count(&self) -> usize {
        self.resources.iter().filter(|r| r.kind == BlockKind::Resource).count()
    }

    pub fn data_count(&self) -> usize {
        self.resources.iter().filter(|r| r.kind == BlockKind::Data).count()
    }
}
