//! The stack as HCL blocks, one group per output file.
//!
//! Block order and attribute order are fixed here so that an unchanged
//! stack always gives byte-identical files.

use std::collections::BTreeMap;

use super::layout::{Entry, HclBlock};
use super::literal::{object_key, quote};
use super::node::HclNode;
use super::value::{attr_value, expr_text, reference};
use crate::model::{self, BlockKind, Item, Meta, Reference};

pub(crate) fn versions(t: &model::Terraform) -> Vec<HclBlock> {
    let mut entries = Vec::new();
    if let Some(v) = &t.required_version {
        entries.push(Entry::Attr("required_version".into(), leaf_str(v)));
    }
    if !t.required_providers.is_empty() {
        let reqs = t
            .required_providers
            .iter()
            .map(|(name, req)| {
                let mut items = vec![("source".to_owned(), leaf_str(&req.source))];
                if let Some(v) = &req.version {
                    items.push(("version".to_owned(), leaf_str(v)));
                }
                Entry::Attr(name.clone(), HclNode::Map(items))
            })
            .collect();
        entries.push(Entry::Block(HclBlock::new("required_providers", vec![], reqs)));
    }
    if let Some(b) = &t.backend {
        let config = b.config.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v))).collect();
        entries.push(Entry::Block(HclBlock::new("backend", vec![b.kind.clone()], config)));
    }
    if entries.is_empty() {
        return Vec::new();
    }
    vec![HclBlock::new("terraform", vec![], entries)]
}

pub(crate) fn providers(stack: &model::Stack, shaped: &model::Shaped) -> Vec<HclBlock> {
    stack
        .providers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut entries = Vec::new();
            // `alias` leads the arguments' alignment run, as Terraform's docs write it.
            if let Some(a) = &p.alias {
                entries.push(Entry::Attr("alias".into(), leaf_str(a)));
            }
            match shaped.providers.get(i) {
                Some(body) => entries.extend(body_entries(body)),
                // Unshaped (the checks phase did not run): the arguments as given.
                None => entries
                    .extend(p.config.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v)))),
            }
            HclBlock::new("provider", vec![p.name.clone()], entries)
        })
        .collect()
}

/// Terraform's style guide order: type, description, default, sensitive,
/// nullable, then validation blocks.
pub(crate) fn variables(stack: &model::Stack) -> Vec<HclBlock> {
    stack
        .variables
        .iter()
        .map(|v| {
            let mut entries = Vec::new();
            if let Some(t) = &v.type_expr {
                entries.push(Entry::Attr("type".into(), expr_text(t)));
            }
            if let Some(d) = &v.description {
                entries.push(Entry::Attr("description".into(), leaf_str(d)));
            }
            if let Some(d) = &v.default {
                entries.push(Entry::Attr("default".into(), attr_value(d)));
            }
            if v.sensitive {
                entries.push(Entry::Attr("sensitive".into(), HclNode::Leaf("true".into())));
            }
            if v.ephemeral {
                entries.push(Entry::Attr("ephemeral".into(), HclNode::Leaf("true".into())));
            }
            if let Some(n) = v.nullable {
                entries.push(Entry::Attr("nullable".into(), HclNode::Leaf(n.to_string())));
            }
            for val in &v.validations {
                let body = vec![
                    Entry::Attr("condition".into(), attr_value(&val.condition)),
                    Entry::Attr("error_message".into(), leaf_str(&val.error_message)),
                ];
                entries.push(Entry::Block(HclBlock::new("validation", vec![], body)));
            }
            HclBlock::new("variable", vec![v.name.clone()], entries)
        })
        .collect()
}

/// `locals`, then data sources and resources in declaration order, then
/// module calls: `main` is the groups of [`groups`] that go to `main.tf`.
pub(crate) fn main(
    stack: &model::Stack,
    shaped: &model::Shaped,
    main: Vec<Group>,
) -> Vec<HclBlock> {
    let mut blocks = Vec::new();
    let locals: Vec<usize> = main.iter().flat_map(|g| g.locals.iter().copied()).collect();
    blocks.extend(locals_block(stack, &locals));
    // ephemeral values feed resources, so they are read first
    blocks.extend(stack.ephemerals.iter().map(super::language::ephemeral));
    for group in main {
        blocks.extend(
            group.members.iter().map(|&i| resource(&stack.resources[i], shaped.resources.get(i))),
        );
    }
    blocks.extend(stack.modules.iter().map(module));
    let data_block = |i: usize| match stack.resources.get(i) {
        Some(r) => resource(r, shaped.resources.get(i)),
        None => HclBlock::new("data", vec![], vec![]),
    };
    blocks.extend(super::language::hcl_blocks(stack, &data_block));
    blocks
}

/// The file of raw blocks, locals, module calls and the language blocks.
pub(crate) const MAIN: &str = "main";

