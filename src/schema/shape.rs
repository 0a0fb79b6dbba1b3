//! Turns the plain maps an operator wrote into shaped bodies, deciding for
//! each key whether Terraform wants `key = value` or `key { ... }`, and
//! reports every key and value the schema rejects.

use std::borrow::Cow;

use indexmap::IndexMap;

use super::types::{AttrType, Attribute, BlockType, Nesting, SchemaBlock};
use super::value_check::{self, Mismatch};
use crate::diagnostics::closest;
use crate::diagnostics::{Code, Diagnostic, Target};
use crate::model::{self, Body, Item, Origin, PathSeg, Value};

/// What one body is checked for: the call that declared it, how to name it
/// in messages, and where problems go.
pub(crate) struct Shaper<'a> {
    pub origin: &'a Origin,
    pub subject: Subject<'a>,
    /// Who computes output-only attributes: "AWS".
    pub computed_by: Cow<'static, str>,
    pub diags: &'a mut Vec<Diagnostic>,
}

/// How messages name the body being checked, written out only when a
/// message needs it (most bodies need none).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    /// A noun and a name: "resource type `aws_vpc`", "provider `aws`",
    /// "module `net`".
    Named(&'static str, &'a str),
    /// "the `s3` backend"
    Backend(&'a str),
}

impl Subject<'_> {
    /// "resource type `aws_vpc`" -> "resource"
    fn short(&self) -> &'static str {
        match self {
            Subject::Named(noun, _) => noun.split(' ').next().unwrap_or(noun),
            Subject::Backend(_) => "backend",
        }
    }
}

impl std::fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Named(noun, name) => write!(f, "{noun} `{name}`"),
            Subject::Backend(kind) => write!(f, "the `{kind}` backend"),
        }
    }
}

