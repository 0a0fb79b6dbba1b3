//! Checks of the refactoring and check blocks against the whole stack:
//! a `moved`/`imported` target is declared, a `removed` or moved-away
//! address is not, instance keys fit `count`/`for_each` and
//! a check's data source is read only inside it.

use super::dynamic::contains_dynamic;
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Target};
use crate::model::{
    BlockKind, Body, Item, Origin, PathSeg, Reference, Resource, Shaped, Stack, Step, Value,
};

pub fn check(stack: &Stack, diags: &mut Vec<Diagnostic>) {
    for m in &stack.moved {
        let target = target_declared(stack, &m.to, &m.origin, "`moved` to", diags);
        if let (Some(r), true) = (target, m.to.steps.len() > 1) {
            instance_key(r, &m.to, false, &m.origin, diags);
        }
        if m.from.root != "module" && m.from.steps.len() == 1 {
            let still =
                find(stack, &m.from).is_some() && m.from.object_address() != m.to.object_address();
            if still {
                diags.push(
                    Diagnostic::error(
                        Code::ModelMovedFromDeclared,
                        format!("`moved` from `{}`, which is still declared", m.from),
                    )
                    .at_path(&m.origin, Vec::new(), Target::Call)
                    .label("still declared")
                    .help("the old address must be gone from the script; rename the block to the new address"),
                );
            }
        }
    }
    for i in &stack.imports {
        if let Some(r) = target_declared(stack, &i.to, &i.origin, "`imported` into", diags) {
            instance_key(r, &i.to, i.to_key.is_some(), &i.origin, diags);
        }
    }
    for r in &stack.removed {
        let declared = match r.from.root.as_str() {
            "module" if r.from.steps.len() == 1 => stack
                .modules
                .iter()
                .any(|m| Some(&Step::Attr(m.name.clone())) == r.from.steps.first()),
            "module" => false,
            _ => find(stack, &r.from).is_some(),
        };
        if declared {
            diags.push(
                Diagnostic::error(
                    Code::ModelRemovedStillDeclared,
                    format!("`removed` names `{}`, which is still declared", r.from),
                )
                .at_path(&r.origin, Vec::new(), Target::Call)
                .label("still declared")
                .help("delete the block from the script, or drop this `removed(...)`"),
            );
        }
    }
    ephemeral_values_stay_ephemeral(stack, diags);
    scoped_data_stays_inside(stack, diags);
}

fn find<'a>(stack: &'a Stack, r: &Reference) -> Option<&'a Resource> {
    let Some(Step::Attr(name)) = r.steps.first() else { return None };
    stack
        .resources
        .iter()
        .find(|x| x.kind == BlockKind::Resource && x.type_name == r.root && x.name == *name)
}

/// The resource or module a target names, when it lies in this stack;
/// a miss is reported with the closest declared address.
fn target_declared<'a>(
    stack: &'a Stack,
    to: &Reference,
    origin: &Origin,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a Resource> {
    let (found, known): (bool, Vec<String>) = if to.root == "module" {
        let Some(Step::Attr(name)) = to.steps.first() else { return None };
        let names: Vec<String> =
            stack.modules.iter().map(|m| format!("module.{}", m.name)).collect();
        (stack.modules.iter().any(|m| m.name == *name), names)
    } else {
        let names = stack
            .resources
            .iter()
            .filter(|r| r.kind == BlockKind::Resource)
            .map(Resource::address)
            .collect();
        (find(stack, to).is_some(), names)
    };
    if found {
        return find(stack, to);
    }
    let wanted = if to.root == "module" {
        let mut r = Reference::new("module");
        r.steps = to.steps.iter().take(1).cloned().collect();
        r.to_string()
    } else {
        to.object_address()
    };
    diags.push(
        Diagnostic::error(
            Code::ModelUndefinedReference,
            format!("{what} `{wanted}`, which this script does not declare"),
        )
        .at_path(origin, Vec::new(), Target::Call)
        .label("not declared")
        .help(did_you_mean(&wanted, known.iter().map(String::as_str)).unwrap_or_else(
            || "declare the block under its new address, or pass its handle".to_owned(),
        )),
    );
    None
}