/// The blocks one operator's call made (by index in the stack), and the
/// comment that names the call.
#[derive(Debug, Default)]
pub(crate) struct Group {
    pub label: Option<String>,
    pub members: Vec<usize>,
    /// Locals the call declared, by index in the stack.
    pub locals: Vec<usize>,
}

/// Resources and data sources outside check blocks by output file (without
/// its extension), then by the call that made them: groups in the order of
/// their first block, blocks in declaration order.
pub(crate) fn groups(stack: &model::Stack) -> BTreeMap<String, Vec<Group>> {
    let scoped = super::language::scoped(stack);
    let mut files: BTreeMap<String, Vec<Group>> = BTreeMap::new();
    for (i, r) in stack.resources.iter().enumerate() {
        let address = r.address();
        if scoped.contains(&address.as_str()) {
            continue;
        }
        let call = stack.block_calls.get(&address);
        let file = call.map_or(MAIN, |c| c.file.as_str());
        group(&mut files, file, call.and_then(model::BlockCall::label)).members.push(i);
    }
    for (i, l) in stack.locals.iter().enumerate() {
        let call = stack.block_calls.get(&format!("local.{}", l.name));
        let file = call.map_or(MAIN, |c| c.file.as_str());
        group(&mut files, file, call.and_then(model::BlockCall::label)).locals.push(i);
    }
    files
}

/// [`groups`], the groups of `main.tf` apart from those of the other files:
/// computed once for both.
pub(crate) fn split_main(stack: &model::Stack) -> (Vec<Group>, BTreeMap<String, Vec<Group>>) {
    let mut by_file = groups(stack);
    (by_file.remove(MAIN).unwrap_or_default(), by_file)
}

fn group<'g>(
    files: &'g mut BTreeMap<String, Vec<Group>>,
    file: &str,
    label: Option<String>,
) -> &'g mut Group {
    let groups = files.entry(file.to_owned()).or_default();
    let at = match groups.iter().position(|g| g.label == label) {
        Some(at) => at,
        None => {
            groups.push(Group { label, ..Group::default() });
            groups.len() - 1
        }
    };
    &mut groups[at]
}

/// One `locals` block of the stack's locals at `indices`, if any.
pub(crate) fn locals_block(stack: &model::Stack, indices: &[usize]) -> Option<HclBlock> {
    let entries: Vec<Entry> = indices
        .iter()
        .map(|&i| &stack.locals[i])
        .map(|l| Entry::Attr(l.name.clone(), attr_value(&l.value)))
        .collect();
    (!entries.is_empty()).then(|| HclBlock::new("locals", vec![], entries))
}

/// The files of the operator's calls: `network` → its blocks, each group
/// under a comment naming the call. `files` is [`groups`] without `main`.
pub(crate) fn grouped(
    stack: &model::Stack,
    shaped: &model::Shaped,
    files: BTreeMap<String, Vec<Group>>,
) -> Vec<(String, Vec<Entry>)> {
    let mut out = Vec::new();
    for (file, groups) in files {
        let mut entries = Vec::new();
        for g in groups {
            if let Some(label) = &g.label {
                entries.push(Entry::Blank);
                entries.push(Entry::Comment(format!("# {label}")));
                entries.push(Entry::Blank);
            }
            entries.extend(locals_block(stack, &g.locals).map(Entry::Block));
            for i in g.members {
                entries.push(Entry::Block(resource(&stack.resources[i], shaped.resources.get(i))));
            }
        }
        out.push((file, entries));
    }
    out
}

fn resource(r: &model::Resource, shaped: Option<&model::Body>) -> HclBlock {
    let ident = match r.kind {
        BlockKind::Data => "data",
        _ => "resource",
    };
    let mut entries: Vec<Entry> = r
        .checkov_skips
        .iter()
        .map(|(id, why)| Entry::Comment(format!("#checkov:skip={id}:{why}")))
        .collect();
    entries.extend(leading_meta(&r.meta));
    // A blank line closes the meta group; checkov comments sit right on the body.
    if r.meta.count.is_some() || r.meta.for_each.is_some() || r.meta.provider.is_some() {
        entries.push(Entry::Blank);
    }
    match shaped {
        Some(body) => entries.extend(body_entries(body)),
        None => entries.extend(r.attrs.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v)))),
    }
    entries.extend(trailing_meta(&r.meta, true));
    HclBlock::new(ident, vec![r.type_name.clone(), r.name.clone()], entries)
}

