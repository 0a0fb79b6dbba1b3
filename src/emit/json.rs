//! The stack in Terraform's JSON syntax (`.tf.json`).
//!
//! In JSON every string is a template, so literal text gets its `${`/`%{`
//! doubled and expressions travel as `"${...}"`. Meta-arguments that
//! Terraform reads as bare traversals (`provider`, `depends_on`,
//! `ignore_changes`, `replace_triggered_by`) are plain strings without `${}`.

use std::collections::BTreeMap;

use serde_json::{Map, Value as J};

use super::files::Group;
use super::literal::split_dollar_tail;
use super::value::{expr_text, merged, node, reference};
use crate::model::{self, BlockKind, Item, Meta, Reference, TemplatePart, Value};

pub(crate) fn versions(t: &model::Terraform) -> Map<String, J> {
    let mut tf = Map::new();
    if let Some(v) = &t.required_version {
        tf.insert("required_version".into(), J::String(v.clone()));
    }
    if !t.required_providers.is_empty() {
        let reqs = t
            .required_providers
            .iter()
            .map(|(name, r)| {
                let mut m = Map::new();
                m.insert("source".into(), J::String(r.source.clone()));
                if let Some(v) = &r.version {
                    m.insert("version".into(), J::String(v.clone()));
                }
                (name.clone(), J::Object(m))
            })
            .collect();
        tf.insert("required_providers".into(), J::Object(reqs));
    }
    if let Some(b) = &t.backend {
        let config = b.config.iter().map(|(k, v)| (k.clone(), value(v))).collect();
        tf.insert("backend".into(), J::Object(single(&b.kind, J::Object(config))));
    }
    if tf.is_empty() {
        return Map::new();
    }
    single("terraform", J::Object(tf))
}

pub(crate) fn providers(stack: &model::Stack, shaped: &model::Shaped) -> Map<String, J> {
    let mut by_name: Map<String, J> = Map::new();
    for (i, p) in stack.providers.iter().enumerate() {
        let mut body = Map::new();
        if let Some(a) = &p.alias {
            body.insert("alias".into(), J::String(a.clone()));
        }
        match shaped.providers.get(i) {
            Some(b) => body.extend(body_object(b)),
            None => body.extend(p.config.iter().map(|(k, v)| (k.clone(), value(v)))),
        }
        push_array(&mut by_name, &p.name, J::Object(body));
    }
    wrap("provider", by_name)
}

pub(crate) fn variables(stack: &model::Stack) -> Map<String, J> {
    let mut vars = Map::new();
    for v in &stack.variables {
        let mut body = Map::new();
        // JSON carries a type as the text of its HCL type expression.
        if let Some(t) = &v.type_expr {
            body.insert("type".into(), J::String(t.trim().to_owned()));
        }
        if let Some(d) = &v.description {
            body.insert("description".into(), J::String(literal(d)));
        }
        if let Some(d) = &v.default {
            body.insert("default".into(), value(d));
        }
        if v.sensitive {
            body.insert("sensitive".into(), J::Bool(true));
        }
        if v.ephemeral {
            body.insert("ephemeral".into(), J::Bool(true));
        }
        if let Some(n) = v.nullable {
            body.insert("nullable".into(), J::Bool(n));
        }
        if !v.validations.is_empty() {
            let vals = v
                .validations
                .iter()
                .map(|val| {
                    let mut m = Map::new();
                    m.insert("condition".into(), value(&val.condition));
                    m.insert("error_message".into(), J::String(literal(&val.error_message)));
                    J::Object(m)
                })
                .collect();
            body.insert("validation".into(), J::Array(vals));
        }
        vars.insert(v.name.clone(), J::Object(body));
    }
    wrap("variable", vars)
}

pub(crate) fn main(
    stack: &model::Stack,
    shaped: &model::Shaped,
    main: Vec<Group>,
) -> Map<String, J> {
    let mut out = Map::new();
    blocks(stack, shaped, &main, &mut out);
    super::language::json_ephemerals(stack, &mut out);
    let mut modules = Map::new();
    for m in &stack.modules {
        let mut body = Map::new();
        body.insert("source".into(), J::String(m.source.clone()));
        if let Some(v) = &m.version {
            body.insert("version".into(), J::String(v.clone()));
        }
        leading_meta(&mut body, &Meta { provider: None, ..m.meta.clone() });
        if let Some(p) = &m.meta.provider {
            body.insert("providers".into(), J::Object(single(&p.root, J::String(reference(p)))));
        }
        body.extend(m.inputs.iter().map(|(k, v)| (k.clone(), value(v))));
        trailing_meta(&mut body, &m.meta, false);
        modules.insert(m.name.clone(), J::Object(body));
    }
    if !modules.is_empty() {
        out.insert("module".into(), J::Object(modules));
    }
    let data_body = |i: usize| match stack.resources.get(i) {
        Some(r) => resource_body(r, shaped.resources.get(i), None),
        None => Map::new(),
    };
    super::language::json_blocks(stack, &mut out, &data_body);
    out
}

