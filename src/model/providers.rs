use indexmap::IndexMap;

use super::{Meta, Origin, Provider, ProviderRequirement, Stack, Step, Value};

/// Provider versions tsdsl is built and tested against; a stack that uses a
/// provider without pinning it gets these.
pub const DEFAULT_PROVIDER_VERSIONS: &[(&str, &str)] =
    &[("aws", "~> 6.0"), ("kubernetes", "~> 2.38"), ("helm", "~> 3.0"), ("random", "~> 3.7")];

/// The provider a resource type belongs to, as Terraform infers it: the
/// type name's first word (`aws_vpc` → `aws`).
pub fn provider_of_type(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// Adds a `required_providers` entry for every provider the stack uses
/// but does not list, so Terraform never falls back to an unpinned version.
pub fn complete_required_providers(stack: &mut Stack) {
    let mut used: Vec<String> = stack.providers.iter().map(|p| p.name.clone()).collect();
    for r in &stack.resources {
        let name = match &r.meta.provider {
            Some(p) => p.root.clone(),
            None => provider_of_type(&r.type_name).to_owned(),
        };
        used.push(name);
    }
    for e in &stack.ephemerals {
        used.push(match &e.meta.provider {
            Some(p) => p.root.clone(),
            None => provider_of_type(&e.type_name).to_owned(),
        });
    }
    for r in stack.resources.iter().flat_map(|r| r.meta.provider.iter()) {
        if let Some(Step::Attr(_)) = r.steps.first() {
            used.push(r.root.clone());
        }
    }
    for name in used {
        if name == "terraform" || stack.terraform.required_providers.contains_key(&name) {
            continue;
        }
        let version =
            DEFAULT_PROVIDER_VERSIONS.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
        stack.terraform.required_providers.insert(
            name.clone(),
            ProviderRequirement { source: format!("hashicorp/{name}"), version },
        );
    }
}

/// Whether the provider of local name `name` is hashicorp/aws: by its
/// `required_providers` source, else by the name Terraform assumes it for.
fn is_aws(stack: &Stack, name: &str) -> bool {
    match stack.terraform.required_providers.get(name) {
        Some(r) => {
            let source = r.source.to_ascii_lowercase();
            source.strip_prefix("registry.terraform.io/").unwrap_or(&source) == "hashicorp/aws"
        }
        None => name == "aws",
    }
}

/// The local names whose default (unaliased) configuration some block uses
/// without the stack declaring it: Terraform then makes an empty one.
fn implicit_defaults(stack: &Stack) -> Vec<String> {
    let by_meta = |meta: &Meta, type_name: Option<&str>| match &meta.provider {
        Some(p) if p.steps.is_empty() => Some(p.root.clone()),
        Some(_) => None,
        None => type_name.map(|t| provider_of_type(t).to_owned()),
    };
    let mut used: Vec<String> = Vec::new();
    used.extend(stack.resources.iter().filter_map(|r| by_meta(&r.meta, Some(&r.type_name))));
    used.extend(stack.ephemerals.iter().filter_map(|e| by_meta(&e.meta, Some(&e.type_name))));
    // A module call without `provider` hands it the default `aws`.
    for m in &stack.modules {
        let explicit = m.inputs.contains_key("providers");
        used.extend(if explicit { None } else { by_meta(&m.meta, Some("aws")) });
    }
    let mut missing: Vec<String> = Vec::new();
    for name in used {
        let declared = stack.providers.iter().any(|p| p.name == name && p.alias.is_none());
        if !declared && !missing.contains(&name) && is_aws(stack, &name) {
            missing.push(name);
        }
    }
    missing
}

/// Gives every hashicorp/aws provider configuration Terraform will use
/// `allowed_account_ids = ids`, placed after its `region`, so Terraform
/// itself refuses to plan against another account: the declared ones,
/// whatever their local name, and the default configuration a block uses
/// without a `provider("aws", ...)` (written out, at `origin`, for the
/// guard to have somewhere to go). Returns the providers that already
/// restrict accounts their own way (with the setting's name), which are
/// left as written.
pub fn allow_accounts(stack: &mut Stack, ids: &[String], origin: &Origin) -> Vec<(Origin, String)> {
    let list = Value::List(ids.iter().map(|i| Value::String(i.clone())).collect());
    for (i, name) in implicit_defaults(stack).into_iter().enumerate() {
        let p = Provider { name, alias: None, config: IndexMap::new(), origin: origin.clone() };
        stack.providers.insert(i, p);
    }
    let aws: Vec<bool> = stack.providers.iter().map(|p| is_aws(stack, &p.name)).collect();
    let mut conflicts = Vec::new();
    for (p, _) in stack.providers.iter_mut().zip(aws).filter(|(_, aws)| *aws) {
        if let Some(own) = ["allowed_account_ids", "forbidden_account_ids"]
            .into_iter()
            .find(|k| p.config.get(*k).is_some_and(|v| *v != list))
        {
            conflicts.push((p.origin.clone(), own.to_owned()));
            continue;
        }
        let at = p.config.get_index_of("region").map_or(0, |i| i + 1);
        p.config.shift_insert(at, "allowed_account_ids".to_owned(), list.clone());
    }
    conflicts
}