fn with(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

impl Shaper<'_> {
    fn diag(
        &self,
        code: Code,
        message: String,
        path: Vec<PathSeg>,
        target: Target,
        label: &str,
    ) -> Diagnostic {
        Diagnostic::error(code, message).at_path(self.origin, path, target).label(label)
    }

    fn error(
        &mut self,
        code: Code,
        message: String,
        path: Vec<PathSeg>,
        target: Target,
        label: &str,
    ) {
        let d = self.diag(code, message, path, target, label);
        self.diags.push(d);
    }

    /// Shapes one body; `path` leads from the call's arguments to it.
    pub fn body(
        &mut self,
        block: &SchemaBlock,
        args: &IndexMap<String, Value>,
        path: &[PathSeg],
    ) -> Body {
        let mut attrs = Vec::with_capacity(args.len());
        let mut blocks = Vec::new();
        for (key, value) in args {
            let kpath = with(path, PathSeg::Key(key.clone()));
            let dynamic = super::dynamic::as_dynamic(value);
            let attribute = block.attributes.get(key);
            if let (Some(a), Some(op)) = (attribute, dynamic) {
                match self.dynamic_attr_block(key, &a.ty, op, &kpath) {
                    Some(item) => blocks.push(item),
                    None => attrs.push(Item::Attr(key.clone(), value.clone())),
                }
            } else if let Some(a) = attribute {
                if let Some(fields) = blocks_allowed(a, value) {
                    self.attribute_blocks(key, &fields, value, &kpath, &mut blocks);
                } else if let Some(v) = self.attribute(key, a, value, &kpath) {
                    attrs.push(Item::Attr(key.clone(), v));
                }
            } else if let Some(bt) = block.block_types.get(key) {
                self.blocks(key, bt, value, &kpath, &mut blocks);
            } else {
                let help = closest(key, block.argument_names())
                    .map(str::to_owned)
                    .map(|s| format!("did you mean `{s}`?"));
                let msg = format!("unknown attribute `{key}` for {}", self.subject);
                let d = self.diag(
                    Code::SchemaUnknownAttribute,
                    msg,
                    kpath,
                    Target::Key,
                    "unknown attribute",
                );
                self.diags.push(d.help_opt(help));
            }
        }
        self.missing(block, args, path);
        let mut body = Body::new();
        attrs.append(&mut blocks);
        body.items = attrs;
        body
    }

    /// Required arguments and blocks the body lacks, named in one diagnostic.
    fn missing(&mut self, block: &SchemaBlock, args: &IndexMap<String, Value>, path: &[PathSeg]) {
        let given = |k: &str| args.get(k).is_some_and(|v| *v != Value::Null);
        let mut names: Vec<&str> = block
            .attributes
            .iter()
            .filter(|(k, a)| a.required && !given(k))
            .map(|(k, _)| k.as_str())
            .collect();
        names.extend(
            block
                .block_types
                .iter()
                .filter(|(k, bt)| bt.min_items > 0 && !given(k))
                .map(|(k, _)| k.as_str()),
        );
        if names.is_empty() {
            return;
        }
        let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let (noun, label) = if names.len() == 1 {
            ("argument", "missing argument")
        } else {
            ("arguments", "missing arguments")
        };
        let within = match path.last() {
            None => self.subject.to_string(),
            Some(_) => format!("block `{}` of {}", path_text(path), self.subject),
        };
        let msg = format!("missing required {noun} {list} in {within}");
        let target = if path.is_empty() { Target::Call } else { Target::Key };
        self.error(Code::SchemaMissingRequired, msg, path.to_vec(), target, label);
    }

    /// Checks one attribute's value; returns the value to emit.
    fn attribute(
        &mut self,
        key: &str,
        a: &Attribute,
        value: &Value,
        path: &[PathSeg],
    ) -> Option<Value> {
        if a.is_output_only() {
            let msg = format!("`{key}` is set by {}, it cannot be given", self.computed_by);
            let help = format!(
                "read it instead, as a reference to this {}'s `{key}`",
                self.subject.short()
            );
            let d = self.diag(
                Code::SchemaComputedOnly,
                msg,
                path.to_vec(),
                Target::Key,
                "computed attribute",
            );
            self.diags.push(d.help(help));
            return None;
        }
        if value_looks_like_blocks(value) && (a.ty.is_primitive() || is_list_of_primitives(&a.ty)) {
            let msg = format!("`{key}` is an attribute of type {}, not a block", a.ty);
            self.error(
                Code::SchemaAttributeAsBlock,
                msg,
                path.to_vec(),
                Target::Value,
                &format!("expected {}", a.ty),
            );
            return Some(value.clone());
        }
        let value = wrap_single_object(&a.ty, value);
        let mut mismatches = Vec::new();
        value_check::check(&a.ty, &value, path, &mut mismatches);
        for m in mismatches {
            self.mismatch(key, m);
        }
        Some(value)
    }

    fn mismatch(&mut self, key: &str, m: Mismatch) {
        match m {
            Mismatch::Type { path, expected, found } => {
                let msg = format!(
                    "wrong type for `{}`: expected {expected}, found {found}",
                    path_text_or(&path, key)
                );
                self.error(
                    Code::SchemaWrongType,
                    msg,
                    path,
                    Target::Value,
                    &format!("expected {expected}"),
                );
            }
            Mismatch::UnknownKey { path, key: k, suggestion } => {
                let msg = format!(
                    "unknown attribute `{k}` in `{}` of {}",
                    path_text_or(&path[..path.len().saturating_sub(1)], key),
                    self.subject
                );
                let d = self.diag(
                    Code::SchemaUnknownAttribute,
                    msg,
                    path,
                    Target::Key,
                    "unknown attribute",
                );
                self.diags.push(d.help_opt(suggestion.map(|s| format!("did you mean `{s}`?"))));
            }
            Mismatch::Missing { path, names } => {
                let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                let noun = if names.len() == 1 { "argument" } else { "arguments" };
                let msg = format!(
                    "missing required {noun} {list} in `{}` of {}",
                    path_text_or(&path, key),
                    self.subject
                );
                self.error(
                    Code::SchemaMissingRequired,
                    msg,
                    path,
                    Target::Key,
                    "missing arguments",
                );
            }
            Mismatch::MissingInObject { path, names } => {
                let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                let noun = if names.len() == 1 { "attribute" } else { "attributes" };
                let msg = format!(
                    "missing {noun} {list} in `{}` of {}",
                    path_text_or(&path, key),
                    self.subject
                );
                let d = self.diag(
                    Code::SchemaMissingRequired,
                    msg,
                    path,
                    Target::Value,
                    "incomplete object",
                );
                self.diags.push(d.help(
                    "a value of this object type gives every attribute: set the ones you do not need to `()` (null)",
                ));
            }
            Mismatch::Computed { path, key: k } => {
                let msg = format!("`{k}` is set by {}, it cannot be given", self.computed_by);
                self.error(Code::SchemaComputedOnly, msg, path, Target::Key, "computed attribute");
            }
        }
    }

    /// A list or set of objects written as maps, emitted in block syntax:
    /// Terraform accepts `ingress { ... }` for an attribute of type
    /// `list(object)` or `set(object)` and sets the fields a block leaves out
    /// to null, where the attribute syntax would need every one of them.
    fn attribute_blocks(
        &mut self,
        key: &str,
        fields: &SchemaBlock,
        value: &Value,
        path: &[PathSeg],
        out: &mut Vec<Item>,
    ) {
        let items = match value {
            Value::List(items) => {
                items.iter().enumerate().map(|(i, v)| (v, with(path, PathSeg::Index(i)))).collect()
            }
            one => vec![(one, path.to_vec())],
        };
        for (v, p) in items {
            if let Value::Map(m) = v {
                let mut body = self.body(fields, m, &p);
                body.implicit_nulls =
                    fields.attributes.keys().filter(|k| !m.contains_key(*k)).cloned().collect();
                out.push(Item::Block(model::ShapedBlock::new(key, Vec::new(), body)));
            }
        }
    }

    /// Zero or more blocks from the value given for a block type: a map for
    /// one block, a list of maps for several, label → map for `map` nesting.
    fn blocks(
        &mut self,
        key: &str,
        bt: &BlockType,
        value: &Value,
        path: &[PathSeg],
        out: &mut Vec<Item>,
    ) {
        let mut made: Vec<(Vec<String>, Body, Vec<PathSeg>)> = Vec::new();
        let diags_before = self.diags.len();
        let mut dynamics = 0;
        // `dynamic` blocks among literal ones, by the count of literal blocks before them
        let mut dynamic_at: Vec<(usize, Item)> = Vec::new();
        match (bt.nesting, value) {
            (_, Value::Null) => return,
            (_, v) if super::dynamic::as_dynamic(v).is_some() => {
                if let Some(op) = super::dynamic::as_dynamic(v) {
                    out.extend(self.dynamic_block(key, bt, op, path));
                }
                return;
            }
            (Nesting::Map, Value::Map(m)) => {
                for (label, v) in m {
                    let p = with(path, PathSeg::Key(label.clone()));
                    match v {
                        Value::Map(inner) => {
                            let body = self.body(&bt.block, inner, &p);
                            made.push((vec![label.clone()], body, p));
                        }
                        other => self.not_a_block(key, other, p),
                    }
                }
            }
            (_, Value::Map(m)) => {
                let body = self.body(&bt.block, m, path);
                made.push((Vec::new(), body, path.to_vec()));
            }
            (Nesting::Map, other) => self.not_a_block(key, other, path.to_vec()),
            (_, Value::List(items)) => {
                for (i, v) in items.iter().enumerate() {
                    let p = with(path, PathSeg::Index(i));
                    if let Some(op) = super::dynamic::as_dynamic(v) {
                        dynamics += 1;
                        if let Some(item) = self.dynamic_block(key, bt, op, &p) {
                            dynamic_at.push((made.len(), item));
                        }
                        continue;
                    }
                    match v {
                        Value::Map(inner) => {
                            let body = self.body(&bt.block, inner, &p);
                            made.push((Vec::new(), body, p));
                        }
                        other => self.not_a_block(key, other, p),
                    }
                }
            }
            (_, other) => self.not_a_block(key, other, path.to_vec()),
        }
        let n = made.len() as u64;
        let had_errors = self.diags.len() > diags_before;
        let max =
            if matches!(bt.nesting, Nesting::Single | Nesting::Group) { 1 } else { bt.max_items };
        // `dynamic` blocks are counted by Terraform at plan time
        if max > 0 && n > max && dynamics == 0 {
            let msg = format!("too many `{key}` blocks: at most {max} allowed, found {n}");
            let label = format!("at most {max}");
            self.error(Code::SchemaTooManyBlocks, msg, path.to_vec(), Target::Value, &label);
        }
        // a count is noise next to items that were not blocks at all
        if n < bt.min_items && !matches!(value, Value::Null) && !had_errors && dynamics == 0 {
            let msg =
                format!("too few `{key}` blocks: at least {} required, found {n}", bt.min_items);
            let label = format!("at least {}", bt.min_items);
            self.error(Code::SchemaTooFewBlocks, msg, path.to_vec(), Target::Value, &label);
        }
        let mut dynamic_at = dynamic_at.into_iter().peekable();
        for (i, (labels, body, _)) in made.into_iter().enumerate() {
            while let Some((_, item)) = dynamic_at.next_if(|(at, _)| *at <= i) {
                out.push(item);
            }
            out.push(Item::Block(model::ShapedBlock::new(key, labels, body)));
        }
        out.extend(dynamic_at.map(|(_, item)| item));
    }

    fn not_a_block(&mut self, key: &str, value: &Value, path: Vec<PathSeg>) {
        let what = if value.is_dynamic() {
            format!("a {} cannot produce a block", value.kind_name())
        } else {
            format!("found {}", value.kind_name())
        };
        let msg = format!("`{key}` is a block: write it as a map of its arguments, {what}");
        let help = format!(
            "write `{key}: #{{ ... }}` for one block or `{key}: [#{{ ... }}, ...]` for several"
        );
        let d = self.diag(Code::SchemaBlockAsAttribute, msg, path, Target::Value, "expected a map");
        self.diags.push(d.help(help));
    }
}

