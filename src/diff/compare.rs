//! Two snapshots of a stack compared address by address, then path by path.

use std::collections::{HashMap, VecDeque};

use super::parse::{Entry, Kind, Snapshot};
use super::sensitive::{is_sensitive, Seg};
use super::tree::{join, Tree};
use super::{Action, AttrChange, Change, Shown};
use crate::model::is_secret_name;
use crate::schema::Schemas;

/// Every address that differs, sorted by address. A removed resource (or
/// module) and an added one of the same type become one rename when they
/// pair up; each removed one takes the added one closest to it (when a
/// type has too many to compare them all, only one with an identical body).
pub fn compare(
    old: &Snapshot,
    new: &Snapshot,
    schemas: &Schemas,
    whole_blocks: bool,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut added: Vec<(&String, &Entry)> = Vec::new();
    let mut removed: Vec<(&String, &Entry)> = Vec::new();
    for (addr, n) in &new.entries {
        match old.entries.get(addr) {
            Some(o) => {
                let attrs = attr_changes(addr, o, n, schemas);
                if !attrs.is_empty() || o.kind != n.kind {
                    changes.push(change(Action::Change, addr, None, attrs, n));
                }
            }
            None => added.push((addr, n)),
        }
    }
    for (addr, o) in &old.entries {
        if !new.entries.contains_key(addr) {
            removed.push((addr, o));
        }
    }
    // Pairing must not depend on where blocks sit in the files.
    added.sort_by(|a, b| a.0.cmp(b.0));
    removed.sort_by(|a, b| a.0.cmp(b.0));
    let declared = declared_moves(new);
    let index_of: HashMap<&str, usize> =
        added.iter().enumerate().map(|(i, (a, _))| (a.as_str(), i)).collect();
    let mut taken = vec![false; added.len()];
    // How many gone and new blocks each type has: past a budget, comparing
    // every gone block with every new one (10,000 renamed buckets took 29 s)
    // gives way to pairing only blocks whose bodies are identical.
    let mut counts: HashMap<(Kind, &str), (usize, usize)> = HashMap::new();
    for (_, o) in &removed {
        counts.entry((o.kind, o.type_name.as_str())).or_default().0 += 1;
    }
    for (_, n) in &added {
        counts.entry((n.kind, n.type_name.as_str())).or_default().1 += 1;
    }
    let over_budget = |e: &Entry| {
        let (gone, new) = counts.get(&(e.kind, e.type_name.as_str())).copied().unwrap_or_default();
        gone.saturating_mul(new) > MAX_COMPARED_PAIRS
    };
    let mut identical: HashMap<(Kind, &str, String), VecDeque<usize>> = HashMap::new();
    for (i, (_, n)) in added.iter().enumerate().filter(|(_, (_, n))| over_budget(n)) {
        let key = (n.kind, n.type_name.as_str(), format!("{:?}", n.body));
        identical.entry(key).or_default().push_back(i);
    }
    for (from, o) in removed {
        let movable = matches!(o.kind, Kind::Resource | Kind::Module);
        let moved_to = declared.iter().find(|(f, _)| f == from).map(|(_, t)| t.as_str());
        let declared_at = moved_to.and_then(|t| index_of.get(t).copied()).filter(|&i| !taken[i]);
        if let Some(i) = declared_at {
            taken[i] = true;
            let (to, n) = added[i];
            let attrs = attr_changes(to, o, n, schemas);
            let mut c = change(Action::Rename, to, Some(from.clone()), attrs, n);
            c.declared = true;
            changes.push(c);
            continue;
        }
        let best = if !movable {
            None
        } else if over_budget(o) {
            let key = (o.kind, o.type_name.as_str(), format!("{:?}", o.body));
            let queue = identical.get_mut(&key);
            let next =
                queue.and_then(|q| std::iter::from_fn(|| q.pop_front()).find(|i| !taken[*i]));
            next.map(|i| (attr_changes(added[i].0, o, added[i].1, schemas), i))
        } else {
            added
                .iter()
                .enumerate()
                .filter(|(i, (_, n))| !taken[*i] && n.kind == o.kind && n.type_name == o.type_name)
                .map(|(i, (addr, n))| (attr_changes(addr, o, n, schemas), i))
                .min_by_key(|(attrs, i)| (attrs.len(), *i))
        };
        match best {
            Some((attrs, i)) => {
                taken[i] = true;
                let (to, n) = added[i];
                changes.push(change(Action::Rename, to, Some(from.clone()), attrs, n));
            }
            None => {
                let attrs = whole(from, o, schemas, whole_blocks, |v| AttrChange {
                    old: Some(v),
                    new: None,
                    path: String::new(),
                });
                changes.push(change(Action::Remove, from, None, attrs, o));
            }
        }
    }
    let added = added.into_iter().enumerate().filter(|(i, _)| !taken[*i]).map(|(_, a)| a);
    for (addr, n) in added {
        let attrs = whole(addr, n, schemas, whole_blocks, |v| AttrChange {
            old: None,
            new: Some(v),
            path: String::new(),
        });
        changes.push(change(Action::Add, addr, None, attrs, n));
    }
    changes.sort_by(|a, b| a.address.cmp(&b.address).then(a.from.cmp(&b.from)));
    changes
}

