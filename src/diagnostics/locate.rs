//! Finding a key or value inside the literal arguments of a call.
//!
//! Rhai maps carry no positions at run time, so a diagnostic about
//! `instance_clas` inside a twenty-line `#{ ... }` would otherwise point at
//! the first line of the call. We re-read the operator's source: from the
//! call's position, lex the argument list, and follow the path of keys and
//! indices through map and array literals (and through a `let` binding when
//! an argument is a plain variable).

use std::ops::Range;

use crate::model::PathSeg;

use super::Target;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num,
    MapOpen,
    Open(char),
    Close(char),
    Comma,
    Colon,
    Assign,
    Semi,
    PathSep,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

/// Lexes just enough Rhai to find brackets, keys and the ends of values:
/// strings, comments and interpolations never confuse the bracket count.
/// One Rhai escape sequence (`rest` follows the backslash): its character
/// goes to `text` so that a key such as `"a\nb"` matches the model's name;
/// returns the bytes it took.
fn unescape(rest: &str, text: &mut String) -> usize {
    let Some(n) = rest.chars().next() else { return 0 };
    let hex = |len: usize| {
        rest.get(1..1 + len)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .map(|c| (c, 1 + len))
    };
    let (c, took) = match n {
        'n' => ('\n', 1),
        'r' => ('\r', 1),
        't' => ('\t', 1),
        '0' => ('\0', 1),
        'x' => hex(2).unwrap_or(('x', 1)),
        'u' => hex(4).unwrap_or(('u', 1)),
        'U' => hex(8).unwrap_or(('U', 1)),
        other => (other, other.len_utf8()),
    };
    text.push(c);
    took
}

fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Rhai block comments nest.
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' | b'\'' | b'`' => {
                i += 1;
                let mut text = String::new();
                let mut interp = 0usize;
                while i < bytes.len() {
                    let b = bytes[i];
                    if b == b'\\' && c != b'`' {
                        i += 1 + unescape(src.get(i + 1..).unwrap_or(""), &mut text);
                        continue;
                    }
                    if c == b'`' && b == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        interp += 1;
                        i += 2;
                        continue;
                    }
                    if c == b'`' && interp > 0 && b == b'}' {
                        interp -= 1;
                        i += 1;
                        continue;
                    }
                    if b == c && interp == 0 {
                        i += 1;
                        break;
                    }
                    match src.get(i..).and_then(|s| s.chars().next()) {
                        Some(ch) => {
                            text.push(ch);
                            i += ch.len_utf8();
                        }
                        None => i += 1,
                    }
                }
                out.push(Token { tok: Tok::Str(text), span: start..i });
            }
            b'#' if bytes.get(i + 1) == Some(&b'{') => {
                i += 2;
                out.push(Token { tok: Tok::MapOpen, span: start..i });
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                out.push(Token { tok: Tok::Open(c as char), span: start..i });
            }
            b')' | b']' | b'}' => {
                i += 1;
                out.push(Token { tok: Tok::Close(c as char), span: start..i });
            }
            b',' => {
                i += 1;
                out.push(Token { tok: Tok::Comma, span: start..i });
            }
            b';' => {
                i += 1;
                out.push(Token { tok: Tok::Semi, span: start..i });
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                out.push(Token { tok: Tok::PathSep, span: start..i });
            }
            b':' => {
                i += 1;
                out.push(Token { tok: Tok::Colon, span: start..i });
            }
            b'=' if !matches!(bytes.get(i + 1), Some(b'=') | Some(b'>')) => {
                i += 1;
                out.push(Token { tok: Tok::Assign, span: start..i });
            }
            _ if c == b'_' || c.is_ascii_alphabetic() => {
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                out.push(Token { tok: Tok::Ident(src[start..i].to_owned()), span: start..i });
            }
            _ if c.is_ascii_digit() => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                out.push(Token { tok: Tok::Num, span: start..i });
            }
            _ => {
                let w = src.get(i..).and_then(|s| s.chars().next()).map_or(1, char::len_utf8);
                i += w;
                // Two-character operators (`+=`, `==`, `&&`, `..`) are one token.
                let pair = (c, bytes.get(i).copied().unwrap_or(0));
                let two = matches!(
                    pair,
                    (
                        b'+' | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'&'
                            | b'|'
                            | b'^'
                            | b'<'
                            | b'>'
                            | b'!'
                            | b'=',
                        b'='
                    )
                ) || matches!(
                    pair,
                    (b'&', b'&')
                        | (b'|', b'|')
                        | (b'*', b'*')
                        | (b'.', b'.')
                        | (b'=', b'>')
                        | (b'-', b'>')
                );
                if two {
                    i += 1;
                }
                out.push(Token { tok: Tok::Other, span: start..i });
            }
        }
    }
    out
}

