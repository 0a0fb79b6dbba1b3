//! Which values of a block are secrets, so that no change ever prints them:
//! attributes the provider schema marks `sensitive`, attributes named like a
//! secret (`password`, `token`, ...), the value of a sensitive output and
//! the default of a sensitive variable.

use super::parse::{Entry, Kind};
use super::tree::Tree;
use crate::model::{is_secret_name, BlockKind};
use crate::schema::types::{AttrType, Block};
use crate::schema::Schemas;

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Whether the value at `path` in `entry` (on either side of the change)
/// must not be shown.
pub fn is_sensitive(entry: &Entry, path: &[Seg], schemas: &Schemas) -> bool {
    let keys = || path.iter().filter_map(|s| if let Seg::Key(k) = s { Some(k) } else { None });
    if keys().any(|k| is_secret_name(k)) {
        return true;
    }
    let flagged = |key: &str| {
        matches!(entry.body.get("sensitive"), Some(Tree::Leaf(v)) if v == "true")
            && matches!(path.first(), Some(Seg::Key(k)) if k == key)
    };
    match entry.kind {
        Kind::Output => flagged("value"),
        Kind::Variable => flagged("default"),
        Kind::Local => false,
        Kind::Resource | Kind::Data | Kind::Provider => {
            let kind = match entry.kind {
                Kind::Resource => BlockKind::Resource,
                Kind::Data => BlockKind::Data,
                _ => BlockKind::Provider,
            };
            schemas.block(kind, &entry.type_name).is_some_and(|b| in_block(&b, path))
        }
        _ => false,
    }
}

fn in_block(block: &Block, path: &[Seg]) -> bool {
    let Some(Seg::Key(first)) = path.first() else { return false };
    let rest = &path[1..];
    if let Some(a) = block.attributes.get(first) {
        return a.sensitive || in_type(&a.ty, rest);
    }
    match block.block_types.get(first) {
        // A nested block is a list of bodies, or one body when written once.
        Some(bt) => match rest.first() {
            Some(Seg::Index(_)) => in_block(&bt.block, &rest[1..]),
            _ => in_block(&bt.block, rest),
        },
        None => false,
    }
}

fn in_type(ty: &AttrType, path: &[Seg]) -> bool {
    match (ty, path.first()) {
        (AttrType::Nested { attributes, .. }, Some(seg)) => {
            let rest = &path[1..];
            match seg {
                Seg::Index(_) => in_type(ty, rest),
                Seg::Key(k) => match attributes.get(k) {
                    Some(a) => a.sensitive || in_type(&a.ty, rest),
                    // A map of nested objects: the key is the map's.
                    None => in_type(ty, rest),
                },
            }
        }
        (AttrType::List(t) | AttrType::Set(t) | AttrType::Map(t), Some(_)) => {
            in_type(t, &path[1..])
        }
        (AttrType::Object(fields), Some(Seg::Key(k))) => {
            fields.get(k).is_some_and(|t| in_type(t, &path[1..]))
        }
        _ => false,
    }
}
