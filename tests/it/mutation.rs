//! Breaks the project's own scripts the ways operators do and checks that
//! tsdsl refuses every mutant: exit 1, the last good output untouched, the
//! mutated line named, and the original name suggested where a name was
//! looked up. Mutants are deterministic (same sources, same mutants) and
//! only touch what tsdsl looks up or parses, so each must be an error.
//!
//! `cargo test --test mutation -- --nocapture` prints the figures.

use crate::support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Mutants of one kind kept per file, spread evenly over the candidates.
const PER_KIND: usize = 3;

// ------------------------------------------------------------------ lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str,
    Num,
    Punct(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

impl Token {
    fn is(&self, p: &str) -> bool {
        matches!(&self.tok, Tok::Punct(x) if x == p)
    }
    fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }
}

/// Enough Rhai for finding names, literals and brackets; strings and
/// comments are skipped whole so nothing inside them is ever mutated.
fn lex(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c == b'"' || c == b'`' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(Token { tok: Tok::Str, start, end: i.min(b.len()) });
        } else if c == b'_' || c.is_ascii_alphabetic() {
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push(Token { tok: Tok::Ident(src[start..i].to_owned()), start, end: i });
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Token { tok: Tok::Num, start, end: i });
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            let len = if ["::", "#{", "==", "!=", "<=", ">=", "&&", "||", "=>", ".."].contains(&two)
            {
                2
            } else {
                src[i..].chars().next().map_or(1, char::len_utf8)
            };
            i += len;
            out.push(Token { tok: Tok::Punct(src[start..i].to_owned()), start, end: i });
        }
    }
    out
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset].matches('\n').count() + 1
}

/// Index of the token closing the bracket opened at `open`.
fn closer(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.is("(") || t.is("[") || t.is("{") || t.is("#{") {
            depth += 1;
        } else if t.is(")") || t.is("]") || t.is("}") {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

// ----------------------------------------------------------------- mutants

#[derive(Debug, Clone)]
struct Mutant {
    kind: &'static str,
    /// The file mutated, relative to its folder (`shop.rhai`).
    file: String,
    text: String,
    /// Lines a diagnostic may name: the mutated one (and, for a removed
    /// bracket, the line of the bracket it closed).
    lines: Vec<usize>,
    /// The name the diagnostic must suggest back.
    original: Option<String>,
    what: String,
}

/// A misspelling a person makes: two neighbouring letters swapped in the
/// middle, or the last letter doubled in a short word.
fn typo(word: &str) -> String {
    let c: Vec<char> = word.chars().collect();
    let n = c.len();
    if n >= 4 {
        let m = n / 2;
        if c[m - 1] != c[m] {
            let mut v = c.clone();
            v.swap(m - 1, m);
            return v.into_iter().collect();
        }
        let mut v = c.clone();
        v.remove(m);
        return v.into_iter().collect();
    }
    format!("{word}{}", c[n - 1])
}

fn replace(src: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{with}{}", &src[..start], &src[end..])
}

/// Every `k`-th candidate so that mutants spread over the whole file.
fn spread<T: Clone>(v: Vec<T>) -> Vec<T> {
    if v.len() <= PER_KIND {
        return v;
    }
    (0..PER_KIND).map(|i| v[i * v.len() / PER_KIND].clone()).collect()
}

/// `import "..." as alias` aliases.
fn aliases(toks: &[Token]) -> Vec<String> {
    toks.windows(4)
        .filter(|w| w[0].ident() == Some("import") && w[2].ident() == Some("as"))
        .filter_map(|w| w[3].ident().map(str::to_owned))
        .collect()
}

/// Calls whose map-literal argument tsdsl checks key by key: raw blocks
/// and the blocks of imported modules. Returns (call token index, map
/// opener index).
fn checked_maps(toks: &[Token], blocks: &Blocks) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let name = toks[i].ident().unwrap_or("");
        let prev_is_path = i > 0 && toks[i - 1].is("::");
        let (is_call, open) = if ["resource", "data"].contains(&name) && !prev_is_path {
            (true, i + 1)
        } else if toks.get(i + 1).is_some_and(|t| t.is("::"))
            && toks
                .get(i + 2)
                .and_then(Token::ident)
                .is_some_and(|f| blocks.declares_options(name, f))
        {
            (true, i + 3)
        } else {
            (false, 0)
        };
        if !is_call || !toks.get(open).is_some_and(|t| t.is("(")) {
            continue;
        }
        let Some(close) = closer(toks, open) else { continue };
        // Map literals directly among the arguments.
        let mut depth = 0;
        for (j, t) in toks.iter().enumerate().take(close).skip(open + 1) {
            if t.is("#{") && depth == 0 {
                out.push((i, j));
            }
            if t.is("(") || t.is("[") || t.is("{") || t.is("#{") {
                depth += 1;
            } else if t.is(")") || t.is("]") || t.is("}") {
                depth -= 1;
            }
        }
    }
    out
}