/// A literal as far as the locator needs it; every node knows its extent.
#[derive(Debug)]
enum Node {
    Map { entries: Vec<(String, Range<usize>, Node)>, span: Range<usize> },
    Array { items: Vec<Node>, span: Range<usize> },
    Other { span: Range<usize>, ident: Option<String> },
}

impl Node {
    fn span(&self) -> Range<usize> {
        match self {
            Node::Map { span, .. } | Node::Array { span, .. } | Node::Other { span, .. } => {
                span.clone()
            }
        }
    }
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn end_of_previous(&self, or: usize) -> usize {
        self.i.checked_sub(1).and_then(|j| self.toks.get(j)).map_or(or, |t| t.span.end).max(or)
    }

    /// One expression, up to a top-level `,`, `;` or an unmatched closing
    /// bracket.
    fn expr(&mut self) -> Node {
        let start_i = self.i;
        let first = self.toks.get(self.i).map_or(0, |t| t.span.start);
        let literal = match self.peek() {
            Some(Tok::MapOpen) => self.map(first),
            Some(Tok::Open('[')) => self.array(first),
            _ => None,
        };
        if let Some(node) = literal {
            // A literal followed by more (`#{..} + x`) is not a plain literal.
            if matches!(self.peek(), None | Some(Tok::Comma | Tok::Semi | Tok::Close(_))) {
                return node;
            }
        }
        self.i = start_i;
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::MapOpen | Tok::Open(_) => depth += 1,
                Tok::Close(_) if depth == 0 => break,
                Tok::Close(_) => depth -= 1,
                Tok::Comma | Tok::Semi if depth == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
        let ident = match self.toks.get(start_i..self.i) {
            Some([Token { tok: Tok::Ident(name), .. }]) => Some(name.clone()),
            _ => None,
        };
        Node::Other { span: first..self.end_of_previous(first), ident }
    }

    fn map(&mut self, first: usize) -> Option<Node> {
        self.i += 1; // `#{`
        let mut entries = Vec::new();
        loop {
            match self.toks.get(self.i) {
                Some(Token { tok: Tok::Close('}'), .. }) => {
                    self.i += 1;
                    return Some(Node::Map { entries, span: first..self.end_of_previous(first) });
                }
                Some(Token { tok: Tok::Ident(k) | Tok::Str(k), span }) => {
                    let (key, kspan) = (k.clone(), span.clone());
                    self.i += 1;
                    if self.peek() != Some(&Tok::Colon) {
                        return None;
                    }
                    self.i += 1;
                    let value = self.expr();
                    entries.push((key, kspan, value));
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, first: usize) -> Option<Node> {
        self.i += 1; // `[`
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Close(']')) => {
                    self.i += 1;
                    return Some(Node::Array { items, span: first..self.end_of_previous(first) });
                }
                None | Some(Tok::Close(_)) => return None,
                _ => {
                    items.push(self.expr());
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
            }
        }
    }
}

/// What the locator found: the span, and whether the whole path was
/// followed (a partial match points at the deepest value it could reach).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: Range<usize>,
    pub complete: bool,
}