/// A `count` resource is imported by index, a `for_each` one by key, a
/// plain one by its bare address.
fn instance_key(
    r: &Resource,
    to: &Reference,
    expr_key: bool,
    origin: &Origin,
    diags: &mut Vec<Diagnostic>,
) {
    let key = to.steps.get(1);
    let problem = match (&r.meta.count, &r.meta.for_each, key, expr_key) {
        (Some(_), _, Some(Step::Index(_)), false) => None,
        (Some(_), _, _, _) => Some(("uses `count`", "name one instance: `web.at(0)`")),
        (_, Some(_), Some(Step::Key(_)), false) | (_, Some(_), None, true) => None,
        (_, Some(_), _, _) => Some((
            "uses `for_each`",
            "name one instance: `users.at(\"alice\")`, or give `for_each` and `key`",
        )),
        (None, None, None, false) => None,
        (None, None, _, _) => Some(("has neither `count` nor `for_each`", "drop the instance key")),
    };
    if let Some((has, help)) = problem {
        diags.push(
            Diagnostic::error(
                Code::ModelBadInstanceKey,
                format!("`{}` {has}, so `{to}` names no instance of it", r.address()),
            )
            .at_path(origin, Vec::new(), Target::Call)
            .label("wrong instance key")
            .help(help),
        );
    }
}

/// Terraform resolves a check's data source only inside that check.
fn scoped_data_stays_inside(stack: &Stack, diags: &mut Vec<Diagnostic>) {
    let scoped: Vec<&str> =
        stack.checks.iter().flat_map(|c| c.data.iter().map(String::as_str)).collect();
    if scoped.is_empty() {
        return;
    }
    let reads = |v: &Value| {
        v.references()
            .into_iter()
            .map(Reference::object_address)
            .find(|a| scoped.contains(&a.as_str()))
    };
    let mut report = |origin: &Origin, address: String| {
        diags.push(
            Diagnostic::error(Code::ModelScopedDataOutsideCheck, format!("data source `{address}` belongs to a check and cannot be read here"))
                .at_path(origin, Vec::new(), Target::Call)
                .label("read outside its check")
                .help("declare a second data source for use outside the check, or drop it from the check's `data`"),
        );
    };
    for r in &stack.resources {
        if let Some(a) = r.attrs.values().find_map(reads) {
            report(&r.origin, a);
        }
    }
    for o in &stack.outputs {
        if let Some(a) = reads(&o.value) {
            report(&o.origin, a);
        }
    }
    for l in &stack.locals {
        if let Some(a) = reads(&l.value) {
            report(&l.origin, a);
        }
    }
    for m in &stack.modules {
        if let Some(a) = m.inputs.values().find_map(reads) {
            report(&m.origin, a);
        }
    }
}

/// Ephemeral values (an `ephemeral` resource, an ephemeral variable, a local
/// built from one) may feed providers, locals, other ephemeral resources and
/// write-only arguments (`*_wo`), never what Terraform stores.
fn ephemeral_values_stay_ephemeral(stack: &Stack, diags: &mut Vec<Diagnostic>) {
    let vars: Vec<&str> =
        stack.variables.iter().filter(|v| v.ephemeral).map(|v| v.name.as_str()).collect();
    if vars.is_empty() && stack.ephemerals.is_empty() {
        return;
    }
    let mut locals: Vec<&str> = Vec::new();
    let source = |r: &Reference, locals: &[&str]| -> Option<String> {
        let name = match r.steps.first() {
            Some(Step::Attr(n)) => n.as_str(),
            _ => "",
        };
        let hit = match r.root.as_str() {
            "ephemeral" => true,
            "var" => vars.contains(&name),
            "local" => locals.contains(&name),
            _ => false,
        };
        hit.then(|| r.object_address())
    };
    // a local is ephemeral when it reads an ephemeral value; locals may be
    // declared in any order, so repeat until nothing changes
    loop {
        let before = locals.len();
        for l in &stack.locals {
            if !locals.contains(&l.name.as_str())
                && l.value.references().iter().any(|r| source(r, &locals).is_some())
            {
                locals.push(&l.name);
            }
        }
        if locals.len() == before {
            break;
        }
    }
    let reads = |v: &Value| v.references().into_iter().find_map(|r| source(r, &locals));
    let mut report = |origin: &Origin, path: Vec<PathSeg>, what: String, address: String| {
        let target = if path.is_empty() { Target::Call } else { Target::Value };
        diags.push(
            Diagnostic::error(
                Code::ModelEphemeralValueStored,
                format!("{what} reads the ephemeral value `{address}`, which Terraform would store"),
            )
            .at_path(origin, path, target)
            .label("ephemeral value used here")
            .help("pass ephemeral values to providers, locals, other `ephemeral(...)` blocks or write-only arguments (named `..._wo`)"),
        );
    };
    for r in &stack.resources {
        for (k, v) in &r.attrs {
            if k.ends_with("_wo") {
                continue;
            }
            if let Some(a) = reads(v) {
                let path = vec![PathSeg::key(k)];
                report(&r.origin, path, format!("argument `{k}` of `{}`", r.address()), a);
            }
        }
    }
    for o in &stack.outputs {
        if let Some(a) = reads(&o.value) {
            report(&o.origin, Vec::new(), format!("output `{}`", o.name), a);
        }
    }
}

