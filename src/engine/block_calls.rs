//! Which of the operator's calls made each block, for the output to group
//! blocks into files by (`network.tf` for what `network::vpc(...)` made).
//!
//! Everything comes from a block's origin (the chain of calls that made it)
//! and the scripts' text, except the block's `name`: `options(...)`, which
//! every stdlib block calls first, notes the name it was given here.

use std::collections::HashMap;

use rhai::Map;

use crate::diagnostics::{SourceMap, STDLIB_PREFIX};
use crate::model::{BlockCall, Site, Stack};

/// The output files whose names a module's file may not take.
const FIXED_FILES: &[&str] = &["main", "versions", "providers", "variables", "outputs"];

/// The `name` a block call was given, and how many blocks the stack held
/// when it was: the blocks of this call come after them (the same call site
/// in a loop gives one note per turn).
pub(crate) struct NamedCall {
    call: Vec<Site>,
    name: String,
    /// Resources and locals declared before the call.
    from: (usize, usize),
}

/// Notes the `name` (or `identifier`) option of the block call `call` (the
/// frames up to the operator's call of the block), if it is a string.
pub(crate) fn note_name(notes: &mut Vec<NamedCall>, call: &[Site], given: &Map, stack: &Stack) {
    // `rds::mysql` is named by its `identifier`.
    let name = ["name", "identifier"]
        .iter()
        .find_map(|k| given.get(*k).and_then(|v| v.clone().into_immutable_string().ok()));
    let from = (stack.resources.len(), stack.locals.len());
    if let Some(name) = name {
        notes.push(NamedCall { call: call.to_vec(), name: name.to_string(), from });
    }
}

/// Fills `stack.block_calls`: `entry` is the script's own name in `sources`.
pub(crate) fn assign(stack: &mut Stack, entry: &str, notes: &[NamedCall], sources: &SourceMap) {
    let stdlib_stems: Vec<String> =
        super::resolver::stdlib_modules().iter().map(|m| stem(m).to_lowercase()).collect();
    // The notes by call, in order: a block takes the last one before it.
    let mut by_call: HashMap<&[Site], Vec<&NamedCall>> = HashMap::new();
    for n in notes {
        by_call.entry(n.call.as_slice()).or_default().push(n);
    }
    let mut callees = HashMap::new();
    let mut calls = std::collections::BTreeMap::new();
    let mut named = |frames: &[Site], i: usize, kind: fn(&NamedCall) -> usize| {
        let (call, at) = block_call(frames, entry, &stdlib_stems, sources, &mut callees)?;
        // The script's own raw blocks need no note: `main.tf` is the default.
        if at.is_none() && call.file == "main" {
            return None;
        }
        let name = at.and_then(|at| {
            let notes = by_call.get(&frames[..=at])?;
            let before = notes.partition_point(|n| kind(n) <= i);
            before.checked_sub(1).map(|k| notes[k].name.clone())
        });
        Some(BlockCall { name, ..call })
    };
    for (i, r) in stack.resources.iter().enumerate() {
        if let Some(call) = named(&r.origin.frames, i, |n| n.from.0) {
            calls.insert(r.address(), call);
        }
    }
    // A local goes with the blocks of the call that declared it.
    for (i, l) in stack.locals.iter().enumerate() {
        if let Some(call) = named(&l.origin.frames, i, |n| n.from.1) {
            calls.insert(format!("local.{}", l.name), call);
        }
    }
    stack.block_calls = calls;
}

/// The group of a block made through `frames`, and the frame of the call
/// that names it, if any.
fn block_call(
    frames: &[Site],
    entry: &str,
    stdlib_stems: &[String],
    sources: &SourceMap,
    callees: &mut HashMap<Site, Option<String>>,
) -> Option<(BlockCall, Option<usize>)> {
    // The innermost call the operator wrote; what lies below it is stdlib.
    let k = frames.iter().rposition(|s| SourceMap::is_operator_file(&s.file))?;
    let (file, at) = match frames.get(k + 1) {
        // `network::vpc(...)` written at `k`, made inside the stdlib.
        Some(inner) => {
            let module = inner.file.strip_prefix(STDLIB_PREFIX).unwrap_or(&inner.file);
            (safe(stem(module)), Some(k))
        }
        // A raw `resource(...)`: in the script itself, or in one of the
        // operator's modules, named after the call into that module.
        None if frames[k].file == entry => ("main".to_owned(), None),
        None => {
            let into = frames.iter().rposition(|s| s.file != frames[k].file);
            (local_file(stem(&frames[k].file), stdlib_stems), into)
        }
    };
    let call = at.and_then(|at| {
        let site = &frames[at];
        callees.entry(site.clone()).or_insert_with(|| callee(sources, site)).clone()
    });
    Some((BlockCall { file, call, name: None }, at))
}

/// `aws/network` or `scripts/lib/foo.rhai` → `network`, `foo`.
fn stem(path: &str) -> &str {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.strip_suffix(".rhai").unwrap_or(file)
}

/// A file name that is one on every system: letters, digits, `_`, `-`.
fn safe(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    if s.is_empty() {
        "module".to_owned()
    } else {
        s
    }
}

