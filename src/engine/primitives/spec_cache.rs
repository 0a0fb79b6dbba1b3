//! Each declaration parsed once: every call of a stdlib block hands
//! `options(...)` and `results(...)` the same `export const` map, and
//! parsing it (type strings, rules, checks) cost more than the rest of the
//! call. A parse depends only on the map's content and the fallback name,
//! so a map equal in content to one already parsed reuses that parse.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use rhai::{Dynamic, Map};

use super::spec::{self, BlockSpec, SpecError};

/// Distinct declarations kept; a long `watch` session whose declarations
/// keep changing starts over past this, so memory stays flat.
const MAX_ENTRIES: usize = 256;

struct Entry {
    hash: u64,
    fallback: String,
    spec: Map,
    parsed: Rc<BlockSpec>,
}

thread_local! {
    static PARSED: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// [`spec::parse`], answered from the cache for a declaration seen before.
/// Errors are not cached: a malformed declaration is reported once anyway.
pub(crate) fn parse(spec: &Map, fallback: &str) -> Result<Rc<BlockSpec>, SpecError> {
    let Some(hash) = content_hash(spec, fallback) else {
        // A value the cache cannot compare (a handle, a shared variable).
        return spec::parse(spec, fallback).map(Rc::new);
    };
    let hit = PARSED.with_borrow(|entries| {
        entries
            .iter()
            .find(|e| e.hash == hash && e.fallback == fallback && same_map(&e.spec, spec))
            .map(|e| e.parsed.clone())
    });
    if let Some(parsed) = hit {
        return Ok(parsed);
    }
    let parsed = Rc::new(spec::parse(spec, fallback)?);
    PARSED.with_borrow_mut(|entries| {
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.push(Entry {
            hash,
            fallback: fallback.to_owned(),
            spec: spec.clone(),
            parsed: parsed.clone(),
        });
    });
    Ok(parsed)
}

fn content_hash(spec: &Map, fallback: &str) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    fallback.hash(&mut h);
    hash_map(spec, &mut h)?;
    Some(h.finish())
}

fn hash_map(m: &Map, h: &mut impl Hasher) -> Option<()> {
    m.len().hash(h);
    for (k, v) in m {
        k.as_str().hash(h);
        hash_value(v, h)?;
    }
    Some(())
}

/// Hashes the plain data a declaration holds; `None` for anything else,
/// which is then never cached.
fn hash_value(v: &Dynamic, h: &mut impl Hasher) -> Option<()> {
    if v.is_shared() {
        return None;
    }
    if v.is_unit() {
        0u8.hash(h);
    } else if let Ok(b) = v.as_bool() {
        (1u8, b).hash(h);
    } else if let Ok(i) = v.as_int() {
        (2u8, i).hash(h);
    } else if let Ok(f) = v.as_float() {
        (3u8, f.to_bits()).hash(h);
    } else if let Ok(c) = v.as_char() {
        (4u8, c).hash(h);
    } else if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        5u8.hash(h);
        s.as_str().hash(h);
    } else if let Some(a) = v.read_lock::<rhai::Array>() {
        (6u8, a.len()).hash(h);
        for item in a.iter() {
            hash_value(item, h)?;
        }
    } else if let Some(m) = v.read_lock::<Map>() {
        7u8.hash(h);
        hash_map(&m, h)?;
    } else {
        return None;
    }
    Some(())
}

fn same_map(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
}

/// Equal plain data, of the same type (`1` is not `1.0`): only values
/// [`hash_value`] accepts reach here, as an entry's map passed it.
fn same_value(a: &Dynamic, b: &Dynamic) -> bool {
    if a.type_id() != b.type_id() || a.is_shared() || b.is_shared() {
        return false;
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
    if let (Some(x), Some(y)) =
        (a.read_lock::<rhai::ImmutableString>(), b.read_lock::<rhai::ImmutableString>())
    {
        return x.as_str() == y.as_str();
    }
    if let (Some(x), Some(y)) = (a.read_lock::<rhai::Array>(), b.read_lock::<rhai::Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return same_map(&x, &y);
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
