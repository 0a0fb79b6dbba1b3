//! The operator's key order. Rhai hands maps over sorted by key; the
//! literal in the source says in which order the keys were written, and
//! the output follows it.

use indexmap::IndexMap;

use crate::diagnostics::SourceMap;
use crate::model::{Origin, Value};
use crate::syntax::KeyOrder;

/// The key order of argument `arg` of the primitive call `origin`, from the
/// syntax index of the file that holds the call (built once per file).
pub(crate) fn key_order(sources: &SourceMap, origin: &Origin, arg: usize) -> KeyOrder {
    let Some(site) = origin.innermost() else { return KeyOrder::Unknown };
    let Some(index) = sources.index(&site.file) else { return KeyOrder::Unknown };
    let Some(offset) = index.offset(site.line, site.col) else { return KeyOrder::Unknown };
    index.key_order(offset).into_iter().nth(arg).unwrap_or(KeyOrder::Unknown)
}

/// `map` with the keys the literal names first, in its order, then any
/// others as they were.
pub(crate) fn reorder(
    mut map: IndexMap<String, Value>,
    order: &KeyOrder,
) -> IndexMap<String, Value> {
    let KeyOrder::Map(keys) = order else { return map };
    let mut out = IndexMap::with_capacity(map.len());
    for (k, sub) in keys {
        if let Some(v) = map.shift_remove(k) {
            out.insert(k.clone(), reorder_value(v, sub));
        }
    }
    out.extend(map);
    out
}

fn reorder_value(v: Value, order: &KeyOrder) -> Value {
    match (v, order) {
        (Value::Map(m), KeyOrder::Map(_)) => Value::Map(reorder(m, order)),
        (Value::List(items), KeyOrder::List(orders)) => Value::List(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match orders.get(i) {
                    Some(o) => reorder_value(item, o),
                    None => item,
                })
                .collect(),
        ),
        (v, _) => v,
    }
}
