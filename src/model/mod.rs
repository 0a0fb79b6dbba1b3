//! The infrastructure model: what a script declared, independent of Rhai and of HCL.
//!
//! The engine fills a [`Stack`]; the schema phase checks it and shapes every
//! block body; the emitter lays the shaped stack out as files. Nothing here
//! imports `rhai` or `hcl`, so each phase can be tested on plain values.

mod block_call;
mod body;
mod dedup;
mod language;
mod names;
mod op;
mod origin;
mod providers;
mod reference;
mod secrets;
mod shaped;
mod stack;
mod value;

pub use block_call::BlockCall;
pub use body::{Body, Item, ShapedBlock};
pub use dedup::merge_identical_data;
pub use language::{Check, Condition, Ephemeral, Import, Moved, Removed};
pub use names::{identifier_fix, is_attribute_path, is_identifier, shown};
pub use op::Op;
pub use origin::{Origin, PathSeg, Site};
pub use providers::{
    allow_accounts, complete_required_providers, provider_of_type, DEFAULT_PROVIDER_VERSIONS,
};
pub use reference::{Reference, Step};
pub use secrets::{is_secret_name, literal_text, AcceptedSecret};
pub use shaped::Shaped;
pub use stack::{
    Backend, BlockKind, Lifecycle, Local, Meta, ModuleCall, Output, Provider, ProviderRequirement,
    Resource, Stack, Terraform, Validation, Variable,
};
pub use value::{TemplatePart, Value};