/// The files of the operator's block calls, as for HCL.
pub(crate) fn grouped(
    stack: &model::Stack,
    shaped: &model::Shaped,
    files: BTreeMap<String, Vec<Group>>,
) -> Vec<(String, Map<String, J>)> {
    let mut out = Vec::new();
    for (file, groups) in files {
        let mut body = Map::new();
        blocks(stack, shaped, &groups, &mut body);
        out.push((file, body));
    }
    out
}

/// `data` and `resource` objects of `groups`' blocks, each body's `"//"`
/// naming the call that made it.
fn blocks(
    stack: &model::Stack,
    shaped: &model::Shaped,
    groups: &[Group],
    out: &mut Map<String, J>,
) {
    let locals: Map<String, J> = groups
        .iter()
        .flat_map(|g| g.locals.iter().map(|&i| &stack.locals[i]))
        .map(|l| (l.name.clone(), value(&l.value)))
        .collect();
    if !locals.is_empty() {
        out.insert("locals".into(), J::Object(locals));
    }
    let mut data = Map::new();
    let mut resources = Map::new();
    for g in groups {
        for &i in &g.members {
            let r = &stack.resources[i];
            let body = resource_body(r, shaped.resources.get(i), g.label.as_deref());
            let target = if r.kind == BlockKind::Data { &mut data } else { &mut resources };
            let of_type =
                target.entry(r.type_name.clone()).or_insert_with(|| J::Object(Map::new()));
            if let J::Object(m) = of_type {
                m.insert(r.name.clone(), J::Object(body));
            }
        }
    }
    if !data.is_empty() {
        out.insert("data".into(), J::Object(data));
    }
    if !resources.is_empty() {
        out.insert("resource".into(), J::Object(resources));
    }
}

fn resource_body(
    r: &model::Resource,
    shaped: Option<&model::Body>,
    label: Option<&str>,
) -> Map<String, J> {
    let mut body = Map::new();
    // `//` is JSON syntax's comment property: the call, then checkov's skips.
    let mut notes: Vec<String> = label.map(str::to_owned).into_iter().collect();
    notes.extend(r.checkov_skips.iter().map(|(id, why)| format!("checkov:skip={id}:{why}")));
    if !notes.is_empty() {
        body.insert("//".into(), J::String(notes.join("; ")));
    }
    leading_meta(&mut body, &r.meta);
    match shaped {
        Some(b) => body.extend(body_object(b)),
        None => body.extend(r.attrs.iter().map(|(k, v)| (k.clone(), value(v)))),
    }
    trailing_meta(&mut body, &r.meta, true);
    body
}

pub(crate) fn outputs(stack: &model::Stack) -> Map<String, J> {
    let mut outs = Map::new();
    for o in &stack.outputs {
        let mut body = Map::new();
        if let Some(d) = &o.description {
            body.insert("description".into(), J::String(literal(d)));
        }
        body.insert("value".into(), value(&o.value));
        if o.sensitive {
            body.insert("sensitive".into(), J::Bool(true));
        }
        if o.ephemeral {
            body.insert("ephemeral".into(), J::Bool(true));
        }
        if !o.depends_on.is_empty() {
            body.insert("depends_on".into(), traversals(&o.depends_on));
        }
        if !o.preconditions.is_empty() {
            body.insert("precondition".into(), super::language::json_conditions(&o.preconditions));
        }
        outs.insert(o.name.clone(), J::Object(body));
    }
    wrap("output", outs)
}

pub(crate) fn leading_meta(body: &mut Map<String, J>, meta: &Meta) {
    if let Some(c) = &meta.count {
        body.insert("count".into(), value(c));
    }
    if let Some(f) = &meta.for_each {
        body.insert("for_each".into(), value(f));
    }
    if let Some(p) = &meta.provider {
        body.insert("provider".into(), J::String(reference(p)));
    }
}

pub(crate) fn trailing_meta(body: &mut Map<String, J>, meta: &Meta, with_lifecycle: bool) {
    if !meta.depends_on.is_empty() {
        body.insert("depends_on".into(), traversals(&meta.depends_on));
    }
    let Some(l) = meta.lifecycle.as_ref().filter(|_| with_lifecycle) else {
        return;
    };
    let mut lc = Map::new();
    if let Some(b) = l.create_before_destroy {
        lc.insert("create_before_destroy".into(), J::Bool(b));
    }
    if let Some(b) = l.prevent_destroy {
        lc.insert("prevent_destroy".into(), J::Bool(b));
    }
    if !l.ignore_changes.is_empty() {
        let v = if l.ignore_changes.iter().any(|n| n == "all") {
            J::String("all".into())
        } else {
            J::Array(l.ignore_changes.iter().map(|n| J::String(n.clone())).collect())
        };
        lc.insert("ignore_changes".into(), v);
    }
    if !l.replace_triggered_by.is_empty() {
        lc.insert("replace_triggered_by".into(), traversals(&l.replace_triggered_by));
    }
    if !l.preconditions.is_empty() {
        lc.insert("precondition".into(), super::language::json_conditions(&l.preconditions));
    }
    if !l.postconditions.is_empty() {
        lc.insert("postcondition".into(), super::language::json_conditions(&l.postconditions));
    }
    if !lc.is_empty() {
        body.insert("lifecycle".into(), J::Array(vec![J::Object(lc)]));
    }
}

