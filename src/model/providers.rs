use super::{ProviderRequirement, Stack, Step};

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