/// Attribute comparisons spent on pairing the gone and new blocks of one
/// type by fewest changes (about 50 ms of work).
const MAX_COMPARED_PAIRS: usize = 10_000;

fn change(
    action: Action,
    address: &str,
    from: Option<String>,
    attrs: Vec<AttrChange>,
    entry: &Entry,
) -> Change {
    let movable = matches!(entry.kind, Kind::Resource | Kind::Module);
    Change { action, address: address.to_owned(), from, attrs, movable, declared: false }
}

/// The `moved { from = ... to = ... }` blocks of a snapshot, as address pairs.
fn declared_moves(snap: &Snapshot) -> Vec<(String, String)> {
    snap.entries
        .iter()
        .filter(|(addr, e)| e.kind == Kind::Other && addr.starts_with("moved["))
        .filter_map(|(_, e)| match (e.body.get("from"), e.body.get("to")) {
            (Some(Tree::Leaf(f)), Some(Tree::Leaf(t))) => {
                Some((f.trim_matches('"').to_owned(), t.trim_matches('"').to_owned()))
            }
            _ => None,
        })
        .collect()
}

/// A local, variable or output named like a secret hides all it holds.
fn secret_name(address: &str, e: &Entry) -> bool {
    matches!(e.kind, Kind::Local | Kind::Variable | Kind::Output)
        && address.rsplit('.').next().is_some_and(is_secret_name)
}

fn whole(
    address: &str,
    e: &Entry,
    schemas: &Schemas,
    wanted: bool,
    make: impl Fn(Shown) -> AttrChange,
) -> Vec<AttrChange> {
    if !wanted {
        return Vec::new();
    }
    let mut leaves = Vec::new();
    let mut segs = Vec::new();
    walk(&e.body, &mut segs, &mut |segs, t| leaves.push((segs.to_vec(), t.clone())));
    let hide_all = secret_name(address, e);
    leaves
        .into_iter()
        .map(|(segs, t)| {
            let shown = if hide_all || is_sensitive(e, &segs, schemas) {
                Shown::Sensitive
            } else {
                Shown::Code(t.code())
            };
            AttrChange { path: path_text(&segs), ..make(shown) }
        })
        .collect()
}

/// Calls `f` on every leaf (and every empty collection) with its path.
fn walk(t: &Tree, segs: &mut Vec<Seg>, f: &mut dyn FnMut(&[Seg], &Tree)) {
    match t {
        Tree::List(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                segs.push(Seg::Index(i));
                walk(item, segs, f);
                segs.pop();
            }
        }
        Tree::Map(m) if !m.is_empty() => {
            for (k, v) in m {
                segs.push(Seg::Key(k.clone()));
                walk(v, segs, f);
                segs.pop();
            }
        }
        _ => f(segs, t),
    }
}

fn attr_changes(address: &str, old: &Entry, new: &Entry, schemas: &Schemas) -> Vec<AttrChange> {
    let mut out = Vec::new();
    let hide_all = secret_name(address, old) || secret_name(address, new);
    let mut segs = Vec::new();
    let mut push = |segs: &[Seg], o: Option<&Tree>, n: Option<&Tree>| {
        let hidden =
            hide_all || is_sensitive(old, segs, schemas) || is_sensitive(new, segs, schemas);
        let show = |t: &Tree| if hidden { Shown::Sensitive } else { Shown::Code(t.code()) };
        out.push(AttrChange { path: path_text(segs), old: o.map(show), new: n.map(show) });
    };
    diff(Some(&old.body), Some(&new.body), &mut segs, &mut push);
    out
}

type Push<'a> = dyn FnMut(&[Seg], Option<&Tree>, Option<&Tree>) + 'a;

/// Descends while both sides are collections of the same kind; reports the
/// smallest differing values.
fn diff(old: Option<&Tree>, new: Option<&Tree>, segs: &mut Vec<Seg>, push: &mut Push) {
    match (old, new) {
        (Some(Tree::Map(a)), Some(Tree::Map(b))) if !a.is_empty() && !b.is_empty() => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                segs.push(Seg::Key(k.clone()));
                diff(a.get(k), b.get(k), segs, push);
                segs.pop();
            }
        }
        (Some(Tree::List(a)), Some(Tree::List(b))) if !a.is_empty() && !b.is_empty() => {
            for i in 0..a.len().max(b.len()) {
                segs.push(Seg::Index(i));
                diff(a.get(i), b.get(i), segs, push);
                segs.pop();
            }
        }
        (Some(a), Some(b)) if a == b => {}
        _ => push(segs, old, new),
    }
}

fn path_text(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => s = join(&s, k),
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}
