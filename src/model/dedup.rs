//! Identical data sources read once. Stdlib blocks each read what they need
//! (`aws_caller_identity`, `aws_partition`, `aws_region`), so a stack of
//! several blocks reads the same thing many times over. A data source with
//! the same type, provider, meta-arguments and body as one declared before
//! it is dropped, and every reference to it now names the first one.
//! Data sources hold no state, so dropping one changes no managed address.

use std::collections::HashMap;

use super::{
    BlockKind, Body, Condition, Item, Meta, Op, Reference, Shaped, Stack, Step, TemplatePart, Value,
};

/// Merges identical data sources of `stack` (and their shaped bodies in
/// `shaped`, index for index); returns the addresses dropped.
pub fn merge_identical_data(stack: &mut Stack, shaped: &mut Shaped) -> Vec<String> {
    let mut dropped = Vec::new();
    // Merging two may make two that read them identical: until none is left.
    loop {
        let mut renames = identical(stack, shaped);
        // A data source named in expression text where it is not a
        // reference (inside a quoted string) stays: rewriting that text
        // would change it.
        if !renames.is_empty() {
            walk(
                stack,
                shaped,
                &mut |v| {
                    if let Value::Expr(text) = v {
                        renames.retain(|(t, n), _| {
                            rewrite_text(text, &format!("data.{t}.{n}"), "").is_some()
                        });
                    }
                },
                &mut |_| {},
            );
        }
        if renames.is_empty() {
            return dropped;
        }
        rename_all(stack, shaped, &renames);
        let keep: Vec<bool> = stack
            .resources
            .iter()
            .map(|r| {
                r.kind != BlockKind::Data
                    || !renames.contains_key(&(r.type_name.clone(), r.name.clone()))
            })
            .collect();
        let mut kept = keep.iter();
        stack.resources.retain(|_| kept.next().copied().unwrap_or(true));
        if shaped.resources.len() == keep.len() {
            let mut kept = keep.iter();
            shaped.resources.retain(|_| kept.next().copied().unwrap_or(true));
        }
        let mut gone: Vec<String> =
            renames.into_keys().map(|(t, n)| format!("data.{t}.{n}")).collect();
        gone.sort();
        for address in gone {
            stack.block_calls.remove(&address);
            dropped.push(address);
        }
    }
}

/// (type, dropped name) → kept name.
type Renames = HashMap<(String, String), String>;

fn identical(stack: &Stack, shaped: &Shaped) -> Renames {
    let scoped: Vec<&String> = stack.checks.iter().flat_map(|c| &c.data).collect();
    let mut first: HashMap<String, &str> = HashMap::new();
    let mut renames = Renames::new();
    for (i, r) in stack.resources.iter().enumerate() {
        let plain = r.meta.count.is_none()
            && r.meta.for_each.is_none()
            && r.meta.depends_on.is_empty()
            && r.meta.lifecycle.is_none();
        if r.kind != BlockKind::Data || !plain || scoped.contains(&&r.address()) {
            continue;
        }
        let Some(body) = shaped.resources.get(i) else { continue };
        // Debug text is a faithful key: same text, same block.
        let key = format!(
            "{}\n{:?}\n{:?}\n{:?}\n{:?}",
            r.type_name, r.meta.provider, body, r.attrs, r.checkov_skips
        );
        match first.get(&key) {
            Some(kept) => {
                renames.insert((r.type_name.clone(), r.name.clone()), (*kept).to_owned());
            }
            None => {
                first.insert(key, &r.name);
            }
        }
    }
    renames
}

fn rename_all(stack: &mut Stack, shaped: &mut Shaped, renames: &Renames) {
    let rename = |r: &mut Reference| {
        if let [Step::Attr(t), Step::Attr(n), ..] = r.steps.as_mut_slice() {
            if r.root == "data" {
                if let Some(kept) = renames.get(&(t.clone(), n.clone())) {
                    *n = kept.clone();
                }
            }
        }
    };
    let mut on_value = |v: &mut Value| match v {
        Value::Ref(r) => rename(r),
        Value::Expr(text) => {
            for ((t, n), kept) in renames {
                let (from, to) = (format!("data.{t}.{n}"), format!("data.{t}.{kept}"));
                if let Some(new) = rewrite_text(text, &from, &to) {
                    *text = new;
                }
            }
        }
        _ => {}
    };
    walk(stack, shaped, &mut on_value, &mut |r| rename(r));
}

