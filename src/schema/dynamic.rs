//! `dynamic` blocks: the content a script gave `tf::dynamic` is shaped
//! against the block type like a literal block, then wrapped in
//! `dynamic "LABEL" { for_each = ...  iterator = ...  content { ... } }`.

use super::shape::Shaper;
use super::types::{AttrType, BlockType, Nesting};
use crate::diagnostics::{Code, Target};
use crate::model::{Body, Item, Op, PathSeg, Reference, ShapedBlock, Value};

impl Shaper<'_> {
    /// The `dynamic` block for `key`, or `None` (reported) when the block
    /// type cannot take one.
    pub(crate) fn dynamic_block(
        &mut self,
        key: &str,
        bt: &BlockType,
        op: &Op,
        path: &[PathSeg],
    ) -> Option<Item> {
        let Op::Dynamic { for_each, iterator, content } = op else { return None };
        if matches!(bt.nesting, Nesting::Map) {
            let d = crate::diagnostics::Diagnostic::error(
                Code::SchemaDynamicNotAllowed,
                format!("`{key}` blocks carry labels, which `tf::dynamic` does not write"),
            )
            .at_path(self.origin, path.to_vec(), Target::Value)
            .label("labelled block")
            .help("write these blocks as a map of label to arguments");
            self.diags.push(d);
            return None;
        }
        let shaped = self.body(&bt.block, content, path);
        let mut body = Body::new();
        body.attr("for_each", for_each.clone());
        body.attr("iterator", Value::Ref(Reference::new(iterator)));
        body.block(ShapedBlock::new("content", Vec::new(), shaped));
        Some(Item::Block(ShapedBlock::new("dynamic", vec![key.to_owned()], body)))
    }
}

impl Shaper<'_> {
    /// A `dynamic` block for a list-of-objects attribute, which Terraform
    /// also accepts in block syntax (attributes as blocks); `None` when the
    /// attribute is of another type (reported later as a value).
    pub(crate) fn dynamic_attr_block(
        &mut self,
        key: &str,
        ty: &AttrType,
        op: &Op,
        path: &[PathSeg],
    ) -> Option<Item> {
        let (AttrType::List(e) | AttrType::Set(e)) = ty else { return None };
        let AttrType::Object(fields) = e.as_ref() else { return None };
        let Op::Dynamic { for_each, iterator, content } = op else { return None };
        let mut shaped = Body::new();
        for (k, v) in content {
            if fields.contains_key(k) {
                shaped.attr(k.clone(), v.clone());
                continue;
            }
            let mut p = path.to_vec();
            p.push(PathSeg::key(k));
            let help = crate::diagnostics::closest(k, fields.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"));
            let d = crate::diagnostics::Diagnostic::error(
                Code::SchemaUnknownAttribute,
                format!("unknown attribute `{k}` in `{key}` of {}", self.subject),
            )
            .at_path(self.origin, p, Target::Key)
            .label("unknown attribute")
            .help_opt(help);
            self.diags.push(d);
        }
        let mut body = Body::new();
        body.attr("for_each", for_each.clone());
        body.attr("iterator", Value::Ref(Reference::new(iterator)));
        body.block(ShapedBlock::new("content", Vec::new(), shaped));
        Some(Item::Block(ShapedBlock::new("dynamic", vec![key.to_owned()], body)))
    }
}

/// The `tf::dynamic(...)` inside `v`, when `v` is one.
pub(crate) fn as_dynamic(v: &Value) -> Option<&Op> {
    match v {
        Value::Op(op) if matches!(op.as_ref(), Op::Dynamic { .. }) => Some(op),
        _ => None,
    }
}

/// Whether `v` holds a `tf::dynamic(...)` anywhere (it only makes sense
/// where blocks go).
pub(crate) fn contains_dynamic(v: &Value) -> bool {
    match v {
        Value::Op(op) => {
            matches!(op.as_ref(), Op::Dynamic { .. })
                || op.operands().into_iter().any(contains_dynamic)
        }
        Value::List(items) => items.iter().any(contains_dynamic),
        Value::Map(m) => m.values().any(contains_dynamic),
        Value::Call { args, .. } => args.iter().any(contains_dynamic),
        Value::Template(parts) => parts.iter().any(|p| match p {
            crate::model::TemplatePart::Interp(v) => contains_dynamic(v),
            _ => false,
        }),
        _ => false,
    }
}