/// `tf::dynamic(...)` makes blocks; anywhere a value is written it has no
/// meaning, so it is reported at the key that holds it.
pub fn dynamic_only_for_blocks(stack: &Stack, shaped: &Shaped, diags: &mut Vec<Diagnostic>) {
    fn in_body(body: &Body, path: &mut Vec<PathSeg>, found: &mut Option<Vec<PathSeg>>) {
        for item in &body.items {
            match item {
                Item::Attr(k, v) if contains_dynamic(v) && found.is_none() => {
                    let mut p = path.clone();
                    p.push(PathSeg::key(k));
                    *found = Some(p);
                }
                Item::Block(b) if b.ident != "dynamic" => {
                    path.push(PathSeg::key(&b.ident));
                    in_body(&b.body, path, found);
                    path.pop();
                }
                Item::Block(b) => in_body(&b.body, path, found),
                Item::Attr(..) => {}
            }
        }
    }
    let mut report = |origin: &Origin, path: Vec<PathSeg>, what: &str| {
        let target = if path.is_empty() { Target::Call } else { Target::Value };
        diags.push(
            Diagnostic::error(
                Code::ModelDynamicNotABlock,
                format!("`tf::dynamic(...)` makes blocks, but {what} is a value"),
            )
            .at_path(origin, path, target)
            .label("not a block")
            .help("use `tf::dynamic` for a nested block of a resource; for a list value use `tf::for_list(...)`"),
        );
    };
    for (r, body) in stack.resources.iter().zip(&shaped.resources) {
        let mut found = None;
        in_body(body, &mut Vec::new(), &mut found);
        if let Some(path) = found {
            let key = path.last().map(|p| p.to_string()).unwrap_or_default();
            report(&r.origin, path, &format!("`{}`", key.trim_start_matches('.')));
        }
    }
    for (k, v) in stack
        .ephemerals
        .iter()
        .flat_map(|e| e.attrs.iter().map(move |kv| (e, kv)))
        .map(|(e, (k, v))| ((e, k), v))
    {
        if contains_dynamic(v) {
            report(
                &k.0.origin,
                vec![PathSeg::key(k.1)],
                &format!("`{}` (no schema is known for ephemeral types)", k.1),
            );
        }
    }
    for l in stack.locals.iter().filter(|l| contains_dynamic(&l.value)) {
        report(&l.origin, Vec::new(), &format!("local `{}`", l.name));
    }
    for o in stack.outputs.iter().filter(|o| contains_dynamic(&o.value)) {
        report(&o.origin, Vec::new(), &format!("output `{}`", o.name));
    }
    for m in &stack.modules {
        if let Some(k) = m.inputs.iter().find(|(_, v)| contains_dynamic(v)).map(|(k, _)| k) {
            report(&m.origin, vec![PathSeg::key(k)], &format!("module input `{k}`"));
        }
    }
    for v in stack.variables.iter().filter(|v| v.default.as_ref().is_some_and(contains_dynamic)) {
        report(&v.origin, Vec::new(), &format!("the default of `{}`", v.name));
    }
    for (p, body) in stack.providers.iter().zip(&shaped.providers) {
        let mut found = None;
        in_body(body, &mut Vec::new(), &mut found);
        if let Some(path) = found {
            report(&p.origin, path, "a provider argument");
        }
    }
}