/// Span of the call's name token at `offset` (the position Rhai reports for
/// a call), extended over a `module::` path.
pub fn call_span(src: &str, offset: usize) -> Range<usize> {
    let toks = lex(src);
    let Some(i) = toks.iter().position(|t| t.span.end > offset) else {
        return offset..offset;
    };
    // A property access is reported at its `.`: label the name after it.
    let i = match (src.get(toks[i].span.clone()), toks.get(i + 1)) {
        (Some("."), Some(Token { tok: Tok::Ident(_), .. })) => i + 1,
        _ => i,
    };
    // A namespaced call is reported at its function name: take in `ns::`.
    let mut first = i;
    while first >= 2
        && matches!(toks[first - 1].tok, Tok::PathSep)
        && matches!(toks[first - 2].tok, Tok::Ident(_))
    {
        first -= 2;
    }
    let mut end = toks[i].span.end;
    let mut j = i + 1;
    while let (Some(Token { tok: Tok::PathSep, .. }), Some(Token { tok: Tok::Ident(_), span })) =
        (toks.get(j), toks.get(j + 1))
    {
        end = span.end;
        j += 2;
    }
    toks[first].span.start..end
}

/// Width of the token that starts at `offset`, for labels on plain sites.
pub fn token_at(src: &str, offset: usize) -> Range<usize> {
    lex(src)
        .into_iter()
        .find(|t| t.span.start >= offset || t.span.end > offset)
        .filter(|t| t.span.start <= offset + 1)
        .map(|t| t.span)
        .unwrap_or(offset..offset)
}

/// A file lexed once, so that many calls in it can be looked at cheaply
/// (the engine asks for the key order of every block a script declares).
pub struct Lexed {
    toks: Vec<Token>,
}

impl Lexed {
    pub fn new(src: &str) -> Self {
        Lexed { toks: lex(src) }
    }

    /// The arguments of the call whose name starts at `offset`.
    fn call_args(&self, src: &str, offset: usize) -> Option<Vec<Node>> {
        let toks = &self.toks;
        let mut i = toks.partition_point(|t| t.span.end <= offset);
        // Skip the callee: `name`, `module::name`, `obj.method`.
        while let Some(t) = toks.get(i) {
            match t.tok {
                Tok::Ident(_) | Tok::PathSep => i += 1,
                Tok::Other if src.get(t.span.clone()) == Some(".") => i += 1,
                _ => break,
            }
        }
        if !matches!(toks.get(i).map(|t| &t.tok), Some(Tok::Open('('))) {
            return None;
        }
        let mut p = Parser { toks, i: i + 1 };
        let mut args = Vec::new();
        while !matches!(p.peek(), None | Some(Tok::Close(_))) {
            args.push(p.expr());
            if p.peek() == Some(&Tok::Comma) {
                p.i += 1;
            } else {
                break;
            }
        }
        Some(args)
    }

    /// The order in which the call's map-literal arguments name their keys,
    /// nested maps and lists included (following a `let` binding when an
    /// argument is a variable). Rhai hands maps over sorted; this gives
    /// the operator's own order back.
    pub fn key_order(&self, src: &str, offset: usize) -> Vec<KeyOrder> {
        let Some(args) = self.call_args(src, offset) else { return Vec::new() };
        args.iter().map(|a| self.order_of(src, offset, a, 0)).collect()
    }

    fn order_of(&self, src: &str, before: usize, node: &Node, hops: u8) -> KeyOrder {
        match node {
            Node::Map { entries, .. } => KeyOrder::Map(
                entries
                    .iter()
                    .map(|(k, _, v)| (k.clone(), self.order_of(src, before, v, hops)))
                    .collect(),
            ),
            Node::Array { items, .. } => {
                KeyOrder::List(items.iter().map(|i| self.order_of(src, before, i, hops)).collect())
            }
            Node::Other { ident: Some(name), .. } if hops < 4 => {
                match binding(src, &self.toks, before, name) {
                    Some((bound, at)) => self.order_of(src, at, &bound, hops + 1),
                    None => KeyOrder::Unknown,
                }
            }
            Node::Other { .. } => KeyOrder::Unknown,
        }
    }
}