/// `text` with every traversal starting `from` made to start `to`; `None`
/// when `from` also appears inside a quoted string, outside `${...}`.
fn rewrite_text(text: &str, from: &str, to: &str) -> Option<String> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    // Each open `"` or `${`: inside a string (true) or an expression (false).
    let mut nest: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let in_string = nest.last() == Some(&true);
        let c = rest.chars().next()?;
        if in_string {
            if rest.starts_with("$${") {
                out.push_str("$${");
                i += 3;
                continue;
            }
            if rest.starts_with("${") || rest.starts_with("%{") {
                nest.push(false);
                out.push_str(&rest[..2]);
                i += 2;
                continue;
            }
            if c == '\\' {
                let escaped: String = rest.chars().take(2).collect();
                out.push_str(&escaped);
                i += escaped.len();
                continue;
            }
            if c == '"' {
                nest.pop();
            } else if rest.starts_with(from) && !rest[from.len()..].starts_with(word) {
                return None;
            }
        } else if c == '"' {
            nest.push(true);
        } else if c == '{' && !nest.is_empty() {
            nest.push(false);
        } else if c == '}' && nest.last() == Some(&false) {
            nest.pop();
        } else if rest.starts_with("<<") && text[i..].contains(from) {
            // A heredoc: its text is a string too.
            return None;
        } else if let Some(after) = rest.strip_prefix(from) {
            let before = text[..i].chars().next_back();
            let after = after.chars().next();
            if !before.is_some_and(|b| word(b) || b == '.') && !after.is_some_and(word) {
                out.push_str(to);
                i += from.len();
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    Some(out)
}

/// Every value and bare reference of the stack and its shaped bodies.
fn walk(
    stack: &mut Stack,
    shaped: &mut Shaped,
    v: &mut dyn FnMut(&mut Value),
    r: &mut dyn FnMut(&mut Reference),
) {
    let values = |m: &mut indexmap::IndexMap<String, Value>, v: &mut dyn FnMut(&mut Value)| {
        m.values_mut().for_each(|x| value(x, v))
    };
    for p in &mut stack.providers {
        values(&mut p.config, v);
    }
    if let Some(b) = &mut stack.terraform.backend {
        values(&mut b.config, v);
    }
    for var in &mut stack.variables {
        var.default.iter_mut().for_each(|x| value(x, v));
        var.validations.iter_mut().for_each(|c| value(&mut c.condition, v));
    }
    stack.locals.iter_mut().for_each(|l| value(&mut l.value, v));
    for res in &mut stack.resources {
        values(&mut res.attrs, v);
        meta(&mut res.meta, v, r);
    }
    for m in &mut stack.modules {
        values(&mut m.inputs, v);
        meta(&mut m.meta, v, r);
    }
    for e in &mut stack.ephemerals {
        values(&mut e.attrs, v);
        meta(&mut e.meta, v, r);
    }
    for o in &mut stack.outputs {
        value(&mut o.value, v);
        o.depends_on.iter_mut().for_each(&mut *r);
        conditions(&mut o.preconditions, v);
    }
    for i in &mut stack.imports {
        for x in [&mut i.to_key, &mut i.id, &mut i.for_each].into_iter().flatten() {
            value(x, v);
        }
        i.identity.iter_mut().for_each(|m| values(m, v));
        i.provider.iter_mut().for_each(&mut *r);
    }
    stack.checks.iter_mut().for_each(|c| conditions(&mut c.asserts, v));
    for b in shaped.resources.iter_mut().chain(shaped.providers.iter_mut()) {
        body(b, v);
    }
}

fn meta(m: &mut Meta, v: &mut dyn FnMut(&mut Value), r: &mut dyn FnMut(&mut Reference)) {
    for x in [&mut m.count, &mut m.for_each].into_iter().flatten() {
        value(x, v);
    }
    m.depends_on.iter_mut().for_each(&mut *r);
    m.provider.iter_mut().for_each(&mut *r);
    if let Some(l) = &mut m.lifecycle {
        l.replace_triggered_by.iter_mut().for_each(&mut *r);
        conditions(&mut l.preconditions, v);
        conditions(&mut l.postconditions, v);
    }
}

fn conditions(cs: &mut [Condition], v: &mut dyn FnMut(&mut Value)) {
    for c in cs {
        value(&mut c.condition, v);
        value(&mut c.error_message, v);
    }
}

fn body(b: &mut Body, v: &mut dyn FnMut(&mut Value)) {
    for item in &mut b.items {
        match item {
            Item::Attr(_, x) => value(x, v),
            Item::Block(blk) => body(&mut blk.body, v),
        }
    }
}

/// `x` and every value inside it, innermost first. A `for` expression or
/// `dynamic` block whose variable is named `data` is left alone: there
/// `data.` reads the variable.
fn value(x: &mut Value, v: &mut dyn FnMut(&mut Value)) {
    match x {
        Value::List(items) => items.iter_mut().for_each(|i| value(i, v)),
        Value::Map(m) => m.values_mut().for_each(|i| value(i, v)),
        Value::Template(parts) => {
            for p in parts {
                if let TemplatePart::Interp(i) = p {
                    value(i, v);
                }
            }
        }
        Value::Call { args, .. } => args.iter_mut().for_each(|i| value(i, v)),
        Value::Op(op) => {
            let shadows = match op.as_ref() {
                Op::For { key_var, value_var, .. } => {
                    value_var == "data" || key_var.as_deref() == Some("data")
                }
                Op::Dynamic { iterator, .. } => iterator == "data",
                _ => false,
            };
            if !shadows {
                operands(op, v);
            }
        }
        _ => {}
    }
    v(x);
}

fn operands(op: &mut Op, v: &mut dyn FnMut(&mut Value)) {
    match op {
        Op::Cond { cond, then, otherwise } => {
            [cond, then, otherwise].into_iter().for_each(|x| value(x, v))
        }
        Op::Binary { lhs, rhs, .. } => [lhs, rhs].into_iter().for_each(|x| value(x, v)),
        Op::Not(x) => value(x, v),
        Op::For { collection, key, value: val, cond, .. } => {
            value(collection, v);
            value(val, v);
            key.iter_mut().chain(cond.iter_mut()).for_each(|x| value(x, v));
        }
        Op::Index { of, key } => {
            value(of, v);
            value(key, v);
        }
        Op::Dynamic { for_each, content, .. } => {
            value(for_each, v);
            content.values_mut().for_each(|x| value(x, v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Local, Output, Resource};

    fn data(type_name: &str, name: &str, attrs: &[(&str, Value)]) -> Resource {
        Resource {
            kind: BlockKind::Data,
            type_name: type_name.into(),
            name: name.into(),
            attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            meta: Meta::default(),
            checkov_skips: Vec::new(),
            origin: Default::default(),
        }
    }

    fn shaped_of(stack: &Stack) -> Shaped {
        let resources = stack
            .resources
            .iter()
            .map(|r| {
                let mut b = Body::new();
                for (k, v) in &r.attrs {
                    b.attr(k.clone(), v.clone());
                }
                b
            })
            .collect();
        Shaped { resources, providers: Vec::new() }
    }

    fn reading(address: &str) -> Value {
        let mut parts = address.split('.');
        let mut r = Reference::new(parts.next().unwrap());
        for p in parts {
            r = r.attr(p);
        }
        Value::Ref(r)
    }

    #[test]
    fn the_first_of_identical_data_sources_stays_and_references_follow() {
        let mut stack = Stack::new("s");
        stack.resources.push(data("aws_region", "a", &[]));
        stack.resources.push(data("aws_region", "b", &[]));
        // same type, another body: a data source of its own
        stack.resources.push(data("aws_region", "c", &[("region", "us-east-1".into())]));
        stack.locals.push(Local {
            name: "r".into(),
            value: reading("data.aws_region.b.name"),
            origin: Default::default(),
        });
        stack.outputs.push(Output {
            name: "o".into(),
            value: Value::Expr("upper(data.aws_region.b.name) == \"data.aws_region.bx\"".into()),
            description: None,
            sensitive: false,
            ephemeral: false,
            depends_on: vec![Reference::new("data").attr("aws_region").attr("b")],
            preconditions: Vec::new(),
            origin: Default::default(),
        });
        let mut shaped = shaped_of(&stack);
        let dropped = merge_identical_data(&mut stack, &mut shaped);
        assert_eq!(dropped, ["data.aws_region.b"]);
        let names: Vec<&str> = stack.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(shaped.resources.len(), 2);
        assert_eq!(stack.locals[0].value, reading("data.aws_region.a.name"));
        let o = &stack.outputs[0];
        assert_eq!(
            o.value,
            Value::Expr("upper(data.aws_region.a.name) == \"data.aws_region.bx\"".into())
        );
        assert_eq!(o.depends_on[0].to_string(), "data.aws_region.a");
    }

    /// Two that read two merged ones become identical in turn.
    #[test]
    fn merging_goes_on_until_nothing_is_left() {
        let mut stack = Stack::new("s");
        stack.resources.push(data("aws_partition", "p1", &[]));
        stack.resources.push(data("aws_partition", "p2", &[]));
        stack.resources.push(data("aws_x", "x1", &[("p", reading("data.aws_partition.p1.id"))]));
        stack.resources.push(data("aws_x", "x2", &[("p", reading("data.aws_partition.p2.id"))]));
        let mut shaped = shaped_of(&stack);
        let dropped = merge_identical_data(&mut stack, &mut shaped);
        assert_eq!(dropped, ["data.aws_partition.p2", "data.aws_x.x2"]);
    }

    /// Managed resources, data sources with meta-arguments or another
    /// provider, and one named inside a quoted string all stay.
    #[test]
    fn only_plain_identical_data_sources_merge() {
        let mut stack = Stack::new("s");
        stack.resources.push(data("aws_region", "a", &[]));
        let mut aliased = data("aws_region", "east", &[]);
        aliased.meta.provider = Some(Reference::new("aws").attr("east"));
        stack.resources.push(aliased);
        let mut counted = data("aws_region", "n", &[]);
        counted.meta.count = Some(Value::Int(2));
        stack.resources.push(counted);
        let mut managed = data("aws_s3_bucket", "m1", &[]);
        managed.kind = BlockKind::Resource;
        stack.resources.push(managed.clone());
        stack.resources.push(Resource { name: "m2".into(), ..managed });
        stack.resources.push(data("aws_region", "quoted", &[]));
        stack.locals.push(Local {
            name: "l".into(),
            value: Value::Expr("\"see data.aws_region.quoted\"".into()),
            origin: Default::default(),
        });
        let mut shaped = shaped_of(&stack);
        assert!(merge_identical_data(&mut stack, &mut shaped).is_empty());
        assert_eq!(stack.resources.len(), 6);
    }

    #[test]
    fn expression_text_is_rewritten_only_where_it_reads_the_block() {
        let from = "data.aws_region.b";
        let to = "data.aws_region.a";
        let ok = |t: &str| rewrite_text(t, from, to);
        assert_eq!(ok("data.aws_region.b.name").as_deref(), Some("data.aws_region.a.name"));
        assert_eq!(
            ok("\"${data.aws_region.b.name}-x\"").as_deref(),
            Some("\"${data.aws_region.a.name}-x\"")
        );
        assert_eq!(ok("{ a = data.aws_region.b }").as_deref(), Some("{ a = data.aws_region.a }"));
        // another block whose name starts the same, or an attribute path
        assert_eq!(ok("data.aws_region.bb.id").as_deref(), Some("data.aws_region.bb.id"));
        assert_eq!(ok("x.data.aws_region.b").as_deref(), Some("x.data.aws_region.b"));
        // literal text: not a reference, and not to be changed
        assert_eq!(ok("\"data.aws_region.b\""), None);
        assert_eq!(ok("\"$${data.aws_region.b}\""), None);
        assert_eq!(ok("<<EOT\ndata.aws_region.b\nEOT\n"), None);
        assert_eq!(ok("\"${\"data.aws_region.b\"}\""), None);
    }
}