/// What the imports of a file offer: for `alias::f`, whether `f` checks
/// its options with `options(...)` (a block), as opposed to a plain helper
/// whose map is free-form.
struct Blocks {
    /// alias -> text of the module
    modules: BTreeMap<String, String>,
}

impl Blocks {
    fn new(toks: &[Token], src: &str, folder: &Path) -> Self {
        let mut modules = BTreeMap::new();
        for w in toks.windows(4) {
            if w[0].ident() == Some("import") && w[2].ident() == Some("as") {
                let path = src[w[1].start + 1..w[1].end - 1].to_owned();
                let stdlib = support::root().join("stdlib").join(format!("{path}.rhai"));
                let local = folder.join(format!("{path}.rhai"));
                let text = fs::read_to_string(stdlib)
                    .or_else(|_| fs::read_to_string(local))
                    .unwrap_or_default();
                if let Some(alias) = w[3].ident() {
                    modules.insert(alias.to_owned(), text);
                }
            }
        }
        Blocks { modules }
    }

    fn declares_options(&self, alias: &str, f: &str) -> bool {
        let Some(text) = self.modules.get(alias) else { return false };
        let Some(start) = text.find(&format!("fn {f}(")) else { return false };
        let body = &text[start..];
        let end = body[3..].find("\nfn ").map_or(body.len(), |e| e + 3);
        body[..end].contains("options(")
    }
}

/// The keys of the map literal opened at `open`: (key token index, value
/// token range).
fn entries(toks: &[Token], open: usize) -> Vec<(usize, usize, usize)> {
    let Some(close) = closer(toks, open) else { return Vec::new() };
    let mut out = Vec::new();
    let mut j = open + 1;
    while j < close {
        if toks[j].ident().is_some() && toks.get(j + 1).is_some_and(|t| t.is(":")) {
            let vstart = j + 2;
            let mut k = vstart;
            let mut depth = 0;
            while k < close {
                let t = &toks[k];
                if depth == 0 && t.is(",") {
                    break;
                }
                if t.is("(") || t.is("[") || t.is("{") || t.is("#{") {
                    depth += 1;
                } else if t.is(")") || t.is("]") || t.is("}") {
                    depth -= 1;
                }
                k += 1;
            }
            out.push((j, vstart, k));
            j = k + 1;
        } else {
            j += 1;
        }
    }
    out
}

