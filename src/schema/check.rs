//! The schema phase's entry point: shape every resource, data source and
//! provider body of a stack, collecting every problem.

use std::borrow::Cow;

use indexmap::IndexMap;

use super::shape::{Shaper, Subject};
use super::Schemas;
use crate::diagnostics::{Code, Diagnostic, Target};
use crate::model::{BlockKind, Body, Item, Shaped, Stack, Value};

pub fn check(stack: &Stack, schemas: &Schemas) -> (Shaped, Vec<Diagnostic>) {
    check_in(stack, schemas, None)
}

/// [`check`], with local module folders (`source = "./x"`) read relative to
/// `module_root`, the folder the stack is written to.
pub fn check_in(
    stack: &Stack,
    schemas: &Schemas,
    module_root: Option<&std::path::Path>,
) -> (Shaped, Vec<Diagnostic>) {
    let mut diags = super::names::check(stack, schemas);
    let mut shaped = Shaped::default();
    for r in &stack.resources {
        let body = match schemas.block(r.kind, &r.type_name) {
            Some(block) => {
                let provider = schemas.provider_name(&r.type_name).unwrap_or("");
                let mut s = Shaper {
                    origin: &r.origin,
                    subject: Subject::Named(r.kind.noun(), &r.type_name),
                    computed_by: computed_by(provider),
                    diags: &mut diags,
                };
                s.body(&block, &r.attrs, &[])
            }
            None => {
                if let Some(why) = schemas.broken(r.kind, &r.type_name) {
                    let subject = format!("{} `{}`", r.kind.noun(), r.type_name);
                    diags.push(broken_schema(&r.origin, &subject, &why));
                    shaped.resources.push(unshaped(&r.attrs));
                    continue;
                }
                let (code, what) = match r.kind {
                    BlockKind::Data => (Code::SchemaUnknownDataSource, "data source"),
                    _ => (Code::SchemaUnknownResourceType, "resource type"),
                };
                let help = match schemas.suggest_type(r.kind, &r.type_name) {
                    Some(s) => Some(format!("did you mean `{s}`?")),
                    None if schemas.provider_name(&r.type_name).is_none() => Some(
                        "no known provider has types with this prefix; load its schema with `--schema FILE`".to_owned(),
                    ),
                    None => None,
                };
                diags.push(
                    Diagnostic::error(code, format!("unknown {what} `{}`", r.type_name))
                        .at_path(&r.origin, Vec::new(), Target::Call)
                        .label(format!("unknown {what}"))
                        .help_opt(help),
                );
                unshaped(&r.attrs)
            }
        };
        shaped.resources.push(body);
    }
    for p in &stack.providers {
        let body = match schemas.block(BlockKind::Provider, &p.name) {
            Some(block) => {
                let mut s = Shaper {
                    origin: &p.origin,
                    subject: Subject::Named("provider", &p.name),
                    computed_by: computed_by(&p.name),
                    diags: &mut diags,
                };
                s.body(&block, &p.config, &[])
            }
            None => {
                if let Some(why) = schemas.broken(BlockKind::Provider, &p.name) {
                    diags.push(broken_schema(&p.origin, &format!("provider `{}`", p.name), &why));
                }
                // a provider we hold no schema for: pass its arguments through
                unshaped(&p.config)
            }
        };
        shaped.providers.push(body);
    }
    super::language::check(stack, &mut diags);
    super::language::provider_meta(stack, schemas, &mut diags);
    super::language::cycles(stack, &mut diags);
    super::language::ephemerals(stack, schemas, &mut diags);
    super::language::dynamic_only_for_blocks(stack, &shaped, &mut diags);
    diags.extend(super::secrets::check(stack, schemas));
    let modules = module_root.map(|root| super::modules::load(stack, root)).unwrap_or_default();
    super::modules::check_inputs(stack, &modules, &mut diags);
    super::references::check(stack, schemas, &modules, &mut diags);
    (shaped, diags)
}

/// The schema built into tsdsl for a type it knows did not parse: a defect
/// of the build, not of the script, so it says so instead of "unknown type".
fn broken_schema(origin: &crate::model::Origin, subject: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InternalEmbeddedSchema,
        format!("internal error: the schema of {subject} built into tsdsl does not parse: {why}"),
    )
    .at_path(origin, Vec::new(), Target::Call)
    .label("its schema is damaged")
    .help("this is a bug in tsdsl, please report it; `--schema FILE` with the provider's own schema works around it")
}

/// Without a schema every key stays an attribute, so the output still says
/// what the script said.
fn unshaped(args: &IndexMap<String, Value>) -> Body {
    let mut body = Body::new();
    body.items = args.iter().map(|(k, v)| Item::Attr(k.clone(), v.clone())).collect();
    body
}

/// Who sets an output-only attribute, in an operator's words.
fn computed_by(provider: &str) -> Cow<'static, str> {
    Cow::Borrowed(match provider {
        "aws" => "AWS",
        "kubernetes" => "Kubernetes",
        "helm" => "Helm",
        "terraform" => "Terraform",
        "" => "the provider",
        other => return Cow::Owned(format!("the `{other}` provider")),
    })
}