/// What tsdsl can say of an ephemeral resource without its schema: its type
/// belongs to a known provider, and its `lifecycle` holds only conditions.
pub fn ephemerals(stack: &Stack, schemas: &super::Schemas, diags: &mut Vec<Diagnostic>) {
    for e in &stack.ephemerals {
        if e.meta.provider.is_none() && schemas.provider_name(&e.type_name).is_none() {
            diags.push(
                Diagnostic::error(
                    Code::SchemaUnknownResourceType,
                    format!("unknown ephemeral resource type `{}`", e.type_name),
                )
                .at_path(&e.origin, Vec::new(), Target::Call)
                .label("no known provider")
                .help("an ephemeral type starts with its provider's name, e.g. `random_password` or `aws_secretsmanager_secret_version`"),
            );
        }
        if let Some(l) = &e.meta.lifecycle {
            let managed = l.create_before_destroy.is_some()
                || l.prevent_destroy.is_some()
                || !l.ignore_changes.is_empty()
                || !l.replace_triggered_by.is_empty();
            if managed {
                diags.push(
                    Diagnostic::error(
                        Code::ModelBadMetaArgument,
                        format!("ephemeral resource `{}` keeps no state, so its `lifecycle` takes only `precondition` and `postcondition`", e.reference()),
                    )
                    .at_path(&e.origin, vec![PathSeg::key("lifecycle")], Target::Key)
                    .label("not for an ephemeral resource")
                    .help("drop `create_before_destroy`, `prevent_destroy`, `ignore_changes` and `replace_triggered_by`"),
                );
            }
        }
    }
}

/// A block's `provider` names a provider configuration this stack declares
/// (an alias Terraform would not find fails its validate), of the provider
/// that serves the block's type (`kubernetes` cannot manage `aws_vpc`).
pub fn provider_meta(stack: &Stack, schemas: &super::Schemas, diags: &mut Vec<Diagnostic>) {
    let declared: Vec<String> = stack.providers.iter().map(|p| p.address()).collect();
    for r in &stack.resources {
        let Some(p) = &r.meta.provider else { continue };
        let address = p.to_string();
        let at =
            |d: Diagnostic| d.at_path(&r.origin, vec![PathSeg::key("provider")], Target::Value);
        if !p.steps.is_empty() && !declared.contains(&address) {
            let help = did_you_mean(&address, declared.iter().map(String::as_str)).unwrap_or_else(|| {
                format!(
                    "declare it: `provider(\"{}\", #{{ alias: \"{}\", ... }})`, and pass what it returns",
                    p.root,
                    p.steps.iter().map(|s| match s {
                        Step::Attr(a) => a.as_str(),
                        _ => "",
                    }).collect::<String>()
                )
            });
            diags.push(
                at(Diagnostic::error(
                    Code::ModelUnknownReference,
                    format!("provider `{address}` is not declared in this stack"),
                ))
                .label("no such provider")
                .help(help),
            );
            continue;
        }
        let Some(owner) = schemas.provider_name(&r.type_name) else { continue };
        let known = |name: &str| schemas.provider_address(name);
        if p.root != owner && known(&p.root).is_some() && known(&p.root) != known(owner) {
            diags.push(
                at(Diagnostic::error(
                    Code::ModelBadMetaArgument,
                    format!(
                        "`{}` is a type of the `{owner}` provider: `{address}` cannot manage it",
                        r.type_name
                    ),
                ))
                .label("another provider")
                .help(format!("pass an `{owner}` provider, or none for the default one")),
            );
        }
    }
}