fn mutants(file: &str, src: &str, folder: &Path) -> Vec<Mutant> {
    let toks = lex(src);
    let aliases = aliases(&toks);
    let maps = checked_maps(&toks, &Blocks::new(&toks, src, folder));
    let mut all = Vec::new();
    let m = |kind, text: String, lines: Vec<usize>, original: Option<String>, what: String| {
        Mutant { kind, file: file.to_owned(), text, lines, original, what }
    };

    // Key typos and wrong types, on the keys of checked maps.
    let mut keys = Vec::new();
    let mut types = Vec::new();
    for &(_, open) in &maps {
        for (k, vs, ve) in entries(&toks, open) {
            keys.push(k);
            if ve == vs + 1 {
                types.push(vs);
            }
        }
    }
    keys.sort();
    keys.dedup();
    for k in spread(keys) {
        let t = &toks[k];
        let key = t.ident().unwrap_or_default();
        let text = replace(src, t.start, t.end, &typo(key));
        all.push(m(
            "key typo",
            text,
            vec![line_of(src, t.start)],
            Some(key.to_owned()),
            format!("{key} -> {}", typo(key)),
        ));
    }
    types.sort();
    types.dedup();
    let types: Vec<usize> = types
        .into_iter()
        .filter(|&v| {
            matches!(toks[v].tok, Tok::Num) || matches!(toks[v].ident(), Some("true" | "false"))
        })
        .collect();
    for v in spread(types) {
        let t = &toks[v];
        let with = if matches!(t.tok, Tok::Num) { "\"many\"" } else { "\"yes\"" };
        let text = replace(src, t.start, t.end, with);
        all.push(m(
            "wrong type",
            text,
            vec![line_of(src, t.start)],
            None,
            format!("{} -> {with}", &src[t.start..t.end]),
        ));
    }

    // Result typos: `x.field` where `x` holds what a block returned.
    let mut bound: Vec<String> = Vec::new();
    for i in 0..toks.len() {
        if toks[i].ident() == Some("let") {
            let (Some(name), Some(eq)) = (toks.get(i + 1).and_then(Token::ident), toks.get(i + 2))
            else {
                continue;
            };
            if !eq.is("=") {
                continue;
            }
            let head = toks.get(i + 3).and_then(Token::ident).unwrap_or("");
            let next = toks.get(i + 4);
            let is_block = ["resource", "data", "stack", "options"].contains(&head)
                && next.is_some_and(|t| t.is("("))
                || aliases.iter().any(|a| a == head) && next.is_some_and(|t| t.is("::"));
            if is_block {
                bound.push(name.to_owned());
            }
        }
    }
    let mut reads = Vec::new();
    for i in 1..toks.len().saturating_sub(1) {
        let Some(recv) = toks[i - 1].ident() else { continue };
        let before_is_dot = i >= 2 && toks[i - 2].is(".");
        if toks[i].is(".") && bound.iter().any(|b| b == recv) && !before_is_dot {
            let call = toks.get(i + 2).is_some_and(|t| t.is("("));
            if toks[i + 1].ident().is_some() && !call {
                reads.push(i + 1);
            }
        }
    }
    for r in spread(reads) {
        let t = &toks[r];
        let field = t.ident().unwrap_or_default();
        let wrong = format!("{field}{}", field.chars().last().unwrap_or('x'));
        let text = replace(src, t.start, t.end, &wrong);
        all.push(m(
            "result typo",
            text,
            vec![line_of(src, t.start)],
            Some(field.to_owned()),
            format!("{field} -> {wrong}"),
        ));
    }

    // Function and alias typos: `alias::function(`.
    let mut calls = Vec::new();
    for i in 0..toks.len().saturating_sub(3) {
        let Some(a) = toks[i].ident() else { continue };
        if (aliases.iter().any(|x| x == a) || a == "tf")
            && toks[i + 1].is("::")
            && toks[i + 2].ident().is_some()
            && toks[i + 3].is("(")
        {
            calls.push(i);
        }
    }
    for i in spread(calls.clone()) {
        let t = &toks[i + 2];
        let f = t.ident().unwrap_or_default();
        let text = replace(src, t.start, t.end, &typo(f));
        all.push(m(
            "function typo",
            text,
            vec![line_of(src, t.start)],
            Some(f.to_owned()),
            format!("{f} -> {}", typo(f)),
        ));
    }
    let alias_calls: Vec<usize> =
        calls.into_iter().filter(|&i| toks[i].ident() != Some("tf")).collect();
    for i in spread(alias_calls) {
        let t = &toks[i];
        let a = t.ident().unwrap_or_default();
        let text = replace(src, t.start, t.end, &typo(a));
        all.push(m(
            "alias typo",
            text,
            vec![line_of(src, t.start)],
            Some(a.to_owned()),
            format!("{a} -> {}", typo(a)),
        ));
    }

    // Looked-up strings: an import path, a stack name.
    let mut names = Vec::new();
    for i in 0..toks.len().saturating_sub(2) {
        let import = toks[i].ident() == Some("import") && matches!(toks[i + 1].tok, Tok::Str);
        let stack = toks[i].ident() == Some("stack")
            && toks[i + 1].is("(")
            && matches!(toks[i + 2].tok, Tok::Str);
        if import {
            names.push(i + 1);
        } else if stack {
            names.push(i + 2);
        }
    }
    for n in spread(names) {
        let t = &toks[n];
        let name = &src[t.start + 1..t.end - 1];
        // Misspell the last segment (`aws/netwrok`), where people do.
        let (dir, last) = name.rsplit_once('/').map_or(("", name), |(d, l)| (d, l));
        let wrong = if dir.is_empty() { typo(last) } else { format!("{dir}/{}", typo(last)) };
        let text = replace(src, t.start + 1, t.end - 1, &wrong);
        all.push(m(
            "import or stack typo",
            text,
            vec![line_of(src, t.start)],
            Some(name.to_owned()),
            format!("{name} -> {wrong}"),
        ));
    }

    // Missing closing brace of a multi-line map or function body.
    let mut braces = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let opens_fn_body = t.is("{") && i > 0 && toks[i - 1].is(")") && {
            // `fn name(params) {`
            let mut j = i - 1;
            while j > 0 && !toks[j].is("(") {
                j -= 1;
            }
            j >= 2 && toks[j - 2].ident() == Some("fn")
        };
        if t.is("#{") || opens_fn_body {
            if let Some(c) = closer(&toks, i) {
                if line_of(src, toks[c].start) > line_of(src, t.start) {
                    braces.push((i, c));
                }
            }
        }
    }
    for (o, c) in spread(braces) {
        let t = &toks[c];
        let text = replace(src, t.start, t.end, "");
        let lines = vec![line_of(src, t.start), line_of(src, toks[o].start)];
        all.push(m(
            "missing brace",
            text,
            lines,
            None,
            format!("`}}` of line {}", line_of(src, toks[o].start)),
        ));
    }

    // Missing comma between two entries of a multi-line checked map.
    let mut commas = Vec::new();
    for &(_, open) in &maps {
        let e = entries(&toks, open);
        for w in e.windows(2) {
            let comma = w[0].2;
            if toks.get(comma).is_some_and(|t| t.is(","))
                && line_of(src, toks[w[1].0].start) > line_of(src, toks[comma].start)
            {
                commas.push(comma);
            }
        }
    }
    commas.sort();
    commas.dedup();
    for c in spread(commas) {
        let t = &toks[c];
        let text = replace(src, t.start, t.end, "");
        all.push(m(
            "missing comma",
            text,
            vec![line_of(src, t.start)],
            None,
            format!("line {}", line_of(src, t.start)),
        ));
    }

    // Duplicates: a one-line declaration written twice, a key written twice.
    let mut decls = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let l = line.trim_start();
        let declares =
            ["output(", "resource(", "variable(", "data("].iter().any(|p| l.starts_with(p))
                || l.starts_with("let ") && (l.contains("= resource(") || l.contains("= data("));
        if declares && l.ends_with(");") {
            decls.push(n);
        }
    }
    let mut dup_keys = Vec::new();
    for &(_, open) in &maps {
        for (k, _, ve) in entries(&toks, open) {
            let kl = line_of(src, toks[k].start);
            let one_line = toks.get(ve).is_some_and(|t| t.is(",") && line_of(src, t.start) == kl);
            let alone = src
                .lines()
                .nth(kl - 1)
                .is_some_and(|l| l.trim_start().starts_with(toks[k].ident().unwrap_or("?")));
            if one_line && alone {
                dup_keys.push(kl - 1);
            }
        }
    }
    dup_keys.sort();
    dup_keys.dedup();
    for (kind, list) in [("duplicate declaration", decls), ("duplicate key", dup_keys)] {
        for n in spread(list) {
            let lines: Vec<&str> = src.lines().collect();
            let mut out: Vec<&str> = lines[..=n].to_vec();
            out.push(lines[n]);
            out.extend_from_slice(&lines[n + 1..]);
            let text = out.join("\n") + "\n";
            all.push(m(kind, text, vec![n + 2], None, format!("line {}", n + 1)));
        }
    }
    all
}