/// The fields of a `list(object)` / `set(object)` attribute as an all-optional
/// block body, when `value` is written as maps that block syntax can carry
/// (Terraform's "attributes as blocks" rule, which applies to attributes of
/// exactly those types, at any depth).
fn blocks_allowed(a: &Attribute, value: &Value) -> Option<SchemaBlock> {
    let (AttrType::List(e) | AttrType::Set(e)) = &a.ty else { return None };
    let AttrType::Object(fields) = &**e else { return None };
    let as_blocks = match value {
        Value::Map(_) => true,
        Value::List(items) => !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))),
        _ => false,
    };
    if !as_blocks {
        return None;
    }
    let attributes = fields
        .iter()
        .map(|(k, ty)| {
            let a = Attribute {
                ty: ty.clone(),
                required: false,
                optional: true,
                computed: false,
                sensitive: false,
            };
            (k.clone(), a)
        })
        .collect();
    Some(SchemaBlock { attributes, block_types: IndexMap::new() })
}

/// `#{...}` or `[#{...}]`: what an operator writes for blocks.
fn value_looks_like_blocks(v: &Value) -> bool {
    match v {
        Value::Map(_) => true,
        Value::List(items) => !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))),
        _ => false,
    }
}

fn is_list_of_primitives(t: &AttrType) -> bool {
    matches!(t, AttrType::List(e) | AttrType::Set(e) if e.is_primitive())
}

/// One object given where a list or set of objects is expected is taken as
/// a list of one, the way a single map makes a single block.
fn wrap_single_object(ty: &AttrType, v: &Value) -> Value {
    let list_of_objects = match ty {
        AttrType::List(e) | AttrType::Set(e) => matches!(**e, AttrType::Object(_)),
        AttrType::Nested { mode, .. } => matches!(mode, Nesting::List | Nesting::Set),
        _ => false,
    };
    match v {
        Value::Map(_) if list_of_objects => Value::List(vec![v.clone()]),
        _ => v.clone(),
    }
}

pub(crate) fn path_text(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) if s.is_empty() => s.push_str(k),
            other => s.push_str(&other.to_string()),
        }
    }
    s
}

fn path_text_or(path: &[PathSeg], key: &str) -> String {
    let s = path_text(path);
    if s.is_empty() {
        key.to_owned()
    } else {
        s
    }
}