/// Nested blocks of one type gather under one key: an array of bodies for
/// unlabeled blocks, objects keyed by label for labeled ones.
fn body_object(body: &model::Body) -> Map<String, J> {
    let mut out = Map::new();
    for item in &body.items {
        match item {
            Item::Attr(k, v) => {
                out.insert(k.clone(), value(v));
            }
            Item::Block(b) => {
                let mut inner = body_object(&b.body);
                // a dynamic block's `iterator` is a bare name, not an expression
                if b.ident == "dynamic" {
                    if let Some(Item::Attr(_, Value::Ref(r))) = b
                        .body
                        .items
                        .iter()
                        .find(|i| matches!(i, Item::Attr(k, _) if k == "iterator"))
                    {
                        inner.insert("iterator".into(), J::String(reference(r)));
                    }
                }
                let inner = J::Object(inner);
                let wrapped = b.labels.iter().rev().fold(inner, |acc, l| J::Object(single(l, acc)));
                push_array(&mut out, &b.ident, wrapped);
            }
        }
    }
    for k in &body.implicit_nulls {
        out.entry(k.clone()).or_insert(J::Null);
    }
    out
}

pub(crate) fn value(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        // Non-finite floats have no JSON form; the checks phase rejects them.
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(literal(s)),
        Value::List(items) => J::Array(items.iter().map(value).collect()),
        // Object keys are templates too.
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (literal(k), value(v))).collect()),
        Value::Template(parts) => {
            let parts = merged(parts);
            let mut s = String::new();
            for (i, p) in parts.iter().enumerate() {
                match p {
                    TemplatePart::Literal(l) => {
                        // Literals and interpolations alternate once merged.
                        let before_interp = i + 1 < parts.len();
                        literal_into(&mut s, l, i == 0, before_interp);
                    }
                    TemplatePart::Interp(v) => s.push_str(&interpolate(&node(v).compact())),
                }
            }
            J::String(s)
        }
        Value::Ref(_) | Value::Call { .. } | Value::Op(_) => {
            J::String(interpolate(&node(v).compact()))
        }
        Value::Expr(text) => J::String(interpolate(&expr_text(text).compact())),
    }
}

/// `${text}`; text spanning lines (a heredoc) ends with a newline so its
/// closing marker stands alone on its line.
fn interpolate(text: &str) -> String {
    if text.contains('\n') {
        format!("${{{text}\n}}")
    } else {
        format!("${{{text}}}")
    }
}

/// Literal text as a JSON template whose value is exactly `s`.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    literal_into(&mut out, s, true, false);
    out
}

/// Terraform reads a JSON string as a template, with three traps beside the
/// introducers (doubled as in HCL strings): it drops a U+FEFF that starts
/// the string, it reads no interpolation after a CR that no LF follows, and
/// a `$` right before `${` makes the escape `$${`. Those characters are
/// written as interpolations of quoted strings (`${"\ufeff"}`, `${"\r"}`,
/// `${"$"}`), which read back as themselves; a CR only when an
/// interpolation follows (`before_interp`), as nothing else changes meaning.
fn literal_into(out: &mut String, s: &str, at_start: bool, before_interp: bool) {
    let (head, dollars) = split_dollar_tail(s, before_interp);
    let mut chars = head.chars().peekable();
    if at_start && chars.peek() == Some(&'\u{feff}') {
        chars.next();
        out.push_str("${\"\\ufeff\"}");
    }
    while let Some(c) = chars.next() {
        match c {
            '\r' if before_interp && chars.peek() != Some(&'\n') => out.push_str("${\"\\r\"}"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if !dollars.is_empty() {
        out.push_str("${\"");
        out.push_str(dollars);
        out.push_str("\"}");
    }
}

fn traversals(rs: &[Reference]) -> J {
    J::Array(rs.iter().map(|r| J::String(reference(r))).collect())
}

fn single(k: &str, v: J) -> Map<String, J> {
    let mut m = Map::new();
    m.insert(k.to_owned(), v);
    m
}

fn wrap(k: &str, inner: Map<String, J>) -> Map<String, J> {
    if inner.is_empty() {
        return Map::new();
    }
    single(k, J::Object(inner))
}

/// Appends `v` under `k`, turning the entry into an array once a second
/// value arrives.
fn push_array(m: &mut Map<String, J>, k: &str, v: J) {
    match m.get_mut(k) {
        Some(J::Array(items)) => items.push(v),
        Some(existing) => {
            let first = std::mem::replace(existing, J::Null);
            *existing = J::Array(vec![first, v]);
        }
        None => {
            m.insert(k.to_owned(), J::Array(vec![v]));
        }
    }
}
