//! `moved`, `import`, `removed` and `check` blocks, and the custom
//! conditions (`precondition`, `postcondition`, `assert`), in HCL and JSON.

use serde_json::{Map, Value as J};

use super::json;
use super::layout::{Block, Entry};
use super::node::Node;
use super::value::{attr_value, reference};
use crate::model::{self, Condition, Op, Reference, Value};

/// `precondition { ... }` (or `postcondition`, `assert`) blocks.
pub(crate) fn conditions(ident: &str, cs: &[Condition]) -> Vec<Entry> {
    cs.iter()
        .map(|c| {
            let body = vec![
                Entry::Attr("condition".into(), attr_value(&c.condition)),
                Entry::Attr("error_message".into(), attr_value(&c.error_message)),
            ];
            Entry::Block(Block::new(ident, vec![], body))
        })
        .collect()
}

fn traversal(r: &Reference) -> Node {
    Node::Leaf(reference(r))
}

/// `aws_s3_bucket.b[each.key]`: the target with its key expression.
fn import_to(i: &model::Import) -> String {
    match &i.to_key {
        Some(k) => format!("{}[{}]", reference(&i.to), attr_value(k).compact()),
        None => reference(&i.to),
    }
}

/// The refactoring blocks in the order Terraform's docs list them: moved,
/// import, removed; then checks, each holding its scoped data sources.
pub(crate) fn hcl_blocks(stack: &model::Stack, data_block: &dyn Fn(usize) -> Block) -> Vec<Block> {
    let mut blocks = Vec::new();
    for m in &stack.moved {
        let entries = vec![
            Entry::Attr("from".into(), traversal(&m.from)),
            Entry::Attr("to".into(), traversal(&m.to)),
        ];
        blocks.push(Block::new("moved", vec![], entries));
    }
    for i in &stack.imports {
        let mut entries = Vec::new();
        if let Some(f) = &i.for_each {
            entries.push(Entry::Attr("for_each".into(), attr_value(f)));
        }
        if let Some(p) = &i.provider {
            entries.push(Entry::Attr("provider".into(), traversal(p)));
        }
        entries.push(Entry::Attr("to".into(), Node::Leaf(import_to(i))));
        if let Some(id) = &i.id {
            entries.push(Entry::Attr("id".into(), attr_value(id)));
        }
        if let Some(identity) = &i.identity {
            let items =
                identity.iter().map(|(k, v)| (k.clone(), attr_value(v))).collect::<Vec<_>>();
            entries.push(Entry::Attr("identity".into(), Node::Map(items)));
        }
        blocks.push(Block::new("import", vec![], entries));
    }
    for r in &stack.removed {
        let mut entries = vec![Entry::Attr("from".into(), traversal(&r.from))];
        if let Some(d) = r.destroy {
            let lc = vec![Entry::Attr("destroy".into(), Node::Leaf(d.to_string()))];
            entries.push(Entry::Block(Block::new("lifecycle", vec![], lc)));
        }
        blocks.push(Block::new("removed", vec![], entries));
    }
    for c in &stack.checks {
        let mut entries = Vec::new();
        for address in &c.data {
            if let Some(i) = stack.resources.iter().position(|r| r.address() == *address) {
                entries.push(Entry::Block(data_block(i)));
            }
        }
        entries.extend(conditions("assert", &c.asserts));
        blocks.push(Block::new("check", vec![c.name.clone()], entries));
    }
    blocks
}

/// Addresses of data sources that live inside a check block.
pub(crate) fn scoped(stack: &model::Stack) -> Vec<&str> {
    stack.checks.iter().flat_map(|c| c.data.iter().map(String::as_str)).collect()
}

pub(crate) fn json_conditions(cs: &[Condition]) -> J {
    J::Array(
        cs.iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("condition".into(), json::value(&c.condition));
                m.insert("error_message".into(), json::value(&c.error_message));
                J::Object(m)
            })
            .collect(),
    )
}

/// The same blocks in JSON syntax; `data_body` gives a scoped data source's
/// body by its index in the stack.
pub(crate) fn json_blocks(
    stack: &model::Stack,
    out: &mut Map<String, J>,
    data_body: &dyn Fn(usize) -> Map<String, J>,
) {
    let s = |r: &Reference| J::String(reference(r));
    if !stack.moved.is_empty() {
        let items = stack
            .moved
            .iter()
            .map(|m| {
                let mut b = Map::new();
                b.insert("from".into(), s(&m.from));
                b.insert("to".into(), s(&m.to));
                J::Object(b)
            })
            .collect();
        out.insert("moved".into(), J::Array(items));
    }
    if !stack.imports.is_empty() {
        let items = stack
            .imports
            .iter()
            .map(|i| {
                let mut b = Map::new();
                if let Some(f) = &i.for_each {
                    b.insert("for_each".into(), json::value(f));
                }
                if let Some(p) = &i.provider {
                    b.insert("provider".into(), s(p));
                }
                b.insert("to".into(), J::String(import_to(i)));
                if let Some(id) = &i.id {
                    b.insert("id".into(), json::value(id));
                }
                if let Some(identity) = &i.identity {
                    let m = identity.iter().map(|(k, v)| (k.clone(), json::value(v))).collect();
                    b.insert("identity".into(), J::Object(m));
                }
                J::Object(b)
            })
            .collect();
        out.insert("import".into(), J::Array(items));
    }
    if !stack.removed.is_empty() {
        let items = stack
            .removed
            .iter()
            .map(|r| {
                let mut b = Map::new();
                b.insert("from".into(), s(&r.from));
                if let Some(d) = r.destroy {
                    let mut lc = Map::new();
                    lc.insert("destroy".into(), J::Bool(d));
                    b.insert("lifecycle".into(), J::Array(vec![J::Object(lc)]));
                }
                J::Object(b)
            })
            .collect();
        out.insert("removed".into(), J::Array(items));
    }
    if !stack.checks.is_empty() {
        let mut checks = Map::new();
        for c in &stack.checks {
            let mut b = Map::new();
            let mut data = Map::new();
            for address in &c.data {
                let found =
                    stack.resources.iter().enumerate().find(|(_, r)| r.address() == *address);
                if let Some((i, r)) = found {
                    let of_type =
                        data.entry(r.type_name.clone()).or_insert_with(|| J::Object(Map::new()));
                    if let J::Object(m) = of_type {
                        m.insert(r.name.clone(), J::Object(data_body(i)));
                    }
                }
            }
            if !data.is_empty() {
                b.insert("data".into(), J::Object(data));
            }
            b.insert("assert".into(), json_conditions(&c.asserts));
            checks.insert(c.name.clone(), J::Object(b));
        }
        out.insert("check".into(), J::Object(checks));
    }
}

