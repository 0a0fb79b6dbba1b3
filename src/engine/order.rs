//! The operator's key order. Rhai hands maps over sorted by key; the
//! literal in the source says in which order the keys were written, and
//! the output follows it. A map the call does not spell out (built in a
//! function, passed through options, grown with `+=`) takes the order of
//! the map literal that names exactly its keys, in the call's file first,
//! then in every file read (the stdlib's policies, `Version` before
//! `Statement`); with none, it stays as Rhai gave it.

use indexmap::IndexMap;

use crate::model::{Origin, Value};
use crate::syntax::{KeyOrder, KeySet, Layout};

/// The layouts a call's values are ordered by.
pub(crate) struct Written<'a, All> {
    /// The file that holds the call.
    pub own: Option<&'a Layout>,
    /// Every compiled file, in the order they were read.
    pub all: All,
}

impl<'a, All: Iterator<Item = &'a Layout> + Clone> Written<'a, All> {
    /// The key order of argument `arg` of the primitive call `origin`.
    pub fn of_arg(&self, origin: &Origin, arg: usize) -> KeyOrder {
        let Some(site) = origin.innermost() else { return KeyOrder::Unknown };
        self.own
            .and_then(|l| l.key_order((site.line, site.col)))
            .and_then(|args| args.into_iter().nth(arg))
            .unwrap_or(KeyOrder::Unknown)
    }

    /// `map` with the keys `order` names first, in its order, then any
    /// others as they were; nested maps likewise.
    pub fn map(&self, map: IndexMap<String, Value>, order: &KeyOrder) -> IndexMap<String, Value> {
        let found;
        let keys = match order {
            KeyOrder::Map(keys) => keys,
            _ => match self.of_keys(&map) {
                Some(keys) => {
                    found = keys;
                    &found
                }
                None => {
                    return map.into_iter().map(|(k, v)| (k, self.value(v, order))).collect();
                }
            },
        };
        let mut map = map;
        let mut out = IndexMap::with_capacity(map.len());
        for (k, sub) in keys {
            if let Some(v) = map.shift_remove(k) {
                out.insert(k.clone(), self.value(v, sub));
            }
        }
        out.extend(map.into_iter().map(|(k, v)| (k, self.value(v, &KeyOrder::Unknown))));
        out
    }

    /// `v` with its maps in written order. A function call's arguments were
    /// ordered when the call was made (`tf::jsonencode(#{..})`).
    pub fn value(&self, v: Value, order: &KeyOrder) -> Value {
        match (v, order) {
            (Value::Map(m), _) => Value::Map(self.map(m, order)),
            (Value::List(items), _) => {
                let orders = match order {
                    KeyOrder::List(orders) => orders.as_slice(),
                    _ => &[],
                };
                let unknown = KeyOrder::Unknown;
                let order_of = |i: usize| orders.get(i).unwrap_or(&unknown);
                Value::List(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| self.value(v, order_of(i)))
                        .collect(),
                )
            }
            (v, _) => v,
        }
    }

    /// The written order of a literal naming exactly the keys of `map`.
    fn of_keys(&self, map: &IndexMap<String, Value>) -> Option<Vec<(String, KeyOrder)>> {
        if map.len() < 2 {
            return None;
        }
        let set = KeySet::of(map.keys().map(String::as_str));
        let mut layouts = self.own.into_iter().chain(self.all.clone());
        let written = layouts.find_map(|l| l.order_of_keys(&set))?;
        Some(written.iter().map(|k| (k.clone(), KeyOrder::Unknown)).collect())
    }
}