/// Locals and blocks that refer to themselves, or to each other in a
/// circle: Terraform refuses them when it builds its graph. Found without
/// recursion (Kahn's order: what is left once every node that waits on
/// nothing left is taken, is in or behind a cycle), so a long chain of
/// 10,000 blocks costs no stack.
pub fn cycles(stack: &Stack, diags: &mut Vec<Diagnostic>) {
    use std::collections::HashMap;
    // Keyed by borrowed parts, not by an address built per reference: a
    // 10,000-block stack has tens of thousands of references.
    type Key<'a> = (&'a str, &'a str, &'a str);
    let mut keys: Vec<Key> = Vec::new();
    let mut origins: Vec<&Origin> = Vec::new();
    let mut values: Vec<Vec<&Value>> = Vec::new();
    for r in &stack.resources {
        let key = match r.kind {
            BlockKind::Data => ("data", r.type_name.as_str(), r.name.as_str()),
            _ => ("", r.type_name.as_str(), r.name.as_str()),
        };
        keys.push(key);
        origins.push(&r.origin);
        values.push(
            r.attrs.values().chain(r.meta.count.iter()).chain(r.meta.for_each.iter()).collect(),
        );
    }
    for l in &stack.locals {
        keys.push(("local", l.name.as_str(), ""));
        origins.push(&l.origin);
        values.push(vec![&l.value]);
    }
    // Nothing refers to anything (a stack of independent blocks): no cycle,
    // and no index to build.
    // References written in expression text (`tf::expr("local.b")`) count
    // as well: Terraform builds its graph from them too.
    let in_text: Vec<Vec<Reference>> = values
        .iter()
        .map(|vs| vs.iter().flat_map(|v| super::text_refs::in_value(v)).collect())
        .collect();
    let depends = stack.resources.iter().any(|r| !r.meta.depends_on.is_empty());
    if !depends
        && in_text.iter().all(Vec::is_empty)
        && values.iter().all(|vs| vs.iter().all(|v| v.references().is_empty()))
    {
        return;
    }
    let name_of = |i: usize| match keys[i] {
        ("", t, n) => format!("{t}.{n}"),
        ("data", t, n) => format!("data.{t}.{n}"),
        (_, n, _) => format!("local.{n}"),
    };
    let index: HashMap<Key, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let key_of = |r: &Reference| -> Option<usize> {
        let step = |i: usize| match r.steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let key = match r.root.as_str() {
            "data" => ("data", step(0)?, step(1)?),
            "local" => ("local", step(0)?, ""),
            root => ("", root, step(0)?),
        };
        index.get(&key).copied()
    };
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    for (i, vs) in values.iter().enumerate() {
        let refs = vs.iter().flat_map(|v| v.references()).chain(in_text[i].iter());
        let explicit =
            stack.resources.get(i).map(|r| r.meta.depends_on.iter()).into_iter().flatten();
        for r in refs.chain(explicit) {
            if let Some(j) = key_of(r) {
                if !deps[i].contains(&j) {
                    deps[i].push(j);
                }
            }
        }
    }
    let names_len = keys.len();
    if let Some(i) = (0..names_len).find(|&i| deps[i].contains(&i)) {
        diags.push(
            Diagnostic::error(
                Code::ModelReferenceCycle,
                format!("`{}` refers to itself", name_of(i)),
            )
            .at_path(origins[i], Vec::new(), Target::Call)
            .label("refers to itself")
            .help("a value cannot be computed from itself: compute it from other values"),
        );
        return;
    }
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); names_len];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            needed_by[j].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..names_len).filter(|&i| waiting[i] == 0).collect();
    let mut done = vec![false; names_len];
    while let Some(j) = ready.pop() {
        done[j] = true;
        for &i in &needed_by[j] {
            waiting[i] -= 1;
            if waiting[i] == 0 {
                ready.push(i);
            }
        }
    }
    let Some(start) = (0..names_len).find(|&i| !done[i]) else { return };
    // Walk what is left until a node comes back: that is a cycle.
    let mut path = vec![start];
    let mut at = start;
    let circle = loop {
        let Some(&next) = deps[at].iter().find(|&&j| !done[j]) else { return };
        if let Some(k) = path.iter().position(|&p| p == next) {
            break path[k..].to_vec();
        }
        path.push(next);
        at = next;
    };
    let first = *circle.iter().min().unwrap_or(&start);
    let k = circle.iter().position(|&c| c == first).unwrap_or(0);
    let ring: Vec<String> =
        circle[k..].iter().chain(&circle[..k]).chain([&first]).map(|&i| name_of(i)).collect();
    diags.push(
        Diagnostic::error(
            Code::ModelReferenceCycle,
            format!("these refer to each other in a circle: {}", ring.join(" -> ")),
        )
        .at_path(origins[first], Vec::new(), Target::Call)
        .label("in a cycle")
        .help("Terraform needs an order: one of them must not depend on the next (move the shared part into its own block or local)"),
    );
}
