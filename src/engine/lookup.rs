//! Did-you-mean for names the engine looks up: map keys, module
//! functions, import aliases, and the script's own variables read from a
//! `fn`.

use rhai::{Dynamic, Position, Scope};

use crate::diagnostics::{did_you_mean, Code, Diagnostic, Locus, SourceMap};

/// `net.vpc_idd`: a key the map does not have, labelled at the key, with
/// did-you-mean over the keys it does have when the map is still known.
pub(super) fn missing_key(
    key: &str,
    file: &str,
    pos: Position,
    sources: &SourceMap,
    scope: Option<&Scope>,
) -> Option<Diagnostic> {
    let index = sources.index(file)?;
    let text = index.text();
    let offset = index.offset(pos.line()? as u32, pos.position().unwrap_or(1) as u32)?;
    let (span, receiver) = index.key_read(offset, key)?;
    let exact_keys = receiver.as_deref().zip(scope).and_then(|(r, s)| keys_of(r, s));
    let exact = exact_keys.is_some();
    // Inside a function the map is gone with its scope: suggest from the
    // keys the file itself reads from the same name.
    let keys = exact_keys.or_else(|| Some(keys_read_from(text, receiver.as_deref()?, key)));
    let what = receiver.as_deref().map_or("this map".to_owned(), |r| format!("`{r}`"));
    let help = match &keys {
        Some(keys) if !exact => did_you_mean(key, keys.iter().map(String::as_str))
            .or_else(|| did_you_mean(key, names_in(text).iter().map(String::as_str))),
        None => did_you_mean(key, names_in(text).iter().map(String::as_str)),
        Some(keys) => did_you_mean(key, keys.iter().map(String::as_str)).or_else(|| {
            Some(if keys.is_empty() {
                format!("{what} is an empty map")
            } else {
                format!(
                    "{what} has: {}",
                    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            })
        }),
    };
    let help = help.unwrap_or_else(|| {
        format!("check the spelling; to read a key that may be absent write `{}.get(\"{key}\")` or test `\"{key}\" in {}`", receiver.as_deref().unwrap_or("map"), receiver.as_deref().unwrap_or("map"))
    });
    Some(
        Diagnostic::error(Code::ScriptUnknownKey, format!("{what} has no key `{key}`"))
            .at(Locus::Bytes { file: file.to_owned(), span })
            .label("no such key")
            .help(help),
    )
}

/// The keys of the map a plain path (`cfg`, `net.subnets`) names in `scope`.
fn keys_of(path: &str, scope: &Scope) -> Option<Vec<String>> {
    let mut parts = path.split('.');
    let mut value: Dynamic = scope.get_value::<Dynamic>(parts.next()?)?;
    for p in parts {
        let next = value.read_lock::<rhai::Map>()?.get(p)?.clone();
        value = next;
    }
    let map = value.read_lock::<rhai::Map>()?;
    Some(map.keys().map(|k| k.to_string()).collect())
}

/// Keys the file reads from `receiver` elsewhere (`p.cidr`, `p["cidr"]`)
/// or writes into the literal it is bound to: the candidates for a
/// misspelt key when the map itself is no longer at hand.
fn keys_read_from(text: &str, receiver: &str, wrong: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
    for (i, _) in text.match_indices(&format!("{receiver}.")) {
        if text[..i].ends_with(|c: char| is_word(c) || c == '.') {
            continue;
        }
        let rest = &text[i + receiver.len() + 1..];
        let word: String = rest.chars().take_while(|c| is_word(*c)).collect();
        let is_call = rest[word.len()..].trim_start().starts_with('(');
        if !word.is_empty() && word != wrong && !is_call {
            out.push(word);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every name the file reads as a property (`.name`) or writes as a map key
/// (`name:`): the last resort for did-you-mean on a key.
fn names_in(text: &str) -> Vec<String> {
    let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if is_word(bytes[i]) && (i == 0 || !is_word(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            let after_dot = start > 0 && bytes[start - 1] == '.';
            let before_colon = bytes.get(i) == Some(&':') && bytes.get(i + 1) != Some(&':');
            if (after_dot || before_colon) && !word.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(word.clone());
            }
            // An option declaration names its key as text: `name: "cidr"`.
            if word == "name" && before_colon {
                let rest: String = bytes[i + 1..].iter().take(80).collect();
                if let Some(quoted) = rest.trim_start().strip_prefix('"') {
                    let declared: String = quoted.chars().take_while(|c| is_word(*c)).collect();
                    if quoted[declared.len()..].starts_with('"') && !declared.is_empty() {
                        out.push(declared);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Aliases a script gives its imports (`import "aws/network" as network`).
pub(super) fn import_aliases(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in text.split("import").skip(1) {
        let part = part.trim_start();
        let Some(rest) = part.strip_prefix('"') else { continue };
        let Some((path, after)) = rest.split_once('"') else { continue };
        let Some(alias) = after.trim_start().strip_prefix("as") else { continue };
        let alias: String =
            alias.trim_start().chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
        if !alias.is_empty() {
            out.push((alias, path.to_owned()));
        }
    }
    out
}

/// Functions a module exports (every `fn` not marked `private`), read from
/// its text as loaded.
pub(super) fn module_functions(sources: &SourceMap, importer: &str, alias: &str) -> Vec<String> {
    let Some(text) = sources.get(importer) else { return Vec::new() };
    let Some((_, path)) = import_aliases(text).into_iter().find(|(a, _)| a == alias) else {
        return Vec::new();
    };
    let module = path.strip_suffix(".rhai").unwrap_or(&path).to_owned();
    // The resolver tries the stdlib first, then the importer's folder.
    let stdlib = format!("{}{module}.rhai", crate::diagnostics::STDLIB_PREFIX);
    let local = format!("/{module}.rhai");
    let name = if sources.get(&stdlib).is_some() {
        stdlib
    } else {
        let found = sources
            .names()
            .find(|n| *n != importer && (n.ends_with(&local) || *n == format!("{module}.rhai")));
        let Some(found) = found.map(str::to_owned) else { return Vec::new() };
        found
    };
    let Some(module_text) = sources.get(&name) else { return Vec::new() };
    let mut out = Vec::new();
    for line in module_text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("fn ") {
            let f: String = rest.chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
            if !f.is_empty() {
                out.push(f);
            }
        }
    }
    out
}

/// A `fn` reading a name the script declares at its top level: functions
/// do not see the script's variables, so say how to reach it.
pub(super) fn outside_function(text: &str, name: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let declared_by = words.windows(2).find(|p| p[1] == name && matches!(p[0], "let" | "const"))?;
    Some(if declared_by[0] == "const" {
        format!("a function cannot see the script's constants directly: write `global::{name}`")
    } else {
        format!("a function cannot see the script's variables: pass `{name}` to it as a parameter")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_elsewhere_are_candidates() {
        let src = "fn f(p) { p.cidr + p.az_count + p.name.len() + q.other }";
        assert_eq!(keys_read_from(src, "p", "cidrr"), vec!["az_count", "cidr", "name"]);
        assert!(names_in("#{ name: \"cidr\", type: \"string\" }").contains(&"cidr".to_owned()));
    }

    #[test]
    fn import_aliases_are_read_from_the_text() {
        let a = import_aliases("import \"aws/network\" as network;\nimport \"shop\" as s;");
        assert_eq!(a, vec![("network".into(), "aws/network".into()), ("s".into(), "shop".into())]);
    }
}
