//! Finds a declaration's own text (`export const X = #{ block: "...", ... }`)
//! so that a malformed declaration is labelled where it is written: the
//! unknown key, the bad `type` string, the default that breaks its type.
//! The declaration is found by its `block: "name"` entry; lists and items
//! are then followed by bracket depth.

use super::spec::SpecError;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    MapOpen,
    Open,
    Close,
    Ident(String),
    Colon,
    Other,
}

fn lex(src: &str) -> Vec<(Tok, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' | b'`' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                let body = src.get(start + 1..i.saturating_sub(1)).unwrap_or("");
                out.push((Tok::Str(body.to_owned()), start));
                continue;
            }
            b'#' if b.get(i + 1) == Some(&b'{') => {
                out.push((Tok::MapOpen, start));
                i += 2;
                continue;
            }
            b'{' | b'[' | b'(' => out.push((Tok::Open, start)),
            b'}' | b']' | b')' => out.push((Tok::Close, start)),
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push((Tok::Other, start));
                i += 2;
                continue;
            }
            b':' => out.push((Tok::Colon, start)),
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Ident(src[start..i].to_owned()), start));
                continue;
            }
            _ if c.is_ascii_whitespace() => {}
            _ => out.push((Tok::Other, start)),
        }
        i += 1;
    }
    out
}

/// Index of the token closing the bracket opened at `open`.
fn close_of(toks: &[(Tok, usize)], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, (t, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::MapOpen | Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The value token of `key:` directly inside the map opened at `open`.
fn entry(toks: &[(Tok, usize)], open: usize, key: &str) -> Option<(usize, usize)> {
    let end = close_of(toks, open);
    let mut depth = 0usize;
    let mut j = open;
    while j < end {
        match &toks[j].0 {
            Tok::MapOpen | Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Ident(k) | Tok::Str(k)
                if depth == 1 && k == key && toks.get(j + 1).map(|t| &t.0) == Some(&Tok::Colon) =>
            {
                return Some((j, j + 2));
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// The `n`th map directly inside the list opened at `open`.
fn item(toks: &[(Tok, usize)], open: usize, n: usize) -> Option<usize> {
    let end = close_of(toks, open);
    let mut depth = 0usize;
    let mut seen = 0usize;
    for (j, (t, _)) in toks.iter().enumerate().take(end).skip(open) {
        match t {
            Tok::MapOpen if depth == 1 => {
                if seen == n {
                    return Some(j);
                }
                seen += 1;
                depth += 1;
            }
            Tok::MapOpen | Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Byte offset in `src` of the token a declaration error is about, when the
/// declaration of `block` is written in `src`.
pub(crate) fn locate(src: &str, block: &str, err: &SpecError) -> Option<usize> {
    let toks = lex(src);
    let at = toks.iter().enumerate().position(|(j, (t, _))| {
        matches!(t, Tok::Str(s) if s == block)
            && j >= 2
            && toks[j - 1].0 == Tok::Colon
            && toks[j - 2].0 == Tok::Ident("block".into())
    })?;
    // The map the `block:` entry sits in.
    let mut depth = 0usize;
    let mut open = None;
    for j in (0..at).rev() {
        match toks[j].0 {
            Tok::Close => depth += 1,
            Tok::MapOpen | Tok::Open if depth > 0 => depth -= 1,
            Tok::MapOpen => {
                open = Some(j);
                break;
            }
            _ => {}
        }
    }
    let mut map = open?;
    let mut fallback = toks.get(at).map(|t| t.1);
    if let Some(list) = err.list {
        let (key, value) = entry(&toks, map, list)?;
        fallback = Some(toks[key].1);
        map = match item(&toks, value, err.index) {
            Some(m) => m,
            None => return fallback,
        };
        fallback = Some(toks[map].1);
    }
    let Some(key) = &err.key else { return fallback };
    match entry(&toks, map, key) {
        Some((k, _)) if err.at_key => Some(toks[k].1),
        Some((_, v)) => toks.get(v).map(|t| t.1).or(fallback),
        None => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::primitives::spec::SpecErrorData;

    const SRC: &str = r#"// a module
export const X = #{
    block: "m::x",
    doc: "a `#{ ... }` thing",
    options: [
        #{ name: "a", type: "string", doc: "first" },
        #{ name: "b", type: "strng", defualt: 3 },
    ],
};
"#;

    fn err(list: Option<&'static str>, index: usize, key: &str, at_key: bool) -> SpecError {
        SpecError(Box::new(SpecErrorData {
            list,
            item: None,
            index,
            key: Some(key.into()),
            at_key,
            message: String::new(),
            help: None,
        }))
    }

    fn word(off: usize) -> &'static str {
        let rest = &SRC[off..];
        let end = rest[1..]
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .map_or(rest.len(), |e| e + 1);
        &rest[..end]
    }

    #[test]
    fn finds_an_unknown_key_and_a_bad_value() {
        let k = locate(SRC, "m::x", &err(Some("options"), 1, "defualt", true)).unwrap();
        assert_eq!(word(k), "defualt");
        let v = locate(SRC, "m::x", &err(Some("options"), 1, "type", false)).unwrap();
        assert!(SRC[v..].starts_with("\"strng\""));
        assert_eq!(locate(SRC, "m::nope", &err(None, 0, "doc", true)), None);
    }
}
