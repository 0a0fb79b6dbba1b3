//! Types of Terraform's built-in provider (`terraform.io/builtin/terraform`),
//! which no provider package describes.

use indexmap::IndexMap;

use super::types::{AttrType, Attribute, Block};

fn attr(ty: AttrType, required: bool, optional: bool, computed: bool) -> Attribute {
    Attribute { ty, required, optional, computed, sensitive: false }
}

fn block(attrs: Vec<(&str, Attribute)>) -> Block {
    Block {
        attributes: attrs.into_iter().map(|(k, a)| (k.to_owned(), a)).collect::<IndexMap<_, _>>(),
        ..Block::default()
    }
}

/// `data "terraform_remote_state"`.
pub fn remote_state() -> Block {
    block(vec![
        ("backend", attr(AttrType::String, true, false, false)),
        ("config", attr(AttrType::Dynamic, false, true, false)),
        ("defaults", attr(AttrType::Dynamic, false, true, false)),
        ("workspace", attr(AttrType::String, false, true, false)),
        ("outputs", attr(AttrType::Dynamic, false, false, true)),
    ])
}

/// `resource "terraform_data"`.
pub fn terraform_data() -> Block {
    block(vec![
        ("input", attr(AttrType::Dynamic, false, true, false)),
        ("triggers_replace", attr(AttrType::Dynamic, false, true, false)),
        ("output", attr(AttrType::Dynamic, false, false, true)),
        ("id", attr(AttrType::String, false, false, true)),
    ])
}