// ------------------------------------------------------------------ running

/// A folder of scripts copied to a tempdir, with the entry scripts that
/// exercise each file (a module is run through its importers).
struct Workspace {
    dir: tempfile::TempDir,
    /// file -> entry script to run
    entry: BTreeMap<String, String>,
}

fn stem(f: &str) -> &str {
    f.strip_suffix(".rhai").unwrap_or(f)
}

fn workspace(folder: &Path) -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for e in fs::read_dir(folder).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rhai") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            fs::copy(&p, dir.path().join(&name)).unwrap();
            files.push(name);
        }
    }
    files.sort();
    let text = |f: &str| fs::read_to_string(dir.path().join(f)).unwrap();
    let importers = |f: &str| -> Vec<String> {
        let needle = format!("import \"{}\"", stem(f));
        files.iter().filter(|g| text(g).contains(&needle)).cloned().collect()
    };
    let mut entry = BTreeMap::new();
    for f in &files {
        let mut run = f.clone();
        // Walk up to a script nobody imports.
        for _ in 0..4 {
            match importers(&run).first() {
                Some(i) => run = i.clone(),
                None => break,
            }
        }
        entry.insert(f.clone(), run);
    }
    Workspace { dir, entry }
}

fn tsdsl(dir: &Path, script: &str) -> (Option<i32>, String) {
    let out = support::Tsdsl::in_dir(dir)
        .args(["run", script, "-o", &format!("out/{}", stem(script)), "--message-format", "json"])
        .run();
    (out.status, out.stderr)
}