/// Where a map key was read, from the position Rhai reports for a missing
/// one: the span of the key's name (`tier` in `cfg.tier`, `"tier"` in
/// `cfg["tier"]`, also inside a template) and the text of the map it was
/// read from when that is a plain path (`cfg`, `net.subnets`).
pub fn key_read(src: &str, offset: usize, key: &str) -> Option<(Range<usize>, Option<String>)> {
    let toks = lex(src);
    let tok = toks.iter().find(|t| t.span.start <= offset && offset < t.span.end)?;
    let text = src.get(tok.span.clone())?;
    let name = match &tok.tok {
        Tok::Ident(k) if k == key => tok.span.clone(),
        Tok::Str(k) if k == key && !text.starts_with('`') => tok.span.clone(),
        // Inside a template: find `.key` or `["key"]` in its text.
        Tok::Str(_) => {
            let base = tok.span.start;
            let is_word = |c: char| c == '_' || c.is_ascii_alphanumeric();
            let dotted = text
                .match_indices(&format!(".{key}"))
                .find(|(i, m)| !text[i + m.len()..].starts_with(is_word));
            match dotted {
                Some((i, _)) => base + i + 1..base + i + 1 + key.len(),
                None => {
                    let (i, m) = text.match_indices(&format!("[\"{key}\"]")).next()?;
                    base + i + 1..base + i + m.len() - 1
                }
            }
        }
        _ => return None,
    };
    Some((name.clone(), receiver(src, name.start)))
}

/// The plain path (`a`, `a.b`) just before the `.` or `[` at the end of
/// `src[..end]`; `None` when it is a call or anything else.
fn receiver(src: &str, end: usize) -> Option<String> {
    let before = src.get(..end)?;
    let before = before.strip_suffix('.').or_else(|| before.strip_suffix('['))?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| *c == '_' || *c == '.' || c.is_ascii_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let path = &before[start..];
    let ok = !path.is_empty()
        && path.split('.').all(|p| p.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic()));
    ok.then(|| path.to_owned())
}

/// The innermost `(`, `[`, `{` or `#{` opened at or before `before` and
/// never closed (or closed by the wrong bracket): where a parser that
/// stumbled later should point, as rustc does.
pub fn unclosed_delimiter(src: &str, before: usize) -> Option<Range<usize>> {
    let mut stack: Vec<Token> = Vec::new();
    for t in lex(src) {
        match t.tok {
            Tok::MapOpen | Tok::Open(_) => stack.push(t),
            Tok::Close(c) => {
                let Some(top) = stack.last() else { continue };
                // A closer that starts its line left of the line that opened
                // the top bracket belongs to an outer one: the top is unclosed.
                let dedented = first_on_line(src, t.span.start)
                    .zip(first_on_line(src, line_start(src, top.span.start)))
                    .is_some_and(|(closer, opener)| closer < opener)
                    && first_on_line(src, t.span.start)
                        .is_some_and(|i| i == t.span.start - line_start(src, t.span.start));
                if dedented && top.span.start <= before {
                    return Some(top.span.clone());
                }
                let matches = match top.tok {
                    Tok::MapOpen => c == '}',
                    Tok::Open(o) => matches!((o, c), ('(', ')') | ('[', ']') | ('{', '}')),
                    _ => false,
                };
                if matches {
                    stack.pop();
                } else if top.span.start <= before {
                    return Some(top.span.clone());
                } else {
                    return None;
                }
            }
            _ => {}
        }
    }
    stack.into_iter().rev().find(|t| t.span.start <= before).map(|t| t.span)
}

fn line_start(src: &str, offset: usize) -> usize {
    src.get(..offset).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1)
}

/// Indentation of the line holding `offset` (its first non-blank column).
fn first_on_line(src: &str, offset: usize) -> Option<usize> {
    let start = line_start(src, offset);
    let line = src.get(start..)?.split('\n').next()?;
    Some(line.len() - line.trim_start().len())
}

/// The token that ends before `offset`: where a missing `,` belongs.
pub fn token_before(src: &str, offset: usize) -> Option<Range<usize>> {
    lex(src).into_iter().take_while(|t| t.span.end <= offset).last().map(|t| t.span)
}

/// The span of argument `n` of the call at `offset`.
pub fn call_arg(src: &str, offset: usize, n: usize) -> Option<Range<usize>> {
    let lexed = Lexed::new(src);
    lexed.call_args(src, offset)?.get(n).map(Node::span)
}

/// The expression bound to `name` by the last `let`/`const` before
/// `before`: what a plain variable stands for.
pub fn binding_of(src: &str, before: usize, name: &str) -> Option<Range<usize>> {
    let toks = lex(src);
    binding(src, &toks, before, name).map(|(node, _)| node.span())
}

