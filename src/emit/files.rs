//! The stack as HCL blocks, one group per output file.
//!
//! Block order and attribute order are fixed here so that an unchanged
//! stack always gives byte-identical files.

use super::layout::{Block, Entry};
use super::literal::{object_key, quote};
use super::node::Node;
use super::value::{attr_value, expr_text, reference};
use crate::model::{self, BlockKind, Item, Meta, Reference};

pub(crate) fn versions(t: &model::Terraform) -> Vec<Block> {
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
                Entry::Attr(name.clone(), Node::Map(items))
            })
            .collect();
        entries.push(Entry::Block(Block::new("required_providers", vec![], reqs)));
    }
    if let Some(b) = &t.backend {
        let config = b.config.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v))).collect();
        entries.push(Entry::Block(Block::new("backend", vec![b.kind.clone()], config)));
    }
    if entries.is_empty() {
        return Vec::new();
    }
    vec![Block::new("terraform", vec![], entries)]
}

pub(crate) fn providers(stack: &model::Stack, shaped: &model::Shaped) -> Vec<Block> {
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
            Block::new("provider", vec![p.name.clone()], entries)
        })
        .collect()
}

/// Terraform's style guide order: type, description, default, sensitive,
/// nullable, then validation blocks.
pub(crate) fn variables(stack: &model::Stack) -> Vec<Block> {
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
                entries.push(Entry::Attr("sensitive".into(), Node::Leaf("true".into())));
            }
            if v.ephemeral {
                entries.push(Entry::Attr("ephemeral".into(), Node::Leaf("true".into())));
            }
            if let Some(n) = v.nullable {
                entries.push(Entry::Attr("nullable".into(), Node::Leaf(n.to_string())));
            }
            for val in &v.validations {
                let body = vec![
                    Entry::Attr("condition".into(), attr_value(&val.condition)),
                    Entry::Attr("error_message".into(), leaf_str(&val.error_message)),
                ];
                entries.push(Entry::Block(Block::new("validation", vec![], body)));
            }
            Block::new("variable", vec![v.name.clone()], entries)
        })
        .collect()
}

/// `locals`, then data sources and resources in declaration order, then
/// module calls.
pub(crate) fn main(stack: &model::Stack, shaped: &model::Shaped) -> Vec<Block> {
    let mut blocks = Vec::new();
    if !stack.locals.is_empty() {
        let entries = stack
            .locals
            .iter()
            .map(|l| Entry::Attr(l.name.clone(), attr_value(&l.value)))
            .collect();
        blocks.push(Block::new("locals", vec![], entries));
    }
    // ephemeral values feed resources, so they are read first
    blocks.extend(stack.ephemerals.iter().map(super::language::ephemeral));
    let scoped = super::language::scoped(stack);
    for (i, r) in stack.resources.iter().enumerate() {
        if !scoped.contains(&r.address().as_str()) {
            blocks.push(resource(r, shaped.resources.get(i)));
        }
    }
    blocks.extend(stack.modules.iter().map(module));
    let data_block = |i: usize| match stack.resources.get(i) {
        Some(r) => resource(r, shaped.resources.get(i)),
        None => Block::new("data", vec![], vec![]),
    };
    blocks.extend(super::language::hcl_blocks(stack, &data_block));
    blocks
}

fn resource(r: &model::Resource, shaped: Option<&model::Body>) -> Block {
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
    Block::new(ident, vec![r.type_name.clone(), r.name.clone()], entries)
}

/// `source` and `version` first, as the module docs write them; a module's
/// `provider` becomes its `providers` map. Modules take no `lifecycle`, so
/// none is written (the checks phase reports it).
fn module(m: &model::ModuleCall) -> Block {
    let mut entries = vec![Entry::Attr("source".into(), leaf_str(&m.source))];
    if let Some(v) = &m.version {
        entries.push(Entry::Attr("version".into(), leaf_str(v)));
    }
    entries.push(Entry::Blank);
    let meta = Meta { provider: None, ..m.meta.clone() };
    entries.extend(leading_meta(&meta));
    if let Some(p) = &m.meta.provider {
        let map = Node::Map(vec![(object_key(&p.root), Node::Leaf(reference(p)))]);
        entries.push(Entry::Attr("providers".into(), map));
    }
    entries.push(Entry::Blank);
    entries.extend(m.inputs.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v))));
    entries.extend(trailing_meta(&m.meta, false));
    Block::new("module", vec![m.name.clone()], entries)
}

pub(crate) fn outputs(stack: &model::Stack) -> Vec<Block> {
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
                entries.push(Entry::Attr("sensitive".into(), Node::Leaf("true".into())));
            }
            if o.ephemeral {
                entries.push(Entry::Attr("ephemeral".into(), Node::Leaf("true".into())));
            }
            if !o.depends_on.is_empty() {
                entries.push(Entry::Blank);
                entries.push(Entry::Attr("depends_on".into(), refs(&o.depends_on)));
            }
            entries.extend(super::language::conditions("precondition", &o.preconditions));
            Block::new("output", vec![o.name.clone()], entries)
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
        entries.push(Entry::Attr("provider".into(), Node::Leaf(reference(p))));
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
            entries.push(Entry::Block(Block::new("lifecycle", vec![], body)));
        }
    }
    entries
}

fn lifecycle(l: &model::Lifecycle) -> Vec<Entry> {
    let mut entries = Vec::new();
    if let Some(b) = l.create_before_destroy {
        entries.push(Entry::Attr("create_before_destroy".into(), Node::Leaf(b.to_string())));
    }
    if let Some(b) = l.prevent_destroy {
        entries.push(Entry::Attr("prevent_destroy".into(), Node::Leaf(b.to_string())));
    }
    if !l.ignore_changes.is_empty() {
        let value = if l.ignore_changes.iter().any(|n| n == "all") {
            Node::Leaf("all".into())
        } else {
            // Attribute paths are written as bare traversals; the checks
            // phase has refused anything else, which would be written quoted.
            let entry = |n: &String| {
                if crate::model::is_attribute_path(n) {
                    expr_text(n)
                } else {
                    Node::Leaf(quote(n))
                }
            };
            Node::List(l.ignore_changes.iter().map(entry).collect())
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

fn refs(rs: &[Reference]) -> Node {
    Node::List(rs.iter().map(|r| Node::Leaf(reference(r))).collect())
}

fn body_entries(body: &model::Body) -> Vec<Entry> {
    body.items
        .iter()
        .map(|item| match item {
            Item::Attr(k, v) => Entry::Attr(k.clone(), attr_value(v)),
            Item::Block(b) => {
                Entry::Block(Block::new(b.ident.clone(), b.labels.clone(), body_entries(&b.body)))
            }
        })
        .collect()
}

fn leaf_str(s: &str) -> Node {
    Node::Leaf(quote(s))
}
