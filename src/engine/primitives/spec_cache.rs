//! Each declaration parsed once: every call of a stdlib block hands
//! `options(...)` and `results(...)` the same `export const` map, and
//! parsing it (type strings, rules, checks) cost more than the rest of the
//! call. A parse depends only on the map's content and the fallback name,
//! so a map equal in content to one already parsed reuses that parse.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Dynamic, ImmutableString, Map};

use super::spec::{self, BlockSpec, SpecError};

/// Distinct declarations kept; a long `watch` session whose declarations
/// keep changing starts over past this, so memory stays flat.
const MAX_ENTRIES: usize = 256;

struct Entry {
    fallback: String,
    spec: Map,
    parsed: Rc<BlockSpec>,
}

thread_local! {
    static PARSED: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// [`spec::parse`], answered from the cache for a declaration seen before.
/// Errors are not cached: a malformed declaration is reported once anyway.
///
/// Entries are scanned, not hashed: two declarations differ in their first
/// key (`block`), so a miss costs one comparison, and a hit's strings are
/// the very strings of the cached copy (the map is a clone of one
/// constant), equal at the first pointer check.
pub(crate) fn parse(spec: &Map, fallback: &str) -> Result<Rc<BlockSpec>, SpecError> {
    let hit = PARSED.with_borrow(|entries| {
        entries
            .iter()
            .find(|e| e.fallback == fallback && same_map(&e.spec, spec))
            .map(|e| e.parsed.clone())
    });
    if let Some(parsed) = hit {
        return Ok(parsed);
    }
    let parsed = Rc::new(spec::parse(spec, fallback)?);
    if spec.values().all(plain) {
        PARSED.with_borrow_mut(|entries| {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.push(Entry {
                fallback: fallback.to_owned(),
                spec: spec.clone(),
                parsed: parsed.clone(),
            });
        });
    }
    Ok(parsed)
}

/// Plain data the cache can compare; anything else (a handle, a variable
/// shared with a closure) is parsed on every call instead.
fn plain(v: &Dynamic) -> bool {
    if v.is_shared() {
        return false;
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return a.iter().all(plain);
    }
    if let Some(m) = v.read_lock::<Map>() {
        return m.values().all(plain);
    }
    v.is_string() || v.is_unit() || v.is_bool() || v.is_int() || v.is_float() || v.is_char()
}

fn same_map(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
}

/// Equal plain data of the same type (`1` is not `1.0`). Only maps that
/// passed [`plain`] are cached, so anything else on either side is unequal.
fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if a.type_id() != b.type_id() || a.is_shared() || b.is_shared() {
        return false;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<ImmutableString>(), b.read_lock::<ImmutableString>())
    {
        return x.ptr_eq(&y) || x.as_str() == y.as_str();
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return same_map(&x, &y);
    }
    if let (Some(x), Some(y)) = (a.read_lock::<rhai::Array>(), b.read_lock::<rhai::Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q));
    }
    if a.is_unit() {
        return true;
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_float(), b.as_float()) {
        return x.to_bits() == y.to_bits();
    }
    if let (Ok(x), Ok(y)) = (a.as_char(), b.as_char()) {
        return x == y;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(default: Dynamic) -> Map {
        let mut opt = Map::new();
        opt.insert("name".into(), "size".into());
        opt.insert("type".into(), "int".into());
        opt.insert("doc".into(), "how many".into());
        opt.insert("default".into(), default);
        let mut m = Map::new();
        m.insert("block".into(), "x::y".into());
        m.insert("options".into(), Dynamic::from_array(vec![Dynamic::from_map(opt)]));
        m
    }

    #[test]
    fn an_equal_declaration_reuses_the_parse_and_a_different_one_does_not() {
        let a = parse(&decl(Dynamic::from_int(3)), "f").ok().unwrap_or_else(|| unreachable!());
        let b = parse(&decl(Dynamic::from_int(3)), "f").ok().unwrap_or_else(|| unreachable!());
        assert!(Rc::ptr_eq(&a, &b));
        let c = parse(&decl(Dynamic::from_int(4)), "f").ok().unwrap_or_else(|| unreachable!());
        assert!(!Rc::ptr_eq(&a, &c));
        assert_eq!(c.options[0].default.as_ref().and_then(|d| d.as_int().ok()), Some(4));
        // The same content under another fallback name is another parse.
        let d = parse(&decl(Dynamic::from_int(3)), "g").ok().unwrap_or_else(|| unreachable!());
        assert!(!Rc::ptr_eq(&a, &d));
        // `3` and `3.0` are different defaults.
        let e = parse(&decl(Dynamic::from_float(3.0)), "f");
        assert!(e.map(|e| !Rc::ptr_eq(&a, &e)).unwrap_or(true));
    }
}