/// Key order of a literal as written: maps list their keys in order, lists
/// their items; anything else is not a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrder {
    Map(Vec<(String, KeyOrder)>),
    List(Vec<KeyOrder>),
    Unknown,
}

/// Follows `path` through the literal arguments of the call at `offset`.
/// Returns `None` when the call has no literal argument containing the
/// first step of the path.
pub fn find_in_call(src: &str, offset: usize, path: &[PathSeg], target: Target) -> Option<Found> {
    let lexed = Lexed::new(src);
    let args = lexed.call_args(src, offset)?;
    if path.is_empty() {
        return None;
    }
    let mut best: Option<Found> = None;
    for arg in &args {
        if let Some(found) = follow(src, &lexed.toks, offset, arg, path, target, 0) {
            if found.complete {
                return Some(found);
            }
            best.get_or_insert(found);
        }
    }
    best
}

fn follow(
    src: &str,
    toks: &[Token],
    before: usize,
    node: &Node,
    path: &[PathSeg],
    target: Target,
    hops: u8,
) -> Option<Found> {
    let Some((seg, rest)) = path.split_first() else {
        return Some(Found { span: node.span(), complete: true });
    };
    match (node, seg) {
        (Node::Map { entries, .. }, PathSeg::Key(k)) => {
            let (_, kspan, value) = entries.iter().find(|e| &e.0 == k)?;
            if rest.is_empty() {
                let span = match target {
                    Target::Key => kspan.clone(),
                    _ => value.span(),
                };
                return Some(Found { span, complete: true });
            }
            Some(
                follow(src, toks, before, value, rest, target, hops)
                    .unwrap_or(Found { span: value.span(), complete: false }),
            )
        }
        (Node::Array { items, .. }, PathSeg::Index(n)) => {
            let item = items.get(*n)?;
            if rest.is_empty() {
                return Some(Found { span: item.span(), complete: true });
            }
            Some(
                follow(src, toks, before, item, rest, target, hops)
                    .unwrap_or(Found { span: item.span(), complete: false }),
            )
        }
        (Node::Other { ident: Some(name), .. }, _) if hops < 4 => {
            // `f(opts)`: look for the last `let opts = ...` before the call.
            let bound = binding(src, toks, before, name)?;
            follow(src, toks, bound.1, &bound.0, path, target, hops + 1)
        }
        _ => None,
    }
}