/// `ephemeral "TYPE" "NAME"`: the arguments as given (no embedded schema
/// describes ephemeral types), meta-arguments placed as for a resource.
pub(crate) fn ephemeral(e: &model::Ephemeral) -> Block {
    let mut entries = super::files::leading_meta(&e.meta);
    if !entries.is_empty() {
        entries.push(Entry::Blank);
    }
    entries.extend(e.attrs.iter().map(|(k, v)| Entry::Attr(k.clone(), attr_value(v))));
    entries.extend(super::files::trailing_meta(&e.meta, true));
    Block::new("ephemeral", vec![e.type_name.clone(), e.name.clone()], entries)
}

pub(crate) fn json_ephemerals(stack: &model::Stack, out: &mut Map<String, J>) {
    let mut by_type = Map::new();
    for e in &stack.ephemerals {
        let mut body = Map::new();
        json::leading_meta(&mut body, &e.meta);
        body.extend(e.attrs.iter().map(|(k, v)| (k.clone(), json::value(v))));
        json::trailing_meta(&mut body, &e.meta, true);
        let of_type = by_type.entry(e.type_name.clone()).or_insert_with(|| J::Object(Map::new()));
        if let J::Object(m) = of_type {
            m.insert(e.name.clone(), J::Object(body));
        }
    }
    if !by_type.is_empty() {
        out.insert("ephemeral".into(), J::Object(by_type));
    }
}

/// Terraform's operator precedence, higher binds tighter.
fn precedence(v: &Value) -> u8 {
    match v {
        Value::Op(op) => match op.as_ref() {
            Op::Cond { .. } => 0,
            Op::Binary { op, .. } => match *op {
                "||" => 1,
                "&&" => 2,
                "==" | "!=" => 3,
                "<" | "<=" | ">" | ">=" => 4,
                "+" | "-" => 5,
                _ => 6,
            },
            Op::Not(_) => 7,
            Op::For { .. } | Op::Dynamic { .. } | Op::Index { .. } => 8,
        },
        _ => 8,
    }
}

/// One line of HCL for an operation; an operand that binds looser than its
/// operator is parenthesised, so the text keeps the script's grouping.
pub(crate) fn op_text(op: &Op) -> String {
    let text = |v: &Value| super::value::node(v).compact();
    // `min` is the weakest operand that may stand bare in this position
    let operand = |v: &Value, min: u8| {
        if precedence(v) < min {
            format!("({})", text(v))
        } else {
            text(v)
        }
    };
    let own = precedence(&Value::Op(Box::new(op.clone())));
    match op {
        Op::Cond { cond, then, otherwise } => {
            format!("{} ? {} : {}", operand(cond, 1), operand(then, 1), operand(otherwise, 1))
        }
        // left-associative: an equal-precedence right operand needs parentheses
        Op::Binary { op, lhs, rhs } => {
            format!("{} {op} {}", operand(lhs, own), operand(rhs, own + 1))
        }
        Op::Not(v) => format!("!{}", operand(v, 7)),
        Op::For { key_var, value_var, collection, key, value, cond } => {
            let vars = match key_var {
                Some(k) => format!("{k}, {value_var}"),
                None => value_var.clone(),
            };
            let head = format!("for {vars} in {} :", text(collection));
            let cond = cond.as_ref().map(|c| format!(" if {}", text(c))).unwrap_or_default();
            match key {
                Some(k) => format!("{{ {head} {} => {}{cond} }}", text(k), text(value)),
                None => format!("[{head} {}{cond}]", text(value)),
            }
        }
        Op::Index { of, key } => match key {
            Value::String(k) if crate::model::is_identifier(k) => format!("{}.{k}", operand(of, 8)),
            _ => format!("{}[{}]", operand(of, 8), text(key)),
        },
        // the schema phase makes `dynamic` blocks of these and reports them
        // anywhere else, so they never reach an attribute
        Op::Dynamic { for_each, .. } => text(for_each),
    }
}