#[derive(Default, Debug)]
struct Figures {
    mutants: usize,
    rejected: usize,
    line_named: usize,
    suggested: usize,
    wanted_suggestion: usize,
}

struct Verdict {
    rejected: bool,
    untouched: bool,
    line_named: bool,
    suggested: Option<bool>,
    diagnostics: String,
}

fn judge(ws: &Workspace, m: &Mutant, good: &[(PathBuf, Vec<u8>)]) -> Verdict {
    let path = ws.dir.path().join(&m.file);
    let original = fs::read_to_string(&path).unwrap();
    fs::write(&path, &m.text).unwrap();
    let entry = &ws.entry[&m.file];
    let (status, stderr) = tsdsl(ws.dir.path(), entry);
    fs::write(&path, original).unwrap();
    if status == Some(0) {
        // An accepted mutant rewrote the output: judge it, then rebuild the
        // good output so the next mutant is compared with the right thing.
        let untouched = support::read_tree(&ws.dir.path().join("out").join(stem(entry))) == good;
        let _ = tsdsl(ws.dir.path(), entry);
        return Verdict {
            rejected: false,
            untouched,
            line_named: false,
            suggested: m.original.as_ref().map(|_| false),
            diagnostics: stderr,
        };
    }
    let untouched = support::read_tree(&ws.dir.path().join("out").join(stem(entry))) == good;
    let diags: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let names_line = |loc: &serde_json::Value| {
        let file = loc["file"].as_str().unwrap_or("");
        let line = loc["line"].as_u64().unwrap_or(0) as usize;
        Path::new(file).file_name().is_some_and(|f| f.to_string_lossy() == m.file)
            && m.lines.contains(&line)
    };
    let line_named = diags.iter().any(|d| {
        names_line(&d["location"])
            || d["related"].as_array().is_some_and(|r| r.iter().any(|x| names_line(&x["location"])))
    });
    let suggested = m.original.as_ref().map(|o| {
        diags.iter().any(|d| {
            let help = d["help"].as_str().unwrap_or("");
            help.contains("did you mean")
                && (help.contains(&format!("`{o}`")) || help.contains(&format!("::{o}`")))
        })
    });
    Verdict { rejected: status == Some(1), untouched, line_named, suggested, diagnostics: stderr }
}