fn binding(_src: &str, toks: &[Token], before: usize, name: &str) -> Option<(Node, usize)> {
    let idx = toks.iter().enumerate().rev().find_map(|(i, t)| {
        let is_decl = matches!(&t.tok, Tok::Ident(k) if k == "let" || k == "const");
        let named = matches!(toks.get(i + 1).map(|t| &t.tok), Some(Tok::Ident(n)) if n == name);
        let assigns = matches!(toks.get(i + 2).map(|t| &t.tok), Some(Tok::Assign));
        (t.span.start < before && is_decl && named && assigns).then_some(i + 3)
    })?;
    let mut p = Parser { toks, i: idx };
    let node = p.expr();
    Some((node, toks.get(idx).map_or(before, |t| t.span.start)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.into())
    }

    fn at<'a>(src: &'a str, found: &Found) -> &'a str {
        &src[found.span.clone()]
    }

    #[test]
    fn finds_a_key_in_a_multi_line_map() {
        let src = "let db = rds::database(#{\n    engine: \"mysql\",\n    instance_clas: \"db.t3.micro\",\n});";
        let off = src.find("rds").unwrap();
        let f = find_in_call(src, off, &[key("instance_clas")], Target::Key).unwrap();
        assert_eq!(at(src, &f), "instance_clas");
        let v = find_in_call(src, off, &[key("instance_clas")], Target::Value).unwrap();
        assert_eq!(at(src, &v), "\"db.t3.micro\"");
    }

    #[test]
    fn follows_nested_maps_and_arrays() {
        let src = r#"resource("aws_security_group", "web", #{
  name: "web",
  ingress: [
    #{ from_port: 80, to_port: 80 },
    #{ from_port: "x", to_prot: 443 },
  ],
});"#;
        let f =
            find_in_call(src, 0, &[key("ingress"), PathSeg::Index(1), key("to_prot")], Target::Key)
                .unwrap();
        assert_eq!(at(src, &f), "to_prot");
        let v = find_in_call(
            src,
            0,
            &[key("ingress"), PathSeg::Index(1), key("from_port")],
            Target::Value,
        )
        .unwrap();
        assert_eq!(at(src, &v), "\"x\"");
        let whole =
            find_in_call(src, 0, &[key("ingress"), PathSeg::Index(0)], Target::Value).unwrap();
        assert_eq!(at(src, &whole), "#{ from_port: 80, to_port: 80 }");
    }

    #[test]
    fn follows_a_variable_to_its_let_binding() {
        let src = "let opts = #{ cidr: \"10.0.0/16\", azs: 3 };\nlet v = net::vpc(opts);";
        let off = src.find("net").unwrap();
        let f = find_in_call(src, off, &[key("cidr")], Target::Value).unwrap();
        assert_eq!(at(src, &f), "\"10.0.0/16\"");
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        let src = "f(\"a\", #{ // a } comment\n  s: \"}{\", t: `x ${ y } z`, k: 1 })";
        let f = find_in_call(src, 0, &[key("k")], Target::Key).unwrap();
        assert_eq!(at(src, &f), "k");
    }

    #[test]
    fn quoted_keys_and_partial_paths() {
        let src = "f(#{ \"kubernetes.io/role\": \"1\", tags: some_var })";
        let f = find_in_call(src, 0, &[key("kubernetes.io/role")], Target::Key).unwrap();
        assert_eq!(at(src, &f), "\"kubernetes.io/role\"");
        let p = find_in_call(src, 0, &[key("tags"), key("Name")], Target::Key).unwrap();
        assert!(!p.complete);
        assert_eq!(at(src, &p), "some_var");
    }

    #[test]
    fn key_order_is_the_operators() {
        let src = "let t = #{ Zed: 1, Alpha: 2 };\nresource(\"aws_vpc\", \"m\", #{ tags: t, cidr_block: \"x\", ingress: [#{ to: 1, from: 2 }] });";
        let off = src.find("resource").unwrap();
        let order = Lexed::new(src).key_order(src, off);
        let KeyOrder::Map(keys) = &order[2] else { panic!("{order:?}") };
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["tags", "cidr_block", "ingress"]);
        assert_eq!(
            keys[0].1,
            KeyOrder::Map(vec![
                ("Zed".into(), KeyOrder::Unknown),
                ("Alpha".into(), KeyOrder::Unknown)
            ])
        );
        let KeyOrder::List(items) = &keys[2].1 else { panic!() };
        assert_eq!(
            items[0],
            KeyOrder::Map(vec![
                ("to".into(), KeyOrder::Unknown),
                ("from".into(), KeyOrder::Unknown)
            ])
        );
    }

    #[test]
    fn finds_the_unclosed_delimiter() {
        let src = "let a = f(#{ x: [1, 2] };\nlet b = 3;";
        assert_eq!(unclosed_delimiter(src, src.len()).map(|r| &src[r]), Some("("));
        let src = "fn f() {\n  g(1, \"(\" );\n";
        assert_eq!(unclosed_delimiter(src, src.len()).map(|r| &src[r]), Some("{"));
        let src = "let a = [1, 2);";
        assert_eq!(unclosed_delimiter(src, src.len()).map(|r| &src[r]), Some("["));
        assert_eq!(unclosed_delimiter("f(1);", 5), None);
        // The dedented `}` closes the outer map: the inner one is unclosed.
        let src = "f(#{\n    a: 1,\n    tags: #{ b: 2,\n});\n";
        assert_eq!(unclosed_delimiter(src, src.len()), Some(25..27));
        let ok = "f(#{\n    tags: #{\n        b: 2,\n    },\n});\n";
        assert_eq!(unclosed_delimiter(ok, ok.len()), None);
    }

    #[test]
    fn call_span_covers_module_path() {
        let src = "let x = net::vpc(#{})";
        let off = src.find("net").unwrap();
        assert_eq!(&src[call_span(src, off)], "net::vpc");
    }
}
