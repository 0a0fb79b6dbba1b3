//! The operator's key order. Rhai hands maps over sorted by key; the
//! literal in the source says in which order the keys were written, and
//! the output follows it.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::diagnostics::locate::{KeyOrder, Lexed};
use crate::diagnostics::SourceMap;
use crate::model::{Origin, Value};

/// Lexed files of one evaluation, so each file is lexed once however many
/// blocks it declares.
#[derive(Default)]
pub(crate) struct KeyOrders {
    files: HashMap<String, Rc<File>>,
}

/// A file's tokens and where each of its lines starts.
struct File {
    lexed: Lexed,
    line_starts: Vec<usize>,
}

impl File {
    fn new(text: &str) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        File { lexed: Lexed::new(text), line_starts }
    }

    /// Byte offset of a 1-based line and column (columns count characters).
    fn offset(&self, text: &str, line: u32, col: u32) -> Option<usize> {
        let start = *self.line_starts.get((line as usize).checked_sub(1)?)?;
        let rest = text.get(start..)?;
        let col = (col as usize).saturating_sub(1);
        rest.char_indices().nth(col).map(|(i, _)| start + i)
    }
}

impl KeyOrders {
    /// The key order of argument `arg` of the primitive call `origin`.
    pub fn of(&mut self, sources: &SourceMap, origin: &Origin, arg: usize) -> KeyOrder {
        let Some(site) = origin.innermost() else { return KeyOrder::Unknown };
        let Some(text) = sources.get(&site.file) else { return KeyOrder::Unknown };
        let file =
            self.files.entry(site.file.clone()).or_insert_with(|| Rc::new(File::new(text))).clone();
        let Some(offset) = file.offset(text, site.line, site.col) else { return KeyOrder::Unknown };
        file.lexed.key_order(text, offset).into_iter().nth(arg).unwrap_or(KeyOrder::Unknown)
    }
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