/// `source` and `version` first, as the module docs write them; a module's
/// `provider` becomes its `providers` map. Modules take no `lifecycle`, so
/// none is written (the checks phase reports it).
fn module(m: &model::ModuleCall) -> HclBlock {
    let mut entries = vec![Entry::Attr("source".into(), leaf_str(&m.source))];
    if let Some(v) = &m.version {
        entries.push(Entry::Attr("version".into(), leaf_str(v)));
    }
    entries.push(Entry::Blank);
    let meta = Meta { provider: None, ..m.meta.clone() };
    entries.extend(leading_meta(&meta));
    if let Some(p) = &m.meta.provider {
        let map = HclNode::Map(vec![(object_key(&p.root), HclNode::Leaf(reference(p)))]);
        entries.push(Entry::Attr("providers".into(), map));
    }
    entries.push(Entry::Blank);
    entries.extend(m.inputs.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v))));
    entries.extend(trailing_meta(&m.meta, false));
    HclBlock::new("module", vec![m.name.clone()], entries)
}

pub(crate) fn outputs(stack: &model::Stack) -> Vec<HclBlock> {
    stack
        .outputs
        .iter()
        .map(|o| {
            let mut entries = Vec::new();
            if let Some(d) = &o.description {
                entries.push(Entry::Attr("description".into(), leaf_str(d)));
            }
            entries.push(Entry::Attr("value".into(), attr_value(&o.value)));
            if o.sensitive {
                entries.push(Entry::Attr("sensitive".into(), HclNode::Leaf("true".into())));
            }
            if o.ephemeral {
                entries.push(Entry::Attr("ephemeral".into(), HclNode::Leaf("true".into())));
            }
            if !o.depends_on.is_empty() {
                entries.push(Entry::Blank);
                entries.push(Entry::Attr("depends_on".into(), refs(&o.depends_on)));
            }
            entries.extend(super::language::conditions("precondition", &o.preconditions));
            HclBlock::new("output", vec![o.name.clone()], entries)
        })
        .collect()
}

pub(crate) fn leading_meta(meta: &Meta) -> Vec<Entry> {
    let mut entries = Vec::new();
    if let Some(c) = &meta.count {
        entries.push(Entry::Attr("count".into(), attr_value(c)));
    }
    if let Some(f) = &meta.for_each {
        entries.push(Entry::Attr("for_each".into(), attr_value(f)));
    }
    if let Some(p) = &meta.provider {
        entries.push(Entry::Attr("provider".into(), HclNode::Leaf(reference(p))));
    }
    entries
}

pub(crate) fn trailing_meta(meta: &Meta, with_lifecycle: bool) -> Vec<Entry> {
    let mut entries = Vec::new();
    if !meta.depends_on.is_empty() {
        entries.push(Entry::Blank);
        entries.push(Entry::Attr("depends_on".into(), refs(&meta.depends_on)));
    }
    if let (true, Some(l)) = (with_lifecycle, &meta.lifecycle) {
        let body = lifecycle(l);
        if !body.is_empty() {
            entries.push(Entry::Block(HclBlock::new("lifecycle", vec![], body)));
        }
    }
    entries
}

fn lifecycle(l: &model::Lifecycle) -> Vec<Entry> {
    let mut entries = Vec::new();
    if let Some(b) = l.create_before_destroy {
        entries.push(Entry::Attr("create_before_destroy".into(), HclNode::Leaf(b.to_string())));
    }
    if let Some(b) = l.prevent_destroy {
        entries.push(Entry::Attr("prevent_destroy".into(), HclNode::Leaf(b.to_string())));
    }
    if !l.ignore_changes.is_empty() {
        let value = if l.ignore_changes.iter().any(|n| n == "all") {
            HclNode::Leaf("all".into())
        } else {
            // Attribute paths are written as bare traversals; the checks
            // phase has refused anything else, which would be written quoted.
            let entry = |n: &String| {
                if crate::model::is_attribute_path(n) {
                    expr_text(n)
                } else {
                    HclNode::Leaf(quote(n))
                }
            };
            HclNode::List(l.ignore_changes.iter().map(entry).collect())
        };
        entries.push(Entry::Attr("ignore_changes".into(), value));
    }
    if !l.replace_triggered_by.is_empty() {
        entries.push(Entry::Attr("replace_triggered_by".into(), refs(&l.replace_triggered_by)));
    }
    entries.extend(super::language::conditions("precondition", &l.preconditions));
    entries.extend(super::language::conditions("postcondition", &l.postconditions));
    entries
}

fn refs(rs: &[Reference]) -> HclNode {
    HclNode::List(rs.iter().map(|r| HclNode::Leaf(reference(r))).collect())
}

fn body_entries(body: &model::Body) -> Vec<Entry> {
    body.items
        .iter()
        .map(|item| match item {
            Item::Attr(k, v) => Entry::Attr(k.clone(), attr_value(v)),
            Item::Block(b) => Entry::Block(HclBlock::new(
                b.ident.clone(),
                b.labels.clone(),
                body_entries(&b.body),
            )),
        })
        .collect()
}

fn leaf_str(s: &str) -> HclNode {
    HclNode::Leaf(quote(s))
}