#[test]
fn every_mutant_of_the_projects_scripts_is_rejected_at_its_line() {
    let root = support::root();
    let mut figures: BTreeMap<&'static str, Figures> = BTreeMap::new();
    let mut failures = Vec::new();
    for folder in ["examples", "scripts"] {
        let ws = workspace(&root.join(folder));
        let mut good = BTreeMap::new();
        for entry in ws.entry.values() {
            if good.contains_key(entry) {
                continue;
            }
            let (status, stderr) = tsdsl(ws.dir.path(), entry);
            assert_eq!(
                status,
                Some(0),
                "{folder}/{entry} must build before it is mutated: {stderr}"
            );
            good.insert(
                entry.clone(),
                support::read_tree(&ws.dir.path().join("out").join(stem(entry))),
            );
        }
        for file in ws.entry.keys() {
            let src = fs::read_to_string(ws.dir.path().join(file)).unwrap();
            for m in mutants(file, &src, &root.join(folder)) {
                let v = judge(&ws, &m, &good[&ws.entry[file]]);
                let f = figures.entry(m.kind).or_default();
                f.mutants += 1;
                f.rejected += usize::from(v.rejected && v.untouched);
                f.line_named += usize::from(v.line_named);
                if let Some(s) = v.suggested {
                    f.wanted_suggestion += 1;
                    f.suggested += usize::from(s);
                }
                let ok = v.rejected && v.untouched && v.line_named && v.suggested != Some(false);
                if !ok {
                    failures.push(format!(
                        "{folder}/{} [{}] {} (lines {:?}, via {}): rejected {} untouched {} line named {} suggested {:?}\n{}",
                        m.file, m.kind, m.what, m.lines, ws.entry[file], v.rejected, v.untouched, v.line_named, v.suggested,
                        v.diagnostics.lines().take(3).collect::<Vec<_>>().join("\n")
                    ));
                }
            }
        }
    }
    println!(
        "{:<22} {:>7} {:>9} {:>11} {:>10}",
        "kind", "mutants", "rejected", "line named", "suggested"
    );
    let mut total = Figures::default();
    for (kind, f) in &figures {
        let sugg = if f.wanted_suggestion > 0 {
            format!("{}/{}", f.suggested, f.wanted_suggestion)
        } else {
            "-".into()
        };
        println!("{kind:<22} {:>7} {:>9} {:>11} {:>10}", f.mutants, f.rejected, f.line_named, sugg);
        total.mutants += f.mutants;
        total.rejected += f.rejected;
        total.line_named += f.line_named;
        total.suggested += f.suggested;
        total.wanted_suggestion += f.wanted_suggestion;
    }
    println!(
        "{:<22} {:>7} {:>9} {:>11} {:>10}",
        "total",
        total.mutants,
        total.rejected,
        total.line_named,
        format!("{}/{}", total.suggested, total.wanted_suggestion)
    );
    assert!(total.mutants > 100, "too few mutants: {total:?}");
    assert!(
        failures.is_empty(),
        "{} mutants not handled:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