/// An operator's module goes into a file named after it, unless the name
/// is taken by a fixed file or a stdlib module (on a case-insensitive
/// file system too): `network.rhai` of the operator's gives `local_network`.
fn local_file(stem: &str, stdlib_stems: &[String]) -> String {
    let s = safe(stem);
    let lower = s.to_lowercase();
    if FIXED_FILES.contains(&lower.as_str()) || stdlib_stems.contains(&lower) {
        format!("local_{s}")
    } else {
        s
    }
}

/// The function called at `site` as written: `network::vpc`, `net::vpc`.
fn callee(sources: &SourceMap, site: &Site) -> Option<String> {
    let index = sources.index(&site.file)?;
    let text = index.text();
    let at = index.offset(site.line, site.col)?;
    // Rhai places a call at its function's name, after the module's alias.
    let part = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let start = text.get(..at)?.trim_end_matches(part).len();
    let rest = text.get(start..)?;
    let end = rest.find(|c: char| !part(c));
    let path = rest[..end.unwrap_or(rest.len())].trim_end_matches(':');
    let name = |p: &str| {
        p.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    path.split("::").all(name).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn site(file: &str, line: u32, col: u32) -> Site {
        Site { file: file.into(), line, col }
    }

    fn sources() -> SourceMap {
        let mut s = SourceMap::new();
        s.insert(
            "main.rhai",
            Arc::from("let n = net::vpc(#{ name: \"a\" });\nresource(\"t\", \"x\");\n"),
        );
        s.insert("lib/shop.rhai", Arc::from("fn env(p) {\n  data(\"t\", \"y\");\n}\n"));
        s.insert("@stdlib/aws/network.rhai", Arc::from("fn vpc(o) { resource(\"t\", \"z\"); }\n"));
        s
    }

    fn group(frames: &[Site]) -> (BlockCall, Option<usize>) {
        let stems = vec!["network".to_owned(), "eks".to_owned()];
        block_call(frames, "main.rhai", &stems, &sources(), &mut HashMap::new()).unwrap()
    }

    #[test]
    fn a_stdlib_block_groups_under_the_call_as_written() {
        let frames = [site("main.rhai", 1, 9), site("@stdlib/aws/network.rhai", 1, 13)];
        let (call, at) = group(&frames);
        assert_eq!(call.file, "network");
        assert_eq!(call.call.as_deref(), Some("net::vpc"));
        assert_eq!(at, Some(0));
    }

    #[test]
    fn raw_blocks_go_to_main_or_to_their_module() {
        let (call, at) = group(&[site("main.rhai", 2, 1)]);
        assert_eq!((call.file.as_str(), call.call, at), ("main", None, None));
        let frames = [site("main.rhai", 1, 9), site("lib/shop.rhai", 2, 3)];
        let (call, at) = group(&frames);
        assert_eq!(call.file, "shop");
        assert_eq!(call.call.as_deref(), Some("net::vpc"));
        assert_eq!(at, Some(0));
    }

    #[test]
    fn a_module_named_like_a_fixed_file_or_the_stdlib_gets_a_prefix() {
        let stems = vec!["network".to_owned()];
        assert_eq!(local_file("outputs", &stems), "local_outputs");
        assert_eq!(local_file("Main", &stems), "local_Main");
        assert_eq!(local_file("network", &stems), "local_network");
        assert_eq!(local_file("shop", &stems), "shop");
        assert_eq!(local_file("a b.c", &stems), "a_b_c");
    }

    #[test]
    fn the_callee_is_read_as_a_path_of_names() {
        let s = sources();
        assert_eq!(callee(&s, &site("main.rhai", 1, 9)).as_deref(), Some("net::vpc"));
        assert_eq!(callee(&s, &site("main.rhai", 2, 1)).as_deref(), Some("resource"));
        assert_eq!(callee(&s, &site("main.rhai", 1, 14)).as_deref(), Some("net::vpc"));
        assert_eq!(callee(&s, &site("main.rhai", 1, 18)), None);
    }

    /// The same call site in a loop: each turn's blocks take that turn's name.
    #[test]
    fn each_turn_of_a_loop_names_its_own_blocks() {
        let call = vec![site("main.rhai", 1, 13)];
        let made = |name: String| crate::model::Resource {
            kind: crate::model::BlockKind::Resource,
            type_name: "t".into(),
            name,
            attrs: Default::default(),
            meta: Default::default(),
            checkov_skips: Vec::new(),
            origin: crate::model::Origin::new(vec![
                site("main.rhai", 1, 13),
                site("@stdlib/aws/network.rhai", 1, 13),
            ]),
        };
        let mut stack = Stack::new("s");
        let mut notes = Vec::new();
        for (turn, name) in ["a", "b"].iter().enumerate() {
            let mut given = Map::new();
            given.insert("name".into(), (*name).into());
            note_name(&mut notes, &call, &given, &stack);
            stack.resources.push(made(format!("r{turn}")));
        }
        assign(&mut stack, "main.rhai", &notes, &sources());
        let names: Vec<Option<&str>> =
            stack.block_calls.values().map(|c| c.name.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("b")]);
        assert_eq!(stack.block_calls["t.r1"].file, "network");
        assert_eq!(stack.block_calls["t.r1"].label().as_deref(), Some("net::vpc \"b\""));
    }
}
