use super::{Origin, ProviderRequirement, Stack, Step, Value};

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

/// Gives every aws provider `allowed_account_ids = ids`, placed after its
/// `region`, so Terraform itself refuses to plan against another account.
/// Returns the providers that already restrict accounts their own way
/// (with the setting's name), which are left as written.
pub fn allow_accounts(stack: &mut Stack, ids: &[String]) -> Vec<(Origin, String)> {
    let list = Value::List(ids.iter().map(|i| Value::String(i.clone())).collect());
    let mut conflicts = Vec::new();
    for p in stack.providers.iter_mut().filter(|p| p.name == "aws") {
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
