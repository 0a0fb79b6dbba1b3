//! What a file says about key order, read from Rhai's own AST when the
//! engine compiles the file (`engine/ast_index.rs` fills it in): the
//! arguments of every call, the `let`/`const` bindings, and the keys of
//! every map literal, in written order. Positions are Rhai's (1-based line
//! and column), the ones a primitive call reports, so no text is lexed to
//! answer.

use std::collections::HashMap;

/// A line and column as Rhai reports them.
pub type At = (u32, u32);

/// Key order of a literal as written: maps list their keys in order, lists
/// their items; anything else is not a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrder {
    Map(Vec<(String, KeyOrder)>),
    List(Vec<KeyOrder>),
    Unknown,
}

/// An expression as far as key order goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `#{ b: .., a: .. }`: keys as written.
    Map(Vec<(String, Shape)>),
    List(Vec<Shape>),
    /// A plain variable: its `let` says what it holds.
    Var(String),
    Other,
}

#[derive(Debug, Default)]
pub struct Layout {
    /// The arguments of each call, by the position Rhai reports for it.
    calls: HashMap<At, Vec<Shape>>,
    /// `let name = ...` and `const name = ...`, sorted by position.
    bindings: Vec<(At, String, Shape)>,
    /// The written order of each set of keys a map literal names; the
    /// first literal with a set decides.
    key_sets: HashMap<KeySet, Vec<String>>,
    /// Where each `switch` and `??` is (the engine checks what they choose on).
    switches: Vec<At>,
}

/// How many variables a lookup follows (`let a = b; let b = #{..}`).
const MAX_HOPS: u8 = 4;

impl Layout {
    pub fn add_call(&mut self, at: At, args: Vec<Shape>) {
        self.calls.entry(at).or_insert(args);
    }

    pub fn add_binding(&mut self, at: At, name: String, value: Shape) {
        self.bindings.push((at, name, value));
    }

    /// A map literal's keys, in written order.
    pub fn add_map(&mut self, keys: Vec<String>) {
        self.key_sets.entry(KeySet::of(keys.iter().map(String::as_str))).or_insert(keys);
    }

    pub fn add_switch(&mut self, at: At) {
        self.switches.push(at);
    }

    pub fn switches(&self) -> &[At] {
        &self.switches
    }

    /// Puts the bindings in position order; call once all are added.
    pub fn finish(&mut self) {
        self.bindings.sort_by_key(|b| b.0);
    }

    /// The key order of each argument of the call at `at`, following a
    /// variable to the last `let` of it written before the call. `None`
    /// when no call is at `at`.
    pub fn key_order(&self, at: At) -> Option<Vec<KeyOrder>> {
        let args = self.calls.get(&at)?;
        Some(args.iter().map(|a| self.order_of(at, a, 0)).collect())
    }

    fn order_of(&self, before: At, shape: &Shape, hops: u8) -> KeyOrder {
        match shape {
            Shape::Map(entries) => KeyOrder::Map(
                entries.iter().map(|(k, v)| (k.clone(), self.order_of(before, v, hops))).collect(),
            ),
            Shape::List(items) => {
                KeyOrder::List(items.iter().map(|i| self.order_of(before, i, hops)).collect())
            }
            Shape::Var(name) if hops < MAX_HOPS => match self.binding(before, name) {
                Some((at, bound)) => self.order_of(at, bound, hops + 1),
                None => KeyOrder::Unknown,
            },
            Shape::Var(_) | Shape::Other => KeyOrder::Unknown,
        }
    }

    /// The last binding of `name` written before `before`.
    fn binding(&self, before: At, name: &str) -> Option<(At, &Shape)> {
        let end = self.bindings.partition_point(|b| b.0 < before);
        self.bindings[..end].iter().rev().find(|b| b.1 == name).map(|b| (b.0, &b.2))
    }

    /// The written order of a map literal naming exactly the keys of
    /// `set`, when the file has one.
    pub fn order_of_keys(&self, set: &KeySet) -> Option<&[String]> {
        self.key_sets.get(set).map(Vec::as_slice)
    }
}

/// A set of map keys, whatever their order: sorted and joined by `\0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeySet(String);

impl KeySet {
    pub fn of<'a>(keys: impl Iterator<Item = &'a str>) -> Self {
        let mut keys: Vec<&str> = keys.collect();
        keys.sort_unstable();
        KeySet(keys.join("\0"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: &[&str]) -> Shape {
        Shape::Map(keys.iter().map(|k| (k.to_string(), Shape::Other)).collect())
    }

    fn names(order: &KeyOrder) -> Vec<&str> {
        match order {
            KeyOrder::Map(keys) => keys.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn follows_the_last_binding_before_the_call() {
        let mut l = Layout::default();
        l.add_binding((1, 1), "t".into(), map(&["Zed", "Alpha"]));
        l.add_binding((9, 1), "t".into(), map(&["late"]));
        l.add_binding((2, 1), "u".into(), Shape::Var("t".into()));
        l.add_call((3, 5), vec![Shape::Other, Shape::Var("u".into())]);
        l.finish();
        let order = l.key_order((3, 5)).unwrap();
        assert_eq!(order[0], KeyOrder::Unknown);
        assert_eq!(names(&order[1]), ["Zed", "Alpha"]);
        assert!(l.key_order((3, 6)).is_none());
    }

    #[test]
    fn a_binding_that_names_itself_ends() {
        let mut l = Layout::default();
        l.add_binding((1, 1), "a".into(), Shape::Var("a".into()));
        l.add_call((2, 1), vec![Shape::Var("a".into())]);
        l.finish();
        assert_eq!(l.key_order((2, 1)).unwrap(), [KeyOrder::Unknown]);
    }

    #[test]
    fn key_sets_keep_the_first_written_order() {
        let mut l = Layout::default();
        l.add_map(vec!["Version".into(), "Statement".into()]);
        l.add_map(vec!["Statement".into(), "Version".into()]);
        let set = KeySet::of(["Statement", "Version"].into_iter());
        assert_eq!(l.order_of_keys(&set).unwrap(), ["Version", "Statement"]);
        assert!(l.order_of_keys(&KeySet::of(["Version"].into_iter())).is_none());
    }
}
