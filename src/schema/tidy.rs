//! What the output leaves out because it says nothing: `tags = {}` and
//! `labels = {}` (stdlib blocks pass the operator's tags through, often
//! empty), where the schema makes an absent value mean the same. An
//! attribute the provider also computes is kept: there `{}` clears what
//! the provider would otherwise keep, and leaving it out would change
//! the plan.

use crate::model::{BlockKind, Body, Item, Shaped, Stack, Value};

use super::types::Block;
use super::Schemas;

const SAYS_NOTHING_WHEN_EMPTY: &[&str] = &["tags", "labels"];

pub fn drop_empty_tags(stack: &Stack, shaped: &mut Shaped, schemas: &Schemas) {
    for (r, body) in stack.resources.iter().zip(shaped.resources.iter_mut()) {
        if r.kind != BlockKind::Resource {
            continue;
        }
        if let Some(schema) = schemas.block(BlockKind::Resource, &r.type_name) {
            tidy(body, &schema);
        }
    }
}

fn tidy(body: &mut Body, schema: &Block) {
    body.items.retain(|item| match item {
        Item::Attr(k, Value::Map(m))
            if m.is_empty() && SAYS_NOTHING_WHEN_EMPTY.contains(&k.as_str()) =>
        {
            !schema.attributes.get(k).is_some_and(|a| !a.computed && !a.required)
        }
        _ => true,
    });
    for item in &mut body.items {
        if let Item::Block(b) = item {
            if let Some(bt) = schema.block_types.get(&b.ident) {
                tidy(&mut b.body, &bt.block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;

    fn resource(type_name: &str, body: Body) -> (Stack, Shaped) {
        let mut stack = Stack::new("s");
        stack.resources.push(Resource {
            kind: BlockKind::Resource,
            type_name: type_name.into(),
            name: "x".into(),
            attrs: Default::default(),
            meta: Default::default(),
            checkov_skips: Vec::new(),
            origin: Default::default(),
        });
        (stack, Shaped { resources: vec![body], providers: Vec::new() })
    }

    #[test]
    fn empty_tags_and_labels_go_where_absent_means_the_same() {
        let mut meta = Body::new();
        meta.attr("name", Value::String("web".into()))
            .attr("labels", Value::Map(Default::default()));
        let mut body = Body::new();
        body.block(crate::model::Block::new("metadata", vec![], meta));
        let (stack, mut shaped) = resource("kubernetes_namespace_v1", body);
        drop_empty_tags(&stack, &mut shaped, &Schemas::embedded());
        let Item::Block(m) = &shaped.resources[0].items[0] else { panic!() };
        assert_eq!(m.body.items.len(), 1, "{m:?}");

        let mut body = Body::new();
        body.attr("bucket", Value::String("b".into())).attr("tags", Value::Map(Default::default()));
        let (stack, mut shaped) = resource("aws_s3_bucket", body);
        drop_empty_tags(&stack, &mut shaped, &Schemas::embedded());
        assert_eq!(shaped.resources[0].items.len(), 1);
    }

    #[test]
    fn kept_when_not_empty_or_when_the_provider_computes_it() {
        let mut tags = indexmap::IndexMap::new();
        tags.insert("Team".to_owned(), Value::String("ops".into()));
        let mut body = Body::new();
        body.attr("tags", Value::Map(tags));
        let (stack, mut shaped) = resource("aws_s3_bucket", body);
        drop_empty_tags(&stack, &mut shaped, &Schemas::embedded());
        assert_eq!(shaped.resources[0].items.len(), 1);

        // `metadata.labels` of a job is also computed: `{}` there clears labels.
        let mut meta = Body::new();
        meta.attr("labels", Value::Map(Default::default()));
        let mut body = Body::new();
        body.block(crate::model::Block::new("metadata", vec![], meta));
        let (stack, mut shaped) = resource("kubernetes_job_v1", body);
        drop_empty_tags(&stack, &mut shaped, &Schemas::embedded());
        let Item::Block(m) = &shaped.resources[0].items[0] else { panic!() };
        assert_eq!(m.body.items.len(), 1, "{m:?}");
    }
}
